// Internal to the semantic stage: the state shared while analysing one
// operation (schema, variables, collected errors) and the filter analyser.
#pragma once

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "base/diagnostic.hpp"
#include "base/model/schema.hpp"
#include "engine/semantic/analyzer.hpp"
#include "engine/semantic/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::semantic {

struct Context {
  const schema::Schema& schema;
  const syntax::Document& doc;
  std::string source;
  // Variable values after defaults, as syntax values (no Variable kinds inside).
  std::map<std::string, syntax::Value> variables;
  // Declared, nullable, without a value or default: an input field set to one
  // is absent (GraphQL "Input Coercion"), not null.
  std::set<std::string> absent;
  Diagnostics errors;
  Limits limits;
  size_t filter_nodes = 0;  // filter keys and values analysed so far
  size_t selections = 0;    // fields selected so far, fragments expanded
  bool over_limit = false;  // a limit was crossed (reported once): stop expanding

  // Counts `n` more filter nodes at `loc`; false (reported once) past the limit.
  bool count_filter_nodes(size_t n, syntax::Location loc);
  // Whether a list or string value is within its limit; reports it when not.
  bool within_limits(const syntax::Value& v);

  SourceLocation at(syntax::Location loc) const { return {source, loc.line, loc.column}; }
  void error(std::string code, syntax::Location loc, std::string message, std::string hint = "");

  // The value with variables replaced by their values; reports undefined ones.
  const syntax::Value& resolve(const syntax::Value& v);
  // Whether `v` is a variable that was not provided: its input field is left out.
  bool is_absent(const syntax::Value& v) const {
    return v.kind == syntax::Value::Kind::Variable && absent.count(v.text) > 0;
  }
  // Describes a value for messages: `"abc"`, `42`, `an object`, `enum HIGH`.
  static std::string describe(const syntax::Value& v);
};

// `where: {...}` on `type` -> a predicate. Errors go to ctx.errors.
ir::Predicate analyze_filter(Context& ctx, const schema::ObjectType& type,
                             const syntax::Value& where);

// A literal for `field`: type-checked (code "type-mismatch" naming the field's type).
std::optional<ir::Literal> field_literal(Context& ctx, const schema::Field& field,
                                         const syntax::Value& value, bool element_of_list = false);

}  // namespace posture::semantic
