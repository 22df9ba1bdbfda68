// What `posture check`, `report` and `diff` share: their common options, the
// workspace (stored checks, frameworks, waivers) and the day waivers
// expire against, the selection of checks, and the evaluation of one scan.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/output.hpp"
#include "engine/report/report.hpp"

namespace posture::cli {

struct EvaluationOptions {
  std::string db;
  std::string queries;
  std::string waivers;
  std::string today;
  unsigned jobs = 0;  // 0: one per core
  // The selection (not offered by every command).
  std::string severity;
  std::vector<std::string> ids;
  std::vector<std::string> frameworks;
  std::vector<std::string> providers;
};

// "low", "medium", "high", "critical".
const std::vector<std::string>& severity_names();

// Adds --db, --queries, --jobs, --waivers (described by `waivers_help`)
// and --today to `cmd`.
void add_evaluation_options(CLI::App* cmd, EvaluationOptions& o,
                            const std::string& waivers_help);
// Adds --check, --framework, --severity and --provider, their help starting
// with `verb` ("Evaluate", "Compare").
void add_selection_options(CLI::App* cmd, EvaluationOptions& o, const std::string& verb);

// The stored checks, frameworks and waivers, and the day of evaluation
// (--today, else $POSTURE_TODAY, else today in UTC).
struct Loaded {
  checks::Workspace workspace;
  checks::Date today;
};
Result<Loaded> load_workspace(const EvaluationOptions& o);

// The checks the selection options choose.
Result<std::vector<const checks::Check*>> select_checks(const EvaluationOptions& o,
                                                        const checks::Workspace& workspace);

// One scan evaluated. The report points into the other two members, which
// live on the heap so that an Evaluated can move.
struct Evaluated {
  std::unique_ptr<OpenedScan> opened;
  std::unique_ptr<checks::EvaluationContext> context;
  report::Report report;
};
// Evaluates `selected` on `scan` (the latest complete scan when not given) of
// the store --db, with --jobs workers, findings in `order`.
Result<Evaluated> evaluate_scan(const EvaluationOptions& o, const Loaded& loaded,
                                std::optional<int64_t> scan,
                                const std::vector<const checks::Check*>& selected,
                                checks::Order order = checks::Order::Store);

// Whether a check of at least severity `min` (any check, when not given) has
// status `status`.
bool any_with_status(const std::vector<checks::CheckResult>& results, checks::Verdict status,
                     std::optional<checks::Severity> min);

// Whether a report written to `output` gets colour: standard output is a
// terminal and NO_COLOR (no-color.org) is unset or empty.
bool use_color(const report::Output& output);

}  // namespace posture::cli
