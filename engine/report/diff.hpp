// Comparing two evaluations of the same checks on two scans, finding by
// finding (matched by check and resource key):
//   new            FAIL in `to`, not FAIL in `from` (or the resource is new)
//   fixed          FAIL in `from`, PASS in `to` or the resource is gone (a
//                  resource gone because its collection failed in `to` is
//                  ERROR there: changed, never fixed)
//   still_failing  FAIL in both
//   changed        FAIL in `from`, MUTED or ERROR in `to`
// The two subject lists are merged in key order straight from the store, so a
// diff of two million-resource scans streams like a report does.
#pragma once

#include <array>
#include <optional>
#include <ostream>

#include "engine/report/report.hpp"

namespace posture::report {

enum class Change : uint8_t { New, Fixed, StillFailing, Changed };
std::string_view change_name(Change c);  // new, fixed, still_failing, changed
// The change named `name` (as change_name, or with a dash: still-failing).
std::optional<Change> change_from_name(std::string_view name);

struct DiffSummary {
  std::array<uint64_t, 4> changes{};  // by Change
};

// Writes the diff between `from` and `to` (the same checks, in the same order,
// evaluated on two scans of one store) as table, json or csv, and returns the
// totals. `options.max_rows` limits the table's rows per check and change.
// With `only`, the findings of that change alone are listed; the totals still
// count every change.
Result<DiffSummary> write_diff(const Report& from, const Report& to, Format format,
                               std::ostream& out, const WriteOptions& options = {},
                               std::optional<Change> only = std::nullopt);

}  // namespace posture::report
