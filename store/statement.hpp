// What the store runs: SQL text, its literal parameters, and the name of the
// parameter that takes the scan id. Plain data with no third-party include:
// the SQL stage (engine/sql) produces it, store::Cursor runs it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace posture::store {

// The database engine behind a store: the SQL stage writes each one's dialect.
enum class Backend { Sqlite, Postgresql };

// A value bound to a parameter (the same alternatives as the IR's literals).
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

// What a Cursor runs. Literal i (1-based) is bound to the parameter whose name
// ends in the number i (`:p3`, `?3`); the scan id to the parameter named
// `scan` (`:scan`, or `?1` in a baseline file); row set i (0-based) to the
// parameter named `:set<i+1>`. Any other parameter is an error.
struct Statement {
  Statement() = default;
  Statement(std::string sql_, std::vector<Value> params_ = {}, std::string scan_ = "",
            std::vector<std::string> sets_ = {})
      : sql(std::move(sql_)),
        params(std::move(params_)),
        scan(std::move(scan_)),
        sets(std::move(sets_)) {}

  std::string sql;
  std::vector<Value> params;  // the literals only
  std::string scan;           // the scan parameter's name; "" when the SQL has none
  // Row sets (SQLite; docs/performance.md, "Row sets"): statements the store
  // runs, in order, before `sql`. `sql` and the sets after set N test
  // membership with posture_in(:set<N>, rowid). Each is bound as `sql` is,
  // and selects an integer column, the rowids, then either nothing (it fills
  // one set: the lowest numbered not yet filled) or a column per set it
  // fills, named set<N>: the rowid is in set N where that column is 1 (one
  // read of a table for several sets; row_set_numbers says which).
  std::vector<std::string> sets;
  // The table whose rowids `sql` reads as one range that `:part_lo` and
  // `:part_hi` narrow (SQLite; docs/performance.md, "A query on two
  // cores"): a Cursor binds them to the range it is opened on, every row by
  // default, so that workers may each read a part. "" when it has none.
  std::string part_table;
};

// A part of a statement's rows: those whose rowid in its part_table lies in
// [lo, hi]. The default is every row.
struct RowidRange {
  int64_t lo = INT64_MIN;
  int64_t hi = INT64_MAX;
};

// The sets each statement of `sets` fills, in the order of its columns.
std::vector<std::vector<size_t>> row_set_numbers(const std::vector<std::string>& sets);
// ":set3" or ":set1, :set3": how a statement's sets are named.
std::string row_set_names(const std::vector<size_t>& numbers);

}  // namespace posture::store
