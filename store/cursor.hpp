// Reading the store: the one prepared-statement wrapper the project has,
// Cursor, which binds and steps a Statement (store/statement.hpp). No SQLite
// type appears here: callers outside store/ see only Statement and Cursor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "store/statement.hpp"

namespace posture::store {

class Store;
namespace internal {
struct CursorAccess;
class PgRows;
class RowSet;
}  // namespace internal

// A prepared statement, finalized on destruction. Text columns are views into
// SQLite's row buffer: valid until the next step. No allocation per row.
class Cursor {
 public:
  // Prepares `statement` on `store` and binds its literals and, by name, `scan_id`;
  // first runs its row sets, if any (they are the cursor's until it is destroyed).
  // Errors (code "store") name the store's path, never the SQL text.
  // With `part`, only the rows of that part (Statement::part_table).
  static Result<Cursor> open(const Store& store, const Statement& statement, int64_t scan_id,
                             RowidRange part = {});
  // `statement` again, on `store` (another connection to the same file),
  // over `part`, with this cursor's row sets instead of computing them
  // again: the two cursors may then run at once on two threads (the sets
  // are only read). `statement` and `scan_id` must be those this cursor was
  // opened with; this cursor must outlive the new one.
  Result<Cursor> open_part(const Store& store, const Statement& statement, int64_t scan_id,
                           RowidRange part) const;

  Cursor();
  Cursor(Cursor&& other) noexcept;
  Cursor& operator=(Cursor&& other) noexcept;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor();

  // Advances to the next row: true when there is one, false at the end.
  Result<bool> next();
  // The column as text; "" for NULL.
  std::string_view text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  // Appends the column's value as JSON, byte for byte as SQLite's
  // json_quote() and json_object() write it: text as a JSON string
  // (`"` and `\` escaped, control characters as \b \t \n \f \r or
  // \u00xx, other bytes as they are), integers in decimal, reals with 15
  // significant digits and a decimal point, NULL as null. On PostgreSQL,
  // whose rows come as text, a value is a JSON string.
  void append_json(int column, std::string& out) const;
  // How many columns a row has.
  int columns() const;
  // The work the statement has done so far (SQLite: virtual machine steps,
  // its row sets' included): what tests of how a statement scales with the
  // store count.
  int64_t steps() const;

  // For the store's own statements (store/*.cpp), bound by position and run
  // again and again: ready for the next execution (reset, bindings cleared),
  // and binding one parameter. Text is copied.
  void reset();
  void bind(int index, int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view value);
  // As bind(), without a copy: `value` must stay as it is until the
  // statement is stepped and reset (a writer's record, bound for one row).
  void bind_static(int index, std::string_view value);
  void bind_null(int index);

 private:
  friend struct internal::CursorAccess;   // store_internal.hpp: prepare and step
  friend class internal::PgRows;          // pg_store.hpp: a PostgreSQL query's rows
  void* stmt_ = nullptr;                  // sqlite3_stmt
  void* db_ = nullptr;                    // sqlite3, for error messages
  std::string path_;                      // the store's, for error messages
  std::unique_ptr<internal::PgRows> pg_;  // set: rows of a PostgreSQL query (stmt_ unused)
  std::vector<std::shared_ptr<const internal::RowSet>> sets_;  // the statement's row sets
  std::vector<std::pair<int, size_t>> set_params_;  // (parameter, set): bound again by reset()
  int64_t set_steps_ = 0;                           // the row sets' statements' steps
};

}  // namespace posture::store
