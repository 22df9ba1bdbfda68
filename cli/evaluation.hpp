// What `posture check`, `report` and `diff` share: their common options and
// how they become a session (engine/session/session.hpp runs the pipeline:
// workspace, scan, selection, evaluation), the exit-status test and colour.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/output.hpp"
#include "engine/report/report.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

struct EvaluationOptions : QueriesOptions {
  std::string db;
  std::string waivers;
  std::string today;
  unsigned jobs = 0;      // 0: one per core (session::resolve_jobs)
  bool progress = false;  // draw "check: N/M checks" on stderr while evaluating
  // The selection (not offered by every command).
  std::string severity;
  std::vector<std::string> ids;
  std::vector<std::string> frameworks;
  std::vector<std::string> providers;
};

// "low", "medium", "high", "critical".
const std::vector<std::string>& severity_names();

// Adds --db, --queries, --no-bundled, --var, --vars, --jobs, --waivers
// (described by `waivers_help`) and --today to `cmd`.
void add_evaluation_options(CLI::App* cmd, EvaluationOptions& o, const std::string& waivers_help);
// Adds --check, --framework, --severity and --provider, their help starting
// with `verb` ("Evaluate", "Compare").
void add_selection_options(CLI::App* cmd, EvaluationOptions& o, const std::string& verb);

// Opens a session on --db at `scan` (the latest complete scan when not given)
// with the workspace of the bundled checks and --queries, the variables,
// --exceptions and --today.
Result<session::Session> open_session(const EvaluationOptions& o, std::optional<int64_t> scan,
                                      const Context& ctx);

// The selection options as a checks::Selection.
checks::Selection selection(const EvaluationOptions& o);

// Whether a check of at least severity `min` (any check, when not given) has
// status `status`.
bool any_with_status(const std::vector<checks::CheckResult>& results, checks::Verdict status,
                     std::optional<checks::Severity> min);

// Whether a report written to `output` gets colour: standard output is a
// terminal, neither --no-color nor NO_COLOR (no-color.org, non-empty) is set.
bool use_color(const report::Output& output, const Context& ctx);

// When the report went to a file (`output_file` not empty) and not -q: its
// one-line summary to stderr, where a person still sees it.
void print_summary(const std::string& output_file, const report::Report& report,
                   const Context& ctx);

}  // namespace posture::cli
