// `posture bench`'s output: an aligned table for people and a JSON document
// for tools, whose keys come in a fixed order (docs/performance.md documents
// it). Times are milliseconds (compile: microseconds), rounded to 3 decimals.
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "engine/bench/bench.hpp"

namespace posture::bench {

namespace {

using Json = nlohmann::ordered_json;

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

std::string fixed(double v, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v;
  return s.str();
}

// Rows of the subject type scanned per second at a median of `ms`.
double per_second(uint64_t rows, double ms) {
  return ms > 0 ? static_cast<double>(rows) * 1000.0 / ms : 0;
}

std::string objects_text(const BenchReport& r) {
  std::string out;
  for (const auto& [type, rows] : r.objects)
    out += (out.empty() ? "" : ", ") + std::to_string(rows) + " " + type;
  return out;
}

// One table line: the cells padded to `widths` (negative: left-aligned).
void line(std::ostream& out, const std::vector<std::string>& cells,
          const std::vector<int>& widths) {
  for (size_t i = 0; i < cells.size(); ++i) {
    int w = widths[i];
    if (i) out << "  ";
    out << (w < 0 ? std::left : std::right) << std::setw(std::abs(w)) << cells[i];
  }
  out << std::right << "\n";
}

std::string timing_cell(const Timing& t) {
  return fixed(t.median_ms, 1) + " / " + fixed(t.min_ms, 1) + " / " + fixed(t.p90_ms, 1);
}

std::string ratio_cell(const CheckBench& c, double ratio) {
  return c.has_baseline() ? fixed(ratio, 2) + "x" : "-";
}

std::string mib(int64_t kib) {
  return fixed(static_cast<double>(kib) / 1024.0, 1) + " MiB";
}

void write_header(const BenchReport& r, std::ostream& out) {
  out << "posture bench: " << r.db << ", scan " << r.scan << " (" << objects_text(r) << "), "
      << r.repetitions << " timed runs per side, in rotation after a warm-up\n";
  out << "machine: " << r.machine.cpu << " x" << r.machine.cpus << ", "
      << r.machine.memory_mib / 1024 << " GiB, " << r.machine.os << ", " << r.machine.compiler
      << ", SQLite " << r.machine.sqlite << "\n\n";
}

void write_footer(const BenchReport& r, std::ostream& out) {
  out << "\nall " << text::counted(r.checks.size(), "check", "checks")
      << " evaluated as `posture check --jobs " << r.jobs
      << "` (no output): " << timing_cell(r.evaluate_all) << " ms (med/min/p90); without "
      << "the reasons of failing findings: " << timing_cell(r.evaluate_all_without_reasons)
      << " ms; that with a statement per check instead of the checks of one subject type "
      << "together: " << timing_cell(r.evaluate_all_statement_per_check) << " ms\n";
  out << "subject lists (" << r.subject_lists
      << ", read once per run and shared by the checks; not in `evaluate`): "
      << timing_cell(r.subjects) << " ms (med/min/p90)\n";
  out << "catalogue load: " << fixed(r.catalog_load_ms, 2) << " ms; peak RSS "
      << mib(r.peak_rss_queries_kib) << " after the comparisons, " << mib(r.peak_rss_kib)
      << " at the end\n";
  out << "engine: the check's compiled SQL (compile_matches); evaluate: checks::Evaluator on "
         "the check, as `posture check` runs it;\n"
         "ratio, eval: engine, evaluate median over baseline median (wall time); cpu: engine "
         "over baseline in CPU time;\n"
         "rows/s: subject rows scanned per second by the engine's SQL; comp us: check file "
         "to SQL, median\n";
}

void write_diff(const CheckBench& c, const char* side, const SideBench& s, std::ostream& out) {
  if (s.same_ids) return;
  const char* reference = c.has_baseline() ? "baseline" : "evaluate";
  out << "\nDIFFERENT IDS for " << c.id << ": " << side << " selected " << s.rows << ", "
      << reference << " " << (c.has_baseline() ? c.baseline.rows : c.evaluate.rows);
  if (c.has_baseline()) out << " (" << c.baseline_file << ")";
  out << "\n  only in " << side << " (" << s.diff.only_side << "):\n";
  for (const auto& id : s.diff.side_examples) out << "    " << id << "\n";
  out << "  only in " << reference << " (" << s.diff.only_reference << "):\n";
  for (const auto& id : s.diff.reference_examples) out << "    " << id << "\n";
}

}  // namespace

void write_table(const BenchReport& r, std::ostream& out) {
  write_header(r, out);
  int id_width = 5;
  for (const auto& c : r.checks) id_width = std::max(id_width, static_cast<int>(c.id.size()));
  const std::vector<int> widths = {-id_width, 7, 24, 24, 24, 6, 6, 6, 7, 7, 4};
  line(out,
       {"check", "rows", "engine ms med/min/p90", "evaluate ms med/min/p90",
        "baseline ms med/min/p90", "ratio", "eval", "cpu", "rows/s", "comp us", "ids"},
       widths);
  for (const auto& c : r.checks) {
    double rate = per_second(c.subjects, c.engine.wall.median_ms);
    line(out,
         {c.id, std::to_string(c.engine.rows), timing_cell(c.engine.wall),
          timing_cell(c.evaluate.wall),
          c.has_baseline() ? timing_cell(c.baseline.wall) : "(no baseline)",
          ratio_cell(c, c.ratio()), ratio_cell(c, c.evaluate_ratio()), ratio_cell(c, c.cpu_ratio()),
          fixed(rate / 1e6, 2) + "M", fixed(c.compile.total_us, 1), c.same_ids() ? "same" : "DIFF"},
         widths);
  }
  write_footer(r, out);
  for (const auto& c : r.checks) {
    if (!c.versus) continue;
    out << "\n--vs " << c.baseline_file << " (the baseline column) beside " << c.id
        << ":\n  stored  " << timing_cell(c.engine.wall) << " ms (med/min/p90)\n  --vs    "
        << timing_cell(c.baseline.wall) << " ms\n  --vs takes " << fixed(1.0 / c.ratio(), 2)
        << "x the stored check's time; answers: "
        << (c.engine.same_ids ? "the same " + std::to_string(c.engine.rows) + " ids"
                              : std::string("DIFFERENT (below)"))
        << "\n";
  }
  for (const auto& c : r.checks) {
    write_diff(c, "engine", c.engine, out);
    write_diff(c, "evaluate", c.evaluate, out);
  }
}

namespace {

Json timing_json(const Timing& t) {
  Json samples = Json::array();
  for (double s : t.samples_ms) samples.push_back(round3(s));
  return Json{{"median_ms", round3(t.median_ms)},
              {"min_ms", round3(t.min_ms)},
              {"p90_ms", round3(t.p90_ms)},
              {"samples_ms", std::move(samples)}};
}

// One side; `reference` leaves out the comparison (the side others are compared with).
Json side_json(const SideBench& side, uint64_t subjects, bool reference) {
  Json j = timing_json(side.wall);
  j["cpu_median_ms"] = round3(side.cpu.median_ms);
  j["rows"] = side.rows;
  j["rows_per_s"] = std::round(per_second(subjects, side.wall.median_ms));
  if (reference) return j;
  j["same_ids"] = side.compared ? Json(side.same_ids) : Json(nullptr);
  j["diff"] = side.same_ids ? Json(nullptr)
                            : Json{{"only_side", side.diff.only_side},
                                   {"only_reference", side.diff.only_reference},
                                   {"side_examples", side.diff.side_examples},
                                   {"reference_examples", side.diff.reference_examples}};
  return j;
}

Json check_json(const CheckBench& c) {
  Json j{{"id", c.id}, {"subjects", c.subjects}, {"rows", c.engine.rows}};
  j["engine"] = side_json(c.engine, c.subjects, false);
  j["engine"]["sql"] = c.engine.sql;
  j["evaluate"] = side_json(c.evaluate, c.subjects, !c.has_baseline());
  j["baseline"] = nullptr;
  j["ratio"] = nullptr;
  j["evaluate_ratio"] = nullptr;
  j["cpu_ratio"] = nullptr;
  if (c.has_baseline()) {
    j["baseline"] = side_json(c.baseline, c.subjects, true);
    j["baseline"]["file"] = c.baseline_file;
    j["baseline"]["versus"] = c.versus;
    j["baseline"]["sql"] = c.baseline.sql;
    j["ratio"] = round3(c.ratio());
    j["evaluate_ratio"] = round3(c.evaluate_ratio());
    j["cpu_ratio"] = round3(c.cpu_ratio());
  }
  j["same_ids"] = c.same_ids();
  j["compile_us"] = Json{{"parse", round3(c.compile.parse_us)},
                         {"analyze", round3(c.compile.analyze_us)},
                         {"sql", round3(c.compile.sql_us)},
                         {"total", round3(c.compile.total_us)}};
  return j;
}

}  // namespace

void write_json(const BenchReport& r, std::ostream& out) {
  Json j{{"format", "posture-bench/1"},
         {"started_at", r.started_at},
         {"db", r.db},
         {"scan", r.scan},
         {"repetitions", r.repetitions}};
  j["machine"] = Json{{"cpu", r.machine.cpu},
                      {"cpus", r.machine.cpus},
                      {"memory_mib", r.machine.memory_mib},
                      {"os", r.machine.os},
                      {"compiler", r.machine.compiler},
                      {"sqlite", r.machine.sqlite}};
  Json objects = Json::object();
  for (const auto& [type, rows] : r.objects) objects[type] = rows;
  j["objects"] = std::move(objects);
  Json checks = Json::array();
  for (const auto& c : r.checks) checks.push_back(check_json(c));
  j["checks"] = std::move(checks);
  Json all = timing_json(r.evaluate_all);
  all["checks"] = r.checks.size();
  all["jobs"] = r.jobs;
  Json subjects = timing_json(r.subjects);
  subjects["lists"] = r.subject_lists;
  j["subjects"] = std::move(subjects);
  j["evaluate_all"] = std::move(all);
  j["evaluate_all_without_reasons"] = timing_json(r.evaluate_all_without_reasons);
  j["evaluate_all_statement_per_check"] = timing_json(r.evaluate_all_statement_per_check);
  j["catalog_load_ms"] = round3(r.catalog_load_ms);
  j["peak_rss_kib"] = r.peak_rss_kib;
  j["peak_rss_queries_kib"] = r.peak_rss_queries_kib;
  j["all_same_ids"] = r.all_same();
  out << j.dump(2) << "\n";
}

}  // namespace posture::bench
