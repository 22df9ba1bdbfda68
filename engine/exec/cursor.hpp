// Running one compiled statement on a store connection: prepare, bind the scan
// id and the literals as parameters, step through the rows.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "engine/sql/compiler.hpp"

namespace posture::exec {

class Cursor {
 public:
  // Prepares `statement` and binds parameter 1 to `scan_id`, the rest to its literals.
  static Result<Cursor> open(sqlite3* db, const sql::Statement& statement, int64_t scan_id);
  Cursor(Cursor&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }
  Cursor& operator=(Cursor&&) = delete;
  ~Cursor();

  // Advances to the next row: true when there is one, false at the end.
  Result<bool> next();
  std::string_view text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  Cursor(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace posture::exec
