// Framework reports: the evaluation seen through one framework's requirements.
// A requirement's findings are per resource: a resource's status is the worst
// over the requirement's checks (checks with the same subjects are combined
// resource by resource). Scores count findings:
//   score = 100 * PASS / (PASS + FAIL + ERROR)
// MUTED findings (accepted risks) are left out of the score, and requirements
// without checks are NOT_ASSESSED and left out too.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/report/report.hpp"

namespace posture::report {

struct RequirementResult {
  const checks::Requirement* requirement = nullptr;
  std::vector<const checks::CheckResult*> checks;  // those evaluated, in catalog order
  std::array<uint64_t, 4> counts{};                // findings by checks::Verdict
  std::string status;                              // PASS FAIL ERROR MUTED NOT_ASSESSED
  std::optional<double> score;                     // nullopt: nothing to score
};

struct FrameworkResult {
  const checks::Framework* framework = nullptr;
  std::vector<RequirementResult> requirements;  // in the framework file's order
  std::array<uint64_t, 4> counts{};             // findings of every assessed requirement
  std::array<uint64_t, 5> by_status{};          // requirements: pass, muted, error, fail, n/a
  std::optional<double> score;
};

// Summarises `results` (an evaluation of at least the framework's checks).
FrameworkResult summarize(const checks::Framework& framework,
                          const std::vector<checks::CheckResult>& results);

// Writes the framework report as table, json, csv or html (other formats: an error).
Status write_framework(const Report& report, const FrameworkResult& result, Format format,
                       std::ostream& out, const WriteOptions& options = {});

}  // namespace posture::report
