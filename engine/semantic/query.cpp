// The query analyser: picks the operation, binds variables, and turns root
// fields and selection sets into the IR, expanding fragments (the built-in
// `...AssetFragment` included) and honouring @include / @skip.
#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "base/utf8.hpp"
#include "engine/semantic/analyzer.hpp"
#include "engine/semantic/context.hpp"

namespace posture::semantic {

using syntax::Value;
using Kind = Value::Kind;

namespace {

Value from_json(const nlohmann::json& j, syntax::Location loc) {
  Value v;
  v.loc = loc;
  if (j.is_null()) {
    v.kind = Kind::Null;
  } else if (j.is_boolean()) {
    v.kind = Kind::Boolean;
    v.boolean = j.get<bool>();
  } else if (j.is_number_integer()) {
    v.kind = Kind::Int;
    v.text = j.dump();
  } else if (j.is_number()) {
    v.kind = Kind::Float;
    v.text = j.dump();
  } else if (j.is_string()) {
    v.kind = Kind::String;
    v.text = j.get<std::string>();
  } else if (j.is_array()) {
    v.kind = Kind::List;
    for (const auto& item : j) v.list.push_back(from_json(item, loc));
  } else {
    v.kind = Kind::Object;
    for (const auto& [key, item] : j.items()) v.fields.push_back({key, loc, from_json(item, loc)});
  }
  return v;
}

// What makes a variable's JSON value unusable, as (code, message), or nullopt.
// Checked without recursion before from_json (which recurses) sees it: the
// nesting, the text's size, and that every string is UTF-8 (the parser checks
// the query's text; variables come from files and --var, and a string that is
// not UTF-8 could not be written back as JSON).
std::optional<std::pair<std::string, std::string>> variable_problem(const nlohmann::json& value,
                                                                    const Limits& limits,
                                                                    size_t& bytes) {
  std::vector<std::pair<const nlohmann::json*, int>> pending{{&value, 1}};
  while (!pending.empty()) {
    auto [j, depth] = pending.back();
    pending.pop_back();
    if (depth > limits.max_variable_depth)
      return std::pair{"too-deep", "is nested more than " +
                                       std::to_string(limits.max_variable_depth) + " levels deep"};
    ++bytes;
    if (j->is_string()) {
      bytes += j->get_ref<const std::string&>().size();
      if (find_invalid_utf8(j->get_ref<const std::string&>()))
        return std::pair{"invalid-utf8", "holds a string that is not valid UTF-8"};
    }
    for (auto it = j->begin(); j->is_structured() && it != j->end(); ++it) {
      if (j->is_object() && find_invalid_utf8(it.key()))
        return std::pair{"invalid-utf8", "holds a key that is not valid UTF-8"};
      bytes += j->is_object() ? it.key().size() : 0;
      pending.push_back({&*it, depth + 1});
    }
    if (bytes > limits.max_variables_bytes)
      return std::pair{"too-large", "with the other variables, is larger than " +
                                        std::to_string(limits.max_variables_bytes) + " bytes"};
  }
  return std::nullopt;
}

class QueryAnalyzer {
 public:
  explicit QueryAnalyzer(Context& ctx) : ctx_(ctx) {}

  void bind_variables(const syntax::OperationDefinition& op, const nlohmann::json& given) {
    size_t bytes = 0;
    for (const auto& def : op.variables) {
      if (given.is_object() && given.contains(def.name)) {
        const nlohmann::json& value = given[def.name];
        if (auto problem = variable_problem(value, ctx_.limits, bytes)) {
          ctx_.error(problem->first, def.loc, "the value of $" + def.name + " " + problem->second);
          ctx_.over_limit = true;
          ctx_.variables[def.name] = Value{};
          continue;
        }
        ctx_.variables[def.name] = from_json(value, def.loc);
      } else if (def.default_value) {
        ctx_.variables[def.name] = *def.default_value;
      } else if (def.type.non_null) {
        ctx_.error("missing-variable", def.loc,
                   "variable $" + def.name + " is required (type " + def.type.base_name() +
                       "!) but no value was given",
                   "pass it with --var " + def.name + "=VALUE or --vars FILE.json");
        ctx_.variables[def.name] = Value{};  // reported once; analysis goes on to find more
      } else {
        ctx_.absent.insert(def.name);
      }
    }
    reject_undeclared(op, given);
  }

  static std::string declared_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", $") + n;
    return out;
  }

  // A value given for a variable the operation does not declare is a mistake
  // (a misspelt name would otherwise leave the default in force).
  void reject_undeclared(const syntax::OperationDefinition& op, const nlohmann::json& given) {
    if (!given.is_object()) return;
    std::vector<std::string> declared;
    for (const auto& def : op.variables) declared.push_back(def.name);
    for (const auto& [name, value] : given.items()) {
      if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
      std::string guess = closest_match(name, declared);
      ctx_.error("unknown-variable", op.loc, "the operation declares no variable $" + name,
                 !guess.empty()     ? "did you mean `" + guess + "`?"
                 : declared.empty() ? "the operation declares no variables"
                                    : "it declares $" + declared_list(declared));
    }
  }

  std::vector<ir::RootField> roots(const std::vector<syntax::Selection>& selections) {
    std::vector<ir::RootField> out;
    std::set<std::string> keys;
    for_each_field(selections, "Query", [&](const syntax::Selection& s) {
      if (!keys.insert(s.response_key()).second) {
        ctx_.error("duplicate-field", s.loc,
                   "the response key `" + s.response_key() + "` is used twice");
        return;
      }
      if (auto root = root_field(s)) out.push_back(std::move(*root));
    });
    return out;
  }

 private:
  // Calls `f` for every field selected, through fragments, skipping @skip/@include'd ones.
  template <class F>
  void for_each_field(const std::vector<syntax::Selection>& selections,
                      const std::string& type_name, F&& f) {
    for (const auto& s : selections) {
      if (ctx_.over_limit) return;  // reported once; expanding further could take forever
      if (!included(s.directives)) continue;
      switch (s.kind) {
        case syntax::Selection::Kind::Field:
          if (++ctx_.selections > ctx_.limits.max_selections) {
            ctx_.error("too-large", s.loc,
                       "the query selects more than " + std::to_string(ctx_.limits.max_selections) +
                           " fields once its fragments are expanded",
                       "fragments that spread other fragments several times multiply");
            ctx_.over_limit = true;
            return;
          }
          f(s);
          break;
        case syntax::Selection::Kind::InlineFragment:
          if (applies(s.type_condition, type_name, s.loc))
            for_each_field(s.selections, type_name, f);
          break;
        case syntax::Selection::Kind::FragmentSpread:
          spread(s, type_name, f);
          break;
      }
    }
  }

  template <class F>
  void spread(const syntax::Selection& s, const std::string& type_name, F&& f) {
    const syntax::FragmentDefinition* frag = ctx_.doc.fragment(s.name);
    if (!frag) {
      if (s.name == schema::kAssetFragment) return asset_fragment(s, type_name, f);
      std::vector<std::string> names{std::string(schema::kAssetFragment)};
      for (const auto& d : ctx_.doc.fragments) names.push_back(d.name);
      std::string guess = closest_match(s.name, names);
      ctx_.error("unknown-fragment", s.loc, "unknown fragment `" + s.name + "`",
                 guess.empty() ? "" : "did you mean `" + guess + "`?");
      return;
    }
    if (!active_fragments_.insert(s.name).second) {
      ctx_.error("fragment-cycle", s.loc, "fragment `" + s.name + "` spreads itself");
      return;
    }
    if (static_cast<int>(active_fragments_.size()) > ctx_.limits.max_fragment_depth) {
      ctx_.error("too-deep", s.loc,
                 "fragments spread each other more than " +
                     std::to_string(ctx_.limits.max_fragment_depth) + " levels deep");
      ctx_.over_limit = true;
      active_fragments_.erase(s.name);
      return;
    }
    if (included(frag->directives) && applies(frag->type_condition, type_name, frag->loc))
      for_each_field(frag->selections, type_name, f);
    active_fragments_.erase(s.name);
  }

  // The built-in fragment: every Asset interface field of the type.
  template <class F>
  void asset_fragment(const syntax::Selection& s, const std::string& type_name, F&& f) {
    const schema::ObjectType* type = ctx_.schema.type(type_name);
    const schema::Interface* asset = ctx_.schema.interface(schema::kAssetInterface);
    if (!type || !asset) {
      ctx_.error("fragment-type", s.loc,
                 "AssetFragment applies to asset types, not to " + type_name);
      return;
    }
    for (const auto& field : asset->fields) {
      syntax::Selection synthetic;
      synthetic.kind = syntax::Selection::Kind::Field;
      synthetic.loc = s.loc;
      synthetic.name = field.name;
      f(synthetic);
    }
  }

  bool applies(const std::string& condition, const std::string& type_name, syntax::Location loc) {
    if (condition.empty() || condition == type_name) return true;
    const schema::ObjectType* type = ctx_.schema.type(type_name);
    if (type)
      for (const auto& i : type->interfaces)
        if (i == condition) return true;
    if (!ctx_.schema.type(condition) && !ctx_.schema.interface(condition) && condition != "Query")
      ctx_.error("unknown-type", loc, "unknown type `" + condition + "` in a type condition");
    return false;
  }

  bool included(const std::vector<syntax::Directive>& directives) {
    bool keep = true;
    for (const auto& d : directives) {
      if (d.name != "include" && d.name != "skip") continue;
      const Value* arg = d.argument("if");
      const Value& v = arg ? ctx_.resolve(*arg) : Value{};
      if (v.kind != Kind::Boolean) {
        ctx_.error("type-mismatch", d.loc, "@" + d.name + " needs `if:` with a Boolean");
        continue;
      }
      keep = keep && (d.name == "include" ? v.boolean : !v.boolean);
    }
    return keep;
  }

  std::optional<ir::RootField> root_field(const syntax::Selection& s) {
    ir::RootField root;
    root.response_key = s.response_key();
    std::string name = s.name;
    if (name.size() > 9 && name.ends_with("Aggregate")) {
      root.aggregate = true;
      name = name.substr(0, name.size() - 9);
    }
    root.type = ctx_.schema.type_by_plural(name);
    if (!root.type) {
      std::string guess = closest_match(s.name, ctx_.schema.root_field_names());
      ctx_.error("unknown-root-field", s.loc, "unknown root field `" + s.name + "`",
                 guess.empty() ? "the schema's root fields are listed by `posture schema`"
                               : "did you mean `" + guess + "`?");
      return std::nullopt;
    }
    list_arguments(s, *root.type, root.where, root.sort, root.limit, root.offset);
    if (root.aggregate)
      root.selections = aggregate_selections(s);
    else
      root.selections = object_selections(s, *root.type);
    return root;
  }

  void list_arguments(const syntax::Selection& s, const schema::ObjectType& type,
                      ir::Predicate& where, std::vector<ir::SortKey>& sort,
                      std::optional<int64_t>& limit, int64_t& offset) {
    for (const auto& arg : s.arguments) {
      if (ctx_.is_absent(arg.value)) continue;
      const Value& v = ctx_.resolve(arg.value);
      if (arg.name == "where") {
        where = analyze_filter(ctx_, type, v);
      } else if (arg.name == "limit" || arg.name == "offset") {
        paging(arg.name, v, limit, offset);
      } else if (arg.name == "sort") {
        sort = sort_keys(type, v);
      } else if (arg.name == "options" && v.kind == Kind::Object) {
        for (const auto& f : v.fields) {
          if (ctx_.is_absent(f.value)) continue;
          const Value& o = ctx_.resolve(f.value);
          if (f.name == "sort")
            sort = sort_keys(type, o);
          else if (f.name == "limit" || f.name == "offset")
            paging(f.name, o, limit, offset);
          else
            ctx_.error("unknown-argument", f.loc, "unknown option `" + f.name + "`",
                       "options are limit, offset and sort");
        }
      } else {
        std::string guess =
            closest_match(arg.name, {"where", "limit", "offset", "sort", "options"});
        ctx_.error("unknown-argument", arg.loc, "unknown argument `" + arg.name + "` on " + s.name,
                   guess.empty() ? "" : "did you mean `" + guess + "`?");
      }
    }
  }

  void paging(const std::string& name, const Value& v, std::optional<int64_t>& limit,
              int64_t& offset) {
    if (v.kind == Kind::Null) return;
    long long n = v.kind == Kind::Int ? std::atoll(v.text.c_str()) : -1;
    if (v.kind != Kind::Int || n < 0) {
      ctx_.error("type-mismatch", v.loc,
                 name + " takes a non-negative Int, found " + Context::describe(v));
      return;
    }
    if (name == "limit")
      limit = n;
    else
      offset = n;
  }

  std::vector<ir::SortKey> sort_keys(const schema::ObjectType& type, const Value& v) {
    std::vector<ir::SortKey> keys;
    std::vector<const Value*> items;
    if (v.kind == Kind::List)
      for (const auto& i : v.list) items.push_back(&ctx_.resolve(i));
    else
      items.push_back(&v);
    for (const Value* item : items) {
      if (item->kind != Kind::Object) {
        ctx_.error("type-mismatch", item->loc, "sort takes objects such as { name: ASC }");
        continue;
      }
      for (const auto& f : item->fields) {
        const schema::Field* field = type.field(f.name);
        const Value& dir = ctx_.resolve(f.value);
        if (!field || field->list) {
          std::string guess = closest_match(f.name, type.member_names());
          ctx_.error("unknown-field", f.loc, "cannot sort " + type.name + " by `" + f.name + "`",
                     guess.empty() ? "" : "did you mean `" + guess + "`?");
        } else if (dir.kind != Kind::Enum || (dir.text != "ASC" && dir.text != "DESC")) {
          ctx_.error("type-mismatch", dir.loc, "a sort direction is ASC or DESC");
        } else {
          keys.push_back(
              {field, dir.text == "ASC" ? ir::SortDirection::Asc : ir::SortDirection::Desc});
        }
      }
    }
    return keys;
  }

  std::vector<ir::Selection> aggregate_selections(const syntax::Selection& s) {
    std::vector<ir::Selection> out;
    for_each_field(s.selections, "", [&](const syntax::Selection& f) {
      if (f.name != "count") {
        ctx_.error("unknown-field", f.loc, "an aggregate selects `count`, not `" + f.name + "`");
        return;
      }
      ir::Selection sel;
      sel.response_key = f.response_key();
      out.push_back(std::move(sel));
    });
    if (!s.has_selection_set) ctx_.error("missing-selection", s.loc, s.name + " needs `{ count }`");
    return out;
  }

  std::vector<ir::Selection> object_selections(const syntax::Selection& s,
                                               const schema::ObjectType& type) {
    std::vector<ir::Selection> out;
    if (!s.has_selection_set) {
      ctx_.error("missing-selection", s.loc,
                 s.name + " returns " + type.name + " objects: select fields",
                 "for example `{ ...AssetFragment }`");
      return out;
    }
    std::set<std::string> keys;
    for_each_field(s.selections, type.name, [&](const syntax::Selection& f) {
      if (!keys.insert(f.response_key()).second) return;  // same key twice: GraphQL merges them
      if (auto sel = object_selection(f, type)) out.push_back(std::move(*sel));
    });
    return out;
  }

  std::optional<ir::Selection> object_selection(const syntax::Selection& f,
                                                const schema::ObjectType& type) {
    ir::Selection sel;
    sel.response_key = f.response_key();
    if (f.name == "__typename") {
      sel.kind = ir::Selection::Kind::Typename;
      return sel;
    }
    if (const schema::Field* field = type.field(f.name)) {
      if (f.has_selection_set)
        ctx_.error("unexpected-selection", f.loc,
                   f.name + " is a scalar: it takes no selection set");
      if (!f.arguments.empty())
        ctx_.error("unknown-argument", f.arguments.front().loc, f.name + " takes no arguments");
      sel.field = field;
      return sel;
    }
    std::string rel_name = f.name;
    bool aggregate = rel_name.size() > 9 && rel_name.ends_with("Aggregate");
    if (aggregate) rel_name.resize(rel_name.size() - 9);
    if (const schema::Relationship* rel = type.relationship(rel_name)) {
      sel.relationship = rel;
      sel.type = ctx_.schema.type(rel->target);
      sel.kind = aggregate ? ir::Selection::Kind::RelatedAggregate : ir::Selection::Kind::Related;
      list_arguments(f, *sel.type, sel.where, sel.sort, sel.limit, sel.offset);
      sel.selections = aggregate ? aggregate_selections(f) : object_selections(f, *sel.type);
      return sel;
    }
    std::string guess = closest_match(f.name, type.member_names());
    ctx_.error("unknown-field", f.loc, "unknown field `" + f.name + "` on type " + type.name,
               guess.empty() ? "" : "did you mean `" + guess + "`?");
    return std::nullopt;
  }

  Context& ctx_;
  std::set<std::string> active_fragments_;
};

const syntax::OperationDefinition* choose_operation(Context& ctx, const syntax::Document& doc,
                                                    const std::string& name) {
  if (doc.operations.empty()) {
    ctx.errors.push_back(Diagnostic::error(
        "no-operation", "the document holds no query (a manual check, or only fragments)",
        {ctx.source, 0, 0}));
    return nullptr;
  }
  if (name.empty() && doc.operations.size() == 1) return &doc.operations.front();
  std::vector<std::string> names;
  for (const auto& op : doc.operations) {
    if (op.name == name && !name.empty()) return &op;
    names.push_back(op.name);
  }
  std::string guess = closest_match(name, names);
  ctx.errors.push_back(
      Diagnostic::error("unknown-operation",
                        name.empty() ? "the document has " + std::to_string(doc.operations.size()) +
                                           " operations: choose one with --operation"
                                     : "no operation named `" + name + "`",
                        {ctx.source, 0, 0}));
  if (!guess.empty()) ctx.errors.back().hints.push_back("did you mean `" + guess + "`?");
  return nullptr;
}

}  // namespace

Result<ir::Query> analyze(const syntax::Document& doc, const schema::Schema& schema,
                          const AnalyzeOptions& options) {
  Context ctx{schema, doc, options.source_name, {}, {}, {}, options.limits};
  const syntax::OperationDefinition* op = choose_operation(ctx, doc, options.operation_name);
  if (!op) return ctx.errors;
  if (op->operation != "query") {
    ctx.error("unsupported-operation", op->loc,
              "only queries can run: the asset store is read-only, `" + op->operation +
                  "` is not supported");
    return ctx.errors;
  }
  QueryAnalyzer analyzer(ctx);
  analyzer.bind_variables(*op, options.variables);
  ir::Query query;
  query.operation_name = op->name;
  query.roots = analyzer.roots(op->selections);
  if (!ctx.errors.empty()) return ctx.errors;
  if (query.roots.empty())
    return Diagnostic::error("empty-query", "the query selects no root field", ctx.at(op->loc));
  return query;
}

}  // namespace posture::semantic
