// The benchmark harness on a small synthetic inventory (2k connectors): the
// four security-contact checks have a baseline in benchmarks/baselines/, and the
// engine's SQL and the baseline return identical id sets for each; a wrong baseline is caught
// with a diff; `posture bench` exits 0 / 2 accordingly and writes its JSON.
// Timings are measured but never asserted: performance is shown by benchmarks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/synthetic/generator.hpp"
#include "engine/checks/catalog.hpp"

#include "engine/bench/bench.hpp"
#include "tests/integration/support/bench_edge_store.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;

const std::string kQueries = std::string(POSTURE_SOURCE_DIR) + "/queries";

// The checks with a hand-written baseline: the four on security contacts. The
// checks on Defender plans and the other resource types have none yet, and the
// synthetic generator writes subscriptions and contacts only, so on its
// inventory they would have nothing (or, for the Defender plans, everything)
// to find: the tests below measure the four.
const std::vector<std::string> kBaselined = {
    "azure-additional-email-address", "azure-notify-alerts-high-severity",
    "azure-security-alert-emails-owners", "azure-security-contact-configured"};

// The checks on other resource types with a baseline, measured on an
// inventory of every type (`posture generate --resources`): one check each on
// storage accounts, key vaults, VMs and their extensions, PostgreSQL servers
// and their configurations, Azure SQL servers and their firewall rules.
const std::vector<std::string> kResourceBaselined = {
    "azure-storage-minimum-tls-1-2", "azure-key-vault-recoverable",
    "azure-vm-endpoint-protection-installed", "azure-postgresql-log-checkpoints-on",
    "azure-sql-no-ingress-from-any-ip"};

std::string baselined_flags() {
  std::string flags;
  for (const auto& id : kBaselined) flags += " --check " + id;
  return flags;
}

// One 2k-connector store shared by the tests of this file.
class BenchHarnessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("posture-bench-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    synthetic::GeneratorOptions options;
    options.connectors = 2000;
    options.seed = 7;
    std::string jsonl = (*dir_ / "inventory.jsonl").string();
    ASSERT_TRUE(synthetic::generate_file(options, jsonl).ok());
    auto store = store::Store::open(db(), posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    auto summary = snapshot::import_files(*store, {jsonl});
    ASSERT_TRUE(summary.ok()) << format(summary.errors());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }
  static std::string db() { return (*dir_ / "store.db").string(); }
  static fs::path dir() { return *dir_; }

 private:
  static fs::path* dir_;
};

fs::path* BenchHarnessTest::dir_ = nullptr;

bench::BenchOptions quick_options(const std::string& db, const std::string& baselines) {
  bench::BenchOptions o;
  o.db = db;
  o.queries_dir = kQueries;
  o.baselines_dir = baselines;
  o.repetitions = 1;
  o.compile_iterations = 1;
  o.only = kBaselined;
  return o;
}

// The baselines present are exactly those of kBaselined and kResourceBaselined,
// and each is a stored check.
TEST_F(BenchHarnessTest, TheBaselinedChecksAreTheOnesWithABaselineFile) {
  auto catalog = checks::Catalog::load(kQueries);
  ASSERT_TRUE(catalog.ok()) << format(catalog.errors());
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(POSTURE_BASELINES_DIR))
    if (e.path().extension() == ".sql") files.insert(e.path().stem().string());
  std::set<std::string> expected(kBaselined.begin(), kBaselined.end());
  expected.insert(kResourceBaselined.begin(), kResourceBaselined.end());
  EXPECT_EQ(files, expected);
  for (const auto& id : expected) EXPECT_NE(catalog->find(id), nullptr) << id;
}

// The baselines on other types, on an inventory of every type imported twice
// (two scans, so a baseline that forgot its scan, or counted children of the
// other scan, would differ from the engine on one of them).
TEST(BenchResourceBaselines, ReturnTheEngineIdsOnAnInventoryOfEveryType) {
  fs::path dir = fs::temp_directory_path() / ("posture-bench-all-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string jsonl = (dir / "inventory.jsonl").string();
  std::string db = (dir / "store.db").string();
  synthetic::GeneratorOptions generator;
  generator.resources = 20000;
  generator.seed = 7;
  ASSERT_TRUE(synthetic::generate_file(generator, jsonl).ok());
  {
    auto store = store::Store::open(db, posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(snapshot::import_files(*store, {jsonl}).ok());
  }
  for (int64_t scan : {1, 2}) {
    SCOPED_TRACE("scan " + std::to_string(scan));
    auto options = quick_options(db, POSTURE_BASELINES_DIR);
    options.only = kResourceBaselined;
    options.scan = scan;
    auto report = bench::run(options);
    ASSERT_TRUE(report.ok()) << format(report.errors());
    ASSERT_EQ(report->checks.size(), kResourceBaselined.size());
    for (const auto& c : report->checks) {
      SCOPED_TRACE(c.id);
      ASSERT_TRUE(c.has_baseline());
      EXPECT_TRUE(c.engine.same_ids) << c.engine.diff.only_side << " only in the engine's, "
                                     << c.engine.diff.only_reference << " only in the baseline's";
      EXPECT_TRUE(c.evaluate.same_ids)
          << c.evaluate.diff.only_side << " only in the evaluation's, "
          << c.evaluate.diff.only_reference << " only in the baseline's";
      EXPECT_GT(c.engine.rows, 0u);
      EXPECT_LT(c.engine.rows, c.subjects);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_F(BenchHarnessTest, EveryBaselinedCheckReturnsTheSameIds) {
  auto report = bench::run(quick_options(db(), POSTURE_BASELINES_DIR));
  ASSERT_TRUE(report.ok()) << format(report.errors());
  ASSERT_EQ(report->checks.size(), kBaselined.size());
  for (const auto& c : report->checks) {
    SCOPED_TRACE(c.id);
    ASSERT_TRUE(c.has_baseline()) << "write benchmarks/baselines/" << c.id << ".sql";
    EXPECT_TRUE(c.engine.same_ids) << c.engine.diff.only_side << " ids only in the engine's, "
                                   << c.engine.diff.only_reference << " only in the baseline's";
    EXPECT_TRUE(c.evaluate.same_ids)
        << c.evaluate.diff.only_side << " ids only in the "
        << "evaluation's, " << c.evaluate.diff.only_reference << " only in the baseline's";
    EXPECT_TRUE(c.evaluate.compared);
    EXPECT_EQ(c.engine.rows, c.baseline.rows);
    EXPECT_EQ(c.evaluate.rows, c.baseline.rows);
    // The synthetic mix makes every check fail somewhere and pass somewhere,
    // so an empty or a full result would mean the comparison proves little.
    EXPECT_GT(c.engine.rows, 0u);
    EXPECT_LT(c.engine.rows, c.subjects);
    EXPECT_EQ(c.subjects, 2000u);
  }
  EXPECT_TRUE(report->all_same());
}

TEST_F(BenchHarnessTest, AWrongBaselineIsReportedWithTheDifferingIds) {
  fs::path wrong = dir() / "wrong-baselines";
  fs::create_directories(wrong);
  // Every connector: a superset of any check's failures.
  std::ofstream(wrong / "azure-security-alert-emails-owners.sql")
      << "-- deliberately wrong\nSELECT id FROM connector WHERE _scan = ?1;\n";
  auto options = quick_options(db(), wrong.string());
  options.only = {"azure-security-alert-emails-owners"};
  auto report = bench::run(options);
  ASSERT_TRUE(report.ok()) << format(report.errors());
  ASSERT_EQ(report->checks.size(), 1u);
  const auto& c = report->checks.front();
  EXPECT_FALSE(c.same_ids());
  EXPECT_FALSE(c.engine.same_ids);
  EXPECT_FALSE(c.evaluate.same_ids);
  EXPECT_FALSE(report->all_same());
  EXPECT_EQ(c.engine.diff.only_side, 0u);
  EXPECT_EQ(c.engine.diff.only_reference, c.baseline.rows - c.engine.rows);
  EXPECT_FALSE(c.engine.diff.reference_examples.empty());
  std::ostringstream table;
  bench::write_table(*report, table);
  EXPECT_NE(table.str().find("DIFFERENT IDS for azure-security-alert-emails-owners: engine"),
            std::string::npos);
  EXPECT_NE(table.str().find("DIFFERENT IDS for azure-security-alert-emails-owners: evaluate"),
            std::string::npos);
}

TEST_F(BenchHarnessTest, ABaselineMustBeOneReadOnlyStatementFilteredByScan) {
  fs::path bad = dir() / "bad-baselines";
  fs::create_directories(bad);
  std::ofstream(bad / "azure-security-alert-emails-owners.sql") << "SELECT id FROM connector;";
  auto options = quick_options(db(), bad.string());
  options.only = {"azure-security-alert-emails-owners"};
  auto report = bench::run(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(format(report.errors()).find("?1"), std::string::npos);
}

// Values the synthetic mix never produces, in two scans of one store
// (support/bench_edge_store.hpp), so the baselines are shown equal to the
// engine where the SQL shapes could differ.
class BenchEdgeCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("posture-bench-edge-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto store = store::Store::open(db(), posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    testing::write_bench_edge_scans(*store);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string db() const { return (dir_ / "edge.db").string(); }

  fs::path dir_;
};

TEST_F(BenchEdgeCaseTest, BaselinesReturnTheEngineIdsOnEveryScan) {
  for (int64_t scan : {1, 2}) {
    SCOPED_TRACE("scan " + std::to_string(scan));
    auto options = quick_options(db(), POSTURE_BASELINES_DIR);
    options.scan = scan;
    auto report = bench::run(options);
    ASSERT_TRUE(report.ok()) << format(report.errors());
    for (const auto& c : report->checks) {
      EXPECT_TRUE(c.engine.same_ids)
          << c.id << ": " << c.engine.diff.only_side << " only in the engine's, "
          << c.engine.diff.only_reference << " only in the baseline's";
      EXPECT_TRUE(c.evaluate.same_ids)
          << c.id << ": " << c.evaluate.diff.only_side << " only in the evaluation's, "
          << c.evaluate.diff.only_reference << " only in the baseline's";
      EXPECT_EQ(c.subjects, 12u) << c.id;
      // Scan 1 fails only subscription 1 (no contact); scan 2 fails more.
      if (scan == 1) {
        EXPECT_EQ(c.engine.rows, 1u) << c.id;
      } else {
        EXPECT_GT(c.engine.rows, 3u) << c.id;
      }
    }
  }
}

int run_posture(const std::string& args) {
  std::string command = std::string(POSTURE_BINARY) + " --quiet " + args + " > /dev/null 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(BenchHarnessTest, TheCommandWritesJsonAndExitsZeroWhenAllIdsMatch) {
  std::string json = (dir() / "bench.json").string();
  ASSERT_EQ(
      run_posture("bench --db " + db() + " --repetitions 1 --json " + json + baselined_flags()), 0);
  std::ifstream in(json);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["format"], "posture-bench/1");
  EXPECT_EQ(doc["all_same_ids"], true);
  EXPECT_EQ(doc["objects"]["Connector"], 2000);
  std::set<std::string> ids;
  for (const auto& c : doc["checks"]) {
    ids.insert(c["id"].get<std::string>());
    EXPECT_EQ(c["same_ids"], true) << c["id"];
    EXPECT_EQ(c["engine"]["rows"], c["baseline"]["rows"]) << c["id"];
    EXPECT_EQ(c["evaluate"]["rows"], c["baseline"]["rows"]) << c["id"];
  }
  EXPECT_EQ(ids.size(), 4u);
  // The four checks are all about connectors on azure: one shared subject list.
  EXPECT_EQ(doc["subjects"]["lists"], 1);
  EXPECT_EQ(doc["subjects"]["samples_ms"].size(), 1u);
  EXPECT_GT(doc["subjects"]["median_ms"].get<double>(), 0.0);
}

TEST_F(BenchHarnessTest, TheCommandExitsTwoWhenABaselineDisagrees) {
  fs::path wrong = dir() / "wrong-cli";
  fs::create_directories(wrong);
  std::ofstream(wrong / "azure-security-contact-configured.sql")
      << "SELECT id FROM connector WHERE _scan = ?1 AND 0";
  EXPECT_EQ(run_posture("bench --db " + db() + " --repetitions 1 --baselines " + wrong.string() +
                        " --check azure-security-contact-configured"),
            2);
}

}  // namespace
}  // namespace posture
