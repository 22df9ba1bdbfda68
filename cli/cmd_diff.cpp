// `posture diff --db FILE --from SCAN --to SCAN`: evaluates the selected checks
// on both scans and lists the findings that are new, fixed, still failing or
// changed (engine/report/diff.hpp). Exit status: 0 no new failing finding;
// 1 new failing findings; 2 an error.
#include "cli/commands.hpp"
#include "cli/evaluation.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/diff.hpp"
#include "engine/report/output.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

namespace {

struct DiffOptions : EvaluationOptions {
  int64_t from = 0;
  int64_t to = 0;
  std::string format = "table";
  std::string output;
  size_t max_rows = 50;
  std::string only;  // "": every change
};

int run(const DiffOptions& o, const Context& ctx) {
  auto from_session = open_session(o, o.from, ctx);
  if (!from_session) return report_errors(from_session.errors());
  auto to_session = from_session->with_scan(o.to);
  if (!to_session) return report_errors(to_session.errors());
  auto selected = from_session->select(selection(o));
  if (!selected) return report_errors(selected.errors());
  // The diff merges the two scans' findings by key; it writes no reasons.
  auto from = from_session->evaluate(*selected, checks::Order::Key, o.jobs, 0);
  if (!from) return report_errors(from.errors());
  auto to = to_session->evaluate(*selected, checks::Order::Key, o.jobs, 0);
  if (!to) return report_errors(to.errors());
  auto output = report::Output::open(o.output);
  if (!output) return report_errors(output.errors());
  report::WriteOptions options;
  options.max_rows = o.max_rows;
  auto format = report::format_from_name(o.format).value_or(report::Format::Table);
  auto summary = report::write_diff(from->report, to->report, format, output->stream(), options,
                                    report::change_from_name(o.only));
  if (!summary) return report_errors(summary.errors());
  if (auto st = output->commit(); !st) return report_errors(st.errors());
  return summary->changes[static_cast<size_t>(report::Change::New)] ? kExitFailed : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd =
      app.add_subcommand("diff", "Compare the findings of two scans: new, fixed and still failing");
  add_evaluation_options(cmd, *o, "Exceptions file applied to both scans");
  cmd->add_option("--from", o->from, "The earlier scan id")->required();
  cmd->add_option("--to", o->to, "The later scan id")->required();
  cmd->add_option("--format", o->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--output", o->output, "Write the diff to this file instead of stdout");
  add_selection_options(cmd, *o, "Compare");
  cmd->add_option("--only", o->only,
                  "List only the findings of one change: new, fixed, still-failing or changed "
                  "(the totals count every change)")
      ->check(CLI::IsMember({"new", "fixed", "still-failing", "changed"}));
  cmd->add_option("--max-rows", o->max_rows,
                  "Table: findings listed per check and change (0: all)");
  cmd->callback([o, &ctx] {
    o->progress = show_progress(ctx);
    ctx.exit_code = run(*o, ctx);
  });
}

}  // namespace posture::cli
