// The sql stage: typed IR -> one SQL statement with bound parameters.
// Every predicate compiles to a two-valued SQL expression (never NULL), so
// NOT is the exact complement the semantics table of docs/query-language.md asks for.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/semantic/ir.hpp"
#include "engine/sql/dialect.hpp"
#include "store/statement.hpp"

namespace posture::sql {

// SQL text, its literals (parameter i, written dialect.param(i), is
// params[i-1]) and the name of the scan parameter (dialect.scan_param()):
// what a store::Cursor prepares and binds.
using Statement = store::Statement;
static_assert(std::is_same_v<ir::Literal, store::Value>, "literals bind as store values");

// One row per object of the root field (or one row for an aggregate): a
// single column holding the object's JSON text, as the GraphQL response wants
// it, or, where root_columns() has a value, the columns it describes. The
// scan id is the statement's named scan parameter.
Statement compile_root(const ir::RootField& root, const Dialect& dialect = sqlite_dialect());

// How the executor writes the rows of a root statement compiled for a
// dialect whose objects come from columns (Dialect::objects_from_columns):
// the statement has one column per selection, in order, then the row's key.
// A column is JSON text (`json`: nested lists, booleans, lists; NULL is
// null) or a plain value written as json_object() writes one. When
// `sorted_by_executor`, the rows come in storage order and the executor puts
// them in key order (the default order of a root field); otherwise the
// statement orders and pages them itself. No value for an aggregate root or
// a dialect that builds its objects in SQL (one JSON column per row).
struct RootColumns {
  std::vector<std::string> keys;
  std::vector<bool> json;
  bool sorted_by_executor = false;
  // Set: the last column is this field (the id), whose arm_key() is the
  // row's key (store::key_field), rather than `_key`, which SQLite would
  // compute per row.
  const schema::Field* key_from = nullptr;
};
std::optional<RootColumns> root_columns(const ir::RootField& root,
                                        const Dialect& dialect = sqlite_dialect());

// The objects of `type` in the scan (the scan parameter) that satisfy `where`, in
// store (rowid) order: columns id, name (the key is arm_key(id)). What check
// evaluation runs.
Statement compile_matches(const schema::ObjectType& type, const ir::Predicate& where,
                          const Dialect& dialect = sqlite_dialect());

// How a predicate's SQL is read. Exact: as a value, always 0 or 1 (what
// NOT needs). Filter: as a WHERE condition or a CASE WHEN, where NULL counts
// as false: true exactly where the Exact form is, and NULL or 0 elsewhere,
// so a comparison need not test its column for NULL (compiler.cpp).
enum class PredicateUse { Exact, Filter };

// The predicate alone as a boolean SQL expression over rows of `type` with
// the table alias `alias` (check evaluation puts it in its own statements).
// Related sets use the scan parameter, as in the others.
Statement compile_predicate(const schema::ObjectType& type, const ir::Predicate& where,
                            const std::string& alias, const Dialect& dialect = sqlite_dialect(),
                            PredicateUse use = PredicateUse::Filter);

// Several predicates, each a boolean SQL expression (PredicateUse::Filter) over rows of `type` with
// the table alias `alias`, their literals appended to st.params (parameter i
// is params[i-1]) and their row sets to st.sets: one statement (st.sql, the
// caller's) can then judge a row by all of them.
std::vector<std::string> compile_predicates(const schema::ObjectType& type,
                                            const std::vector<const ir::Predicate*>& wheres,
                                            const std::string& alias, Statement& st,
                                            const Dialect& dialect = sqlite_dialect());

// The SQL value of field `f` of the row aliased `alias`: its column, or, for
// a field read through a relationship (@through), a subquery over the related
// rows (with the field's @fill when they give no value). Its literals are
// appended to `params` (parameter i is params[i-1]).
std::string field_value(const Dialect& dialect, const schema::Field& f, const std::string& alias,
                        std::vector<ir::Literal>& params);

// "<alias>._tenant = <tenant parameter> AND " ("_tenant = ... AND " when
// `alias` is ""), or "" when the dialect has no tenant parameter.
std::string tenant_filter(const Dialect& dialect, const std::string& alias);
// " AND <a>._tenant = <b>._tenant": rows of two tables joined within one
// tenant; "" when the dialect has no tenant parameter.
std::string same_tenant(const Dialect& dialect, const std::string& a, const std::string& b);

// "(SELECT min(_rid) ...) AND (SELECT max(_rid) ...)": the first and last
// rowid of scan `scan_param` (a placeholder) in `table`, for a BETWEEN.
std::string scan_bounds(const Dialect& dialect, const std::string& table,
                        const std::string& scan_param);

// The condition selecting the rows of scan `scan_param` (a placeholder such
// as :scan) in `table` AS `alias`: read in rowid order as the scan's rowid
// range where the dialect does so (Dialect::scan_by_rowid_range), else
// `alias._scan = scan_param`.
std::string scan_rows(const Dialect& dialect, const std::string& table, const std::string& alias,
                      const std::string& scan_param);

}  // namespace posture::sql
