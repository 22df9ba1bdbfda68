// `posture bench --db FILE`: times every stored check's SQL against its
// hand-written baseline (benchmarks/baselines/<check-id>.sql) on the same
// connection, plus the whole catalogue through the Evaluator; prints a table
// and optionally writes JSON. Exit status: 0 when every engine/baseline pair
// returned the same ids, 2 when one did not (the diff is printed) or on error.
// The harness is engine/bench/ (library posture_bench), which the CLI links.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"

#include "collectors/snapshot/importer.hpp"
#include "collectors/synthetic/generator.hpp"
#include "engine/bench/bench.hpp"
#include "engine/bench/plot.hpp"
#include "engine/schema/schema.hpp"
#include "store/store.hpp"

namespace posture::cli {

namespace {

struct BenchCliOptions : QueriesOptions {
  std::string db;
  std::string json;
  std::string baselines;
  std::vector<std::string> ids;
  std::string vs;
  std::vector<uint64_t> sizes;
  std::string plot;
  std::string plots_from;
  std::string plot_dir = ".";
  uint64_t seed = 1;
  std::optional<int64_t> scan;
  int repetitions = 7;
  unsigned jobs = 0;
};

std::string default_baselines_dir() {
  if (const char* env = std::getenv("POSTURE_BASELINES"); env && *env) return env;
  return POSTURE_BASELINES_DIR;
}

// Writes `plot` as SVG to `path`, and says so on a terminal.
Status write_plot(const bench::Plot& plot, const std::string& path, const Context& ctx) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) bench::write_svg(plot, file);
  if (!file) return Diagnostic::error("io", "cannot write the plot", {path, 0, 0});
  if (!ctx.quiet) std::cerr << "posture bench: wrote " << path << "\n";
  return ok_status();
}

// --sizes: for each size, a generated inventory of that many subscriptions
// imported into a fresh store under a temporary directory, then measured.
// Prints one line per check and size; with --plot, draws time against size.
int run_sizes(const BenchCliOptions& o, bench::BenchOptions options, const Context& ctx) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::temp_directory_path() / ("posture-bench-sizes-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};
  std::map<std::string, bench::Series> series;  // "<check> <side>" -> time against size
  std::vector<std::string> order;
  auto point = [&](const std::string& name, double size, double ms) {
    if (!series.count(name)) order.push_back(name);
    series[name].name = name;
    series[name].points.emplace_back(size, ms);
  };
  std::cout << "size      check                                     engine ms  baseline ms  "
               "ratio  ids\n";
  std::cout.unsetf(std::ios::floatfield);
  for (uint64_t size : o.sizes) {
    const std::string jsonl = (dir / (std::to_string(size) + ".jsonl")).string();
    const std::string db = (dir / (std::to_string(size) + ".db")).string();
    if (!ctx.quiet) std::cerr << "posture bench: " << size << " subscriptions: generating ...\n";
    synthetic::GeneratorOptions gen;
    gen.connectors = size;
    gen.seed = o.seed;
    if (auto written = synthetic::generate_file(gen, jsonl); !written)
      return report_errors(written.errors());
    {
      if (!ctx.quiet) std::cerr << "posture bench: " << size << " subscriptions: importing ...\n";
      auto store = store::Store::open(db, schema::builtin());
      if (!store) return report_errors(store.errors());
      auto imported = snapshot::import_files(*store, {jsonl});
      if (!imported) return report_errors(imported.errors());
    }
    fs::remove(jsonl, ec);
    if (!ctx.quiet) std::cerr << "posture bench: " << size << " subscriptions: measuring ...\n";
    options.db = db;
    auto report = bench::run(options);
    if (!report) return report_errors(report.errors());
    for (const auto& c : report->checks) {
      const double n = static_cast<double>(size);
      point(c.id + " engine", n, c.engine.wall.median_ms);
      if (c.has_baseline())
        point(c.id + (c.versus ? " --vs" : " baseline"), n, c.baseline.wall.median_ms);
      std::cout << std::left << std::setw(10) << size << std::setw(42) << c.id << std::right
                << std::fixed << std::setprecision(1) << std::setw(9) << c.engine.wall.median_ms
                << std::setw(13);
      if (c.has_baseline())
        std::cout << c.baseline.wall.median_ms << std::setw(6) << std::setprecision(2) << c.ratio()
                  << "x";
      else
        std::cout << "-" << std::setw(7) << "-";
      std::cout << "  " << (c.same_ids() ? "same" : "DIFF") << "\n";
    }
    if (!report->all_same()) {
      std::cerr << "error: at " << size << " subscriptions, two sides returned different ids\n";
      return kExitError;
    }
    fs::remove(db, ec);
  }
  if (!o.plot.empty()) {
    bench::Plot plot{"Check time against inventory size", "subscriptions", "median ms", {}};
    for (const auto& name : order) plot.series.push_back(series[name]);
    if (auto st = write_plot(plot, o.plot, ctx); !st) return report_errors(st.errors());
  }
  return kExitOk;
}

// --plots-from: the charts of a `benchmarks/run` results document (format
// posture-bench-run/1), against the objects each size imported: checks.svg
// (the engine and baseline medians of each check with a baseline), import.svg (objects/s) and
// memory.svg (peak RSS of the import and of the bench).
int run_plots(const BenchCliOptions& o, const Context& ctx) {
  auto text = file::read(o.plots_from);
  if (!text) return report_errors(text.errors());
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object() || doc.value("format", "") != "posture-bench-run/1" ||
      !doc["sizes"].is_array())
    return report_errors({Diagnostic::error(
        "bad-input", "not a benchmarks/run results document (format posture-bench-run/1)",
        {o.plots_from, 0, 0})});
  std::map<std::string, bench::Series> checks;
  std::vector<std::string> order;
  bench::Series rate{"import objects/s", {}}, import_rss{"import peak RSS", {}},
      bench_rss{"bench peak RSS", {}};
  auto number = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : 0.0; };
  for (const auto& size : doc["sizes"]) {
    const auto& imp = size.value("import", nlohmann::json::object());
    const auto& b = size.value("bench", nlohmann::json::object());
    double objects = number(imp.value("objects", nlohmann::json()));
    rate.points.emplace_back(objects, number(imp.value("objects_per_s", nlohmann::json())));
    import_rss.points.emplace_back(objects,
                                   number(imp.value("peak_rss_kib", nlohmann::json())) / 1024);
    bench_rss.points.emplace_back(objects,
                                  number(b.value("peak_rss_kib", nlohmann::json())) / 1024);
    for (const auto& c : b.value("checks", nlohmann::json::array())) {
      if (!c["baseline"].is_object()) continue;  // the chart compares with hand-written SQL
      for (const char* side : {"engine", "baseline"}) {
        if (!c[side].is_object()) continue;
        std::string name = c.value("id", "?") + " " + side;
        if (!checks.count(name)) order.push_back(name);
        checks[name].name = name;
        checks[name].points.emplace_back(objects, number(c[side].value("median_ms", 0.0)));
      }
    }
  }
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, bench::Plot>> plots;
  bench::Plot time{"Check time against inventory size", "objects imported", "median ms", {}};
  for (const auto& name : order) time.series.push_back(checks[name]);
  plots.emplace_back("checks.svg", std::move(time));
  plots.emplace_back("import.svg",
                     bench::Plot{"Import throughput", "objects imported", "objects/s", {rate}});
  plots.emplace_back(
      "memory.svg", bench::Plot{"Peak memory", "objects imported", "MiB", {import_rss, bench_rss}});
  for (const auto& [name, plot] : plots) {
    std::string path = (fs::path(o.plot_dir) / name).string();
    if (auto st = write_plot(plot, path, ctx); !st) return report_errors(st.errors());
  }
  return kExitOk;
}

int run(const BenchCliOptions& o, const Context& ctx) {
  if (!o.plots_from.empty()) return run_plots(o, ctx);
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
  if (!o.sizes.empty()) return run_sizes(o, options, ctx);
  if (o.db.empty())
    return report_errors({Diagnostic::error(
        "usage", "give the store to measure (--db) or sizes to generate (--sizes)")});
  if (!o.plot.empty())
    return report_errors(
        {Diagnostic::error("usage", "--plot draws time against inventory size: give --sizes too")});
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
  auto db = cmd->add_option("--db", o->db, "The store (e.g. imported from `posture generate`)");
  auto sizes = cmd->add_option(
      "--sizes", o->sizes,
      "Instead of --db: generate, import and measure inventories of these many subscriptions "
      "(e.g. 10000,100000,1000000)");
  sizes->delimiter(',')->excludes(db);
  db->excludes(sizes);
  cmd->add_option("--plot", o->plot, "With --sizes: draw check time against size as SVG here");
  cmd->add_option("--seed", o->seed, "With --sizes: the generator's seed (default: 1)");
  cmd->add_option("--plots-from", o->plots_from,
                  "Instead of measuring: draw checks.svg, import.svg and memory.svg from a "
                  "benchmarks/run results.json")
      ->excludes(db)
      ->excludes(sizes);
  cmd->add_option("--plot-dir", o->plot_dir,
                  "With --plots-from: the directory the SVGs go to (default: .)");
  cmd->add_option("-r,--repetitions", o->repetitions, "Timed runs per side")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--json", o->json, "Also write the results as JSON to this file");
  add_queries_options(cmd, *o);
  cmd->add_option("--baselines", o->baselines,
                  "The directory of <check-id>.sql baselines (default: benchmarks/baselines; "
                  "on PostgreSQL its postgresql/ subdirectory)");
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
