// Random inventories and random filters for the differential test (tests
// only): a deterministic generator (splitmix64), small value pools (case
// variants, empty strings, LIKE wildcards, quotes, non-ASCII) so that
// predicates hit, and filters written as GraphQL TEXT in both syntaxes of the
// dialect: every operator, AND/OR/NOT, the relationship quantifiers with their
// `: null` and `{}` forms, aggregates, nested to a given depth. It records
// which forms it wrote, so a run can prove that it covered all of them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/schema/schema.hpp"
#include "tests/reference/interpreter.hpp"

namespace posture::reference::random {

using schema::Field;
using schema::ObjectType;
using schema::ScalarType;
using schema::Schema;

// splitmix64: small, fast and the same on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  uint64_t state_;
};

// Value pools: small, so that predicates hit; with case variants, empty
// strings, LIKE wildcards, quotes and non-ASCII text.
const std::vector<std::string> kStrings{"",     "a",   "A",       "ab",      "aB",  "Ab",  "abc",
                                        "ABC",  "b",   "ba",      "On",      "on",  "Off", "High",
                                        "high", "Low", "x@y.com", "X@Y.COM", "a%b", "a_b", "%",
                                        "_",    "a.b", "it's",    "q\"q",    "é",   "Ab%", "b\\c"};
const std::vector<std::string> kOperands{"",    "a",  "A",  "b",   "B",    "ab",   "Ab",
                                         "abc", "On", "on", "OFF", "High", "x",    "y.com",
                                         "@",   "%",  "_",  "a%",  "é",    "q\"q", "\\"};
const std::vector<std::string> kPatterns{
    "a.*",     ".*b",  "[aA]b?", "On|Off", "",  ".*",  "a",           "(?i)on", ".*@.*\\.com",
    "x@y.com", "\\S+", "\\w*",   "[^a]*",  ".", "A|a", "[A-Z][a-z]+", "\\D*"};
const std::vector<std::vector<std::string>> kLists{{},
                                                   {"a"},
                                                   {"A"},
                                                   {"a", "b"},
                                                   {"b", "a"},
                                                   {"On"},
                                                   {"Owner", "AccountAdmin"},
                                                   {"owner"},
                                                   {""},
                                                   {"a%b", "x@y.com"},
                                                   {"q\"q"}};
const std::vector<int64_t> kInts{-3, 0, 1, 2, 10, 100};
const std::vector<double> kFloats{-1.5, 0, 0.5, 1, 2.25};

// A GraphQL string literal.
inline std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

inline std::string number_text(double d) {
  std::string s = std::to_string(d);
  return s;
}

// --- random inventories ------------------------------------------------------

inline Value random_value(Rng& rng, const Field& field) {
  if (rng.chance(25)) return Value{};  // missing
  if (field.list) return rng.pick(kLists);
  switch (field.scalar) {
    case ScalarType::ID:
    case ScalarType::String:
      return rng.pick(kStrings);
    case ScalarType::Int:
      return rng.pick(kInts);
    case ScalarType::Float:
      return rng.pick(kFloats);
    case ScalarType::Boolean:
      return rng.chance(50);
  }
  return Value{};
}

// The value of a field read through a relationship (@through), as the
// compiler reads it: the first related object's value (or, with equals,
// whether any related object's value equals it, strings ignoring ASCII case),
// else the field's @fill, else missing.
inline Value through_value(const Object& o, const Field& f) {
  Value out;
  auto it = o.related.find(f.through.relationship);
  if (it != o.related.end()) {
    if (f.through.equals.empty()) {
      for (const auto& c : it->second) {
        const Value& v = detail::field_value(c, f.through.field);
        if (!detail::is_missing(v)) {
          out = v;
          break;
        }
      }
    } else if (!it->second.empty()) {
      auto wanted = nlohmann::json::parse(f.through.equals);
      bool any = false;
      for (const auto& c : it->second) {
        const Value& v = detail::field_value(c, f.through.field);
        if (const auto* text = std::get_if<std::string>(&v))
          any = any || (wanted.is_string() &&
                        detail::lower(*text) == detail::lower(wanted.get<std::string>()));
        if (const auto* b = std::get_if<bool>(&v))
          any = any || (wanted.is_boolean() && *b == wanted.get<bool>());
      }
      out = any;
    }
  }
  if (detail::is_missing(out) && !f.arm.fill.empty()) {
    auto fill = nlohmann::json::parse(f.arm.fill);
    if (fill.is_boolean())
      out = fill.get<bool>();
    else if (fill.is_number_integer() && f.scalar != ScalarType::Float)
      out = fill.get<int64_t>();
    else if (fill.is_number())
      out = fill.get<double>();
    else if (fill.is_string())
      out = fill.get<std::string>();
  }
  return out;
}

// One object of `type` with random fields and (down to `levels` more levels)
// 0..max_children related objects per relationship; fields read through a
// relationship (@through) get what their related objects give.
inline Object random_object(Rng& rng, const Schema& schema, const ObjectType& type, std::string id,
                            int levels) {
  Object o;
  o.type = type.name;
  o.id = id;
  for (const auto& field : type.fields) {
    if (field.name == "id" || field.derived()) continue;
    Value v = random_value(rng, field);
    if (!std::holds_alternative<std::monostate>(v)) o.fields[field.name] = std::move(v);
  }
  o.fields["id"] = id;
  auto derive = [&] {
    for (const auto& field : type.fields)
      if (field.derived())
        if (Value v = through_value(o, field); !detail::is_missing(v))
          o.fields[field.name] = std::move(v);
  };
  if (levels == 0) {
    derive();
    return o;
  }
  for (const auto& rel : type.relationships) {
    // An inverse relationship (direction: IN) is its forward one read from
    // the child: the inventory nests children only forwards.
    if (rel.inverse) continue;
    size_t n = rng.below(levels > 1 ? 5 : 3);      // 0..4 at the first level, 0..2 below
    if (rel.in_owner) n = std::min<size_t>(n, 1);  // the owner's row holds at most one
    auto& children = o.related[rel.name];
    for (size_t i = 0; i < n; ++i)
      children.push_back(random_object(rng, schema, *schema.type(rel.target),
                                       id + "/" + rel.name + "-" + std::to_string(i), levels - 1));
  }
  derive();
  return o;
}

inline std::vector<Object> random_inventory(Rng& rng, const Schema& schema,
                                            const ObjectType& root) {
  std::vector<Object> objects;
  size_t n = 6 + rng.below(7);
  for (size_t i = 0; i < n; ++i) {
    std::string id = std::string(i % 2 ? "c" : "C") + std::to_string(i);  // mixed case ids
    objects.push_back(random_object(rng, schema, root, id, 2));
  }
  return objects;
}

// --- random filters, as GraphQL text ----------------------------------------

// The forms the generator writes, by the kind of field they apply to. The run
// asserts that every form of every kind its schema has was generated.
const std::map<std::string, std::vector<std::string>> kForms{
    {"string",
     {"f:v",
      "f:null",
      "_EQ",
      "_EQ:null",
      "_NOT",
      "_NOT:null",
      "_IN",
      "_IN:null",
      "_NOT_IN",
      "_CONTAINS",
      "_NOT_CONTAINS",
      "_STARTS_WITH",
      "_NOT_STARTS_WITH",
      "_ENDS_WITH",
      "_NOT_ENDS_WITH",
      "_MATCHES",
      "_LT",
      "_LTE",
      "_GT",
      "_GTE",
      "{eq}",
      "{eq:null}",
      "{in}",
      "{contains}",
      "{startsWith}",
      "{endsWith}",
      "{matches}",
      "{lt}",
      "{lte}",
      "{gt}",
      "{gte}",
      "{ci:eq}",
      "{ci:in}",
      "{ci:contains}",
      "{ci:startsWith}",
      "{ci:endsWith}",
      "{ci:matches}",
      "{ci:lt}",
      "{ci:lte}",
      "{ci:gt}",
      "{ci:gte}"}},
    {"bool",
     {"b:v", "b:null", "b_EQ", "b_NOT", "b_NOT:null", "b_IN", "b_NOT_IN", "b{eq}", "b{in}"}},
    {"number",
     {"n:v", "n:null", "n_EQ", "n_NOT", "n_IN", "n_NOT_IN", "n_LT", "n_LTE", "n_GT", "n_GTE",
      "n{eq}", "n{in}", "n{lt}", "n{lte}", "n{gt}", "n{gte}"}},
    {"list",
     {"_INCLUDES", "_NOT_INCLUDES", "{includes}", "{ci:includes}", "l:[..]", "l:null", "l_NOT:null",
      "l_NOT:[..]", "l_EQ:[..]", "l{eq:[..]}"}},
    {"relationship",
     {"r_SOME",  "r",      "r_NONE",    "r_ALL",       "r_SINGLE",  "r_NOT",        "r{some}",
      "r{none}", "r{all}", "r{single}", "r_SOME:null", "r:null",    "r{some:null}", "r_NOT:null",
      "r_X:{}",  "count",  "count_EQ",  "count_LT",    "count_LTE", "count_GT",     "count_GTE"}},
    {"logic", {"AND", "AND:[]", "OR", "OR:[]", "NOT", "where:{}", "several-keys"}},
};

class FilterGenerator {
 public:
  FilterGenerator(Rng& rng, const Schema& schema, std::set<std::string>& forms,
                  std::vector<std::string> ids)
      : rng_(rng), schema_(schema), forms_(forms), ids_(std::move(ids)) {}

  // `{ k1: v1, k2: v2 }` on `type`, nested at most `depth` more levels.
  std::string object(const ObjectType& type, int depth) {
    size_t r = rng_.below(100);
    size_t keys = r < 6 ? 0 : r < 55 ? 1 : r < 85 ? 2 : 3;
    std::set<std::string> used;
    std::string text;
    for (size_t i = 0; i < keys; ++i) {
      auto [name, member] = key(type, depth);
      if (!used.insert(name).second) continue;  // a key may appear once per object
      text += (text.empty() ? "" : ", ") + member;
    }
    if (used.empty()) use("where:{}");
    if (used.size() > 1) use("several-keys");
    return text.empty() ? "{}" : "{ " + text + " }";
  }

 private:
  using Member = std::pair<std::string, std::string>;  // key name, "key: value" text

  void use(const std::string& form) { forms_.insert(form); }

  Member key(const ObjectType& type, int depth) {
    size_t r = rng_.below(100);
    if (depth > 0 && r < 15) return logical(type, depth);
    if (depth > 0 && r < 42 && !forward_relationships(type).empty())
      return relationship(type, depth);
    const Field& field = type.fields[rng_.below(type.fields.size())];
    if (field.list) return list_member(field);
    switch (field.scalar) {
      case ScalarType::Boolean:
        return bool_member(field);
      case ScalarType::Int:
      case ScalarType::Float:
        return number_member(field);
      default:
        return string_member(field);
    }
  }

  Member logical(const ObjectType& type, int depth) {
    size_t r = rng_.below(3);
    if (r == 2) {
      use("NOT");
      return {"NOT", "NOT: " + object(type, depth - 1)};
    }
    std::string name = r == 0 ? "AND" : "OR";
    size_t n = rng_.below(4);
    use(n == 0 ? name + ":[]" : name);
    std::string items;
    for (size_t i = 0; i < n; ++i) items += (i ? ", " : "") + object(type, depth - 1);
    return {name, name + ": [" + items + "]"};
  }

  std::string string_operand(const Field& field) {
    if (field.scalar == ScalarType::ID && !ids_.empty() && rng_.chance(50))
      return quote(rng_.pick(ids_));
    return quote(rng_.chance(50) ? rng_.pick(kStrings) : rng_.pick(kOperands));
  }

  std::string string_list(const Field& field, bool& with_null) {
    size_t n = rng_.below(4);
    with_null = rng_.chance(25);
    std::string items;
    for (size_t i = 0; i < n; ++i) items += (i ? ", " : "") + string_operand(field);
    if (with_null) items += std::string(items.empty() ? "" : ", ") + "null";
    return "[" + items + "]";
  }

  // One nested string operator: `eq: "a"`, `in: [...]`, `matches: "a.*"`, ...
  Member nested_string_op(const Field& field, bool ci) {
    static const std::vector<std::string> ops{"eq",      "in", "contains", "startsWith", "endsWith",
                                              "matches", "lt", "lte",      "gt",         "gte"};
    const std::string& op = rng_.pick(ops);
    std::string prefix = ci ? "{ci:" : "{";
    if (op == "eq" && !ci && rng_.chance(20)) {
      use("{eq:null}");
      return {op, "eq: null"};
    }
    use(prefix + op + "}");
    bool with_null = false;
    if (op == "in") return {op, "in: " + string_list(field, with_null)};
    if (op == "matches") return {op, "matches: " + quote(rng_.pick(kPatterns))};
    return {op, op + ": " + string_operand(field)};
  }

  std::string nested_string_ops(const Field& field, bool ci) {
    size_t n = 1 + rng_.below(2);
    std::set<std::string> used;
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      Member m;
      if (!ci && rng_.chance(25)) {
        m = {"caseInsensitive", "caseInsensitive: " + nested_string_ops(field, true)};
      } else {
        m = nested_string_op(field, ci);
      }
      if (!used.insert(m.first).second) continue;
      text += (text.empty() ? "" : ", ") + m.second;
    }
    return "{ " + text + " }";
  }

  Member string_member(const Field& field) {
    static const std::vector<std::string> suffixes{"_CONTAINS",    "_NOT_CONTAINS",
                                                   "_STARTS_WITH", "_NOT_STARTS_WITH",
                                                   "_ENDS_WITH",   "_NOT_ENDS_WITH",
                                                   "_LT",          "_LTE",
                                                   "_GT",          "_GTE"};
    const std::string& f = field.name;
    bool with_null = false;
    switch (rng_.below(12)) {
      case 0:
        use("f:v");
        return {f, f + ": " + string_operand(field)};
      case 1:
        use("f:null");
        return {f, f + ": null"};
      case 2: {
        bool null = rng_.chance(25);
        use(null ? "_EQ:null" : "_EQ");
        return {f + "_EQ", f + "_EQ: " + (null ? std::string("null") : string_operand(field))};
      }
      case 3: {
        bool null = rng_.chance(25);
        use(null ? "_NOT:null" : "_NOT");
        return {f + "_NOT", f + "_NOT: " + (null ? std::string("null") : string_operand(field))};
      }
      case 4: {
        bool negated = rng_.chance(40);
        std::string list = string_list(field, with_null);
        use(negated ? "_NOT_IN" : with_null ? "_IN:null" : "_IN");
        std::string name = f + (negated ? "_NOT_IN" : "_IN");
        return {name, name + ": " + list};
      }
      case 5:
        use("_MATCHES");
        return {f + "_MATCHES", f + "_MATCHES: " + quote(rng_.pick(kPatterns))};
      case 6:
      case 7:
      case 8:
        return {f, f + ": " + nested_string_ops(field, false)};
      default: {
        const std::string& suffix = rng_.pick(suffixes);
        use(suffix);
        return {f + suffix, f + suffix + ": " + string_operand(field)};
      }
    }
  }

  Member bool_member(const Field& field) {
    const std::string& f = field.name;
    auto value = [&]() { return std::string(rng_.chance(50) ? "true" : "false"); };
    auto list = [&]() {
      std::vector<std::string> items{"true", "false", "null"};
      std::string text;
      for (const auto& item : items)
        if (rng_.chance(50)) text += (text.empty() ? "" : ", ") + item;
      return "[" + text + "]";
    };
    switch (rng_.below(8)) {
      case 0:
        use("b:v");
        return {f, f + ": " + value()};
      case 1:
        use("b:null");
        return {f, f + ": null"};
      case 2:
        use("b_EQ");
        return {f + "_EQ", f + "_EQ: " + value()};
      case 3: {
        bool null = rng_.chance(30);
        use(null ? "b_NOT:null" : "b_NOT");
        return {f + "_NOT", f + "_NOT: " + (null ? std::string("null") : value())};
      }
      case 4:
        use("b_IN");
        return {f + "_IN", f + "_IN: " + list()};
      case 5:
        use("b_NOT_IN");
        return {f + "_NOT_IN", f + "_NOT_IN: " + list()};
      case 6:
        use("b{eq}");
        return {f, f + ": { eq: " + (rng_.chance(20) ? std::string("null") : value()) + " }"};
      default:
        use("b{in}");
        return {f, f + ": { in: " + list() + " }"};
    }
  }

  std::string number(const Field& field) {
    if (field.scalar == ScalarType::Int) return std::to_string(rng_.pick(kInts));
    if (rng_.chance(30)) return std::to_string(rng_.pick(kInts));  // an Int literal for a Float
    return number_text(rng_.pick(kFloats));
  }

  std::string number_list(const Field& field) {
    std::string text;
    for (size_t i = 0, n = rng_.below(4); i < n; ++i) text += (i ? ", " : "") + number(field);
    if (rng_.chance(25)) text += std::string(text.empty() ? "" : ", ") + "null";
    return "[" + text + "]";
  }

  Member number_member(const Field& field) {
    static const std::vector<std::string> suffixes{"_LT", "_LTE", "_GT", "_GTE"};
    static const std::vector<std::string> nested{"eq", "in", "lt", "lte", "gt", "gte"};
    const std::string& f = field.name;
    switch (rng_.below(8)) {
      case 0:
        use("n:v");
        return {f, f + ": " + number(field)};
      case 1:
        use("n:null");
        return {f, f + ": null"};
      case 2:
        use("n_EQ");
        return {f + "_EQ", f + "_EQ: " + number(field)};
      case 3:
        use("n_NOT");
        return {f + "_NOT", f + "_NOT: " + (rng_.chance(20) ? "null" : number(field))};
      case 4: {
        bool negated = rng_.chance(40);
        use(negated ? "n_NOT_IN" : "n_IN");
        std::string name = f + (negated ? "_NOT_IN" : "_IN");
        return {name, name + ": " + number_list(field)};
      }
      case 5:
      case 6: {
        const std::string& op = rng_.pick(nested);
        use("n{" + op + "}");
        return {f,
                f + ": { " + op + ": " + (op == "in" ? number_list(field) : number(field)) + " }"};
      }
      default: {
        const std::string& suffix = rng_.pick(suffixes);
        use("n" + suffix);
        return {f + suffix, f + suffix + ": " + number(field)};
      }
    }
  }

  std::string list_literal() {
    std::string text;
    for (const auto& item : rng_.pick(kLists)) text += (text.empty() ? "" : ", ") + quote(item);
    return "[" + text + "]";
  }

  std::string element() {
    if (rng_.chance(70)) {
      const auto& list = rng_.pick(kLists);
      if (!list.empty()) return quote(list[rng_.below(list.size())]);
    }
    return quote(rng_.pick(kOperands));
  }

  Member list_member(const Field& field) {
    const std::string& f = field.name;
    switch (rng_.below(11)) {
      case 0:
      case 1:
        use("_INCLUDES");
        return {f + "_INCLUDES", f + "_INCLUDES: " + element()};
      case 2:
        use("_NOT_INCLUDES");
        return {f + "_NOT_INCLUDES", f + "_NOT_INCLUDES: " + element()};
      case 3:
        use("{includes}");
        return {f, f + ": { includes: " + element() + " }"};
      case 4:
        use("{ci:includes}");
        return {f, f + ": { caseInsensitive: { includes: " + element() + " } }"};
      case 5:
        use("l:[..]");
        return {f, f + ": " + list_literal()};
      case 6:
        use("l:null");
        return {f, f + ": null"};
      case 7:
        use("l_NOT:null");
        return {f + "_NOT", f + "_NOT: null"};
      case 8:
        use("l_NOT:[..]");
        return {f + "_NOT", f + "_NOT: " + list_literal()};
      case 9:
        use("l_EQ:[..]");
        return {f + "_EQ", f + "_EQ: " + list_literal()};
      default:
        use("l{eq:[..]}");
        return {f, f + ": { eq: " + list_literal() + " }"};
    }
  }

  // The relationships the reference interpreter follows as the store does:
  // all but inverse ones, whose related object is the parent the inventory
  // nests them under (tested by tests/unit/declared_types_test.cpp).
  static std::vector<const posture::schema::Relationship*> forward_relationships(
      const ObjectType& type) {
    std::vector<const posture::schema::Relationship*> out;
    for (const auto& rel : type.relationships)
      if (!rel.inverse) out.push_back(&rel);
    return out;
  }

  Member relationship(const ObjectType& type, int depth) {
    auto forward = forward_relationships(type);
    const auto& rel = *forward[rng_.below(forward.size())];
    const ObjectType& target = *schema_.type(rel.target);
    const std::string& r = rel.name;
    static const std::vector<std::string> suffixes{"_SOME", "", "_NONE", "_ALL", "_SINGLE", "_NOT"};
    static const std::vector<std::string> nested{"some", "none", "all", "single"};
    size_t choice = rng_.below(10);
    if (choice < 4) {  // r_SOME: F, r: F, r_NONE: F, r_ALL: F, r_SINGLE: F, r_NOT: F
      const std::string& suffix = rng_.pick(suffixes);
      use("r" + suffix);
      return {r + suffix, r + suffix + ": " + object(target, depth - 1)};
    }
    if (choice < 6) {  // r: { some: F, none: G }
      std::set<std::string> used;
      std::string text;
      for (size_t i = 0, n = 1 + rng_.below(2); i < n; ++i) {
        const std::string& q = rng_.pick(nested);
        if (!used.insert(q).second) continue;
        use("r{" + q + "}");
        text += (text.empty() ? "" : ", ") + q + ": " + object(target, depth - 1);
      }
      return {r, r + ": { " + text + " }"};
    }
    if (choice == 6) {  // the `: null` forms the language allows
      static const std::vector<std::pair<std::string, std::string>> forms{
          {"r_SOME:null", "_SOME: null"},
          {"r:null", ": null"},
          {"r{some:null}", ": { some: null }"},
          {"r_NOT:null", "_NOT: null"}};
      const auto& [form, text] = rng_.pick(forms);
      use(form);
      std::string name = r + text.substr(0, text.find(':'));
      return {name, r + text};
    }
    if (choice == 7) {  // r_X: {}
      const std::string& suffix = rng_.pick(suffixes);
      use("r_X:{}");
      return {r + suffix, r + suffix + ": {}"};
    }
    return aggregate(rel);
  }

  Member aggregate(const posture::schema::Relationship& rel) {
    static const std::vector<std::string> ops{"count",     "count_EQ", "count_LT",
                                              "count_LTE", "count_GT", "count_GTE"};
    std::set<std::string> used;
    std::string text;
    for (size_t i = 0, n = 1 + rng_.below(2); i < n; ++i) {
      const std::string& op = rng_.pick(ops);
      if (!used.insert(op).second) continue;
      use(op);
      text += (text.empty() ? "" : ", ") + op + ": " + std::to_string(rng_.below(5));
    }
    std::string name = rel.name + "Aggregate";
    return {name, name + ": { " + text + " }"};
  }

  Rng& rng_;
  const Schema& schema_;
  std::set<std::string>& forms_;
  std::vector<std::string> ids_;
};

}  // namespace posture::reference::random
