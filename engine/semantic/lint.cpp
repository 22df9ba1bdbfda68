// Lint: a syntactic walk of every `where` in the document (the IR no longer
// knows how a filter was spelt), then the analysed IR folded to constants.
#include "engine/semantic/lint.hpp"

#include <set>

#include "engine/semantic/analyzer.hpp"

namespace posture::semantic {

namespace {

using syntax::Value;
using Kind = Value::Kind;

// The suffixes of the positive scalar operators (`_LTE` before `_LT`).
constexpr std::string_view kOperatorSuffixes[] = {
    "_STARTS_WITH", "_ENDS_WITH", "_CONTAINS", "_INCLUDES", "_MATCHES", "_IN",
    "_LTE",         "_LT",        "_GTE",      "_GT",       "_EQ"};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Linter {
 public:
  Linter(const schema::Schema& schema, std::string source, bool lists_failing)
      : schema_(schema), source_(std::move(source)), lists_failing_(lists_failing) {}

  void selections(const std::vector<syntax::Selection>& list, const schema::ObjectType* type) {
    for (const auto& s : list) {
      const schema::ObjectType* inner = type;
      if (s.kind == syntax::Selection::Kind::Field) {
        inner = field_type(s.name, type);
        if (const syntax::Argument* where = s.argument("where")) {
          null_tested_.clear();
          collect_null_tests(where->value);
          filter(where->value, inner);
        }
      }
      selections(s.selections, inner);
    }
  }

  void fragments(const syntax::Document& doc) {
    for (const auto& f : doc.fragments) selections(f.selections, schema_.type(f.type_condition));
  }

  Diagnostics take() { return std::move(out_); }

 private:
  // The type a selected field returns; null when our schema does not model it
  // (the walk then goes on by spelling alone, so catalogues about other types lint too).
  const schema::ObjectType* field_type(const std::string& name, const schema::ObjectType* parent) {
    std::string base = ends_with(name, "Aggregate") ? name.substr(0, name.size() - 9) : name;
    if (!parent) return schema_.type_by_plural(base);
    const schema::Relationship* rel = parent->relationship(base);
    return rel ? schema_.type(rel->target) : nullptr;
  }

  void warn(std::string code, syntax::Location loc, std::string message, std::string hint) {
    Diagnostic d =
        Diagnostic::warning(std::move(code), std::move(message), {source_, loc.line, loc.column});
    if (!hint.empty()) d.hints.push_back(std::move(hint));
    out_.push_back(std::move(d));
  }

  // `flipped`: an odd number of NOTs and _NONEs lie between the subject and
  // here, so a related value that is false makes the subject listed.
  void filter(const Value& v, const schema::ObjectType* type, bool under_not = false,
              bool flipped = false) {
    if (v.kind != Kind::Object) return;
    for (const auto& f : v.fields) key(f, type, under_not, flipped);
  }

  void key(const syntax::ObjectField& f, const schema::ObjectType* type, bool under_not,
           bool flipped) {
    const Value& v = f.value;
    if (f.name == "AND" || f.name == "OR") {
      if (f.name == "OR" && v.kind == Kind::List && v.list.empty())
        warn("empty-or", f.loc, "`OR: []` matches nothing", "remove it, or list the alternatives");
      for (const auto& item : v.kind == Kind::List ? v.list : std::vector<Value>{v})
        filter(item, type, under_not, flipped);
      return;
    }
    if (f.name == "NOT") return filter(v, type, true, !flipped);
    if (relationship_key(f, type, flipped)) return;
    scalar_key(f, type, under_not, flipped);
  }

  // rel, rel_SOME/_NONE/_ALL/_SINGLE/_NOT, rel: { some/none/all/single }. With an
  // unknown type, a quantifier suffix or an object of quantifiers marks a relationship.
  bool relationship_key(const syntax::ObjectField& f, const schema::ObjectType* type,
                        bool flipped) {
    static const std::pair<std::string_view, std::string_view> suffixes[] = {
        {"_SOME", "SOME"},     {"_NONE", "NONE"}, {"_ALL", "ALL"},
        {"_SINGLE", "SINGLE"}, {"_NOT", "NOT"},   {"", "SOME"}};
    for (const auto& [suffix, quantifier] : suffixes) {
      if (!suffix.empty() && !ends_with(f.name, suffix)) continue;
      std::string base = f.name.substr(0, f.name.size() - suffix.size());
      const schema::ObjectType* target = nullptr;
      if (type) {
        const schema::Relationship* rel = type->relationship(base);
        if (!rel) continue;
        target = schema_.type(rel->target);
      } else {
        bool object = f.value.kind == Kind::Object;
        bool known_quantifier = !suffix.empty() && suffix != "_NOT";
        if (!known_quantifier && !(object && (suffix == "_NOT" || nested_quantifiers(f.value) ||
                                              f.value.fields.empty())))
          continue;
      }
      if (suffix.empty() && f.value.kind == Kind::Object && nested_quantifiers(f.value)) {
        for (const auto& q : f.value.fields)
          quantified(base, q.name, q.value, q.loc, target, flipped);
      } else {
        quantified(base, std::string(quantifier), f.value, f.loc, target, flipped);
      }
      return true;
    }
    return false;
  }

  static bool nested_quantifiers(const Value& v) {
    if (v.fields.empty()) return false;
    for (const auto& f : v.fields)
      if (f.name != "some" && f.name != "none" && f.name != "all" && f.name != "single")
        return false;
    return true;
  }

  void quantified(const std::string& rel, std::string quantifier, const Value& v,
                  syntax::Location loc, const schema::ObjectType* target, bool flipped) {
    for (auto& c : quantifier) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (v.kind == Kind::Object && v.fields.empty()) {
      warn("empty-quantifier", loc,
           "`" + rel + "_" + quantifier +
               ": {}` has an empty filter: versions of the Neo4j GraphQL Library "
               "disagree on whether it tests anything",
           quantifier == "SOME"
               ? "here it means \"has at least one\"; say so with `" + rel + "_NOT: null`"
               : "write the condition explicitly");
    }
    if (quantifier == "ALL")
      warn("all-quantifier", loc,
           "`" + rel + "_ALL` is non-vacuous here: a node with no related " +
               (target ? target->name : std::string("nodes")) +
               " fails it; some versions of the Neo4j GraphQL Library let it pass",
           "to accept nodes without any, write `OR: [{ " + rel + "_SOME: null }, { " + rel +
               "_ALL: ... }]`");
    // A quantifier is two-valued (EXISTS is never unknown): a NOT outside it
    // does not reach the related node's fields.
    filter(v, target, false, flipped != (quantifier == "NONE" || quantifier == "NOT"));
  }

  void scalar_key(const syntax::ObjectField& f, const schema::ObjectType* type, bool under_not,
                  bool flipped) {
    std::string name = f.name;
    bool negated = under_not;
    bool stripped = false;
    for (std::string_view suffix : {"_NOT_STARTS_WITH", "_NOT_ENDS_WITH", "_NOT_CONTAINS",
                                    "_NOT_INCLUDES", "_NOT_IN", "_NOT"}) {
      if (ends_with(name, suffix) &&
          (!type || type->field(name.substr(0, name.size() - suffix.size())))) {
        name.resize(name.size() - suffix.size());
        negated = true;
        stripped = true;
        break;
      }
    }
    // Under a NOT, every operator of a field negates it: `NOT: { f_MATCHES: ... }`
    // is as two-valued as `NOT: { f: ... }`.
    if (!stripped && under_not && type)
      for (std::string_view suffix : kOperatorSuffixes)
        if (ends_with(name, suffix) && type->field(name.substr(0, name.size() - suffix.size()))) {
          name.resize(name.size() - suffix.size());
          break;
        }
    if (!type) {  // unknown type: name the field without its operator suffix
      for (std::string_view suffix : kOperatorSuffixes)
        if (ends_with(name, suffix)) {
          name.resize(name.size() - suffix.size());
          break;
        }
    }
    if (type && !type->field(name))  // a positive operator: `f_IN`, `f_GT`, ...
      for (std::string_view suffix : kOperatorSuffixes)
        if (ends_with(name, suffix) && type->field(name.substr(0, name.size() - suffix.size()))) {
          name.resize(name.size() - suffix.size());
          break;
        }
    const schema::Field* field = type ? type->field(name) : nullptr;
    if (type && (!field || field->non_null || never_missing(*field))) return;
    if (f.value.kind == Kind::Null) return;
    if (!negated) return missing_passes(f, type, name, flipped);
    // `f_NOT_IN: [null, ...]` already says what a missing value means.
    if (holds_null(f.value)) return;
    if (!type && f.value.kind == Kind::Object) return;  // an object: not a scalar comparison
    std::string where = type ? type->name + "." + name : name;
    warn("two-valued-not", f.loc,
         "negation over " + where +
             ", which may be missing: here a missing value makes the negation true; Cypher's and "
             "SQL's "
             "three-valued NOT would exclude it",
         "to exclude missing values add `" + name + "_NOT: null`");
  }

  // A positive comparison (false for a missing value) where a false makes the
  // subject unlisted: in a check that lists failing resources, a resource
  // without the property passes.
  void missing_passes(const syntax::ObjectField& f, const schema::ObjectType* type,
                      const std::string& name, bool flipped) {
    if (!lists_failing_ || flipped || !type || holds_null(f.value) || null_tested_.count(name))
      return;
    warn("missing-passes", f.loc,
         "comparison of " + type->name + "." + name +
             ", which may be missing and has no documented default: a resource without it is "
             "not listed, so it passes this check",
         "if a missing value should fail, add `{ " + name + ": null }` to an OR beside it");
  }

  // `null`, or an operator object or list holding one (`{ eq: null }`, `[null, ...]`).
  static bool holds_null(const Value& v) {
    if (v.kind == Kind::Null) return true;
    for (const auto& item : v.list)
      if (item.kind == Kind::Null) return true;
    for (const auto& op : v.fields)
      if ((op.name == "eq" || op.name == "in") && holds_null(op.value)) return true;
    return false;
  }

  // The fields a `where` tests for null anywhere (`f: null`, `f_IN: [null]`,
  // `f: { eq: null }`): a comparison of one of them has said what missing means.
  void collect_null_tests(const Value& v) {
    for (const auto& f : v.fields) {
      if (holds_null(f.value) && f.value.kind != Kind::Object) {
        std::string name = f.name;
        for (std::string_view suffix : {"_IN", "_EQ"})
          if (ends_with(name, suffix)) name.resize(name.size() - suffix.size());
        null_tested_.insert(name);
      } else if (f.value.kind == Kind::Object && holds_null(f.value)) {
        null_tested_.insert(f.name);
      }
      if (f.value.kind == Kind::Object) collect_null_tests(f.value);
      for (const auto& item : f.value.list) collect_null_tests(item);
    }
  }

  // A field the importer always stores a value in: an absent property takes its
  // @fill or its documented @default (docs/data-model.md, "Declared mappings").
  static bool never_missing(const schema::Field& field) {
    return !field.arm.fill.empty() || !field.arm.documented_default.empty();
  }

  const schema::Schema& schema_;
  std::string source_;
  bool lists_failing_;
  std::set<std::string> null_tested_;
  Diagnostics out_;
};

// Whether an operation is a stored check whose query lists failing resources.
bool lists_failing(const syntax::OperationDefinition& op) {
  for (const auto& d : op.directives)
    if (const Value* e = d.name == "check" ? d.argument("expect") : nullptr)
      return e->kind == Kind::String && e->text == "eq []";
  return false;
}

// The warning codes a stored check accepts, with its reason:
// `@check(lint: ["missing-passes: <why>"])`. A code without a reason is not accepted.
std::set<std::string> accepted_warnings(const syntax::OperationDefinition& op) {
  std::set<std::string> out;
  for (const auto& d : op.directives)
    if (const Value* l = d.name == "check" ? d.argument("lint") : nullptr)
      for (const auto& item : l->list) {
        size_t colon = item.text.find(':');
        if (item.kind == Kind::String && colon != std::string::npos &&
            item.text.find_first_not_of(' ', colon + 1) != std::string::npos)
          out.insert(item.text.substr(0, colon));
      }
  return out;
}

// Folds constant sub-filters: the result is TRUE/FALSE when the whole predicate is constant.
std::optional<bool> constant(const ir::Predicate& p) {
  using K = ir::Predicate::Kind;
  switch (p.kind) {
    case K::True:
      return true;
    case K::False:
      return false;
    case K::Not: {
      auto c = constant(p.children.front());
      return c ? std::optional<bool>(!*c) : std::nullopt;
    }
    case K::And:
    case K::Or: {
      bool is_and = p.kind == K::And;
      bool all_constant = true;
      for (const auto& c : p.children) {
        auto v = constant(c);
        if (v && *v != is_and) return !is_and;  // a false in AND, a true in OR decides
        all_constant = all_constant && v.has_value();
      }
      return all_constant ? std::optional<bool>(is_and) : std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

Diagnostics lint(const syntax::Document& doc, const schema::Schema& schema,
                 const std::string& source_name, bool lists_failing_resources) {
  Diagnostics out;
  for (const auto& op : doc.operations) {
    Linter linter(schema, source_name, lists_failing_resources || lists_failing(op));
    linter.selections(op.selections, nullptr);
    auto accepted = accepted_warnings(op);
    for (auto& d : linter.take())
      if (!accepted.count(d.code)) out.push_back(std::move(d));
  }
  Linter linter(schema, source_name, false);
  linter.fragments(doc);
  for (auto& d : linter.take()) out.push_back(std::move(d));
  for (const auto& op : doc.operations) {
    AnalyzeOptions options;
    options.operation_name = op.name;
    options.source_name = source_name;
    auto query = analyze(doc, schema, options);
    if (!query) {
      for (const auto& e : query.errors()) out.push_back(e);
      continue;
    }
    for (const auto& root : query->roots) {
      auto c = constant(root.where);
      if (!c || root.where.kind == ir::Predicate::Kind::True) continue;
      out.push_back(Diagnostic::warning(*c ? "matches-everything" : "matches-nothing",
                                        std::string("the filter of `") + root.response_key +
                                            "` matches " + (*c ? "every object" : "no object"),
                                        {source_name, root.where.loc.line, root.where.loc.column}));
    }
  }
  return out;
}

}  // namespace posture::semantic
