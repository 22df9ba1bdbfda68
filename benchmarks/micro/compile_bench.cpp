// Micro benchmarks of the compile path, in microseconds per query:
//   BM_Parse/<check>, BM_Analyze/<check>, BM_CompileSql/<check>, BM_CheckToSql/<check>
//     each stored check in queries/: text -> AST, AST -> IR, IR -> the SQL that
//     evaluation runs, and the whole path (Catalog::parse_check + compile_matches);
//   BM_CorpusParse, BM_CorpusAnalyzeCompile
//     the whole grc-cms catalogue: parse every query; analyse and compile those
//     our schema can answer (most are about asset types Posture does not model).
// Run: build/benchmarks/micro_compile_bench [--benchmark_format=json]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/checks/catalog.hpp"
#include "engine/optimizer/optimizer.hpp"
#include "engine/semantic/analyzer.hpp"
#include "engine/sql/compiler.hpp"
#include "engine/syntax/parser.hpp"

namespace {

namespace fs = std::filesystem;
using namespace posture;

struct Source {
  std::string name;
  std::string text;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The files of `dir` ending in `ext`, sorted by name.
std::vector<fs::path> files_of(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ext) out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Source> stored_checks() {
  std::vector<Source> out;
  for (const auto& path : files_of(POSTURE_QUERIES_DIR, ".graphql"))
    out.push_back({path.stem().string(), read_file(path)});
  return out;
}

// The grc-cms catalogue: {"query": "..."} per file.
const std::vector<Source>& corpus() {
  static const std::vector<Source> sources = [] {
    std::vector<Source> out;
    for (const auto& path : files_of(fs::path(POSTURE_CORPUS_DIR) / "queries", ".json")) {
      auto doc = nlohmann::json::parse(read_file(path), nullptr, false);
      if (doc.is_object() && doc.contains("query") && doc["query"].is_string())
        out.push_back({path.stem().string(), doc["query"].get<std::string>()});
    }
    return out;
  }();
  return sources;
}

semantic::AnalyzeOptions options_for(const std::string& name) {
  semantic::AnalyzeOptions o;
  o.source_name = name;
  return o;
}

void BM_Parse(benchmark::State& state, const Source& s) {
  for (auto _ : state) {
    auto doc = syntax::parse(s.text, s.name);
    if (!doc) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(doc);
  }
}

void BM_Analyze(benchmark::State& state, const Source& s) {
  auto doc = syntax::parse(s.text, s.name);
  if (!doc) return state.SkipWithError("parse failed");
  const auto& schema = schema::builtin();
  auto options = options_for(s.name);
  for (auto _ : state) {
    auto query = semantic::analyze(*doc, schema, options);
    if (!query) state.SkipWithError("analysis failed");
    benchmark::DoNotOptimize(query);
  }
}

void BM_CompileSql(benchmark::State& state, const Source& s) {
  auto check = checks::Catalog::parse_check(s.text, s.name);
  if (!check) return state.SkipWithError("check does not compile");
  const ir::RootField& root = check->query.analysed.roots.front();
  for (auto _ : state) {  // optimize + SQL
    sql::Statement statement = sql::compile_matches(*root.type, optimizer::rewrite(root.where));
    benchmark::DoNotOptimize(statement);
  }
}

void BM_CheckToSql(benchmark::State& state, const Source& s) {
  for (auto _ : state) {
    auto check = checks::Catalog::parse_check(s.text, s.name);
    if (!check) return state.SkipWithError("check does not compile");
    const ir::RootField& root = check->query.optimised.roots.front();
    sql::Statement statement = sql::compile_matches(*root.type, root.where);
    benchmark::DoNotOptimize(statement);
  }
}

}  // namespace

// The whole catalogue, parsed: one iteration = every query once.
static void BM_CorpusParse(benchmark::State& state) {
  const auto& sources = corpus();
  int64_t failed = 0;
  for (auto _ : state)
    for (const auto& s : sources) {
      auto doc = syntax::parse(s.text, s.name);
      failed += doc ? 0 : 1;
      benchmark::DoNotOptimize(doc);
    }
  state.counters["queries"] = static_cast<double>(sources.size());
  state.counters["parse_errors"] =
      static_cast<double>(failed) / static_cast<double>(state.iterations());
  state.counters["us_per_query"] = benchmark::Counter(
      static_cast<double>(sources.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CorpusParse)->Unit(benchmark::kMillisecond);

// The queries our schema can answer, pre-parsed: analyse and compile each.
static void BM_CorpusAnalyzeCompile(benchmark::State& state) {
  const auto& schema = schema::builtin();
  std::vector<std::pair<Source, syntax::Document>> ok;
  for (const auto& s : corpus()) {
    auto doc = syntax::parse(s.text, s.name);
    if (doc && semantic::analyze(*doc, schema, options_for(s.name))) ok.emplace_back(s, *doc);
  }
  if (ok.empty()) return state.SkipWithError("no corpus query compiles against our schema");
  for (auto _ : state)
    for (const auto& [s, doc] : ok) {
      auto query = semantic::analyze(doc, schema, options_for(s.name));
      for (const auto& root : query->roots) {
        sql::Statement st = sql::compile_root(root);
        benchmark::DoNotOptimize(st);
      }
    }
  state.counters["queries"] = static_cast<double>(ok.size());
  state.counters["us_per_query"] = benchmark::Counter(
      static_cast<double>(ok.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CorpusAnalyzeCompile)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  static const std::vector<Source> checks = stored_checks();
  for (const auto& s : checks) {
    benchmark::RegisterBenchmark(("BM_Parse/" + s.name).c_str(), BM_Parse, s)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Analyze/" + s.name).c_str(), BM_Analyze, s)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_CompileSql/" + s.name).c_str(), BM_CompileSql, s)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_CheckToSql/" + s.name).c_str(), BM_CheckToSql, s)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
