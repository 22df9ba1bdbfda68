// `posture report --db FILE --framework ID`: evaluates a framework's checks on
// a scan and reports per requirement the pass/fail/error/muted counts and a
// score (engine/report/framework_report.hpp defines both).
// Exit status: 0 written; 2 an error; with --fail-on, 1 when a check of at
// least that severity failed.
#include <algorithm>

#include "cli/commands.hpp"
#include "cli/evaluation.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/framework_report.hpp"
#include "engine/report/output.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

namespace {

struct ReportOptions : EvaluationOptions {
  std::string framework;
  std::string format = "table";
  std::string output;
  std::string fail_on;
  std::optional<int64_t> scan;
};

int run(const ReportOptions& o, const Context& ctx) {
  auto session = open_session(o, o.scan, ctx);
  if (!session) return report_errors(session.errors());
  const checks::Workspace& ws = session->workspace();
  const checks::Framework* framework = ws.frameworks.find(o.framework);
  if (!framework) {  // select explains: unknown framework, with suggestions
    auto none = session->select({{}, {o.framework}, {}, {}});
    return report_errors(none.errors());
  }
  // Every check of the framework, even none (its requirements are then not assessed).
  std::vector<const checks::Check*> selected;
  const std::vector<std::string> ids = framework->check_ids();
  for (const auto& c : ws.catalog.checks())
    if (std::find(ids.begin(), ids.end(), c.id) != ids.end()) selected.push_back(&c);
  // Scores only, except in HTML, which lists each finding with its reason.
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  const uint64_t explain = format == report::Format::Html ? checks::kExplainAll : 0;
  auto evaluated = session->evaluate(selected, checks::Order::Store, o.jobs, explain);
  if (!evaluated) return report_errors(evaluated.errors());
  const report::Report& report = evaluated->report;
  report::FrameworkResult summary = report::summarize(*framework, report.results);
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.color = use_color(*output, ctx);
  if (auto st = report::write_framework(report, summary, format, output->stream(), options); !st)
    return report_errors(st.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  print_summary(o.output, report, ctx);
  if (o.fail_on.empty()) return kExitOk;
  return any_with_status(report.results, checks::Verdict::Fail,
                         checks::severity_from_name(o.fail_on))
             ? kExitFailed
             : kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Report a framework's requirements on a scan: counts per requirement and a score");
  add_evaluation_options(cmd, *o, "Exceptions file (JSON Lines or a JSON array)");
  cmd->add_option("--framework", o->framework,
                  "The framework, e.g. cis-azure-2.0.0, cis-azure-3.0.0, dutch-cloud-baseline")
      ->required();
  cmd->add_option("--format", o->format, "table, json, csv or html")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  cmd->add_option("--output", o->output, "Write the report to this file instead of stdout");
  cmd->add_option("--scan", o->scan, "The scan to report on (default: the latest complete one)");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 when a check of at least this severity fails (default: exit 0)")
      ->check(CLI::IsMember(severity_names(), CLI::ignore_case));
  cmd->callback([o, &ctx] {
    o->progress = show_progress(ctx);
    ctx.exit_code = run(*o, ctx);
  });
}

}  // namespace posture::cli
