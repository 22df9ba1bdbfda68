// `posture bench` on PostgreSQL (docs/performance.md): every check with a
// SQLite baseline has a PostgreSQL one (benchmarks/baselines/postgresql/),
// and on a throwaway PostgreSQL 15 (tests/support/postgres.hpp) each returns
// the engine's and the evaluation's ids: on a 2k-connector inventory, on an
// inventory of every type imported twice, and on the hand-written edge-case
// store of bench_harness_test.cpp. A baseline that is not one read-only
// statement on $1 is refused. Timings are measured but never asserted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "collectors/snapshot/importer.hpp"
#include "collectors/synthetic/generator.hpp"
#include "engine/bench/bench.hpp"
#include "engine/schema/schema.hpp"
#include "tests/integration/support/bench_edge_store.hpp"
#include "tests/support/postgres.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;
namespace pg = testing::postgres;

const std::string kPgBaselines = std::string(POSTURE_BASELINES_DIR) + "/postgresql";

std::set<std::string> baseline_ids(const fs::path& dir) {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".sql") ids.insert(e.path().stem().string());
  return ids;
}

// A fresh database of this process on the test cluster ("" when there is none).
std::string database(const std::string& name) {
  return pg::unavailable().empty() ? pg::uri(pg::unique(name)) : "";
}

bench::BenchOptions quick_options(const std::string& db, std::vector<std::string> only) {
  bench::BenchOptions o;
  o.db = db;
  o.queries_dir = std::string(POSTURE_SOURCE_DIR) + "/queries";
  o.baselines_dir = POSTURE_BASELINES_DIR;
  o.repetitions = 1;
  o.compile_iterations = 1;
  o.only = std::move(only);
  return o;
}

// Every side of every check agreed, each check had its PostgreSQL baseline,
// and (`nontrivial`) selected some subjects but not all.
void expect_same_ids(const bench::BenchReport& report, size_t checks, bool nontrivial) {
  ASSERT_EQ(report.checks.size(), checks);
  for (const auto& c : report.checks) {
    SCOPED_TRACE(c.id);
    ASSERT_TRUE(c.has_baseline()) << "write benchmarks/baselines/postgresql/" << c.id << ".sql";
    EXPECT_NE(c.baseline_file.find("/postgresql/"), std::string::npos) << c.baseline_file;
    EXPECT_NE(c.engine.sql.find("$1"), std::string::npos) << "the engine's PostgreSQL statement";
    EXPECT_TRUE(c.engine.same_ids) << c.engine.diff.only_side << " only in the engine's, "
                                   << c.engine.diff.only_reference << " only in the baseline's";
    EXPECT_TRUE(c.evaluate.same_ids) << c.evaluate.diff.only_side << " only in the evaluation's, "
                                     << c.evaluate.diff.only_reference << " only in the baseline's";
    EXPECT_EQ(c.engine.rows, c.baseline.rows);
    if (nontrivial) {
      EXPECT_GT(c.engine.rows, 0u);
      EXPECT_LT(c.engine.rows, c.subjects);
    }
  }
  EXPECT_TRUE(report.all_same());
}

class BenchPostgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    dir_ = fs::temp_directory_path() / ("posture-bench-pg-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Generates `options`'s inventory and imports it `times` into database `name`.
  std::string imported(const std::string& name, const synthetic::GeneratorOptions& options,
                       int times) {
    std::string jsonl = (dir_ / (name + ".jsonl")).string();
    EXPECT_TRUE(synthetic::generate_file(options, jsonl).ok());
    std::string uri = database(name);
    auto store = store::Store::open(uri, posture::schema::builtin());
    EXPECT_TRUE(store.ok()) << format(store.errors());
    if (!store.ok()) return "";
    for (int i = 0; i < times; ++i) {
      auto summary = snapshot::import_files(*store, {jsonl});
      EXPECT_TRUE(summary.ok()) << format(summary.errors());
    }
    return uri;
  }
  // Database `name` holding the edge-case store's two scans ("" on failure).
  static std::string edge_store(const std::string& name) {
    std::string uri = database(name);
    auto store = store::Store::open(uri, posture::schema::builtin());
    EXPECT_TRUE(store.ok()) << format(store.errors());
    if (!store.ok()) return "";
    testing::write_bench_edge_scans(*store);
    return ::testing::Test::HasFailure() ? "" : uri;
  }
  fs::path dir_;
};

TEST(BenchPostgresqlBaselines, EverySqliteBaselineHasAPostgresqlOne) {
  EXPECT_EQ(baseline_ids(kPgBaselines), baseline_ids(POSTURE_BASELINES_DIR));
}

TEST_F(BenchPostgresql, ContactBaselinesReturnTheEngineIds) {
  synthetic::GeneratorOptions options;
  options.connectors = 2000;
  options.seed = 7;
  std::string uri = imported("bench_contacts", options, 1);
  ASSERT_FALSE(uri.empty());
  const std::vector<std::string> checks = {
      "azure-additional-email-address", "azure-notify-alerts-high-severity",
      "azure-security-alert-emails-owners", "azure-security-contact-configured"};
  auto report = bench::run(quick_options(uri, checks));
  ASSERT_TRUE(report.ok()) << format(report.errors());
  expect_same_ids(*report, checks.size(), true);
  for (const auto& c : report->checks) EXPECT_EQ(c.subjects, 2000u) << c.id;
}

// Two scans: a baseline that forgot its scan, or read the other scan's
// children, would differ from the engine on one of them.
TEST_F(BenchPostgresql, ResourceBaselinesReturnTheEngineIdsOnEveryScan) {
  synthetic::GeneratorOptions options;
  options.resources = 20000;
  options.seed = 7;
  std::string uri = imported("bench_resources", options, 2);
  ASSERT_FALSE(uri.empty());
  const std::vector<std::string> checks = {
      "azure-storage-minimum-tls-1-2", "azure-key-vault-recoverable",
      "azure-vm-endpoint-protection-installed", "azure-postgresql-log-checkpoints-on",
      "azure-sql-no-ingress-from-any-ip"};
  for (int64_t scan : {1, 2}) {
    SCOPED_TRACE("scan " + std::to_string(scan));
    auto o = quick_options(uri, checks);
    o.scan = scan;
    auto report = bench::run(o);
    ASSERT_TRUE(report.ok()) << format(report.errors());
    expect_same_ids(*report, checks.size(), true);
  }
}

TEST_F(BenchPostgresql, ContactBaselinesReturnTheEngineIdsOnTheEdgeCases) {
  std::string uri = edge_store("bench_edge");
  ASSERT_FALSE(uri.empty());
  for (int64_t scan : {1, 2}) {
    SCOPED_TRACE("scan " + std::to_string(scan));
    auto o = quick_options(
        uri, {"azure-additional-email-address", "azure-notify-alerts-high-severity",
              "azure-security-alert-emails-owners", "azure-security-contact-configured"});
    o.scan = scan;
    auto report = bench::run(o);
    ASSERT_TRUE(report.ok()) << format(report.errors());
    expect_same_ids(*report, 4, false);
    for (const auto& c : report->checks) EXPECT_EQ(c.subjects, 12u) << c.id;
  }
}

// Not one read-only query whose only parameter is $1: refused, naming the file.
TEST_F(BenchPostgresql, ABaselineMustBeOneReadOnlyStatementOnTheScan) {
  std::string uri = edge_store("bench_refused");
  ASSERT_FALSE(uri.empty());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"SELECT id FROM connector", "exactly one parameter"},
      {"SELECT id FROM connector WHERE _scan = $1 AND name = $2", "exactly one parameter"},
      {"SELECT id FROM connector WHERE _scan = $1; SELECT 1", "cannot plan"},
      {"WITH d AS (DELETE FROM connector WHERE _scan = $1 RETURNING id) SELECT id FROM d",
       "not a read-only statement"},
      {"SELECT id FROM connector WHERE _scan = $1 FOR UPDATE", "not a read-only statement"},
  };
  for (const auto& [sql, why] : bad) {
    SCOPED_TRACE(sql);
    fs::path baselines = dir_ / "bad";
    fs::create_directories(baselines / "postgresql");
    std::ofstream(baselines / "postgresql" / "azure-security-alert-emails-owners.sql") << sql;
    auto o = quick_options(uri, {"azure-security-alert-emails-owners"});
    o.baselines_dir = baselines.string();
    auto report = bench::run(o);
    ASSERT_FALSE(report.ok());
    std::string message = format(report.errors());
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_NE(message.find("azure-security-alert-emails-owners.sql"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace posture
