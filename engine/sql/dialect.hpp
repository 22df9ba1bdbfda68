// What is specific to one SQL engine, behind one interface: how parameters
// are written (literals numbered, the scan id named), identifier quoting,
// boolean constants, paging, substring and prefix/suffix tests, list
// membership in a stored JSON array, regular expressions, case folding,
// building JSON, and the planner hint that keeps a column off its index.
// What is NOT behind it, and every engine Posture targets must accept as
// written: SELECT/FROM/WHERE with table aliases, AND/OR/NOT, IS [NOT] NULL,
// =, <, <=, >, >=, [NOT] IN over lists and uncorrelated subqueries, BETWEEN,
// scalar subqueries, count(*)/min()/max(), GROUP BY 1 HAVING, ORDER BY ...
// ASC/DESC, string literals in single quotes. A new engine is a new
// implementation of this class: sqlite_dialect.cpp, postgresql_dialect.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/statement.hpp"

namespace posture::sql {

class Dialect {
 public:
  virtual ~Dialect() = default;
  // The placeholder of the 1-based literal parameter `index` (":p3" in
  // SQLite). The store binds literal i to the parameter whose name ends in i.
  virtual std::string param(size_t index) const = 0;
  // The placeholder of the scan id, a named parameter (":scan" in SQLite);
  // a statement's `scan` names it so the store binds it by name.
  virtual std::string scan_param() const = 0;
  // The placeholder of the scan's tenant ("$2" on PostgreSQL, bound by the
  // store with every statement), or "" where the scan id alone names the
  // rows (SQLite: one file, scan ids unique in it). With one, every table a
  // statement reads is filtered on `_tenant` and every join and quantifier
  // set matches `_tenant` as well as the row: docs/scaling.md says why.
  virtual std::string tenant_param() const { return ""; }
  // The boolean constants as a predicate ("1" / "0" in SQLite).
  virtual std::string boolean(bool value) const = 0;
  // Whether a quantifier over related rows is written as a correlated
  // [NOT] EXISTS (true: PostgreSQL, whose planner makes it a hash semi- or
  // anti-join, where `NOT IN (subquery)` stays a hashed subplan probed per
  // row) or as [NOT] IN an uncorrelated set (false: SQLite builds the set
  // once; its EXISTS is a probe per row). Both select the same rows
  // (compiler.cpp says why).
  virtual bool exists_quantifiers() const { return false; }
  // Where quantifiers are written as IN a set: whether each set is a row
  // set (true: SQLite), computed by the store before the statement runs and
  // tested per row by in_row_set() (a bit in a bitmap), rather than an
  // `IN (subquery)` (false), which SQLite answers by filling a temporary
  // B-tree and seeking it per row (docs/performance.md, "Row sets").
  virtual bool row_sets() const { return false; }
  // Whether `value` (a rowid) is in the statement's row set `set` (1-based),
  // as 1 or 0, never NULL (store/statement.hpp: the set's parameter).
  virtual std::string in_row_set(size_t set, const std::string& value) const {
    (void)set;
    return value;
  }
  // Whether a scan's rows are selected as their rowid range, between the
  // scan's first and last rowid (true: SQLite, whose rowid table then reads
  // them sequentially), or as `_scan = ` the scan (false: PostgreSQL, whose
  // planner then chooses between a sequential scan and the `_scan` index from
  // the statistics an import leaves, where a range of unknown bounds makes
  // it walk an index over the whole table).
  virtual bool scan_by_rowid_range() const { return true; }
  // `expr` as the planner must not answer from an index (SQLite: unary +),
  // so a scan's rows are read as one rowid range; `expr` elsewhere.
  virtual std::string unindexed(const std::string& expr) const = 0;
  // " LIMIT <limit> OFFSET <offset>" with either part "" when absent (both
  // are parameters); "" when both are.
  virtual std::string page(const std::string& limit, const std::string& offset) const = 0;
  // True when the string `value` (never NULL here) contains `needle`.
  virtual std::string contains(const std::string& value, const std::string& needle) const = 0;
  // A quoted identifier. Identifiers come only from the schema.
  virtual std::string quote(std::string_view identifier) const = 0;
  // True when the JSON-array column `list` holds the element whose JSON
  // encoding is `encoded` (e.g. a parameter bound to "\"Owner\""); false for
  // NULL lists. Arrays are stored compact, as nlohmann::json::dump() writes them.
  virtual std::string list_includes(const std::string& list, const std::string& encoded,
                                    bool case_insensitive) const = 0;
  // True (1) or false (0), never NULL, when the string `value` (never NULL
  // here) starts / ends with the string `affix`, compared character for
  // character (a NUL character included); `affix` is a parameter.
  virtual std::string starts_with(const std::string& value, const std::string& affix) const = 0;
  virtual std::string ends_with(const std::string& value, const std::string& affix) const = 0;
  // The text to bind for the RE2 pattern `re2` (the engine's semantics) as
  // regex_full_match's pattern parameter.
  virtual std::string regex_pattern(const std::string& re2) const { return re2; }
  // True when `value` (never NULL here) fully matches `pattern`, a
  // parameter bound to regex_pattern(an RE2 pattern).
  virtual std::string regex_full_match(const std::string& value,
                                       const std::string& pattern) const = 0;
  // Whether a root field's objects are written by the executor from one
  // column per member (true: SQLite, where json_object() per row and the
  // sorter's records cost more than the engine's own encoding and sort:
  // docs/performance.md, "The query path") or as one JSON column (false).
  virtual bool objects_from_columns() const { return false; }
  // A JSON object from (key, SQL expression yielding JSON or a scalar) pairs.
  virtual std::string json_object(
      const std::vector<std::pair<std::string, std::string>>& members) const = 0;
  // A stored boolean column as a JSON true/false/null.
  virtual std::string json_boolean(const std::string& column) const = 0;
  // A stored Float column as JSON, written as SQLite's json_object() writes a
  // REAL ("%!.15g": 15 significant digits, always a decimal point: 3.0,
  // 1.0e+20), so responses are the same bytes on every engine.
  virtual std::string json_float(const std::string& column) const = 0;
  // A stored JSON-array column as JSON (null when NULL).
  virtual std::string json_list(const std::string& column) const = 0;
  // The JSON array aggregate of `json_rows` (a subquery yielding one JSON text column `j`).
  virtual std::string json_array_of(const std::string& json_rows) const = 0;
  // Lower-cases a string expression for caseInsensitive comparisons.
  virtual std::string fold_case(const std::string& expr) const = 0;
  // The integers of `json_array` (a parameter bound to a JSON array text such
  // as "[3,17]") as a subquery for IN: one parameter for any number of
  // rowids, where a placeholder each would make binding cost grow with the
  // square of their number (SQLite looks parameter names up in a list).
  virtual std::string integer_set(const std::string& json_array) const = 0;
};

const Dialect& sqlite_dialect();
const Dialect& postgresql_dialect();
// The dialect of a store's engine (store::Store::backend()).
const Dialect& dialect(store::Backend backend);

}  // namespace posture::sql
