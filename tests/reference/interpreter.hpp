// The reference interpreter (tests only): evaluates a filter predicate of the
// typed IR (engine/semantic/ir.hpp) on in-memory objects, implementing the
// semantics table of docs/query-language.md ("Semantics") directly and independently of the
// SQL compiler. The differential test runs every random filter through both
// and requires the same answer; the semantics tests check it against the
// hand-written expectations too, so the oracle itself is tested.
//
// The rules it implements (logic is two-valued: never "unknown"):
//   IsNull             the field is missing (absent or null)
//   Compare            false when the field is missing; otherwise the operator
//                      on the value (caseInsensitive: both sides ASCII-lower-cased,
//                      _MATCHES then matches ignoring case)
//   Not                the exact complement (so `f_NOT: v` is true for a missing f)
//   And / Or           all / any of the children (empty: true / false)
//   Related Some       at least one related object satisfies the child
//   Related None       no related object satisfies the child
//   Related All        at least one related object, and all of them satisfy it
//   Related Single     exactly one related object satisfies it
//   Count              the number of related objects compared with the count
#pragma once

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/semantic/ir.hpp"

namespace posture::reference {

// One field value: missing (monostate), a scalar, or a list of strings.
using Value =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>>;

// An asset in memory: its type, id, field values and related objects.
struct Object {
  std::string type;
  std::string id;
  std::map<std::string, Value> fields;                 // absent key = missing
  std::map<std::string, std::vector<Object>> related;  // absent key = none
};

namespace detail {

inline std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

inline const Value& field_value(const Object& o, const std::string& name) {
  static const Value missing;
  auto it = o.fields.find(name);
  return it == o.fields.end() ? missing : it->second;
}

inline bool is_missing(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// -1, 0, 1 for numbers (int or double on either side).
inline int compare_numbers(double a, double b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

inline std::optional<double> as_number(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

inline std::optional<double> as_number(const ir::Literal& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

// Three-way comparison of a present scalar value with a literal of its type;
// nullopt when they cannot be compared.
inline std::optional<int> three_way(const Value& v, const ir::Literal& lit, bool fold) {
  if (auto* s = std::get_if<std::string>(&v)) {
    auto* l = std::get_if<std::string>(&lit);
    if (!l) return std::nullopt;
    int c = fold ? lower(*s).compare(lower(*l)) : s->compare(*l);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (auto* b = std::get_if<bool>(&v)) {
    auto* l = std::get_if<bool>(&lit);
    if (!l) return std::nullopt;
    return *b == *l ? 0 : (*b ? 1 : -1);
  }
  auto* vi = std::get_if<int64_t>(&v);
  auto* li = std::get_if<int64_t>(&lit);
  if (vi && li) return *vi < *li ? -1 : (*vi > *li ? 1 : 0);
  auto a = as_number(v), b = as_number(lit);
  if (!a || !b) return std::nullopt;
  return compare_numbers(*a, *b);
}

// Equality of a list field with a list literal (the IR carries it as the
// list's compact JSON text): same elements in the same order.
inline bool list_equals(const std::vector<std::string>& list, const ir::Literal& lit, bool fold) {
  auto* text = std::get_if<std::string>(&lit);
  if (!text) return false;
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  if (!parsed.is_array() || parsed.size() != list.size()) return false;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!parsed[i].is_string()) return false;
    std::string want = parsed[i].get<std::string>();
    if (fold ? lower(list[i]) != lower(want) : list[i] != want) return false;
  }
  return true;
}

inline bool text_op(ir::CompareOp op, std::string value, std::string operand, bool fold) {
  if (fold && op != ir::CompareOp::Matches) {
    value = lower(value);
    operand = lower(operand);
  }
  switch (op) {
    case ir::CompareOp::Contains:
      return value.find(operand) != std::string::npos;
    case ir::CompareOp::StartsWith:
      return value.size() >= operand.size() && value.compare(0, operand.size(), operand) == 0;
    case ir::CompareOp::EndsWith:
      return value.size() >= operand.size() &&
             value.compare(value.size() - operand.size(), operand.size(), operand) == 0;
    case ir::CompareOp::Matches: {
      RE2::Options options;
      options.set_log_errors(false);
      options.set_case_sensitive(!fold);
      RE2 re(operand, options);
      return re.ok() && RE2::FullMatch(value, re);
    }
    default:
      return false;
  }
}

// One comparison of a present value with one literal.
inline bool compare_one(ir::CompareOp op, const Value& v, const ir::Literal& lit, bool fold) {
  using Op = ir::CompareOp;
  if (auto* list = std::get_if<std::vector<std::string>>(&v)) {
    if (op == Op::Eq || op == Op::In) return list_equals(*list, lit, fold);
    if (op != Op::Includes) return false;
    auto* want = std::get_if<std::string>(&lit);
    if (!want) return false;
    return std::any_of(list->begin(), list->end(), [&](const std::string& item) {
      return fold ? lower(item) == lower(*want) : item == *want;
    });
  }
  switch (op) {
    case Op::Eq:
    case Op::In:
      return three_way(v, lit, fold) == 0;
    case Op::Lt:
    case Op::Lte:
    case Op::Gt:
    case Op::Gte: {
      auto c = three_way(v, lit, fold);
      if (!c) return false;
      if (op == Op::Lt) return *c < 0;
      if (op == Op::Lte) return *c <= 0;
      if (op == Op::Gt) return *c > 0;
      return *c >= 0;
    }
    case Op::Contains:
    case Op::StartsWith:
    case Op::EndsWith:
    case Op::Matches: {
      auto* s = std::get_if<std::string>(&v);
      auto* l = std::get_if<std::string>(&lit);
      return s && l && text_op(op, *s, *l, fold);
    }
    case Op::Includes:
      return false;  // only on lists
  }
  return false;
}

}  // namespace detail

inline bool evaluate(const ir::Predicate& p, const Object& o);

namespace detail {

inline bool evaluate_compare(const ir::Predicate& p, const Object& o) {
  const Value& v = field_value(o, p.field->name);
  if (is_missing(v)) return false;
  return std::any_of(p.values.begin(), p.values.end(), [&](const ir::Literal& lit) {
    return compare_one(p.op, v, lit, p.case_insensitive);
  });
}

inline bool evaluate_related(const ir::Predicate& p, const Object& o) {
  static const std::vector<Object> none;
  auto it = o.related.find(p.relationship->name);
  const std::vector<Object>& children = it == o.related.end() ? none : it->second;
  if (p.kind == ir::Predicate::Kind::Count) {
    auto n = static_cast<int64_t>(children.size());
    switch (p.count_op) {
      case ir::CountOp::Eq:
        return n == p.count;
      case ir::CountOp::Lt:
        return n < p.count;
      case ir::CountOp::Lte:
        return n <= p.count;
      case ir::CountOp::Gt:
        return n > p.count;
      case ir::CountOp::Gte:
        return n >= p.count;
    }
    return false;
  }
  size_t satisfied = 0;
  for (const auto& child : children)
    if (p.children.empty() || reference::evaluate(p.children.front(), child)) ++satisfied;
  switch (p.quantifier) {
    case ir::Quantifier::Some:
      return satisfied >= 1;
    case ir::Quantifier::None:
      return satisfied == 0;
    case ir::Quantifier::All:
      return !children.empty() && satisfied == children.size();
    case ir::Quantifier::Single:
      return satisfied == 1;
  }
  return false;
}

}  // namespace detail

// True when `o` satisfies `p`, by the two-valued semantics of docs/query-language.md.
inline bool evaluate(const ir::Predicate& p, const Object& o) {
  using Kind = ir::Predicate::Kind;
  switch (p.kind) {
    case Kind::True:
      return true;
    case Kind::False:
      return false;
    case Kind::And:
      return std::all_of(p.children.begin(), p.children.end(),
                         [&](const ir::Predicate& c) { return evaluate(c, o); });
    case Kind::Or:
      return std::any_of(p.children.begin(), p.children.end(),
                         [&](const ir::Predicate& c) { return evaluate(c, o); });
    case Kind::Not:
      return !evaluate(p.children.at(0), o);
    case Kind::IsNull:
      return detail::is_missing(detail::field_value(o, p.field->name));
    case Kind::Compare:
      return detail::evaluate_compare(p, o);
    case Kind::Related:
    case Kind::Count:
      return detail::evaluate_related(p, o);
  }
  return false;
}

// The ids of the objects satisfying `p`, sorted.
inline std::vector<std::string> matching_ids(const ir::Predicate& p,
                                             const std::vector<Object>& objects) {
  std::vector<std::string> ids;
  for (const auto& o : objects)
    if (evaluate(p, o)) ids.push_back(o.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace posture::reference
