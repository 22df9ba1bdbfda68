// Test inventories (tests only): small object graphs written as JSON, read into
// the reference interpreter's in-memory objects, written into an in-memory
// store through ScanWriter, and queried through the real SQL compiler. Shared
// by the semantics runner and the differential test.
//
// An object is a JSON object: "type" (the schema type; children take it from
// their relationship), "id", then schema fields by name; a relationship's name
// holds an array of child objects. A child without "id" gets
// "<parent id>/<relationship>/<index>".
//   {"type":"Connector","id":"c1","name":"x","securityContacts":[{"email":"a@x"}]}
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/checks/reasons.hpp"
#include "engine/schema/schema.hpp"
#include "engine/sql/compiler.hpp"
#include "engine/sql/statements.hpp"
#include "store/store.hpp"
#include "tests/reference/interpreter.hpp"

namespace posture::reference {

// A schema for tests only: the builtin one has no Int or Float fields and no
// relationship two levels deep. Account -> members: Member -> devices: Device.
inline const schema::Schema& test_schema() {
  static const schema::Schema schema = [] {
    auto parsed = schema::parse(R"(
type Account @store(table: "account", plural: "accounts") {
  id: ID!
  name: String
  score: Int
  ratio: Float
  active: Boolean
  tags: [String!]
  members: [Member!]! @relationship(type: "HAS_MEMBER", direction: OUT)
}
type Member @store(table: "member", plural: "members") {
  id: ID!
  name: String
  age: Int
  weight: Float
  admin: Boolean
  roles: [String!]
  devices: [Device!]! @relationship(type: "HAS_DEVICE", direction: OUT)
}
type Device @store(table: "device", plural: "devices") {
  id: ID!
  name: String
  os: String
  patched: Boolean
}
)",
                                "<test schema>");
    if (!parsed) throw std::runtime_error(format(parsed.errors()));
    return std::move(parsed).value();
  }();
  return schema;
}

namespace detail {

inline Value value_from_json(const schema::Field& field, const nlohmann::json& j,
                             const std::string& where) {
  auto bad = [&]() {
    return std::invalid_argument(where + ": field `" + field.name + "` cannot hold " + j.dump());
  };
  if (j.is_null()) return Value{};
  if (field.list) {
    if (!j.is_array()) throw bad();
    std::vector<std::string> items;
    for (const auto& item : j) {
      if (!item.is_string()) throw bad();
      items.push_back(item.get<std::string>());
    }
    return items;
  }
  switch (field.scalar) {
    case schema::ScalarType::ID:
    case schema::ScalarType::String:
      if (!j.is_string()) throw bad();
      return j.get<std::string>();
    case schema::ScalarType::Int:
      if (!j.is_number_integer()) throw bad();
      return j.get<int64_t>();
    case schema::ScalarType::Float:
      if (!j.is_number()) throw bad();
      return j.get<double>();
    case schema::ScalarType::Boolean:
      if (!j.is_boolean()) throw bad();
      return j.get<bool>();
  }
  throw bad();
}

inline nlohmann::json value_to_json(const Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::monostate>)
          return nullptr;
        else
          return x;
      },
      v);
}

}  // namespace detail

// Reads one object (and its children) of `type`. Throws std::invalid_argument
// naming the object when a key is not in the schema or a value has the wrong type.
inline Object object_from_json(const nlohmann::json& j, const schema::Schema& schema,
                               const schema::ObjectType& type, const std::string& default_id) {
  if (!j.is_object()) throw std::invalid_argument("an object must be a JSON object: " + j.dump());
  Object o;
  o.type = type.name;
  o.id = j.contains("id") ? j.at("id").get<std::string>() : default_id;
  if (o.id.empty()) throw std::invalid_argument("an object needs an id: " + j.dump());
  o.fields["id"] = o.id;
  for (const auto& [key, value] : j.items()) {
    if (key == "type" || key == "id") continue;
    if (const schema::Relationship* rel = type.relationship(key)) {
      const schema::ObjectType* target = schema.type(rel->target);
      auto& children = o.related[key];
      if (!value.is_array()) throw std::invalid_argument(o.id + ": " + key + " must be an array");
      for (size_t i = 0; i < value.size(); ++i)
        children.push_back(object_from_json(value[i], schema, *target,
                                            o.id + "/" + key + "/" + std::to_string(i)));
      continue;
    }
    const schema::Field* field = type.field(key);
    if (!field)
      throw std::invalid_argument(o.id + ": " + type.name + " has no field `" + key + "`");
    o.fields[key] = detail::value_from_json(*field, value, o.id);
  }
  return o;
}

// A root object: its type comes from "type".
inline Object object_from_json(const nlohmann::json& j, const schema::Schema& schema) {
  if (!j.is_object() || !j.contains("type") || !j.at("type").is_string())
    throw std::invalid_argument("a root object needs a \"type\": " + j.dump());
  const schema::ObjectType* type = schema.type(j.at("type").get<std::string>());
  if (!type) throw std::invalid_argument("no type " + j.at("type").dump() + " in the schema");
  return object_from_json(j, schema, *type, "");
}

// Appends every object of `type` in the graph (roots and, recursively, children).
inline void collect(const std::vector<Object>& objects, const std::string& type,
                    std::vector<Object>& out) {
  for (const auto& o : objects) {
    if (o.type == type) out.push_back(o);
    for (const auto& [name, children] : o.related) collect(children, type, out);
  }
}

// A store holding one complete scan of some objects (the store may hold
// other scans too: every statement reads one scan).
struct LoadedStore {
  std::shared_ptr<store::Store> store;
  int64_t scan = 0;
};

namespace detail {

inline Status write_object(store::ScanWriter& writer, const schema::Schema& schema, const Object& o,
                           const schema::Relationship* via, const std::string& parent_id) {
  store::Record r;
  r.type = schema.type(o.type);
  r.id = o.id;
  for (const auto& [name, value] : o.fields) r.fields[name] = value_to_json(value);
  r.raw = r.fields.dump();
  // A relationship by id reference (@ref) is written as the store's
  // importer writes it: the owner names its targets' ids, the targets are
  // rows of their own, and the scan's commit links them.
  if (via && via->ref_path.empty()) {
    r.relationship = via;
    r.parent_id = parent_id;
  }
  for (const auto& [name, children] : o.related)
    if (const schema::Relationship* rel = r.type->relationship(name); rel && !rel->ref_path.empty())
      for (const auto& child : children) r.references.emplace_back(rel, child.id);
  if (auto s = writer.add(r); !s) return s;
  for (const auto& [name, children] : o.related)
    for (const auto& child : children)
      if (auto s = write_object(writer, schema, child, r.type->relationship(name), o.id); !s)
        return s;
  return ok_status();
}

}  // namespace detail

// `objects` as a new scan of `into` (an open store), or of a new in-memory
// SQLite store when `into` is null.
inline Result<LoadedStore> load_store(const std::vector<Object>& objects,
                                      const schema::Schema& schema,
                                      std::shared_ptr<store::Store> into = nullptr) {
  if (!into) {
    auto opened = store::Store::open(":memory:", schema, store::OpenMode::ReadWrite);
    if (!opened) return opened.take_errors();
    into = std::make_shared<store::Store>(std::move(opened).value());
  }
  LoadedStore loaded{std::move(into), 0};
  auto writer = store::ScanWriter::begin(*loaded.store, "test");
  if (!writer) return writer.take_errors();
  for (const auto& o : objects)
    if (auto s = detail::write_object(*writer, schema, o, nullptr, ""); !s) return s.take_errors();
  auto scan = writer->commit();
  if (!scan) return scan.take_errors();
  loaded.scan = scan->id;
  return loaded;
}

// The ids of the objects of `type` in the scan satisfying `where`, by the real
// SQL compiler (sql::compile_matches), sorted.
inline Result<std::vector<std::string>> sql_ids(const LoadedStore& loaded,
                                                const schema::ObjectType& type,
                                                const ir::Predicate& where) {
  sql::Statement statement =
      sql::compile_matches(type, where, sql::dialect(loaded.store->backend()));
  auto cursor = store::Cursor::open(*loaded.store, statement, loaded.scan);
  if (!cursor) return cursor.take_errors();
  std::vector<std::string> ids;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    ids.emplace_back(cursor->text(0));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The ids of the objects of `type` in the scan for which checks::Explainer
// (the reasons of failing findings, which evaluate the filter in C++) finds
// `where` true, sorted: what the SQL selects, or the reasons would be wrong.
inline Result<std::vector<std::string>> explained_ids(const LoadedStore& loaded,
                                                      const schema::ObjectType& type,
                                                      const ir::Predicate& where) {
  using sql::Column;
  auto cursor =
      store::Cursor::open(*loaded.store,
                          sql::subjects(type, {Column::Rid, Column::Id}, {}, sql::RowOrder::Store,
                                        nullptr, sql::dialect(loaded.store->backend())),
                          loaded.scan);
  if (!cursor) return cursor.take_errors();
  std::vector<int64_t> rids;
  std::vector<std::string> all;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    rids.push_back(cursor->integer(0));
    all.emplace_back(cursor->text(1));
  }
  auto explained = checks::Explainer(*loaded.store, type, where).explain(rids);
  if (!explained) return explained.take_errors();
  std::vector<std::string> ids;
  for (size_t i = 0; i < all.size(); ++i)
    if (explained->holds[i]) ids.push_back(all[i]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace posture::reference
