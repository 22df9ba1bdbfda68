// Private helpers shared by the store's translation units: preparing and
// stepping Cursors on the raw connection, diagnostics that name the store file, identifier quoting,
// the DDL derived from the schema, and the SQL functions every connection gets. Not part of the
// store's public API: include only from store/*.cpp.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "base/text.hpp"
#include "store/cursor.hpp"
#include "store/store.hpp"

namespace posture::store::internal {

// The store format this build writes and reads (kept in _meta.format). Bump it
// when the layout of the reserved tables or columns changes incompatibly.
inline constexpr int kStoreFormat = 3;  // 2: original JSON in <table>_raw; 3: generated _key

// A writing connection's page cache (PRAGMA cache_size: negative, KiB), 64
// MiB: 128 MiB made a 1M import little or no faster for 60-90 MB more
// memory (docs/performance.md, "The index build's sort runs").
inline constexpr int kWriterCacheSize = -65536;

// "PRAGMA cache_size = <kib>" (negative: KiB).
inline std::string cache_size_pragma(int kib) {
  return "PRAGMA cache_size = " + std::to_string(kib) + ";";
}

// How every reading connection reads (docs/performance.md, "Reading the
// store"): no memory map and a 2 MiB page cache. Scans read each page once,
// so a larger cache or the map only adds page faults as memory is first
// touched, which cost more than the reads they save; memory stays flat
// whatever the store's size or the number of workers.
inline constexpr const char* kReadPragmas = "PRAGMA mmap_size = 0; PRAGMA cache_size = -2048;";

// A "store" diagnostic: "store <path>: <what>: <SQLite's message>".
Diagnostic sqlite_error(const std::string& path, sqlite3* db, std::string_view what);
// A "store" diagnostic without a SQLite message.
Diagnostic store_error(const std::string& path, std::string_view what);
// A record's field holding a value of the wrong type (`v`), as every writer
// refuses it (row_encoder.cpp).
Diagnostic bad_value(const Record& record, const schema::Field& field, const nlohmann::json& v);

// What store/*.cpp does with a Cursor beyond the public API: prepare raw SQL
// (kept across uses when `persistent`; errors name the store), step it with
// SQLite's result code, and reach the handles.
struct CursorAccess {
  static Result<Cursor> prepare(sqlite3* db, const std::string& path, std::string_view sql,
                                bool persistent = false);
  // sqlite3_step: SQLITE_ROW, SQLITE_DONE or an error code.
  static int step(Cursor& c) { return sqlite3_step(stmt(c)); }
  static sqlite3_stmt* stmt(const Cursor& c) { return static_cast<sqlite3_stmt*>(c.stmt_); }
  static sqlite3* db(const Cursor& c) { return static_cast<sqlite3*>(c.db_); }
  // Prepares the main statement of `statement` on c's connection and binds
  // it, with c's row sets (Cursor::open, after computing them, and open_part).
  static Status prepare_main(Cursor& c, const Statement& statement, int64_t scan_id,
                             RowidRange part);
};
inline Result<Cursor> prepare(sqlite3* db, const std::string& path, std::string_view sql,
                              bool persistent = false) {
  return CursorAccess::prepare(db, path, sql, persistent);
}
inline int step(Cursor& c) {
  return CursorAccess::step(c);
}

// The connection behind `store` (store/*.cpp only).
struct StoreAccess {
  static sqlite3* db(const Store& s) { return static_cast<sqlite3*>(s.db_); }
  // The PostgreSQL store behind `s`; nullptr for SQLite.
  static const PgStore* pg(const Store& s) { return s.pg_.get(); }
};
inline sqlite3* connection(const Store& store) {
  return StoreAccess::db(store);
}

// Runs `sql` (one or more statements without parameters).
Status exec(sqlite3* db, const std::string& path, std::string_view sql);

// `name` as a double-quoted SQL identifier ("" doubled inside).
std::string quote_ident(std::string_view name);

// The SQLite column type (STRICT) a schema field is stored as.
std::string_view column_type(const schema::Field& field);

// One column of a table the store needs.
struct ColumnSpec {
  std::string name;
  std::string type;        // INTEGER, TEXT, REAL
  std::string constraint;  // "PRIMARY KEY", "NOT NULL", ... or ""
  // SQLite: the expression of a VIRTUAL generated column, computed when read
  // and stored only in the indexes that hold it ("" for a stored column).
  // PostgreSQL stores the column and the writer fills it.
  std::string generated{};
};

// The SQL expression of an asset row's key on SQLite when it is generated
// from key_field(type): `lower("id")`, which is arm_key() (SQLite's built-in
// lower() folds ASCII letters only, as arm_key does). "" when the key is a
// stored column the writer fills.
std::string generated_key(const schema::ObjectType& type);

// One table with its indexes, as the schema (or the store itself) needs it.
struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  // (index name, CREATE INDEX statement) pairs.
  std::vector<std::pair<std::string, std::string>> indexes;
  std::string create_sql() const;
};

// Every table the store needs for `schema`: the reserved ones (_meta, _scans,
// _collection_errors, _scan_types, _unmodelled) and one per object type. Errors when the schema
// would produce clashing columns or tables.
Result<std::vector<TableSpec>> table_specs(const schema::Schema& schema);
// The unique (_scan, _key) index of asset table `table`: its name and its
// CREATE statement, as table_specs() makes it (ScanWriter drops and builds it
// again in a large first scan).
std::pair<std::string, std::string> key_index(const std::string& table);

// Creates what is missing (read-write) or checks that nothing is (read-only),
// and checks that the store's format is the one this build reads.
Status ensure_tables(sqlite3* db, const std::string& path, const schema::Schema& schema,
                     bool read_only);

// Registers posture_regexp(pattern, value) and posture_in(set, rowid)
// (row_set.hpp) on `db`.
Status register_functions(sqlite3* db, const std::string& path);

}  // namespace posture::store::internal
