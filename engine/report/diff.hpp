// Comparing two evaluations of the same checks on two scans, finding by
// finding (matched by check and resource key):
//   new            FAIL in `to`, not FAIL in `from` (or the resource is new)
//   fixed          FAIL in `from`, PASS in `to` or the resource is gone
//   still_failing  FAIL in both
//   changed        FAIL in `from`, MUTED or ERROR in `to`
// The two subject lists are merged in key order straight from the store, so a
// diff of two million-resource scans streams like a report does.
#pragma once

#include <array>
#include <ostream>

#include "engine/report/report.hpp"

namespace posture::report {

enum class Change : uint8_t { New, Fixed, StillFailing, Changed };
std::string_view change_name(Change c);  // new, fixed, still_failing, changed

struct DiffSummary {
  std::array<uint64_t, 4> changes{};  // by Change
};

// Writes the diff between `from` and `to` (the same checks, in the same order,
// evaluated on two scans of one store) as table, json or csv, and returns the
// totals. `options.max_rows` limits the table's rows per check and change.
Result<DiffSummary> write_diff(const Report& from, const Report& to, Format format,
                               std::ostream& out, const WriteOptions& options = {});

}  // namespace posture::report
