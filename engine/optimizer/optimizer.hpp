// The optimizer stage, between analysis and SQL: IR -> IR rewrites. Each preserves
// the two-valued meaning exactly (the differential test evaluates the original
// IR with a reference interpreter and compares with the SQL of the rewritten one):
//   - nested AND/OR are flattened, double negation removed, constants folded;
//   - under OR, `rel some p1`, `rel some p2` become `rel some (p1 OR p2)`:
//     one subquery instead of several;
//   - under AND, `NOT rel some p1`, `NOT rel some p2` (and `rel none`) become
//     `NOT rel some (p1 OR p2)`.
#pragma once

#include "engine/semantic/ir.hpp"

namespace posture::optimizer {

// One filter rewritten.
ir::Predicate rewrite(const ir::Predicate& p);

// The analysed query with every filter (the roots' and nested selections')
// rewritten: what the SQL stage compiles. `posture explain` prints both.
ir::Query optimize(const ir::Query& analysed);

}  // namespace posture::optimizer
