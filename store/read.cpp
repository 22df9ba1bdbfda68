// The store's reads beyond scans and cursors: row counts, query plans, the
// bulk-read mode, checking a user's read-only statement, and the database
// engine's version. Every error names the store's path, never SQL text.
#include <cctype>
#include <map>

#include "store/pg_store.hpp"
#include "store/store.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

using internal::connection;
using internal::quote_ident;
using internal::sqlite_error;
using internal::store_error;

namespace {

// Whether `tail` (what follows the first statement) holds only blanks and comments.
bool only_comments(std::string_view t) {
  while (!t.empty()) {
    if (std::isspace(static_cast<unsigned char>(t.front())) || t.front() == ';') {
      t.remove_prefix(1);
    } else if (t.substr(0, 2) == "--") {
      auto nl = t.find('\n');
      t.remove_prefix(nl == std::string_view::npos ? t.size() : nl);
    } else if (t.substr(0, 2) == "/*") {
      auto end = t.find("*/");
      if (end == std::string_view::npos) return false;
      t.remove_prefix(end + 2);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

namespace {

// The one integer `select` (on the table of `type`, scan bound as ?1) returns.
Result<int64_t> scan_scalar(const Store& store, const schema::ObjectType& type, int64_t scan_id,
                            const std::string& select) {
  sqlite3* db = connection(store);
  auto stmt = internal::prepare(db, store.path(), select);
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  if (internal::step(*stmt) != SQLITE_ROW)
    return sqlite_error(store.path(), db, "reading the rows of " + type.name);
  return stmt->integer(0);
}

}  // namespace

Result<uint64_t> Store::count_rows(const schema::ObjectType& type, int64_t scan_id) const {
  if (pg_) return pg_->count_rows(type, scan_id);
  auto n = scan_scalar(*this, type, scan_id,
                       "SELECT count(*) FROM " + quote_ident(type.table) + " WHERE _scan = ?1");
  if (!n) return n.take_errors();
  return static_cast<uint64_t>(*n);
}

Result<bool> Store::has_rows(const schema::ObjectType& type, int64_t scan_id) const {
  if (pg_) return pg_->has_rows(type, scan_id);
  auto n =
      scan_scalar(*this, type, scan_id,
                  "SELECT EXISTS (SELECT 1 FROM " + quote_ident(type.table) + " WHERE _scan = ?1)");
  if (!n) return n.take_errors();
  return *n != 0;
}

Result<std::optional<RowidRange>> Store::scan_rowids(const schema::ObjectType& type,
                                                     int64_t scan_id) const {
  if (pg_) return store_error(path_, "rowid ranges are SQLite's");
  const std::string t = quote_ident(type.table);
  sqlite3* db = connection(*this);
  // Each bound one seek at an end of the scan's rows in the (_scan) index.
  auto stmt = internal::prepare(db, path_,
                                "SELECT (SELECT min(_rid) FROM " + t + " WHERE _scan = ?1), " +
                                    "(SELECT max(_rid) FROM " + t + " WHERE _scan = ?1)");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  if (internal::step(*stmt) != SQLITE_ROW)
    return sqlite_error(path_, db, "reading the rows of " + type.name);
  if (stmt->is_null(0)) return std::optional<RowidRange>();
  return std::optional<RowidRange>(RowidRange{stmt->integer(0), stmt->integer(1)});
}

Result<std::vector<std::string>> Store::query_plan(const Statement& statement) const {
  if (pg_) return pg_->query_plan(statement);
  sqlite3* db = connection(*this);
  // Each row set statement's plan under "ROW SET :set<i>[, ...]", in the order they run, then
  // the statement's. Planned unbound: the plan does not depend on values.
  std::vector<std::string> lines;
  auto plan = [&](const std::string& of, size_t indent) -> Status {
    std::string sql = "EXPLAIN QUERY PLAN " + of;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(raw);
      return sqlite_error(path_, db, "cannot plan a query");
    }
    std::map<int, size_t> depth;  // plan node id -> level
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      int id = sqlite3_column_int(raw, 0), parent = sqlite3_column_int(raw, 1);
      size_t level = depth.count(parent) ? depth[parent] + 1 : indent;
      depth[id] = level;
      const unsigned char* detail = sqlite3_column_text(raw, 3);
      lines.push_back(std::string(level * 2, ' ') +
                      (detail ? reinterpret_cast<const char*>(detail) : ""));
    }
    sqlite3_finalize(raw);
    if (rc != SQLITE_DONE) return sqlite_error(path_, db, "cannot plan a query");
    return ok_status();
  };
  const auto numbers = row_set_numbers(statement.sets);
  for (size_t i = 0; i < statement.sets.size(); ++i) {
    lines.push_back("ROW SET " + row_set_names(numbers[i]));
    if (auto s = plan(statement.sets[i], 1); !s) return s.take_errors();
  }
  if (auto s = plan(statement.sql, 0); !s) return s.take_errors();
  return lines;
}

// PostgreSQL: nothing to change (the server's shared buffers are shared).
Status Store::use_bulk_read_mode() const {
  if (pg_) return ok_status();
  sqlite3* db = connection(*this);
  char* message = nullptr;
  if (sqlite3_exec(db, internal::kReadPragmas, nullptr, nullptr, &message) == SQLITE_OK)
    return ok_status();
  std::string why = message ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return store_error(path_, "cannot switch to bulk reads: " + why);
}

Result<Statement> Store::read_only_statement(std::string sql, const std::string& file) const {
  if (pg_) return pg_->read_only_statement(std::move(sql), file);
  sqlite3* db = connection(*this);
  auto refuse = [&](const std::string& why) { return store_error(path_, file + " " + why); };
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, &tail) != SQLITE_OK)
    return refuse(std::string("cannot be prepared: ") + sqlite3_errmsg(db));
  if (!raw) return refuse("holds no SQL statement");
  bool read_only = sqlite3_stmt_readonly(raw);
  int params = sqlite3_bind_parameter_count(raw);
  const char* first = sqlite3_bind_parameter_name(raw, 1);
  std::string scan = first ? first : "";
  sqlite3_finalize(raw);
  if (!only_comments(tail)) return refuse("holds more than one SQL statement");
  if (!read_only) return refuse("is not a read-only statement");
  if (params != 1 || (scan != ":scan" && scan != "?1"))
    return refuse("must use exactly one parameter, :scan or ?1 (the scan id)");
  return Statement{std::move(sql), {}, std::move(scan)};
}

std::string engine_version() {
  return sqlite3_libversion();
}

}  // namespace posture::store
