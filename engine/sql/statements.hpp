// The statements check evaluation runs, besides compile_matches: listing a
// check's subjects (the scan's rows of its type, restricted to its providers)
// with some of their columns, and only those a compiled predicate selects.
// Every such statement has one shape, so they list the same rows in the same
// order; SubjectCache and the per-check statement merge on that.
#pragma once

#include <string>
#include <vector>

#include "engine/semantic/ir.hpp"
#include "engine/sql/compiler.hpp"

namespace posture::sql {

// Store: the scan's rowid range, read sequentially (scan_rows). Key: by _key.
enum class RowOrder { Store, Key };
// No Key: a row's key is its id in lower case (store/layout.hpp, kKey), which
// a reader derives from Id (store::arm_key) for less than SQLite's lower().
enum class Column { Rid, Id, Name };

// SELECT s.<columns> FROM <type's table> AS s WHERE <the scan's rows>
//   [AND (<where over s>)] [AND (s.provider IS NULL OR s.provider IN (...))]
//   ORDER BY s._rid | s._key
// The provider test is there when `providers` is not empty and the type has a
// provider field. The literals are where's, then the providers.
Statement subjects(const schema::ObjectType& type, const std::vector<Column>& columns,
                   const std::vector<std::string>& providers, RowOrder order,
                   const ir::Predicate* where = nullptr, const Dialect& dialect = sqlite_dialect());

// The subjects of several checks on one type in one pass:
// SELECT s.<columns>, CASE WHEN (<where 1>) THEN 1 ELSE 0 END, ... FROM <table>
//   AS s WHERE <the scan's rows> [AND <providers>] ORDER BY s._rid
// Column columns.size() + k is 1 where wheres[k] holds. Each related set a
// predicate reads is built once for the statement, not once per row.
Statement subjects_judged(const schema::ObjectType& type, const std::vector<Column>& columns,
                          const std::vector<std::string>& providers,
                          const std::vector<const ir::Predicate*>& wheres,
                          const Dialect& dialect = sqlite_dialect());

// The rows of `type` with the given rowids, in rowid order: column 0 the
// rowid, then every field of the type in schema order (the rowids are bound
// as one parameter, Dialect::integer_set; no scan parameter: a rowid names one row of one scan).
// With `read`, a field i with !(*read)[i] is NULL instead of its value (not
// read: a derived field costs a subquery per row).
Statement rows_by_rid(const schema::ObjectType& type, const std::vector<int64_t>& rids,
                      const Dialect& dialect = sqlite_dialect(),
                      const std::vector<bool>* read = nullptr);

// The rows of `relationship`'s target type `target` whose owner is one of
// `owners` (rowids), ordered by owner then rowid: column 0 the rowid, column 1
// the owner's rowid, then every field of `target` in schema order (`read` as
// for rows_by_rid).
Statement related_rows(const schema::Relationship& relationship, const schema::ObjectType& target,
                       const std::vector<int64_t>& owners,
                       const Dialect& dialect = sqlite_dialect(),
                       const std::vector<bool>* read = nullptr);

}  // namespace posture::sql
