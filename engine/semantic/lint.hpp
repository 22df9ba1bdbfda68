// `posture lint`: warnings about checks that are valid but risky: constructs
// whose meaning differs between versions of the Neo4j GraphQL Library (whose
// dialect Posture implements), and filters that match nothing or everything.
// Errors of analysis (unknown fields, type mismatches) are reported too.
#pragma once

#include <string>

#include "base/diagnostic.hpp"
#include "base/model/schema.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::semantic {

// Warning codes (stable):
//   empty-quantifier   rel_SOME: {} / rel: {} / rel_ALL: {} ...: versions disagree on an empty
//   filter all-quantifier     rel_ALL: here non-vacuous (a node with no related nodes fails)
//   two-valued-not     NOT / _NOT over a nullable field: here a missing value makes NOT true
//   missing-passes     in a query that lists failing resources, a positive comparison of a
//                      field that may be missing and has no documented default: a resource
//                      without the property is not listed, so it passes
//   empty-or           OR: [] matches nothing
//   matches-nothing    the filter is false for every object
//   matches-everything the filter is true for every object
// Analysis errors keep their own codes (unknown-field, unknown-root-field, ...).
// `lists_failing_resources`: every operation lists failing resources (the
// public catalogue's convention); otherwise only a stored check whose
// `@check(expect: "eq []")` says so gets missing-passes warnings.
Diagnostics lint(const syntax::Document& doc, const schema::Schema& schema,
                 const std::string& source_name, bool lists_failing_resources = false);

}  // namespace posture::semantic
