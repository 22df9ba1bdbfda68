// `posture diff --db FILE --from SCAN --to SCAN`: evaluates the selected checks
// on both scans and lists the findings that are new, fixed, still failing or
// changed (engine/report/diff.hpp). Exit status: 0 no new failing finding;
// 1 new failing findings; 2 an error.
#include <cstdlib>
#include <thread>

#include "cli/commands.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/diff.hpp"
#include "engine/report/output.hpp"

namespace posture::cli {

namespace {

struct DiffOptions {
  std::string db;
  int64_t from = 0;
  int64_t to = 0;
  std::string format = "table";
  std::string queries;
  std::string output;
  std::string exceptions;
  std::string today;
  std::string severity;
  std::vector<std::string> ids;
  std::vector<std::string> frameworks;
  std::vector<std::string> providers;
  unsigned jobs = 0;
  size_t max_rows = 50;
};

// One side of the diff: the scan, its context and its evaluation. The report
// points into the other two, hence they live on the heap (a Side moves).
struct Side {
  std::unique_ptr<OpenedScan> opened;
  std::unique_ptr<checks::EvaluationContext> context;
  report::Report report;
};

Result<Side> evaluate_scan(const DiffOptions& o, const checks::Workspace& ws, int64_t scan,
                           const std::vector<const checks::Check*>& selected, checks::Date today) {
  auto opened = open_scan(o.db, scan);
  if (!opened) return opened.take_errors();
  if (auto st = checks::bound_memory(opened->store); !st) return st.take_errors();
  auto context =
      checks::EvaluationContext::load(opened->store, opened->scan.id, ws.exceptions.get(), today);
  if (!context) return context.take_errors();
  context->order = checks::Order::Key;  // the diff merges the two scans by key
  unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  auto results = checks::evaluate_all(o.db, selected, *context, jobs);
  if (!results) return results.take_errors();
  Side side{std::make_unique<OpenedScan>(std::move(opened).value()),
            std::make_unique<checks::EvaluationContext>(std::move(context).value()),
            {}};
  side.report = report::Report{&side.opened->store, side.opened->scan, std::move(results).value(),
                               side.context.get(), POSTURE_VERSION};
  return side;
}

int run(const DiffOptions& o) {
  auto ws =
      checks::Workspace::load(o.queries.empty() ? default_queries_dir() : o.queries, o.exceptions);
  if (!ws) return report_errors(ws.errors());
  checks::Selection selection{o.ids, o.frameworks, std::nullopt, o.providers};
  if (!o.severity.empty()) selection.min_severity = checks::severity_from_name(o.severity);
  auto selected = checks::select_checks(ws->catalog, ws->frameworks, selection);
  if (!selected) return report_errors(selected.errors());
  auto today = checks::Date::resolve(o.today, std::getenv("POSTURE_TODAY"));
  if (!today) return report_errors(today.errors());
  auto from = evaluate_scan(o, *ws, o.from, *selected, *today);
  if (!from) return report_errors(from.errors());
  auto to = evaluate_scan(o, *ws, o.to, *selected, *today);
  if (!to) return report_errors(to.errors());
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.max_rows = o.max_rows;
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  auto summary = report::write_diff(from->report, to->report, format, output->stream(), options);
  if (!summary) return report_errors(summary.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  return summary->changes[static_cast<size_t>(report::Change::New)] ? kExitFailed : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd =
      app.add_subcommand("diff", "Compare the findings of two scans: new, fixed and still failing");
  cmd->add_option("--db", o->db, "The store")->required();
  cmd->add_option("--from", o->from, "The earlier scan id")->required();
  cmd->add_option("--to", o->to, "The later scan id")->required();
  cmd->add_option("--format", o->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--output", o->output, "Write the diff to this file instead of stdout");
  cmd->add_option("--queries", o->queries,
                  "The directory of stored checks (default: the bundled queries/)");
  cmd->add_option("--check", o->ids, "Compare this check id (repeatable)");
  cmd->add_option("--framework", o->frameworks, "Compare this framework's checks (repeatable)");
  cmd->add_option("--severity", o->severity, "Compare checks of at least this severity")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}, CLI::ignore_case));
  cmd->add_option("--provider", o->providers, "Compare checks for this provider (repeatable)");
  cmd->add_option("--jobs,-j", o->jobs, "Parallel workers (default: cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--exceptions", o->exceptions, "Exceptions file applied to both scans");
  cmd->add_option("--today", o->today,
                  "The day exceptions expire against, YYYY-MM-DD (default: $POSTURE_TODAY, "
                  "else today in UTC)");
  cmd->add_option("--max-rows", o->max_rows,
                  "Table: findings listed per check and change (0: all; default 50)");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
