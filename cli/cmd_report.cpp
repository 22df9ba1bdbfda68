// `posture report --db FILE --framework ID`: evaluates a framework's checks on
// a scan and reports per requirement the pass/fail/error/muted counts and a
// score (engine/report/framework_report.hpp defines both).
// Exit status: 0 written; 2 an error; with --fail-on, 1 when a check of at
// least that severity failed.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "cli/commands.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/framework_report.hpp"
#include "engine/report/output.hpp"

namespace posture::cli {

namespace {

// NO_COLOR (no-color.org): set and not empty turns colour off.
bool no_color() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

struct ReportOptions {
  std::string db;
  std::string framework;
  std::string format = "table";
  std::string queries;
  std::string output;
  std::string exceptions;
  std::string today;
  std::string fail_on;
  std::optional<int64_t> scan;
  unsigned jobs = 0;
};

int run(const ReportOptions& o) {
  auto ws =
      checks::Workspace::load(o.queries.empty() ? default_queries_dir() : o.queries, o.exceptions);
  if (!ws) return report_errors(ws.errors());
  const checks::Framework* framework = ws->frameworks.find(o.framework);
  if (!framework) {  // select_checks explains: unknown framework, with suggestions
    auto none = checks::select_checks(ws->catalog, ws->frameworks, {{}, {o.framework}, {}, {}});
    return report_errors(none.errors());
  }
  std::vector<const checks::Check*> selected;
  const std::vector<std::string> ids = framework->check_ids();
  for (const auto& c : ws->catalog.checks())
    if (std::find(ids.begin(), ids.end(), c.id) != ids.end()) selected.push_back(&c);
  auto today = checks::Date::resolve(o.today, std::getenv("POSTURE_TODAY"));
  if (!today) return report_errors(today.errors());
  auto opened = open_scan(o.db, o.scan);
  if (!opened) return report_errors(opened.errors());
  if (auto st = checks::bound_memory(opened->store); !st) return report_errors(st.errors());
  auto context =
      checks::EvaluationContext::load(opened->store, opened->scan.id, ws->exceptions.get(), *today);
  if (!context) return report_errors(context.errors());
  unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<checks::CheckResult> results;
  if (!selected.empty()) {
    auto evaluated = checks::evaluate_all(o.db, selected, *context, jobs);
    if (!evaluated) return report_errors(evaluated.errors());
    results = std::move(evaluated).value();
  }
  report::Report report{&opened->store, opened->scan, std::move(results), &*context,
                        POSTURE_VERSION};
  report::FrameworkResult summary = report::summarize(*framework, report.results);
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.color = output->is_stdout() && isatty(STDOUT_FILENO) && !no_color();
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  if (auto st = report::write_framework(report, summary, format, output->stream(), options); !st)
    return report_errors(st.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  if (o.fail_on.empty()) return kExitOk;
  auto threshold = checks::severity_from_name(o.fail_on);
  for (const auto& r : report.results)
    if (r.status == checks::Status::Fail && threshold && r.check->severity >= *threshold)
      return kExitFailed;
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Report a framework's requirements on a scan: counts per requirement and a score");
  cmd->add_option("--db", o->db, "The store")->required();
  cmd->add_option("--framework", o->framework,
                  "The framework, e.g. cis-azure-2.0.0, cis-azure-3.0.0, dutch-cloud-baseline")
      ->required();
  cmd->add_option("--format", o->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--output", o->output, "Write the report to this file instead of stdout");
  cmd->add_option("--queries", o->queries,
                  "The directory of stored checks and frameworks/ (default: the bundled queries/)");
  cmd->add_option("--scan", o->scan, "The scan to report on (default: the latest complete one)");
  cmd->add_option("--jobs,-j", o->jobs, "Parallel workers (default: cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--exceptions", o->exceptions, "Exceptions file (JSON Lines or a JSON array)");
  cmd->add_option("--today", o->today,
                  "The day exceptions expire against, YYYY-MM-DD (default: $POSTURE_TODAY, "
                  "else today in UTC)");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 when a check of at least this severity fails (default: exit 0)")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}, CLI::ignore_case));
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
