// `posture bench --db FILE`: times every stored check's SQL against its
// hand-written baseline (benchmarks/baselines/<check-id>.sql) on the same
// connection, plus the whole catalogue through the Evaluator; prints a table
// and optionally writes JSON. Exit status: 0 when every engine/baseline pair
// returned the same ids, 2 when one did not (the diff is printed) or on error.
// The harness is engine/bench/ (library posture_bench), which the CLI links.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"

#include "engine/bench/bench.hpp"

namespace posture::cli {

namespace {

struct BenchCliOptions : QueriesOptions {
  std::string db;
  std::string json;
  std::string baselines;
  std::vector<std::string> ids;
  std::string vs;
  std::optional<int64_t> scan;
  int repetitions = 7;
  unsigned jobs = 0;
};

std::string default_baselines_dir() {
  if (const char* env = std::getenv("POSTURE_BASELINES"); env && *env) return env;
  return POSTURE_BASELINES_DIR;
}

int run(const BenchCliOptions& o, const Context& ctx) {
  bench::BenchOptions options;
  options.db = o.db;
  auto dirs = queries_dirs(o);
  if (!dirs) return report_errors(dirs.errors());
  auto vars = variables(o);
  if (!vars) return report_errors(vars.errors());
  options.more_queries_dirs = std::move(dirs).value();
  options.variables = std::move(vars).value();
  options.baselines_dir = o.baselines.empty() ? default_baselines_dir() : o.baselines;
  options.scan = o.scan;
  options.repetitions = o.repetitions;
  options.only = o.ids;
  options.jobs = o.jobs;
  options.vs_file = o.vs;
  if (!ctx.quiet) std::cerr << "posture bench: measuring " << o.db << " ...\n";
  auto report = bench::run(options);
  if (!report) return report_errors(report.errors());
  bench::write_table(*report, std::cout);
  if (!o.json.empty()) {
    std::ofstream file(o.json, std::ios::binary | std::ios::trunc);
    if (file) bench::write_json(*report, file);
    if (!file)
      return report_errors({Diagnostic::error("io", "cannot write the JSON", {o.json, 0, 0})});
  }
  if (!report->all_same()) {
    std::cerr << "error: the engine and a baseline returned different ids (see above)\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<BenchCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time each stored check's SQL against its hand-written baseline on a store");
  cmd->add_option("--db", o->db, "The store (e.g. imported from `posture generate`)")->required();
  cmd->add_option("-r,--repetitions", o->repetitions, "Timed runs per side")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--json", o->json, "Also write the results as JSON to this file");
  add_queries_options(cmd, *o);
  cmd->add_option("--baselines", o->baselines,
                  "The directory of <check-id>.sql baselines (default: benchmarks/baselines)");
  cmd->add_option("--check", o->ids, "Benchmark only this check id (repeatable)");
  cmd->add_option("--vs", o->vs,
                  "Another version of a check (.graphql), timed against the stored one in the "
                  "baseline's place, with its answer compared (its @check id, or one --check)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--jobs", o->jobs,
                  "Workers for the whole-catalogue evaluation, as `posture check --jobs` "
                  "(default: one per CPU)");
  cmd->add_option("--scan", o->scan, "The scan to measure (default: the latest complete one)");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o, ctx); });
}

}  // namespace posture::cli
