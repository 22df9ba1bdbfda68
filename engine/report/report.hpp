// Reports of an evaluation: the results of every selected check on one scan,
// written as a table for people or as JSON for machines (docs/output-formats.md).
#pragma once

#include <ostream>
#include <vector>

#include "engine/checks/evaluate.hpp"

namespace posture::report {

struct Report {
  store::ScanInfo scan;
  std::vector<checks::CheckResult> results;
};

// The document's shape is stable and documented in docs/output-formats.md:
// {"scan": {...}, "summary": {...}, "checks": [{"id", "title", "severity",
//  "status", "expect", "frameworks", "counts", "findings": [{"resource",
//  "name", "status", "detail"?}]}]}
void write_json(const Report& report, std::ostream& out);

// A summary line per check, then the resources that did not pass.
// `color`: ANSI colours for statuses (only when writing to a terminal).
void write_table(const Report& report, std::ostream& out, bool color);

}  // namespace posture::report
