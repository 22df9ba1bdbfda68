// The harness's measuring steps: statements run to the end and timed in
// alternation, compile timings per stage, and the real Evaluator over the whole
// catalogue. Every statement goes through store::Cursor, the engine's own
// prepare/bind/step path, so both sides of a comparison pay the same overheads.
#include "engine/bench/measure.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>

#include "engine/optimizer/optimizer.hpp"
#include "engine/semantic/analyzer.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::bench {

using Clock = std::chrono::steady_clock;

namespace {

// Steps `statement` to its end, visiting column 0's text of each row.
Status each_row_id(const store::Store& store, const sql::Statement& statement, int64_t scan_id,
                   const IdVisitor& visit) {
  auto cursor = store::Cursor::open(store, statement, scan_id);
  if (!cursor) return cursor.take_errors();
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) return ok_status();
    visit(cursor->text(0));
  }
}

// The ids `statement` selects, each kept as check evaluation materialises
// them: what a timed run of a SQL side does.
Result<std::vector<std::string>> run_ids(const store::Store& store, const sql::Statement& statement,
                                         int64_t scan_id) {
  std::vector<std::string> ids;
  Status read =
      each_row_id(store, statement, scan_id, [&](std::string_view id) { ids.emplace_back(id); });
  if (!read) return read.take_errors();
  return ids;
}

}  // namespace

Result<std::optional<sql::Statement>> load_baseline(const store::Store& store,
                                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<sql::Statement>{};
  std::stringstream text;
  text << in.rdbuf();
  auto statement = store.read_only_statement(text.str(), path);
  if (!statement) {
    // A baseline's fault is the file's: the diagnostic points at it.
    Diagnostics errors = statement.take_errors();
    for (auto& d : errors) {
      d.code = "baseline";
      d.where = {path, 0, 0};
    }
    return errors;
  }
  return std::optional<sql::Statement>{std::move(statement).value()};
}

IdDigest id_digest(std::string_view id) {
  uint64_t fnv = 0xcbf29ce484222325ull;  // FNV-1a
  for (unsigned char c : id) fnv = (fnv ^ c) * 0x100000001b3ull;
  return {std::hash<std::string_view>{}(id), fnv};
}

namespace {

// The first ten in byte order of the ids of `side` whose digests are in
// `wanted` (sorted; each taken as often as it occurs there). Only those ten
// are kept, however many differ (every id, when a side found nothing).
Result<std::vector<std::string>> examples_of(const Side& side,
                                             const std::vector<IdDigest>& wanted) {
  constexpr size_t kExamples = 10;
  std::vector<bool> taken(wanted.size(), false);
  std::vector<std::string> found;  // sorted, at most kExamples
  Status visited = side.each_id([&](std::string_view id) {
    auto [lo, hi] = std::equal_range(wanted.begin(), wanted.end(), id_digest(id));
    auto at = static_cast<size_t>(lo - wanted.begin());
    while (at < static_cast<size_t>(hi - wanted.begin()) && taken[at]) ++at;
    if (at == static_cast<size_t>(hi - wanted.begin())) return;
    taken[at] = true;
    if (found.size() == kExamples && id >= found.back()) return;
    found.insert(std::upper_bound(found.begin(), found.end(), id), std::string(id));
    if (found.size() > kExamples) found.pop_back();
  });
  if (!visited) return visited.take_errors();
  return found;
}

}  // namespace

Result<bool> compare_ids(const Side& side, const std::vector<IdDigest>& side_digests,
                         const Side& reference, const std::vector<IdDigest>& reference_digests,
                         IdDiff& diff) {
  // Multiset differences: a duplicated id on one side counts as a difference.
  std::vector<IdDigest> only_side, only_reference;
  std::set_difference(side_digests.begin(), side_digests.end(), reference_digests.begin(),
                      reference_digests.end(), std::back_inserter(only_side));
  std::set_difference(reference_digests.begin(), reference_digests.end(), side_digests.begin(),
                      side_digests.end(), std::back_inserter(only_reference));
  diff.only_side = only_side.size();
  diff.only_reference = only_reference.size();
  diff.side_examples.clear();
  diff.reference_examples.clear();
  if (!only_side.empty()) {
    auto examples = examples_of(side, only_side);
    if (!examples) return examples.take_errors();
    diff.side_examples = std::move(examples).value();
  }
  if (!only_reference.empty()) {
    auto examples = examples_of(reference, only_reference);
    if (!examples) return examples.take_errors();
    diff.reference_examples = std::move(examples).value();
  }
  return only_side.empty() && only_reference.empty();
}

Side sql_side(const store::Store& store, sql::Statement statement, int64_t scan_id) {
  auto shared = std::make_shared<const sql::Statement>(std::move(statement));
  const store::Store* db = &store;
  Side side;
  side.each_id = [db, shared, scan_id](const IdVisitor& visit) {
    return each_row_id(*db, *shared, scan_id, visit);
  };
  side.run = [db, shared, scan_id]() -> Result<uint64_t> {
    auto ids = run_ids(*db, *shared, scan_id);
    if (!ids) return ids.take_errors();
    return static_cast<uint64_t>(ids->size());
  };
  return side;
}

namespace {

// Visits the ids of a result's FAIL findings, or of the objects it returned.
Status each_failing_id(const store::Store& store, int64_t scan_id,
                       const checks::CheckResult& result, const IdVisitor& visit) {
  if (result.no_subjects)
    return ok_status();  // one check-level finding (e.g. a type not collected)
  if (!result.per_resource()) {
    for (const auto& r : result.returned) visit(r.id);
    return ok_status();
  }
  // The findings are in the order of subjects_statement's rows.
  size_t i = 0;
  bool lined_up = true;
  Status read = each_row_id(store,
                            checks::subjects_statement(*result.check, *result.subject_type,
                                                       result.order, sql::dialect(store.backend())),
                            scan_id, [&](std::string_view id) {
                              if (i >= result.verdicts.size()) {
                                lined_up = false;
                              } else if (result.verdicts[i] == checks::Verdict::Fail) {
                                visit(id);
                              }
                              ++i;
                            });
  if (!read) return read;
  if (!lined_up || i != result.verdicts.size())
    return Diagnostic::error(
        "bench", "the findings of " + result.check->id + " do not line up with their subjects");
  return ok_status();
}

}  // namespace

Side evaluate_side(const store::Store& store, const checks::EvaluationContext& context,
                   const checks::Check& check) {
  Side side;
  side.run = [&store, &context, &check]() -> Result<uint64_t> {
    auto result = checks::Evaluator(store, context).evaluate(check);
    if (!result) return result.take_errors();
    return result->matched;
  };
  side.each_id = [&store, &context, &check](const IdVisitor& visit) -> Status {
    auto result = checks::Evaluator(store, context).evaluate(check);
    if (!result) return result.take_errors();
    return each_failing_id(store, context.scan_id, *result, visit);
  };
  return side;
}

Status time_sides(const std::vector<Side>& sides, const std::vector<SideBench*>& out,
                  int repetitions) {
  {
    // 16 bytes an id, where the ids themselves took about a hundred; let go
    // before the timed runs.
    std::vector<std::vector<IdDigest>> digests(sides.size());
    for (size_t i = 0; i < sides.size(); ++i) {
      Status visited =
          sides[i].each_id([&](std::string_view id) { digests[i].push_back(id_digest(id)); });
      if (!visited) return visited;
      out[i]->rows = digests[i].size();
      std::sort(digests[i].begin(), digests[i].end());
    }
    for (size_t i = 0; i + 1 < sides.size(); ++i) {
      auto same = compare_ids(sides[i], digests[i], sides.back(), digests.back(), out[i]->diff);
      if (!same) return same.take_errors();
      out[i]->same_ids = *same;
    }
  }
  const size_t n = sides.size();
  std::vector<std::vector<double>> wall(n), cpu(n);
  for (int round = 0; round < repetitions; ++round) {
    for (size_t k = 0; k < n; ++k) {
      size_t i = (static_cast<size_t>(round) + k) % n;
      double cpu0 = thread_cpu_ms();
      auto start = Clock::now();
      auto rows = sides[i].run();
      wall[i].push_back(elapsed_ms(start));
      cpu[i].push_back(thread_cpu_ms() - cpu0);
      if (!rows) return rows.take_errors();
    }
  }
  for (size_t i = 0; i < n; ++i) {
    out[i]->wall = summarize(std::move(wall[i]));
    out[i]->cpu = summarize(std::move(cpu[i]));
  }
  return ok_status();
}

namespace {

double median_us(std::vector<double> ms) {
  return summarize(std::move(ms)).median_ms * 1000.0;
}

}  // namespace

Result<CompileTiming> time_compile(const std::string& text, const std::string& file,
                                   int iterations) {
  const exec::Engine engine;
  semantic::AnalyzeOptions options;
  options.source_name = file;
  std::vector<double> parse_ms, analyze_ms, sql_ms, total_ms;
  for (int i = 0; i < std::max(iterations, 1); ++i) {
    auto t0 = Clock::now();
    auto doc = syntax::parse(text, file);
    parse_ms.push_back(elapsed_ms(t0));
    if (!doc) return doc.take_errors();
    auto t1 = Clock::now();
    auto query = semantic::analyze(*doc, engine.schema(), options);
    analyze_ms.push_back(elapsed_ms(t1));
    if (!query) return query.take_errors();
    const ir::RootField& root = query->roots.front();
    auto t2 = Clock::now();  // optimize + SQL
    sql::Statement statement = sql::compile_matches(*root.type, optimizer::rewrite(root.where));
    sql_ms.push_back(elapsed_ms(t2));
    // The whole path: the check file to the statement evaluation runs.
    auto t3 = Clock::now();
    auto check = checks::Catalog::parse_check(text, file, engine);
    if (!check) return check.take_errors();
    const ir::RootField& r = check->query.optimised.roots.front();
    sql::Statement again = sql::compile_matches(*r.type, r.where);
    total_ms.push_back(elapsed_ms(t3));
    if (again.sql != statement.sql) return Diagnostic::error("bench", "unstable compile", {file});
  }
  return CompileTiming{median_us(std::move(parse_ms)), median_us(std::move(analyze_ms)),
                       median_us(std::move(sql_ms)), median_us(std::move(total_ms))};
}

Result<Timing> time_subjects(const store::Store& store, const checks::EvaluationContext& context,
                             const std::vector<const checks::Check*>& checks, int repetitions,
                             uint64_t& lists) {
  std::vector<double> samples;
  for (int i = 0; i <= repetitions; ++i) {  // i == 0: the warm-up run, not kept
    auto start = Clock::now();
    checks::SubjectCache cache;
    std::set<const checks::Subjects*> distinct;
    for (const checks::Check* check : checks) {
      const schema::ObjectType* type = checks::subject_type(*check);
      if (!type) continue;
      auto subjects = cache.get(store, context, *check, *type);
      if (!subjects) return subjects.take_errors();
      distinct.insert(subjects->get());
    }
    if (i > 0) samples.push_back(elapsed_ms(start));
    lists = distinct.size();
  }
  return summarize(std::move(samples));
}

Result<Timing> time_evaluate_all(const store::Store& store, int64_t scan_id,
                                 const std::vector<const checks::Check*>& checks, unsigned jobs,
                                 int repetitions, bool reasons, size_t together) {
  std::vector<double> samples;
  for (int i = 0; i <= repetitions; ++i) {  // i == 0: the warm-up run, not kept
    auto start = Clock::now();
    auto context =
        checks::EvaluationContext::load(store, scan_id, nullptr, checks::Date::today_utc());
    if (!context) return context.take_errors();
    context->explain = reasons ? checks::kExplainAll : 0;
    context->together = together;
    auto results = checks::evaluate_all(store.path(), checks, *context, jobs);
    if (!results) return results.take_errors();
    if (i > 0) samples.push_back(elapsed_ms(start));
  }
  return summarize(std::move(samples));
}

}  // namespace posture::bench
