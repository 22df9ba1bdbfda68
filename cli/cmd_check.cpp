// `posture check --db FILE`: evaluates the stored checks (all, or a selection
// by id, framework, severity and provider) on a scan, in parallel, applies the
// exceptions, and writes the report in the chosen format.
// Exit status: 0 nothing failed; 1 a check at or above --fail-on (default:
// any) failed; 2 an error (bad input, or findings at or above --fail-on that
// could not be evaluated because their collection failed).
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "cli/commands.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/output.hpp"
#include "engine/report/report.hpp"

namespace posture::cli {

namespace {

// NO_COLOR (no-color.org): set and not empty turns colour off.
bool no_color() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

struct CheckOptions {
  std::string db;
  std::string format = "table";
  std::string queries;
  std::string output;
  std::string exceptions;
  std::string today;
  std::string fail_on;
  std::string severity;
  std::vector<std::string> ids;
  std::vector<std::string> frameworks;
  std::vector<std::string> providers;
  std::optional<int64_t> scan;
  unsigned jobs = 0;
  size_t max_rows = 50;
};

const std::vector<std::string> kSeverities = {"low", "medium", "high", "critical"};

unsigned default_jobs() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// 1 when a check at or above `fail_on` failed, else 2 when one errored, else 0.
int exit_status(const std::vector<checks::CheckResult>& results,
                std::optional<checks::Severity> fail_on) {
  bool failed = false, errored = false;
  for (const auto& r : results) {
    if (fail_on && r.check->severity < *fail_on) continue;
    failed = failed || r.status == checks::Status::Fail;
    errored = errored || r.status == checks::Status::Error;
  }
  return failed ? kExitFailed : errored ? kExitError : kExitOk;
}

int run(const CheckOptions& o) {
  auto ws =
      checks::Workspace::load(o.queries.empty() ? default_queries_dir() : o.queries, o.exceptions);
  if (!ws) return report_errors(ws.errors());
  checks::Selection selection{o.ids, o.frameworks, std::nullopt, o.providers};
  if (!o.severity.empty()) selection.min_severity = checks::severity_from_name(o.severity);
  auto selected = checks::select_checks(ws->catalog, ws->frameworks, selection);
  if (!selected) return report_errors(selected.errors());
  auto today = checks::Date::resolve(o.today, std::getenv("POSTURE_TODAY"));
  if (!today) return report_errors(today.errors());
  auto opened = open_scan(o.db, o.scan);
  if (!opened) return report_errors(opened.errors());
  if (auto st = checks::bound_memory(opened->store); !st) return report_errors(st.errors());
  auto context =
      checks::EvaluationContext::load(opened->store, opened->scan.id, ws->exceptions.get(), *today);
  if (!context) return report_errors(context.errors());
  auto results = checks::evaluate_all(o.db, *selected, *context, o.jobs ? o.jobs : default_jobs());
  if (!results) return report_errors(results.errors());
  report::Report report{&opened->store, opened->scan, std::move(results).value(), &*context,
                        POSTURE_VERSION};
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.max_rows = o.max_rows;
  options.color = output->is_stdout() && isatty(STDOUT_FILENO) && !no_color();
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  if (auto st = report::write(report, format, output->stream(), options); !st)
    return report_errors(st.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  std::optional<checks::Severity> fail_on;
  if (!o.fail_on.empty()) fail_on = checks::severity_from_name(o.fail_on);
  return exit_status(report.results, fail_on);
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Evaluate the stored checks on a scan: a finding for every resource");
  cmd->add_option("--db", o->db, "The store")->required();
  cmd->add_option("--format", o->format, "table, json, csv, junit, sarif or ocsf")
      ->check(CLI::IsMember(report::format_names()));
  cmd->add_option("--output", o->output, "Write the report to this file instead of stdout");
  cmd->add_option("--queries", o->queries,
                  "The directory of stored checks (default: the bundled queries/)");
  cmd->add_option("--scan", o->scan, "The scan to evaluate (default: the latest complete one)");
  cmd->add_option("--check", o->ids, "Evaluate this check id (repeatable)");
  cmd->add_option("--framework", o->frameworks,
                  "Evaluate the checks of this framework, e.g. cis-azure-3.0.0 (repeatable)");
  cmd->add_option("--severity", o->severity, "Evaluate checks of at least this severity")
      ->check(CLI::IsMember(kSeverities, CLI::ignore_case));
  cmd->add_option("--provider", o->providers, "Evaluate checks for this provider (repeatable)");
  cmd->add_option("--jobs,-j", o->jobs,
                  "Parallel workers, each with its own read-only connection (default: cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--exceptions", o->exceptions,
                  "Exceptions file (JSON Lines or a JSON array) muting failing findings");
  cmd->add_option("--today", o->today,
                  "The day exceptions expire against, YYYY-MM-DD (default: $POSTURE_TODAY, "
                  "else today in UTC)");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 only when a check of at least this severity fails (default: any)")
      ->check(CLI::IsMember(kSeverities, CLI::ignore_case));
  cmd->add_option("--max-rows", o->max_rows,
                  "Table: non-passing findings listed per check (0: all; default 50)");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
