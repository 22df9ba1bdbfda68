// The filter analyser: a `where` object of either syntax of the Neo4j GraphQL
// filter dialect -> one ir::Predicate, with the two-valued semantics of docs/query-language.md.
//   suffix style (v3-v6): email, email_NOT, email_IN, email_CONTAINS, ...,
//                         securityContacts_SOME, securityContactsAggregate
//   nested style (v7):    email: { eq, in, contains, ..., caseInsensitive: {...} },
//                         securityContacts: { some, none, all, single }
#include <re2/re2.h>

#include <array>
#include <charconv>
#include <span>

#include "engine/semantic/context.hpp"

namespace posture::semantic {

using syntax::Value;
using Kind = Value::Kind;
using ir::CompareOp;
using ir::Predicate;

namespace {

// A scalar operator as written, and what it means.
struct ScalarOperator {
  std::string_view suffix;  // "_NOT_IN"
  std::string_view nested;  // "in" ("" when only the suffix form exists)
  CompareOp op;
  bool negated;
  bool null_means_missing;  // `f: null`, `f_EQ: null`, `f_NOT: null`, `{eq: null}`
};

constexpr std::array<ScalarOperator, 17> kScalarOperators{{
    {"_NOT_STARTS_WITH", "", CompareOp::StartsWith, true, false},
    {"_NOT_ENDS_WITH", "", CompareOp::EndsWith, true, false},
    {"_NOT_CONTAINS", "", CompareOp::Contains, true, false},
    {"_NOT_INCLUDES", "", CompareOp::Includes, true, false},
    {"_STARTS_WITH", "startsWith", CompareOp::StartsWith, false, false},
    {"_ENDS_WITH", "endsWith", CompareOp::EndsWith, false, false},
    {"_CONTAINS", "contains", CompareOp::Contains, false, false},
    {"_INCLUDES", "includes", CompareOp::Includes, false, false},
    {"_MATCHES", "matches", CompareOp::Matches, false, false},
    {"_NOT_IN", "", CompareOp::In, true, false},
    {"_NOT", "", CompareOp::Eq, true, true},
    {"_IN", "in", CompareOp::In, false, false},
    {"_LTE", "lte", CompareOp::Lte, false, false},
    {"_LT", "lt", CompareOp::Lt, false, false},
    {"_GTE", "gte", CompareOp::Gte, false, false},
    {"_GT", "gt", CompareOp::Gt, false, false},
    {"_EQ", "eq", CompareOp::Eq, false, true},
}};

struct RelationOperator {
  std::string_view suffix;
  std::string_view nested;
  ir::Quantifier quantifier;
  bool negated;  // _NOT: the complement of `rel: p`
};

constexpr std::array<RelationOperator, 5> kRelationOperators{{
    {"_SOME", "some", ir::Quantifier::Some, false},
    {"_NONE", "none", ir::Quantifier::None, false},
    {"_ALL", "all", ir::Quantifier::All, false},
    {"_SINGLE", "single", ir::Quantifier::Single, false},
    {"_NOT", "", ir::Quantifier::Some, true},
}};

// relAggregate: { count, count_EQ, count_LT, count_LTE, count_GT, count_GTE }
constexpr std::array<std::pair<std::string_view, ir::CountOp>, 6> kCountOperators{{
    {"", ir::CountOp::Eq},
    {"_EQ", ir::CountOp::Eq},
    {"_LT", ir::CountOp::Lt},
    {"_LTE", ir::CountOp::Lte},
    {"_GT", ir::CountOp::Gt},
    {"_GTE", ir::CountOp::Gte},
}};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_string_like(const schema::Field& f) {
  return f.scalar == schema::ScalarType::String || f.scalar == schema::ScalarType::ID;
}

// Filters nested deeper than this are refused at compile time: the SQL they
// would compile to overflows SQLite's fixed parser stack (100 entries), and no
// real check nests a tenth as deep.
constexpr int kMaxFilterDepth = 24;

class FilterAnalyzer {
 public:
  FilterAnalyzer(Context& ctx) : ctx_(ctx) {}

  Predicate object(const schema::ObjectType& type, const Value& raw) {
    struct Depth {
      int& d;
      explicit Depth(int& depth) : d(++depth) {}
      ~Depth() { --d; }
    } depth(depth_);
    const Value& v = ctx_.resolve(raw);
    if (depth_ > kMaxFilterDepth) {
      if (!too_deep_reported_)
        ctx_.error(
            "too-deep", v.loc,
            "the filter is nested more than " + std::to_string(kMaxFilterDepth) + " levels deep",
            "flatten it: AND and OR take lists, and NOT: { NOT: ... } cancels out");
      too_deep_reported_ = true;
      return Predicate::always(false);
    }
    if (v.kind == Kind::Null) return Predicate::always(true);  // `where: null` filters nothing
    if (v.kind != Kind::Object) {
      ctx_.error("type-mismatch", v.loc,
                 "a filter on " + type.name + " must be an object, found " + Context::describe(v));
      return Predicate::always(false);
    }
    std::vector<Predicate> parts;
    for (const auto& f : v.fields) {
      if (!ctx_.count_filter_nodes(1, f.loc)) return Predicate::always(false);
      if (!ctx_.is_absent(f.value)) parts.push_back(key(type, f));
    }
    Predicate p =
        parts.size() == 1 ? std::move(parts.front()) : Predicate::all_of(std::move(parts));
    p.loc = v.loc;
    return p;
  }

 private:
  Predicate key(const schema::ObjectType& type, const syntax::ObjectField& f) {
    const Value& v = ctx_.resolve(f.value);
    if (f.name == "AND" || f.name == "OR") return logical(type, f.name == "AND", v);
    // `NOT: null` is no filter, as `where: null` is (not the negation of one).
    if (f.name == "NOT")
      return v.kind == Kind::Null ? Predicate::always(true) : Predicate::negate(object(type, v));
    if (const schema::Field* field = type.field(f.name)) return scalar_value(*field, v, f.loc);
    if (const schema::Relationship* rel = type.relationship(f.name))
      return relation_value(*rel, v, f.loc);
    for (const auto& op : kScalarOperators) {
      if (!ends_with(f.name, op.suffix)) continue;
      if (const schema::Field* field =
              type.field(f.name.substr(0, f.name.size() - op.suffix.size())))
        return scalar_operator(*field, op, v, false, f.loc);
    }
    for (const auto& op : kRelationOperators) {
      if (!ends_with(f.name, op.suffix)) continue;
      std::string_view base = std::string_view(f.name).substr(0, f.name.size() - op.suffix.size());
      if (const schema::Relationship* rel = type.relationship(base))
        return quantified(*rel, op, v, f.loc);
    }
    if (ends_with(f.name, "Aggregate")) {
      if (const schema::Relationship* rel = type.relationship(f.name.substr(0, f.name.size() - 9)))
        return aggregate(*rel, v);
    }
    unknown_key(type, f);
    return Predicate::always(false);
  }

  void unknown_key(const schema::ObjectType& type, const syntax::ObjectField& f) {
    std::vector<std::string> candidates{"AND", "OR", "NOT"};
    for (const auto& field : type.fields) {
      candidates.push_back(field.name);
      for (const auto& op : kScalarOperators)
        candidates.push_back(field.name + std::string(op.suffix));
    }
    for (const auto& rel : type.relationships) {
      candidates.push_back(rel.name);
      candidates.push_back(rel.name + "Aggregate");
      for (const auto& op : kRelationOperators)
        candidates.push_back(rel.name + std::string(op.suffix));
    }
    std::string guess = closest_match(f.name, candidates);
    ctx_.error("unknown-field", f.loc, "unknown filter field `" + f.name + "` on type " + type.name,
               guess.empty() ? "" : "did you mean `" + guess + "`?");
  }

  Predicate logical(const schema::ObjectType& type, bool conjunction, const Value& v) {
    std::vector<Predicate> parts;
    if (v.kind == Kind::List) {
      for (const auto& item : v.list) parts.push_back(object(type, item));
    } else if (v.kind == Kind::Object) {  // input coercion: a single item stands for a list of one
      parts.push_back(object(type, v));
    } else {
      ctx_.error("type-mismatch", v.loc,
                 std::string(conjunction ? "AND" : "OR") + " takes a list of filters on " +
                     type.name + ", found " + Context::describe(v));
    }
    return conjunction ? Predicate::all_of(std::move(parts)) : Predicate::any_of(std::move(parts));
  }

  // `field: v`: null means missing, an object holds nested operators, else equality.
  Predicate scalar_value(const schema::Field& field, const Value& v, syntax::Location loc) {
    if (v.kind == Kind::Object) return nested_operators(field, v, false);
    return scalar_operator(field, kScalarOperators.back(), v, false, loc);
  }

  Predicate nested_operators(const schema::Field& field, const Value& v, bool case_insensitive) {
    std::vector<Predicate> parts;
    for (const auto& f : v.fields) {
      if (!ctx_.count_filter_nodes(1, f.loc)) break;
      if (ctx_.is_absent(f.value)) continue;
      const Value& operand = ctx_.resolve(f.value);
      if (f.name == "caseInsensitive" && !case_insensitive) {
        if (operand.kind != Kind::Object)
          ctx_.error("type-mismatch", operand.loc, "caseInsensitive takes an object of operators");
        else
          parts.push_back(nested_operators(field, operand, true));
        continue;
      }
      const ScalarOperator* found = nullptr;
      std::vector<std::string> names;
      for (const auto& op : kScalarOperators) {
        if (op.nested.empty()) continue;
        names.emplace_back(op.nested);
        if (op.nested == f.name) found = &op;
      }
      if (!found) {
        if (!case_insensitive) names.emplace_back("caseInsensitive");
        std::string guess = closest_match(f.name, names);
        ctx_.error("unknown-operator", f.loc,
                   "unknown operator `" + f.name + "` on " + field.name + " (" +
                       std::string(schema::scalar_name(field.scalar)) + ")",
                   guess.empty() ? "" : "did you mean `" + guess + "`?");
        continue;
      }
      parts.push_back(scalar_operator(field, *found, operand, case_insensitive, f.loc));
    }
    Predicate p =
        parts.size() == 1 ? std::move(parts.front()) : Predicate::all_of(std::move(parts));
    p.loc = v.loc;
    return p;
  }

  Predicate scalar_operator(const schema::Field& field, const ScalarOperator& op, const Value& raw,
                            bool case_insensitive, syntax::Location loc) {
    const Value& v = ctx_.resolve(raw);
    Predicate p;
    p.loc = loc;
    p.field = &field;
    if (v.kind == Kind::Null) {
      if (!op.null_means_missing) {
        ctx_.error("null-operand", v.loc,
                   "`" + field.name + std::string(op.suffix) + "` cannot take null",
                   "to test for a missing value write `" + field.name + ": null` (or `" +
                       field.name + "_NOT: null` for a present one)");
        return Predicate::always(false);
      }
      p.kind = Predicate::Kind::IsNull;
      return op.negated ? Predicate::negate(std::move(p)) : p;
    }
    if (!check_applicable(field, op, case_insensitive, loc)) return Predicate::always(false);
    p.kind = Predicate::Kind::Compare;
    p.op = op.op;
    p.case_insensitive = case_insensitive;
    if (op.op == CompareOp::In) return in_list(field, op, v, std::move(p));
    auto literal = field_literal(ctx_, field, v, op.op == CompareOp::Includes);
    if (!literal) return Predicate::always(false);
    if (op.op == CompareOp::Matches) check_regex(std::get<std::string>(*literal), v.loc);
    p.values.push_back(std::move(*literal));
    return op.negated ? Predicate::negate(std::move(p)) : p;
  }

  bool check_applicable(const schema::Field& field, const ScalarOperator& op, bool case_insensitive,
                        syntax::Location loc) {
    std::string type = (field.list ? "[" : "") + std::string(schema::scalar_name(field.scalar)) +
                       (field.list ? "]" : "");
    auto refuse = [&](std::string why) {
      ctx_.error("operator-type", loc,
                 "operator " + std::string(ir::op_name(op.op)) + " does not apply to " +
                     field.name + " of type " + type + ": " + why);
      return false;
    };
    bool text_op = op.op == CompareOp::Contains || op.op == CompareOp::StartsWith ||
                   op.op == CompareOp::EndsWith || op.op == CompareOp::Matches;
    bool order_op = op.op == CompareOp::Lt || op.op == CompareOp::Lte || op.op == CompareOp::Gt ||
                    op.op == CompareOp::Gte;
    if (op.op == CompareOp::Includes && !field.list) return refuse("it is not a list field");
    if (field.list && op.op != CompareOp::Includes && op.op != CompareOp::Eq)
      return refuse("list fields take _INCLUDES, _NOT_INCLUDES or equality");
    if (text_op && !is_string_like(field)) return refuse("it is not a String");
    if (order_op && field.scalar == schema::ScalarType::Boolean)
      return refuse("booleans are not ordered");
    if (case_insensitive && !is_string_like(field)) return refuse("caseInsensitive needs a String");
    return true;
  }

  Predicate in_list(const schema::Field& field, const ScalarOperator& op, const Value& v,
                    Predicate p) {
    if (!ctx_.within_limits(v)) return Predicate::always(false);
    // GraphQL input coercion: a single value where a list is expected is a list of one.
    std::span<const Value> items =
        v.kind == Kind::List ? std::span<const Value>(v.list) : std::span<const Value>(&v, 1);
    bool null_listed = false;
    for (const auto& raw_item : items) {
      const Value& item = ctx_.resolve(raw_item);
      if (item.kind == Kind::Null) {
        null_listed = true;
        continue;
      }
      if (auto literal = field_literal(ctx_, field, item)) p.values.push_back(std::move(*literal));
    }
    std::vector<Predicate> alternatives;
    if (null_listed) {
      Predicate missing;
      missing.kind = Predicate::Kind::IsNull;
      missing.field = &field;
      missing.loc = p.loc;
      alternatives.push_back(std::move(missing));
    }
    if (!p.values.empty()) alternatives.push_back(std::move(p));
    Predicate any = alternatives.size() == 1 ? std::move(alternatives.front())
                                             : Predicate::any_of(std::move(alternatives));
    return op.negated ? Predicate::negate(std::move(any)) : any;
  }

  void check_regex(const std::string& pattern, syntax::Location loc) {
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok()) ctx_.error("bad-regex", loc, "invalid regular expression: " + re.error());
  }

  // `rel: v` is `rel_SOME: v`, unless v holds the nested quantifiers.
  Predicate relation_value(const schema::Relationship& rel, const Value& v, syntax::Location loc) {
    if (v.kind == Kind::Object && !v.fields.empty()) {
      bool nested = true;
      for (const auto& f : v.fields) {
        bool is_quantifier = false;
        for (const auto& op : kRelationOperators)
          is_quantifier = is_quantifier || op.nested == f.name;
        nested = nested && is_quantifier;
      }
      if (nested) {
        std::vector<Predicate> parts;
        for (const auto& f : v.fields)
          for (const auto& op : kRelationOperators)
            if (op.nested == f.name && !ctx_.is_absent(f.value))
              parts.push_back(quantified(rel, op, ctx_.resolve(f.value), f.loc));
        return parts.size() == 1 ? std::move(parts.front()) : Predicate::all_of(std::move(parts));
      }
    }
    return quantified(rel, kRelationOperators.front(), v, loc);
  }

  Predicate quantified(const schema::Relationship& rel, const RelationOperator& op, const Value& v,
                       syntax::Location loc) {
    const schema::ObjectType* target = ctx_.schema.type(rel.target);
    Predicate p;
    p.kind = Predicate::Kind::Related;
    p.loc = loc;
    p.relationship = &rel;
    p.target = target;
    p.quantifier = op.quantifier;
    if (v.kind == Kind::Null) {
      if (op.quantifier != ir::Quantifier::Some) {
        std::string name = rel.name + std::string(op.suffix.empty() ? op.nested : op.suffix);
        ctx_.error("ambiguous-null", v.loc,
                   "`" + name +
                       ": null` is rejected: versions of the Neo4j GraphQL Library disagree on it",
                   "write `" + rel.name + "_SOME: null` for \"has no " + rel.target + "\" or `" +
                       rel.name + "_NOT: null` for \"has at least one\"");
        return Predicate::always(false);
      }
      // `rel: null` / `rel_SOME: null`: no related node exists; `rel_NOT: null`: one does.
      p.children.push_back(Predicate::always(true));
      return op.negated ? p : Predicate::negate(std::move(p));
    }
    p.children.push_back(object(*target, v));
    return op.negated ? Predicate::negate(std::move(p)) : p;
  }

  Predicate aggregate(const schema::Relationship& rel, const Value& v) {
    if (v.kind != Kind::Object) {
      ctx_.error("type-mismatch", v.loc,
                 rel.name + "Aggregate takes an object such as { count_GT: 0 }");
      return Predicate::always(false);
    }
    std::vector<Predicate> parts;
    for (const auto& f : v.fields) {
      if (ctx_.is_absent(f.value)) continue;
      const Value& operand = ctx_.resolve(f.value);
      if (f.name == "count" && operand.kind == Kind::Object) {
        for (const auto& inner : operand.fields)
          count_predicate(rel, "_" + upper(inner.name), inner, parts);
        continue;
      }
      if (f.name.rfind("count", 0) != 0) {
        ctx_.error("unknown-field", f.loc, "unknown aggregate filter `" + f.name + "`",
                   "aggregate filters are count, count_LT, count_LTE, count_GT, count_GTE");
        continue;
      }
      count_predicate(rel, f.name.substr(5), f, parts);
    }
    return parts.size() == 1 ? std::move(parts.front()) : Predicate::all_of(std::move(parts));
  }

  static std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }

  void count_predicate(const schema::Relationship& rel, const std::string& suffix,
                       const syntax::ObjectField& f, std::vector<Predicate>& parts) {
    const Value& v = ctx_.resolve(f.value);
    for (const auto& [name, op] : kCountOperators) {
      if (name != suffix) continue;
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
      if (v.kind != Kind::Int || ec != std::errc() || end != v.text.data() + v.text.size()) {
        ctx_.error("type-mismatch", v.loc, "count takes an Int, found " + Context::describe(v));
        return;
      }
      Predicate p;
      p.kind = Predicate::Kind::Count;
      p.loc = f.loc;
      p.relationship = &rel;
      p.target = ctx_.schema.type(rel.target);
      p.count_op = op;
      p.count = n;
      parts.push_back(std::move(p));
      return;
    }
    ctx_.error("unknown-operator", f.loc, "unknown count operator `" + f.name + "`",
               "use count, count_LT, count_LTE, count_GT or count_GTE");
  }

  Context& ctx_;
  int depth_ = 0;
  bool too_deep_reported_ = false;
};

}  // namespace

ir::Predicate analyze_filter(Context& ctx, const schema::ObjectType& type,
                             const syntax::Value& where) {
  return FilterAnalyzer(ctx).object(type, where);
}

}  // namespace posture::semantic
