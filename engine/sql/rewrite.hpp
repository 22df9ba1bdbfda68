// IR -> IR rewrites the SQL writer applies before writing SQL. Each preserves
// the two-valued meaning exactly (the differential test evaluates the original
// IR with a reference interpreter and compares with the SQL of the rewritten one):
//   - nested AND/OR are flattened, double negation removed, constants folded;
//   - under OR, `rel some p1`, `rel some p2` become `rel some (p1 OR p2)`:
//     one subquery instead of several;
//   - under AND, `NOT rel some p1`, `NOT rel some p2` (and `rel none`) become
//     `NOT rel some (p1 OR p2)`.
#pragma once

#include "engine/semantic/ir.hpp"

namespace posture::sql {

ir::Predicate rewrite(const ir::Predicate& p);

}  // namespace posture::sql
