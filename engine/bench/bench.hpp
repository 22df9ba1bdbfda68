// The end-to-end benchmark harness behind `posture bench`: for every stored
// check, the SQL the engine runs for it (what `posture check` executes) against
// a hand-written baseline (benchmarks/baselines/<check-id>.sql) on the same
// connection, run alternately, N repetitions each after a warm-up run of both.
// It also times the whole evaluation of the catalogue through the real
// Evaluator, the compile of each check, and records the peak RSS.
//   auto report = bench::run(options);        // Result<BenchReport>
//   bench::write_table(*report, std::cout);   // aligned, for people
//   bench::write_json(*report, file);         // stable, for tools (docs/performance.md)
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "engine/bench/stats.hpp"

namespace posture::bench {

struct BenchOptions {
  std::string db;                 // the store
  std::string queries_dir;        // the stored checks
  std::string baselines_dir;      // <check-id>.sql files
  std::optional<int64_t> scan;    // default: the latest complete scan
  int repetitions = 7;            // timed runs per side, after one warm-up each
  std::vector<std::string> only;  // check ids to run (empty: all)
  int compile_iterations = 200;   // timed compiles per check
  unsigned jobs = 0;              // evaluation workers, as `posture check --jobs` (0: one per CPU)
  // More directories of checks, loaded after queries_dir, and the values of
  // the variables the checks declare.
  std::vector<std::string> more_queries_dirs;
  nlohmann::json variables = nlohmann::json::object();
  // Another version of one check (a .graphql file, `posture bench --vs`): its
  // query takes the baseline's place for the stored check of its @check id,
  // or of the one check in `only` when the file has no @check. The sides run
  // alternately, as against a baseline, and their ids are compared.
  std::string vs_file;
};

// Compile time of one check, in microseconds per call (median over the
// iterations): text -> AST, AST -> IR, IR -> the evaluation SQL, and the whole
// path text -> Check -> SQL that loading a catalogue and evaluating it does.
struct CompileTiming {
  double parse_us = 0;
  double analyze_us = 0;
  double sql_us = 0;
  double total_us = 0;
};

// The ids one side selected that the reference did not, and the reverse
// (counts, and the first few of each in sorted order).
struct IdDiff {
  uint64_t only_side = 0;
  uint64_t only_reference = 0;
  std::vector<std::string> side_examples;
  std::vector<std::string> reference_examples;
};

// One way of answering a check, timed:
//   engine    the SQL the engine compiles for it (sql::compile_matches of the
//             root field's filter: `posture query` and the brief's contract);
//   evaluate  checks::Evaluator::evaluate on the check, what `posture check`
//             runs per check (its findings' FAIL ids are compared), the
//             subject list it shares with the other checks already read
//             (BenchReport::subjects times that read);
//   baseline  benchmarks/baselines/<check-id>.sql.
struct SideBench {
  std::string sql;  // the statement ("" for evaluate)
  Timing wall;
  Timing cpu;         // this thread's CPU time over the same runs
  uint64_t rows = 0;  // ids selected
  // Whether the ids equal the reference's (the baseline's; the engine's when
  // there is no baseline). `compared` is false when they could not be (the
  // evaluate side on a scan with collection errors: those findings are ERROR).
  bool same_ids = true;
  bool compared = true;
  IdDiff diff;
};

struct CheckBench {
  std::string id;
  std::string baseline_file;  // "" when the check has no baseline; the --vs file
  bool versus = false;        // the baseline side is another version of the check (--vs)
  uint64_t subjects = 0;      // rows of the check's root type in the scan: what one run scans
  SideBench engine;
  SideBench evaluate;
  SideBench baseline;
  CompileTiming compile;
  bool has_baseline() const { return !baseline_file.empty(); }
  // Median wall time of a side over the baseline's (0 without a baseline).
  double ratio() const { return ratio_of(engine.wall, baseline.wall); }
  double evaluate_ratio() const { return ratio_of(evaluate.wall, baseline.wall); }
  double cpu_ratio() const { return ratio_of(engine.cpu, baseline.cpu); }
  // Whether every side returned the same ids.
  bool same_ids() const { return engine.same_ids && evaluate.same_ids && baseline.same_ids; }

 private:
  double ratio_of(const Timing& a, const Timing& b) const {
    return has_baseline() && b.median_ms > 0 ? a.median_ms / b.median_ms : 0;
  }
};

struct BenchReport {
  std::string db;
  int64_t scan = 0;
  // Rows per schema type in the scan, in schema order: {"Connector", 100000}, ...
  std::vector<std::pair<std::string, uint64_t>> objects;
  int repetitions = 0;
  Machine machine;
  std::string started_at;  // ISO 8601 UTC
  std::vector<CheckBench> checks;
  double catalog_load_ms = 0;  // opening the session: the catalogue's compile dominates
  Timing subjects;             // reading the subject lists an evaluation run shares (time_subjects)
  uint64_t subject_lists = 0;  // how many distinct lists that is
  Timing evaluate_all;  // the selected checks through checks::evaluate_all, as `posture check`
  Timing evaluate_all_without_reasons;  // the same, the failing findings not explained
  // The same again, each check judged by a statement of its own (instead of
  // the checks of one subject type together): what judging together saves.
  Timing evaluate_all_statement_per_check;
  unsigned jobs = 0;                 // the workers evaluate_all used
  int64_t peak_rss_kib = 0;          // at the end
  int64_t peak_rss_queries_kib = 0;  // after the per-check comparisons, before evaluate_all
  // Whether every side of every check returned the same ids.
  bool all_same() const;
};

// Runs the benchmark. Errors: the store, catalogue or a baseline cannot be
// read, or a statement fails. Differing ids are not an error: see all_same().
Result<BenchReport> run(const BenchOptions& options);

// An aligned table, one row per check, then the totals and the id diffs.
void write_table(const BenchReport& report, std::ostream& out);
// The stable JSON document described in docs/performance.md.
void write_json(const BenchReport& report, std::ostream& out);

}  // namespace posture::bench
