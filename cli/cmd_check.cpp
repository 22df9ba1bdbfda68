// `posture check --db FILE`: evaluates every stored check (or those selected)
// on a scan and prints the report. Exit status: 0 all pass, 1 a check failed,
// 2 an error (bad input, or resources whose data could not be collected).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "engine/checks/catalog.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/report.hpp"

namespace posture::cli {

namespace {

struct CheckOptions {
  std::string db;
  std::string format = "table";
  std::string queries;
  std::string output;
  std::vector<std::string> ids;
  std::optional<int64_t> scan;
};

int run(const CheckOptions& o) {
  auto catalog = checks::Catalog::load(o.queries.empty() ? default_queries_dir() : o.queries);
  if (!catalog) return report_errors(catalog.errors());
  for (const auto& id : o.ids)
    if (!catalog->find(id))
      return report_errors({Diagnostic::error("unknown-check", "no stored check `" + id + "`")});
  auto opened = open_scan(o.db, o.scan);
  if (!opened) return report_errors(opened.errors());
  checks::Evaluator evaluator(opened->store, opened->scan.id);
  report::Report report{opened->scan, {}};
  for (const auto& check : catalog->checks()) {
    if (!o.ids.empty() && std::find(o.ids.begin(), o.ids.end(), check.id) == o.ids.end()) continue;
    auto result = evaluator.evaluate(check);
    if (!result) return report_errors(result.errors());
    report.results.push_back(std::move(result).value());
  }
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file)
      return report_errors({Diagnostic::error("io", "cannot write the report", {o.output, 0, 0})});
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  if (o.format == "json") {
    report::write_json(report, out);
  } else {
    bool color = o.output.empty() && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    report::write_table(report, out, color);
  }
  bool failed = false, errored = false;
  for (const auto& r : report.results) {
    failed = failed || r.status == checks::Status::Fail;
    errored = errored || r.status == checks::Status::Error;
  }
  return failed ? kExitFailed : errored ? kExitError : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd =
      app.add_subcommand("check", "Evaluate the stored checks on a scan and print the report");
  cmd->add_option("--db", o->db, "The store")->required();
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--queries", o->queries,
                  "The directory of stored checks (default: the bundled queries/)");
  cmd->add_option("--check", o->ids, "Evaluate only this check id (repeatable)");
  cmd->add_option("--scan", o->scan, "The scan to evaluate (default: the latest complete one)");
  cmd->add_option("--output", o->output, "Write the report to this file instead of stdout");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
