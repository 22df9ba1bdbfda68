// The SDL loader: see schema.hpp.
#include "engine/schema/schema.hpp"

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
    if (t.table.empty() || t.plural.empty())
      error(store->loc, "@store on " + def.name + " needs table and plural strings");
    for (const auto& fd : def.fields) {
      if (auto f = scalar_field(fd)) {
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
      t.relationships.push_back(std::move(r));
    }
    out.push_back(std::move(t));
  }

  void check_references(const std::vector<ObjectType>& types) {
    for (const auto& t : types)
      for (const auto& r : t.relationships) {
        bool found = false;
        for (const auto& u : types) found = found || u.name == r.target;
        if (!found)
          errors.push_back(Diagnostic::error(
              "schema",
              "relationship " + t.name + "." + r.name + " targets unknown type " + r.target,
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

const Schema& builtin() {
  static const Schema schema = [] {
    auto loaded = parse(builtin_sdl(), "engine/schema/assets.graphql");
    if (!loaded) {
      // The embedded SDL is part of the program: a broken one is a build defect.
      std::fputs(format(loaded.errors()).c_str(), stderr);
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return schema;
}

}  // namespace posture::schema
