// Statement preparation, parameter binding and row stepping for the engine.
#include "engine/exec/cursor.hpp"

namespace posture::exec {

namespace {
Diagnostic sql_error(sqlite3* db, std::string_view what) {
  return Diagnostic::error("sql", std::string(what) + ": " + sqlite3_errmsg(db));
}

int bind_literal(sqlite3_stmt* stmt, int index, const ir::Literal& v) {
  struct Binder {
    sqlite3_stmt* s;
    int i;
    int operator()(std::monostate) const { return sqlite3_bind_null(s, i); }
    int operator()(bool b) const { return sqlite3_bind_int(s, i, b ? 1 : 0); }
    int operator()(int64_t n) const { return sqlite3_bind_int64(s, i, n); }
    int operator()(double d) const { return sqlite3_bind_double(s, i, d); }
    int operator()(const std::string& t) const {
      return sqlite3_bind_text(s, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    }
  };
  return std::visit(Binder{stmt, index}, v);
}
}  // namespace

Result<Cursor> Cursor::open(sqlite3* db, const sql::Statement& statement, int64_t scan_id) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, statement.sql.c_str(), static_cast<int>(statement.sql.size()), &stmt,
                         nullptr) != SQLITE_OK)
    return sql_error(db, "cannot prepare the compiled query");
  Cursor cursor(stmt, db);
  for (size_t i = 0; i < statement.params.size(); ++i) {
    int rc = i == 0 ? sqlite3_bind_int64(stmt, 1, scan_id)
                    : bind_literal(stmt, static_cast<int>(i + 1), statement.params[i]);
    if (rc != SQLITE_OK) return sql_error(db, "cannot bind a query parameter");
  }
  return cursor;
}

Cursor::~Cursor() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Result<bool> Cursor::next() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sql_error(db_, "query failed");
}

std::string_view Cursor::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  return p ? std::string_view(reinterpret_cast<const char*>(p),
                              static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string_view();
}

int64_t Cursor::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Cursor::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace posture::exec
