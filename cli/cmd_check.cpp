// `posture check --db FILE`: evaluates the stored checks (all, or a selection
// by id, framework, severity and provider) on a scan, in parallel, applies the
// waivers, and writes the report in the chosen format.
// Exit status: 0 nothing failed; 1 a check at or above --fail-on (default:
// any) failed; 2 an error (bad input, or findings at or above --fail-on that
// could not be evaluated because their collection failed).
#include "cli/commands.hpp"
#include "cli/evaluation.hpp"
#include "engine/report/output.hpp"
#include "engine/report/report.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

namespace {

struct CheckOptions : EvaluationOptions {
  std::string format = "table";
  std::string output;
  std::string fail_on;
  std::optional<int64_t> scan;
  size_t max_rows = 50;
};

// 1 when a check at or above `fail_on` failed, else 2 when one errored, else 0.
int exit_status(const std::vector<checks::CheckResult>& results,
                std::optional<checks::Severity> fail_on) {
  if (any_with_status(results, checks::Verdict::Fail, fail_on)) return kExitFailed;
  return any_with_status(results, checks::Verdict::Error, fail_on) ? kExitError : kExitOk;
}

int run(const CheckOptions& o, const Context& ctx) {
  auto session = open_session(o, o.scan, ctx);
  if (!session) return report_errors(session.errors());
  auto selected = session->select(selection(o));
  if (!selected) return report_errors(selected.errors());
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  // A table shows at most max_rows findings per check: only those are explained.
  const uint64_t explain =
      format == report::Format::Table && o.max_rows ? o.max_rows : checks::kExplainAll;
  auto evaluated = session->evaluate(*selected, checks::Order::Store, o.jobs, explain);
  if (!evaluated) return report_errors(evaluated.errors());
  const report::Report& report = evaluated->report;
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.max_rows = o.max_rows;
  options.color = use_color(*output, ctx);
  options.jobs = session::resolve_jobs(o.jobs);
  if (auto st = report::write(report, format, output->stream(), options); !st)
    return report_errors(st.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  print_summary(o.output, report, ctx);
  std::optional<checks::Severity> fail_on;
  if (!o.fail_on.empty()) fail_on = checks::severity_from_name(o.fail_on);
  return exit_status(report.results, fail_on);
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Evaluate the stored checks on a scan: a finding for every resource");
  add_evaluation_options(cmd, *o,
                         "Exceptions file (JSON Lines or a JSON array) muting failing findings");
  cmd->add_option("--format", o->format, "table, json, csv, junit, sarif, ocsf or html")
      ->check(CLI::IsMember(report::format_names()));
  cmd->add_option("--output", o->output, "Write the report to this file instead of stdout");
  cmd->add_option("--scan", o->scan, "The scan to evaluate (default: the latest complete one)");
  add_selection_options(cmd, *o, "Evaluate");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 only when a check of at least this severity fails (default: any)")
      ->check(CLI::IsMember(severity_names(), CLI::ignore_case));
  cmd->add_option("--max-rows", o->max_rows,
                  "Table: non-passing findings listed per check (0: all)");
  cmd->callback([o, &ctx] {
    o->progress = show_progress(ctx);
    ctx.exit_code = run(*o, ctx);
  });
}

}  // namespace posture::cli
