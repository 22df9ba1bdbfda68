// `posture bench`'s driver: opens a session (engine/session/: the store
// read-only on one scan, the catalogue), and for each check times its
// evaluation SQL against its baseline, then the whole catalogue through the
// Evaluator. The measuring itself is in
// measure.cpp, the output in output.cpp.
#include "engine/bench/bench.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/file.hpp"
#include "base/text.hpp"
#include "engine/bench/measure.hpp"
#include "engine/session/session.hpp"

namespace posture::bench {

bool BenchReport::all_same() const {
  for (const auto& c : checks)
    if (!c.same_ids()) return false;
  return true;
}

namespace {

// Times the sides of one check (engine, evaluate and, if it has one, baseline)
// against each other and compares their ids with the reference's.
Status time_check(const store::Store& store, const checks::EvaluationContext& context,
                  const checks::Check& check, const sql::Statement& engine,
                  const std::optional<sql::Statement>& baseline, CheckBench& out, int repetitions) {
  std::vector<Side> sides = {sql_side(store, engine, context.scan_id),
                             evaluate_side(store, context, check)};
  std::vector<SideBench*> benches = {&out.engine, &out.evaluate};
  if (baseline) {
    // Its scan parameter (:scan or ?1) is bound by name, like the engine's.
    sides.push_back(sql_side(store, *baseline, context.scan_id));
    benches.push_back(&out.baseline);
  }
  // Compared with the last side's ids: the baseline's, else the evaluation's.
  if (auto timed = time_sides(sides, benches, repetitions); !timed) return timed.take_errors();
  const std::vector<std::string> uses = checks::query_types(check);
  if (std::any_of(context.errors.begin(), context.errors.end(),
                  [&](const store::CollectionError& e) {
                    return e.type == uses.front() ||
                           (context.collected_record && e.resource.empty() &&
                            std::find(uses.begin(), uses.end(), e.type) != uses.end());
                  })) {
    // Collection errors on the check's subjects or the types it reads (or
    // none of them in the scan) turn FAIL findings into ERROR: the
    // evaluation's ids differ by design, and cannot be a reference either.
    for (SideBench* side : {&out.evaluate, out.has_baseline() ? nullptr : &out.engine}) {
      if (!side) continue;
      side->compared = false;
      side->same_ids = true;
    }
  }
  return ok_status();
}

// The statement of `other` (a version of `check` given with --vs): the SQL
// the engine compiles for its root field's filter, which must judge the same type.
Result<std::optional<sql::Statement>> versus_statement(const checks::Check& other,
                                                       const checks::Check& check,
                                                       const sql::Dialect& dialect) {
  const ir::RootField& root = other.query.optimised.roots.front();
  const ir::RootField& own = check.query.optimised.roots.front();
  if (root.type != own.type)
    return Diagnostic::error("bench-vs",
                             "it queries " + root.type->name + ", the check " + check.id +
                                 " queries " + own.type->name + ": they cannot be compared",
                             {other.file, 0, 0});
  return std::optional<sql::Statement>(sql::compile_matches(*root.type, root.where, dialect));
}

// Reads the --vs file and names the stored check it stands beside: its @check
// id, or the one check selected with --check when it has none.
Result<std::pair<checks::Check, std::string>> load_versus(const BenchOptions& o,
                                                          const exec::Engine& engine) {
  auto text = file::read(o.vs_file);
  if (!text) return text.take_errors();
  std::string source = *text;
  bool has_check = source.find("@check") != std::string::npos;
  if (!has_check) {
    if (o.only.size() != 1)
      return Diagnostic::error("bench-vs",
                               "without @check, name the check it is a version of with one "
                               "--check ID",
                               {o.vs_file, 0, 0});
    // A bare query: compiled as it is (so errors point into the file), then
    // given the metadata a check needs.
    semantic::AnalyzeOptions analyze;
    analyze.source_name = o.vs_file;
    auto query = engine.compile(source, analyze);
    if (!query) return query.take_errors();
    if (query->optimised.roots.empty())
      return Diagnostic::error("bench-vs", "no root field in the query", {o.vs_file, 0, 0});
    std::string head = "query Versus @check(id: \"" + o.only.front() +
                       "\", title: \"--vs\", severity: LOW, expect: \"eq []\", subjects: [" +
                       query->optimised.roots.front().type->name + "]) ";
    size_t brace = source.find('{');
    if (brace == std::string::npos)
      return Diagnostic::error("bench-vs", "no query in the file", {o.vs_file, 0, 0});
    // Newlines keep the query on its own lines in diagnostics.
    auto lines =
        std::count(source.begin(), source.begin() + static_cast<std::ptrdiff_t>(brace), '\n');
    source = head + std::string(static_cast<size_t>(lines), '\n') + source.substr(brace);
  }
  auto check = checks::Catalog::parse_check(source, o.vs_file, engine, o.variables);
  if (!check) return check.take_errors();
  std::string id = check->id;
  return std::make_pair(std::move(check).value(), id);
}

// Where a store's baselines are: the directory itself for SQLite, its
// postgresql/ subdirectory for PostgreSQL (docs/performance.md).
std::filesystem::path baselines_dir(const std::string& dir, const store::Store& store) {
  std::filesystem::path path(dir);
  return store.backend() == store::Backend::Postgresql ? path / "postgresql" : path;
}

// Times one check: its compile, then its sides.
// `objects`: the scan's rows per type, counted once (BenchReport::objects).
// `versus`: another version of the check, timed in the baseline's place.
Result<CheckBench> bench_check(const store::Store& store, const checks::EvaluationContext& context,
                               const checks::Check& check, const BenchOptions& o,
                               const std::vector<std::pair<std::string, uint64_t>>& objects,
                               const checks::Check* versus) {
  CheckBench out;
  out.id = check.id;
  const ir::RootField& root = check.query.optimised.roots.front();
  const sql::Dialect& dialect = sql::dialect(store.backend());
  sql::Statement engine = sql::compile_matches(*root.type, root.where, dialect);
  out.engine.sql = engine.sql;
  for (const auto& [type, rows] : objects)
    if (type == root.type->name) out.subjects = rows;
  auto text = file::read(check.file);
  if (!text) return text.take_errors();
  auto compile = time_compile(*text, check.file, o.compile_iterations);
  if (!compile) return compile.take_errors();
  out.compile = *compile;
  std::string path = (baselines_dir(o.baselines_dir, store) / (check.id + ".sql")).string();
  auto baseline = versus ? versus_statement(*versus, check, dialect) : load_baseline(store, path);
  if (!baseline) return baseline.take_errors();
  if (versus) {
    path = o.vs_file;
    out.versus = true;
  }
  if (*baseline) {
    out.baseline_file = path;
    out.baseline.sql = (*baseline)->sql;
  }
  if (auto st = time_check(store, context, check, engine, *baseline, out, o.repetitions); !st)
    return st.take_errors();
  return out;
}

}  // namespace

Result<BenchReport> run(const BenchOptions& o) {
  BenchReport report;
  report.db = o.db;
  report.repetitions = o.repetitions;
  report.machine = describe_machine();
  report.started_at = text::utc_now();
  // The session opens the store on the scan and loads the catalogue (timed:
  // the compile of every check dominates); no waivers.
  session::SessionOptions session_options;
  session_options.scan = o.scan;
  session_options.queries_dir = o.queries_dir;
  session_options.more_queries_dirs = o.more_queries_dirs;
  session_options.variables = o.variables;
  session_options.today_date = checks::Date::today_utc();
  auto start = std::chrono::steady_clock::now();
  auto session = session::Session::open(o.db, session_options);
  report.catalog_load_ms = elapsed_ms(start);
  if (!session) return session.take_errors();
  const store::Store& store = session->store();
  report.scan = session->scan().id;
  for (const auto& type : store.schema().types()) {
    auto rows = store.count_rows(type, report.scan);
    if (!rows) return rows.take_errors();
    report.objects.emplace_back(type.name, *rows);
  }
  auto context = session->context();
  if (!context) return context.take_errors();
  // The evaluate side selects, as the baseline does: the reasons of the
  // failing findings are timed with the whole run (evaluate_all).
  context->explain = 0;
  std::optional<std::pair<checks::Check, std::string>> versus;
  std::vector<std::string> only = o.only;
  if (!o.vs_file.empty()) {
    auto loaded = load_versus(o, exec::Engine(store.schema()));
    if (!loaded) return loaded.take_errors();
    versus = std::move(loaded).value();
    if (only.empty()) only.push_back(versus->second);
  }
  auto selected = session->select({only, {}, {}, {}});
  if (!selected) return selected.take_errors();
  for (const checks::Check* check : *selected) {
    const checks::Check* other = versus && versus->second == check->id ? &versus->first : nullptr;
    auto bench = bench_check(store, *context, *check, o, report.objects, other);
    if (!bench) return bench.take_errors();
    report.checks.push_back(std::move(bench).value());
  }
  report.peak_rss_queries_kib = peak_rss_kib();
  auto subjects = time_subjects(store, *context, *selected, o.repetitions, report.subject_lists);
  if (!subjects) return subjects.take_errors();
  report.subjects = std::move(subjects).value();
  report.jobs = session::resolve_jobs(o.jobs);
  auto all = time_evaluate_all(store, report.scan, *selected, report.jobs, o.repetitions);
  if (!all) return all.take_errors();
  report.evaluate_all = std::move(all).value();
  auto bare = time_evaluate_all(store, report.scan, *selected, report.jobs, o.repetitions, false);
  if (!bare) return bare.take_errors();
  report.evaluate_all_without_reasons = std::move(bare).value();
  auto single =
      time_evaluate_all(store, report.scan, *selected, report.jobs, o.repetitions, false, 1);
  if (!single) return single.take_errors();
  report.evaluate_all_statement_per_check = std::move(single).value();
  report.peak_rss_kib = peak_rss_kib();
  return report;
}

}  // namespace posture::bench
