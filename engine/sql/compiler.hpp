// The sql stage: typed IR -> one SQL statement with bound parameters.
// Every predicate compiles to a two-valued SQL expression (never NULL), so
// NOT is the exact complement SPEC.md's semantics table asks for.
#pragma once

#include <string>
#include <vector>

#include "engine/semantic/ir.hpp"
#include "engine/sql/dialect.hpp"

namespace posture::sql {

struct Statement {
  std::string sql;
  std::vector<ir::Literal> params;  // bound in order: parameter i is params[i-1]
};

// One row per object of the root field (or one row for an aggregate): a
// single column holding the object's JSON text, as the GraphQL response wants
// it. Parameter 1 is the scan id.
Statement compile_root(const ir::RootField& root, const Dialect& dialect = sqlite_dialect());

// The objects of `type` in the scan (parameter 1) that satisfy `where`, in
// store (rowid) order: columns id, name, _key. What check evaluation runs.
Statement compile_matches(const schema::ObjectType& type, const ir::Predicate& where,
                          const Dialect& dialect = sqlite_dialect());

// The predicate alone as a boolean SQL expression over the table alias `alias`
// (used by tests and by `posture explain`).
Statement compile_predicate(const ir::Predicate& where, const std::string& alias,
                            const Dialect& dialect = sqlite_dialect());

}  // namespace posture::sql
