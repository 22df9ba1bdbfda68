// The store's tables, derived from the schema: one STRICT table per object
// type (a column per scalar field, list fields as JSON array text, and the
// parent columns of every relationship into the type) with a side table
// "<table>_raw" holding each row's original JSON,
// plus the reserved tables _meta, _scans, _collection_errors, _scan_types (the
// types each scan collected) and _unmodelled (objects of types the schema
// does not model, kept raw).
// ensure_tables creates what is missing, adds columns for fields a newer
// schema introduced, and refuses stores of another format or shape.
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include "store/store.hpp"
#include "store/store_internal.hpp"

namespace posture::store::internal {

namespace {

const char* const kMetaTable = "_meta";

TableSpec meta_table() {
  return {kMetaTable, {{"key", "TEXT", "PRIMARY KEY"}, {"value", "TEXT", "NOT NULL"}}, {}};
}

TableSpec scans_table() {
  return {"_scans",
          {{"id", "INTEGER", "PRIMARY KEY"},
           {"source", "TEXT", "NOT NULL"},
           {"started_at", "TEXT", "NOT NULL"},
           {"ended_at", "TEXT", ""},
           {"status", "TEXT", "NOT NULL"},
           {"objects", "INTEGER", "NOT NULL DEFAULT 0"},
           {"message", "TEXT", "NOT NULL DEFAULT ''"},
           // The Azure tenant the scan is of (docs/scaling.md): scan ids are
           // unique in the store, so the asset tables need no such column.
           {"_tenant", "TEXT", "NOT NULL DEFAULT ''"}},
          {}};
}

TableSpec errors_table() {
  return {"_collection_errors",
          {{"scan", "INTEGER", "NOT NULL"},
           {"resource_key", "TEXT", "NOT NULL"},
           {"resource", "TEXT", "NOT NULL"},
           {"type", "TEXT", "NOT NULL"},
           {"http_status", "INTEGER", "NOT NULL DEFAULT 0"},
           {"message", "TEXT", "NOT NULL"},
           // The child type that could not be read ("" or NULL: the resource
           // itself). Nullable, so an older store gains it by ALTER TABLE.
           {"child_type", "TEXT", ""}},
          {{"_collection_errors_scan",
            "CREATE INDEX IF NOT EXISTS \"_collection_errors_scan\" ON "
            "\"_collection_errors\"(scan, resource_key)"}}};
}

// The schema types each scan collected (listed completely). A scan without
// rows here has no record (made before the record existed, or by a writer
// that does not keep one): every type with no rows is then unknown.
TableSpec scan_types_table() {
  return {"_scan_types",
          {{"scan", "INTEGER", "NOT NULL"}, {"type", "TEXT", "NOT NULL"}},
          {{"_scan_types_scan",
            "CREATE UNIQUE INDEX IF NOT EXISTS \"_scan_types_scan\" ON "
            "\"_scan_types\"(scan, type)"}}};
}

// Objects import read but the schema does not model, kept as they came.
TableSpec unmodelled_table() {
  return {"_unmodelled",
          {{"scan", "INTEGER", "NOT NULL"},
           {"id", "TEXT", "NOT NULL"},
           {"arm_type", "TEXT", "NOT NULL"},
           {"raw", "TEXT", "NOT NULL"}},
          {{"_unmodelled_scan",
            "CREATE INDEX IF NOT EXISTS \"_unmodelled_scan\" ON \"_unmodelled\"(scan, "
            "arm_type)"}}};
}

// The asset table of `type`; errors when two columns would share a name.
Result<TableSpec> asset_table(const schema::Schema& schema, const schema::ObjectType& type) {
  // Column order is a cost (docs/data-model.md, "Column order"): SQLite reads
  // a row's record from its start, so what a check's scan reads most (the
  // links, then short values) comes first and long identifiers last: a
  // related set built over the links and a few fields never touches the
  // ids. Every statement names its columns, so the order is not a contract.
  TableSpec t{type.table, {}, {}};
  t.columns.push_back({kRowId, "INTEGER", "PRIMARY KEY"});
  t.columns.push_back({kScan, "INTEGER", "NOT NULL"});
  auto link_index = [&](const std::string& fk) {
    std::string index = type.table + "_" + fk;
    t.indexes.emplace_back(index, "CREATE INDEX IF NOT EXISTS " + quote_ident(index) + " ON " +
                                      quote_ident(type.table) + "(" + quote_ident(fk) + ")");
  };
  const auto parents = schema.relationships_into(type.name);
  for (const auto* rel : parents) {
    t.columns.push_back({rel->fk_column, "INTEGER", ""});
    link_index(rel->fk_column);
  }
  // A link stored in the owner's row (@ref(shared: true)): the target's rowid.
  for (const auto& rel : type.relationships) {
    if (!rel.in_owner || rel.inverse) continue;  // an inverse uses the forward link's column
    t.columns.push_back({rel.fk_column, "INTEGER", ""});
    link_index(rel.fk_column);
  }
  // Fields: numbers and booleans, then text, then lists (JSON arrays), then ids.
  auto rank = [](const schema::Field& f) {
    if (f.list) return 2;
    if (f.scalar == schema::ScalarType::ID) return 3;
    return column_type(f) == "TEXT" ? 1 : 0;
  };
  for (int r = 0; r <= 3; ++r)
    for (const auto& f : type.fields)
      if (rank(f) == r) t.columns.push_back({f.column, std::string(column_type(f)), ""});
  // The key is the id in lower case: on SQLite a virtual column (a copy of
  // the longest value of the row otherwise), kept only in (_scan, _key).
  t.columns.push_back({kKey, "TEXT", "NOT NULL", generated_key(type)});
  // The parent's key, kept only until the row is linked (ScanWriter).
  for (const auto* rel : parents) t.columns.push_back({rel->key_column, "TEXT", ""});
  // (_scan, rowid): the first and last rowid of a scan in O(log n), so the
  // engine reads a scan's rows as one sequential rowid range.
  std::string by_scan = type.table + "_scan";
  t.indexes.emplace_back(by_scan, "CREATE INDEX IF NOT EXISTS " + quote_ident(by_scan) + " ON " +
                                      quote_ident(type.table) + "(_scan)");
  t.indexes.push_back(key_index(type.table));
  std::set<std::string> seen;
  for (const auto& c : t.columns) {
    std::string lower = arm_key(c.name);
    if (c.name.empty() || !seen.insert(lower).second)
      return Diagnostic::error("store", "schema type " + type.name + ": column `" + c.name +
                                            "` of table `" + type.table +
                                            "` is empty or used twice (columns are "
                                            "case-insensitive; _rid, _scan, _key, _raw are "
                                            "reserved)");
  }
  return t;
}

// The columns `table` has now: name -> declared type. Empty if it does not exist.
Result<std::vector<std::pair<std::string, std::string>>> existing_columns(
    sqlite3* db, const std::string& path, const std::string& table) {
  // table_xinfo: table_info leaves generated columns out.
  auto stmt = prepare(db, path, "SELECT name, type FROM pragma_table_xinfo(?1)");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, std::string_view(table));
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW) out.emplace_back(stmt->text(0), stmt->text(1));
  if (rc != SQLITE_DONE) return sqlite_error(path, db, "reading the columns of " + table);
  return out;
}

Result<std::set<std::string>> existing_objects(sqlite3* db, const std::string& path) {
  auto stmt = prepare(db, path, "SELECT lower(name) FROM sqlite_master");
  if (!stmt) return stmt.take_errors();
  std::set<std::string> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW) out.insert(std::string(stmt->text(0)));
  if (rc != SQLITE_DONE) return sqlite_error(path, db, "reading the store's tables");
  return out;
}

// Appends to `todo` what `spec` lacks in the database; errors on a column whose
// declared type differs from the one the schema needs.
Status plan_table(sqlite3* db, const std::string& path, const TableSpec& spec,
                  const std::set<std::string>& objects, std::vector<std::string>& todo) {
  if (!objects.count(arm_key(spec.name))) {
    todo.push_back(spec.create_sql());
    for (const auto& [name, sql] : spec.indexes) todo.push_back(sql);
    return ok_status();
  }
  auto have = existing_columns(db, path, spec.name);
  if (!have) return have.take_errors();
  for (const auto& col : spec.columns) {
    const std::pair<std::string, std::string>* found = nullptr;
    for (const auto& h : *have)
      if (arm_key(h.first) == arm_key(col.name)) found = &h;
    if (found && arm_key(found->second) != arm_key(col.type))
      return store_error(path, "incompatible schema: column " + spec.name + "." + col.name +
                                   " is " + found->second + " in the store but the schema needs " +
                                   col.type + "; use a new store file");
    if (found) continue;
    if (!col.constraint.empty() && col.constraint.find("DEFAULT") == std::string::npos)
      return store_error(path, "incompatible store: table " + spec.name + " lacks column " +
                                   col.name + "; use a new store file");
    todo.push_back("ALTER TABLE " + quote_ident(spec.name) + " ADD COLUMN " +
                   quote_ident(col.name) + " " + col.type +
                   (col.constraint.empty() ? "" : " " + col.constraint));
  }
  for (const auto& [name, sql] : spec.indexes)
    if (!objects.count(arm_key(name))) todo.push_back(sql);
  return ok_status();
}

// _meta's value for `key`, or "" when it has none.
Result<std::string> meta_value(sqlite3* db, const std::string& path, const char* key) {
  auto stmt = prepare(db, path, "SELECT value FROM _meta WHERE key = ?1");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, std::string_view(key));
  int rc = step(*stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_error(path, db, "reading _meta");
  return rc == SQLITE_ROW ? std::string(stmt->text(0)) : std::string();
}

// Checks _meta's format when the store has one; `fresh` is set for a store with
// no tables at all.
Status check_format(sqlite3* db, const std::string& path, const std::set<std::string>& objects,
                    bool& fresh) {
  fresh = objects.empty();
  if (fresh) return ok_status();
  if (!objects.count(kMetaTable))
    return store_error(path, "not a Posture store (a SQLite database without Posture's tables)");
  auto format = meta_value(db, path, "format");
  if (!format) return format.take_errors();
  if (*format != std::to_string(kStoreFormat))
    return store_error(path, "store format `" + *format +
                                 "` is not the one this build of "
                                 "Posture reads (" +
                                 std::to_string(kStoreFormat) +
                                 "); re-import into a new store file");
  return ok_status();
}

// A digest (64-bit FNV-1a, hex) of every statement `specs` would run on an
// empty store. _meta keeps it as 'schema' once the store has all of them, so
// an open that finds the same digest skips the check of each table's columns
// and indexes (a PRAGMA per table: most of opening a store for one query).
std::string fingerprint(const std::vector<TableSpec>& specs) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    // A separator: no two lists of statements collide by joining.
    h = (h ^ 0xffU) * 1099511628211ULL;
  };
  for (const auto& spec : specs) {
    mix(spec.create_sql());
    for (const auto& index : spec.indexes) mix(index.second);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

// Runs `todo`, then records `digest` as the store's schema (and, for a fresh
// store, its format and creation time), in one transaction. The values are
// digits, hex digits and an ISO time: nothing to escape.
Status apply(sqlite3* db, const std::string& path, std::vector<std::string> todo, bool fresh,
             const std::string& digest) {
  std::string meta = "INSERT OR REPLACE INTO _meta(key, value) VALUES ('schema', '" + digest + "')";
  if (fresh)
    meta += ", ('format', '" + std::to_string(kStoreFormat) + "'), ('created_at', '" +
            text::utc_now() + "')";
  todo.push_back(std::move(meta));
  if (auto s = exec(db, path, "BEGIN IMMEDIATE"); !s) return s;
  for (const auto& sql : todo) {
    if (auto s = exec(db, path, sql); !s) {
      (void)exec(db, path, "ROLLBACK");
      return s;
    }
  }
  return exec(db, path, "COMMIT");
}

}  // namespace

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string_view column_type(const schema::Field& field) {
  if (field.list) return "TEXT";
  switch (field.scalar) {
    case schema::ScalarType::Int:
    case schema::ScalarType::Boolean:
      return "INTEGER";
    case schema::ScalarType::Float:
      return "REAL";
    case schema::ScalarType::ID:
    case schema::ScalarType::String:
      break;
  }
  return "TEXT";
}

std::string generated_key(const schema::ObjectType& type) {
  const schema::Field* id = key_field(type);
  return id ? "lower(" + quote_ident(id->column) + ")" : "";
}

std::string TableSpec::create_sql() const {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_ident(name) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    sql += quote_ident(columns[i].name) + " " + columns[i].type;
    if (!columns[i].generated.empty())
      sql += " GENERATED ALWAYS AS (" + columns[i].generated + ") VIRTUAL";
    if (!columns[i].constraint.empty()) sql += " " + columns[i].constraint;
  }
  return sql + ") STRICT";
}

std::pair<std::string, std::string> key_index(const std::string& table) {
  std::string name = table + "_scan_key";
  return {name, "CREATE UNIQUE INDEX IF NOT EXISTS " + quote_ident(name) + " ON " +
                    quote_ident(table) + "(_scan, _key)"};
}

Result<std::vector<TableSpec>> table_specs(const schema::Schema& schema) {
  std::vector<TableSpec> out{meta_table(), scans_table(), errors_table(), scan_types_table(),
                             unmodelled_table()};
  std::set<std::string> names{"_meta", "_scans", "_collection_errors", "_scan_types",
                              "_unmodelled"};
  for (const auto& type : schema.types()) {
    if (type.table.empty() || type.table[0] == '_' || !names.insert(arm_key(type.table)).second)
      return Diagnostic::error("store", "schema type " + type.name + ": table name `" + type.table +
                                            "` is empty, reserved or used twice");
    auto t = asset_table(schema, type);
    if (!t) return t.take_errors();
    out.push_back(std::move(*t));
    std::string raw = raw_table(type.table);
    if (!names.insert(arm_key(raw)).second)
      return Diagnostic::error(
          "store", "schema type " + type.name + ": table name `" + raw + "` is used twice");
    out.push_back({raw, {{kRowId, "INTEGER", "PRIMARY KEY"}, {kRaw, "TEXT", "NOT NULL"}}, {}});
  }
  return out;
}

Status ensure_tables(sqlite3* db, const std::string& path, const schema::Schema& schema,
                     bool read_only) {
  auto specs = table_specs(schema);
  if (!specs) return specs.take_errors();
  auto objects = existing_objects(db, path);
  if (!objects) return objects.take_errors();
  bool fresh = false;
  if (auto s = check_format(db, path, *objects, fresh); !s) return s;
  const std::string digest = fingerprint(*specs);
  if (!fresh) {
    auto stored = meta_value(db, path, "schema");
    if (!stored) return stored.take_errors();
    if (*stored == digest) return ok_status();
  }
  std::vector<std::string> todo;
  for (const auto& spec : *specs)
    if (auto s = plan_table(db, path, spec, *objects, todo); !s) return s;
  if (read_only) {
    if (todo.empty()) return ok_status();
    return store_error(path, fresh ? "is empty: not a Posture store (import into it first)"
                                   : "was made by an older schema; open it read-write once "
                                     "(e.g. `posture import`) to add the new columns");
  }
  return apply(db, path, std::move(todo), fresh, digest);
}

}  // namespace posture::store::internal
