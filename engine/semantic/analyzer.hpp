// The semantic stage: a parsed document + the schema -> the typed query IR.
// Resolves names, expands fragments and variables, type-checks every value and
// reports what is wrong with line, column and "did you mean" hints. It never
// returns a partial query: any error means no IR.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "engine/semantic/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::semantic {

// What one operation may ask for (docs/robustness.md). Beyond a limit the
// query is refused with a "too-large" or "too-deep" diagnostic at the value
// that crossed it, before any SQL is written: the limits keep the compiled SQL
// within what SQLite accepts (bound parameters, expression size) and the work
// proportional to the text, whatever comes from variables and fragments.
struct Limits {
  size_t max_list_items = 10000;          // items of one list value (`name_IN: [...]`)
  size_t max_string_bytes = 1 << 20;      // bytes of one string value (1 MiB)
  size_t max_filter_nodes = 20000;        // filter keys and values of the operation
  size_t max_selections = 10000;          // fields selected, once fragments are expanded
  int max_fragment_depth = 256;           // fragments spreading fragments
  int max_variable_depth = 256;           // nesting of one variable's JSON value
  size_t max_variables_bytes = 16 << 20;  // text of the operation's variables (16 MiB)
};

struct AnalyzeOptions {
  std::string operation_name;  // which operation to run when the document has several
  nlohmann::json variables = nlohmann::json::object();  // values of $variables
  std::string source_name = "<query>";                  // for diagnostics
  Limits limits;
};

// Analyses the operation `options.operation_name` (or the only one) of `doc`.
Result<ir::Query> analyze(const syntax::Document& doc, const schema::Schema& schema,
                          const AnalyzeOptions& options = {});

}  // namespace posture::semantic
