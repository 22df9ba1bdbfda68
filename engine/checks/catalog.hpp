// Stored checks: one GraphQL file each in queries/, the metadata in a @check
// directive on the operation. Catalog::load parses and compiles every check
// once, from one directory or several (a check id is unique across all of
// them); an error in any file is reported with file:line:column. The @check
// arguments are validated like the query: an unknown one is an error at its
// position with the nearest known name, and every subject must be the type of
// one of the query's root fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "engine/exec/engine.hpp"

namespace posture::checks {

// What the query's result must be for the check to pass.
struct Expectation {
  enum class Kind { Empty, NonEmpty, Count };  // "eq []", "neq []", "count <op> N"
  Kind kind = Kind::Empty;
  ir::CountOp op = ir::CountOp::Eq;
  int64_t count = 0;
  std::string text;  // as written

  // Accepts "eq []", "neq []", "count == N" / "count < N" / "<=" / ">" / ">=".
  static Result<Expectation> parse(std::string_view text);
  bool holds(uint64_t matched) const;
};

enum class Severity { Low, Medium, High, Critical };
std::string_view severity_name(Severity s);  // "low" ... "critical"
// "low" ... "critical", case-insensitive; nullopt for anything else.
std::optional<Severity> severity_from_name(std::string_view name);

struct Check {
  std::string id;
  std::string title;
  Severity severity = Severity::Medium;
  std::vector<std::string> providers;
  std::vector<std::string> subjects;    // schema type names, e.g. Connector
  std::vector<std::string> frameworks;  // "<framework>:<requirement>"
  std::vector<std::string> references;
  std::string rationale;
  std::string remediation;
  Expectation expect;
  std::string file;                    // path of the .graphql file
  std::string text;                    // the operation without its @check directive, as written
  std::vector<std::string> variables;  // the variables the operation declares
  exec::CompiledQuery query;
};

class Catalog {
 public:
  // Loads every *.graphql file of `dir` (sorted by name), parses and compiles it.
  static Result<Catalog> load(const std::string& dir, const exec::Engine& engine = exec::Engine());
  // Loads the checks of every directory in `dirs`, in that order. A check id
  // found twice is an error naming both files. `variables` (name -> JSON
  // value) are given to each check that declares them; a name no check
  // declares is an error ("unknown-variable", with the nearest declared name).
  static Result<Catalog> load(const std::vector<std::string>& dirs, const nlohmann::json& variables,
                              const exec::Engine& engine = exec::Engine());
  // Reads one check from GraphQL text (`file` names it in diagnostics),
  // compiled with those of `variables` its operation declares.
  static Result<Check> parse_check(std::string_view text, const std::string& file,
                                   const exec::Engine& engine = exec::Engine(),
                                   const nlohmann::json& variables = nlohmann::json::object());

  const std::vector<Check>& checks() const { return checks_; }
  const Check* find(std::string_view id) const;

 private:
  std::vector<Check> checks_;
};

}  // namespace posture::checks
