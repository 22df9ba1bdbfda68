// The SDL loader: see schema.hpp.
#include "engine/schema/schema.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/text.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::schema {

namespace {

std::optional<ScalarType> scalar_of(const std::string& name) {
  if (name == "ID") return ScalarType::ID;
  if (name == "String") return ScalarType::String;
  if (name == "Int") return ScalarType::Int;
  if (name == "Float") return ScalarType::Float;
  if (name == "Boolean") return ScalarType::Boolean;
  return std::nullopt;
}

std::string string_argument(const syntax::Directive* d, std::string_view arg) {
  if (!d) return "";
  const syntax::Value* v = d->argument(arg);
  return v && v->kind == syntax::Value::Kind::String ? v->text : "";
}

// A directive argument that is a string or a list of strings, as a list
// (empty when it is absent or neither).
std::vector<std::string> strings_argument(const syntax::Directive* d, std::string_view arg) {
  std::vector<std::string> out;
  const syntax::Value* v = d ? d->argument(arg) : nullptr;
  if (v && v->kind == syntax::Value::Kind::String) out.push_back(v->text);
  if (v && v->kind == syntax::Value::Kind::List)
    for (const auto& item : v->list)
      if (item.kind == syntax::Value::Kind::String) out.push_back(item.text);
  return out;
}

// A directive argument's literal as JSON text (strings quoted), or "" when
// it is absent or not a scalar literal.
std::string literal_json(const syntax::Value* v) {
  if (!v) return "";
  switch (v->kind) {
    case syntax::Value::Kind::String: {
      std::string out = "\"";
      for (char c : v->text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case syntax::Value::Kind::Int:
    case syntax::Value::Kind::Float:
      return v->text;
    case syntax::Value::Kind::Boolean:
      return v->boolean ? "true" : "false";
    default:
      return "";
  }
}

struct TransformName {
  const char* name;
  Transform transform;
  ScalarType result;  // the scalar type the field must have
  bool list = false;  // whether the field is a list of it
};
constexpr TransformName kTransforms[] = {
    {"equals", Transform::Equals, ScalarType::Boolean},
    {"present", Transform::Present, ScalarType::Boolean},
    {"notEmpty", Transform::NotEmpty, ScalarType::Boolean},
    {"count", Transform::Count, ScalarType::Int},
    {"lastSegment", Transform::LastSegment, ScalarType::String},
    {"split", Transform::Split, ScalarType::String, true},
    {"upper", Transform::Upper, ScalarType::String},
    {"portFrom", Transform::PortFrom, ScalarType::Int},
    {"portTo", Transform::PortTo, ScalarType::Int},
    {"lower", Transform::Lower, ScalarType::String},
    {"booleanText", Transform::BooleanText, ScalarType::Boolean},
    {"integerText", Transform::IntegerText, ScalarType::Int},
    {"isoTime", Transform::IsoTime, ScalarType::String},
    {"tlsVersion", Transform::TlsVersion, ScalarType::Float},
    {"extendedType", Transform::ExtendedType, ScalarType::String},
    {"anyTrue", Transform::AnyTrue, ScalarType::Boolean},
    {"addressPrefixes", Transform::AddressPrefixes, ScalarType::String, true}};
constexpr const char* kTransformNames =
    "equals, present, notEmpty, count, lastSegment, split, upper, lower, booleanText, "
    "integerText, isoTime, tlsVersion, extendedType, anyTrue, constant, "
    "portFrom, portTo, addressPrefixes";

// Whether literal `v` fits a field of scalar type `scalar`.
bool literal_fits(const syntax::Value* v, ScalarType scalar) {
  if (!v) return false;
  switch (v->kind) {
    case syntax::Value::Kind::String:
      return scalar == ScalarType::String || scalar == ScalarType::ID;
    case syntax::Value::Kind::Boolean:
      return scalar == ScalarType::Boolean;
    case syntax::Value::Kind::Int:
      return scalar == ScalarType::Int || scalar == ScalarType::Float;
    case syntax::Value::Kind::Float:
      return scalar == ScalarType::Float;
    default:
      return false;
  }
}

SourceLocation at(std::string_view source, syntax::Location loc) {
  return {std::string(source), loc.line, loc.column};
}

struct Loader {
  std::string_view source;
  const syntax::Document& doc;
  Diagnostics errors;

  void error(syntax::Location loc, std::string message) {
    errors.push_back(Diagnostic::error("schema", std::move(message), at(source, loc)));
  }

  std::optional<Field> scalar_field(const syntax::FieldDefinition& def) {
    auto scalar = scalar_of(def.type.base_name());
    if (!scalar) return std::nullopt;
    const syntax::TypeRef& t = def.type;
    Field f;
    f.name = def.name;
    f.description = def.description;
    f.scalar = *scalar;
    f.list = t.list;
    f.non_null = t.non_null;
    std::string column = string_argument(def.directive("column"), "name");
    f.column = column.empty() ? def.name : column;
    return f;
  }

  // @arm(type: "A/b") or @arm(type: ["A/b", "C/d"]): the type's ARM resource types.
  void arm_types(const syntax::Directive& arm, ObjectType& t) {
    const syntax::Value* v = arm.argument("type");
    if (v && v->kind == syntax::Value::Kind::String) t.arm_types.push_back(v->text);
    if (v && v->kind == syntax::Value::Kind::List)
      for (const auto& item : v->list)
        if (item.kind == syntax::Value::Kind::String) t.arm_types.push_back(item.text);
    if (t.arm_types.empty() ||
        (v->kind == syntax::Value::Kind::List && t.arm_types.size() != v->list.size()))
      error(arm.loc, "@arm on " + t.name + " needs type: a string or a list of strings");
  }

  // The field's ARM source: @json(path:), @transform(name:, value:),
  // @fill(value:), @default(value:, apiVersions:). A field without @json reads
  // the top-level property of its own name.
  void arm_source(const syntax::FieldDefinition& def, Field& f) {
    const syntax::Directive* json = def.directive("json");
    f.arm.path = string_argument(json, "path");
    if (const syntax::Value* paths = json ? json->argument("path") : nullptr;
        paths && paths->kind == syntax::Value::Kind::List) {
      for (const auto& item : paths->list)
        if (item.kind == syntax::Value::Kind::String) {
          if (f.arm.path.empty())
            f.arm.path = item.text;
          else
            f.arm.more_paths.push_back(item.text);
        }
    }
    if (f.arm.path.empty()) f.arm.path = def.name;
    if (const syntax::Directive* t = def.directive("transform");
        t && string_argument(t, "name") == "constant") {
      // The documented behaviour of the service, whatever the resource says.
      const syntax::Value* v = t->argument("value");
      f.arm.transform = Transform::Constant;
      f.arm.transform_argument = literal_json(v);
      if (f.list || !literal_fits(v, f.scalar))
        error(t->loc, "transform `constant` on field " + def.name +
                          " needs a value of the field's type " + def.type.base_name());
    } else if (t) {
      std::string name = string_argument(t, "name");
      const TransformName* known = nullptr;
      for (const auto& k : kTransforms)
        if (name == k.name) known = &k;
      if (!known) {
        error(t->loc, "unknown transform `" + name + "` on field " + def.name +
                          " (known: " + kTransformNames + ")");
      } else if (known->result != f.scalar || f.list != known->list) {
        error(t->loc, "transform `" + name + "` gives " + (known->list ? "a list of " : "a ") +
                          std::string(scalar_name(known->result)) + ", but field " + def.name +
                          " is " + (f.list ? "a list of " : "") + def.type.base_name());
      } else {
        f.arm.transform = known->transform;
        f.arm.transform_argument = string_argument(t, "value");
        if (known->transform == Transform::Equals && f.arm.transform_argument.empty())
          error(t->loc, "transform `equals` on field " + def.name + " needs a value string");
      }
    }
    bool multi = f.arm.transform == Transform::AddressPrefixes ||
                 f.arm.transform == Transform::PortFrom || f.arm.transform == Transform::PortTo;
    if (!f.arm.more_paths.empty() && !multi)
      error(json->loc, "@json on field " + def.name +
                           " lists several paths, which only the addressPrefixes, portFrom and "
                           "portTo transforms read");
    auto literal = [&](const char* directive, std::string& into) {
      const syntax::Directive* d = def.directive(directive);
      if (!d) return;
      const syntax::Value* v = d->argument("value");
      into = literal_json(v);
      bool fits = literal_fits(v, f.scalar);
      bool split_list = f.list && f.arm.transform == Transform::Split;
      if (into.empty() || (f.list && !split_list) || !fits)
        error(d->loc, "@" + std::string(directive) + " on field " + def.name +
                          " needs a value of the field's type " + def.type.base_name());
    };
    literal("fill", f.arm.fill);
    literal("default", f.arm.documented_default);
    if (const syntax::Directive* d = def.directive("default")) {
      f.arm.default_api_versions = string_argument(d, "apiVersions");
      if (f.arm.default_api_versions.empty())
        error(d->loc, "@default on field " + def.name +
                          " needs apiVersions: the API versions whose specification documents it");
    }
  }

  // @through(relationship:, field:, equals:) and its @fill: resolved against
  // the related type by resolve_through once every type is loaded.
  void through_source(const syntax::FieldDefinition& def, const syntax::Directive& d, Field& f) {
    f.through.relationship = string_argument(&d, "relationship");
    f.through.field = string_argument(&d, "field");
    f.through.equals = literal_json(d.argument("equals"));
    if (f.through.relationship.empty() || f.through.field.empty())
      error(d.loc, "@through on field " + def.name + " needs relationship and field strings");
    if (f.list) error(d.loc, "@through on field " + def.name + " needs a scalar field, not a list");
    if (!f.through.equals.empty() && f.scalar != ScalarType::Boolean)
      error(d.loc, "@through with equals gives a Boolean, but field " + def.name + " is " +
                       def.type.base_name());
    if (def.directive("json") || def.directive("transform") || def.directive("default"))
      error(d.loc, "field " + def.name +
                       " is read through a relationship (@through): it takes no @json, "
                       "@transform or @default");
    if (const syntax::Directive* fill = def.directive("fill")) {
      const syntax::Value* v = fill->argument("value");
      f.arm.fill = literal_json(v);
      if (!literal_fits(v, f.scalar))
        error(fill->loc, "@fill on field " + def.name + " needs a value of the field's type " +
                             def.type.base_name());
    }
  }

  void load_object(const syntax::TypeDefinition& def, std::vector<ObjectType>& out) {
    const syntax::Directive* store = def.directive("store");
    if (!store) {
      error(def.loc, "object type " + def.name + " has no @store(table:, plural:) directive");
      return;
    }
    ObjectType t;
    t.name = def.name;
    t.description = def.description;
    t.table = string_argument(store, "table");
    t.plural = string_argument(store, "plural");
    t.interfaces = def.interfaces;
    if (const syntax::Directive* arm = def.directive("arm")) {
      arm_types(*arm, t);
      t.arm_scope = string_argument(arm, "scope");
      t.arm_kind = string_argument(arm, "kind");
      t.arm_name = string_argument(arm, "name");
      t.arm_api_version = string_argument(arm, "apiVersion");
      t.arm_table = string_argument(arm, "table");
      if (!t.arm_table.empty() && !t.arm_api_version.empty())
        error(arm->loc, "@arm on " + t.name +
                            " has both table (read from Resource Graph) and apiVersion (listed "
                            "with ARM GETs): give one");
      if (!std::all_of(t.arm_table.begin(), t.arm_table.end(),
                       [](unsigned char c) { return std::islower(c) != 0; }))
        error(arm->loc, "@arm table on " + t.name +
                            " must be a Resource Graph table name such "
                            "as \"securityresources\" (lower-case letters)");
      if (!t.arm_api_version.empty() && t.arm_scope.empty())
        error(arm->loc, "@arm apiVersion on " + t.name +
                            " needs scope \"subscription\" or \"extension\" (the list is read "
                            "under each subscription or each owner)");
      if (!t.arm_scope.empty() && t.arm_scope != "subscription" && t.arm_scope != "extension")
        error(arm->loc, "@arm scope on " + t.name + " must be \"subscription\" or \"extension\"");
    }
    t.element = def.directive("element") != nullptr;
    if (const syntax::Directive* graph = def.directive("graph")) {
      t.graph_types = strings_argument(graph, "type");
      t.graph_context = string_argument(graph, "context");
      t.graph_display_name = string_argument(graph, "displayName");
      if (t.graph_types.empty() && t.graph_context.empty())
        error(graph->loc, "@graph on " + t.name + " needs type (a string or a list) or context");
    }
    if (t.table.empty() || t.plural.empty())
      error(store->loc, "@store on " + def.name + " needs table and plural strings");
    for (const auto& fd : def.fields) {
      if (auto f = scalar_field(fd)) {
        if (!t.arm_types.empty() || t.element || !t.graph_types.empty() || !t.graph_context.empty())
          arm_source(fd, *f);
        if (const syntax::Directive* through = fd.directive("through"))
          through_source(fd, *through, *f);
        t.fields.push_back(std::move(*f));
        continue;
      }
      const syntax::Directive* rel = fd.directive("relationship");
      if (!rel || !fd.type.list) {
        error(fd.loc, "field " + def.name + "." + fd.name + " of type " + fd.type.base_name() +
                          " must be a scalar or a list with @relationship");
        continue;
      }
      Relationship r;
      r.name = fd.name;
      r.description = fd.description;
      r.type = string_argument(rel, "type");
      r.owner = def.name;
      r.target = fd.type.base_name();
      r.fk_column = "_" + text::ascii_lower(r.type) + "_rid";
      r.key_column = "_" + text::ascii_lower(r.type) + "_key";
      if (r.type.empty()) error(rel->loc, "@relationship on " + fd.name + " needs a type");
      if (const syntax::Directive* child = fd.directive("child")) {
        r.child_path = string_argument(child, "path");
        r.child_api_version = string_argument(child, "apiVersion");
        if (r.child_path.empty() || r.child_api_version.empty())
          error(child->loc, "@child on " + fd.name + " needs path and apiVersion strings");
      }
      if (const syntax::Directive* elements = fd.directive("elements")) {
        r.elements_path = string_argument(elements, "path");
        if (const syntax::Value* v = elements->argument("path");
            v && v->kind == syntax::Value::Kind::List)
          for (const auto& item : v->list)
            if (item.kind == syntax::Value::Kind::String) {
              if (r.elements_path.empty())
                r.elements_path = item.text;
              else
                r.more_elements_paths.push_back(item.text);
            }
        if (r.elements_path.empty())
          error(elements->loc, "@elements on " + fd.name + " needs a path string or list");
      }
      r.owner_table = t.table;
      const syntax::Value* direction = rel->argument("direction");
      r.inverse =
          direction && direction->kind == syntax::Value::Kind::Enum && direction->text == "IN";
      if (const syntax::Directive* ref = fd.directive("ref")) {
        r.ref_path = string_argument(ref, "path");
        if (r.ref_path.empty()) error(ref->loc, "@ref on " + fd.name + " needs a path string");
        const syntax::Value* shared = ref->argument("shared");
        r.in_owner = shared && shared->kind == syntax::Value::Kind::Boolean && shared->boolean;
        if (r.in_owner) r.fk_column = "_" + text::ascii_lower(r.type) + "_ref";
      }
      if (const syntax::Directive* ext = fd.directive("extension")) {
        r.extension_under = strings_argument(ext, "under");
        if (r.extension_under.empty())
          error(ext->loc, "@extension on " + fd.name + " needs under: a string or a list of them");
      }
      t.relationships.push_back(std::move(r));
    }
    out.push_back(std::move(t));
  }

  // The forward relationship an inverse one (direction: IN) reads backwards:
  // the target's relationship of the same type into `t`. The inverse uses its
  // link column, which is in t's own rows.
  void resolve_inverse(const ObjectType& t, Relationship& r, const std::vector<ObjectType>& types) {
    for (const auto& u : types)
      if (u.name == r.target)
        for (const auto& f : u.relationships)
          if (f.type == r.type && f.target == t.name && !f.inverse && !f.in_owner) {
            r.fk_column = f.fk_column;
            r.key_column.clear();
            r.in_owner = true;
            r.owner_table = t.table;
            return;
          }
    errors.push_back(Diagnostic::error("schema",
                                       "relationship " + t.name + "." + r.name +
                                           " (direction: IN) needs a relationship of type " +
                                           r.type + " from " + r.target + " to " + t.name,
                                       {std::string(source), 0, 0}));
  }

  // A @through field's related table and column, from its relationship.
  void resolve_through(const ObjectType& t, Field& f, const std::vector<ObjectType>& types) {
    auto fail = [&](const std::string& why) {
      errors.push_back(Diagnostic::error("schema",
                                         "field " + t.name + "." + f.name + " (@through): " + why,
                                         {std::string(source), 0, 0}));
    };
    const Relationship* rel = t.relationship(f.through.relationship);
    if (!rel) return fail("no relationship " + f.through.relationship + " on " + t.name);
    const ObjectType* target = nullptr;
    for (const auto& u : types)
      if (u.name == rel->target) target = &u;
    if (!target) return;  // reported by check_references
    const Field* source_field = target->field(f.through.field);
    if (!source_field || source_field->derived() || source_field->list)
      return fail(rel->target + " has no stored scalar field " + f.through.field);
    if (f.through.equals.empty() && source_field->scalar != f.scalar)
      return fail(rel->target + "." + f.through.field + " is " +
                  std::string(scalar_name(source_field->scalar)) + ", the field " +
                  std::string(scalar_name(f.scalar)));
    f.through.table = target->table;
    f.through.column = source_field->column;
    f.through.link_column = rel->fk_column;
    f.through.in_owner = rel->in_owner;
    f.through.scalar = source_field->scalar;
  }

  void check_references(std::vector<ObjectType>& types) {
    for (auto& t : types)
      for (auto& r : t.relationships)
        if (r.inverse) resolve_inverse(t, r, types);
    for (auto& t : types)
      for (auto& f : t.fields)
        if (f.derived()) resolve_through(t, f, types);
    for (const auto& t : types)
      for (const auto& r : t.relationships) {
        bool found = false;
        for (const auto& u : types) found = found || u.name == r.target;
        if (!found)
          errors.push_back(Diagnostic::error(
              "schema",
              "relationship " + t.name + "." + r.name + " targets unknown type " + r.target,
              {std::string(source), 0, 0}));
        bool element_target = false;
        for (const auto& u : types)
          element_target = element_target || (u.name == r.target && u.element);
        if (found && !r.elements_path.empty() && !element_target)
          errors.push_back(Diagnostic::error("schema",
                                             "relationship " + t.name + "." + r.name +
                                                 " reads @elements, so its type " + r.target +
                                                 " needs @element",
                                             {std::string(source), 0, 0}));
      }
  }
};

}  // namespace

Result<Schema> parse(std::string_view sdl, std::string_view source_name) {
  auto doc = syntax::parse(sdl, source_name);
  if (!doc) return doc.take_errors();
  Loader loader{source_name, *doc, {}};
  std::vector<ObjectType> types;
  std::vector<Interface> interfaces;
  for (const auto& def : doc->types) {
    if (def.kind == syntax::TypeDefinition::Kind::Object) {
      loader.load_object(def, types);
    } else if (def.kind == syntax::TypeDefinition::Kind::Interface) {
      Interface iface{def.name, {}};
      for (const auto& fd : def.fields)
        if (auto f = loader.scalar_field(fd)) iface.fields.push_back(std::move(*f));
      interfaces.push_back(std::move(iface));
    }
  }
  loader.check_references(types);
  if (!loader.errors.empty()) return loader.errors;
  return Schema(std::string(sdl), std::move(types), std::move(interfaces));
}

}  // namespace posture::schema
