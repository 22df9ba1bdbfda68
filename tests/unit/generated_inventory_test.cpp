// The generator's every-type inventory (`posture generate --resources N`)
// through the real importer and the bundled checks: every type the schema
// declares gets rows, the importer stores exactly the rows the generator
// counts, and every stored check evaluates on it without an ERROR, passing
// somewhere and failing somewhere.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checks_fixture.hpp"
#include "collectors/synthetic/generator.hpp"

namespace posture::testing {
namespace {

using checks::Verdict;

class GeneratedInventory : public ::testing::Test {
 protected:
  // One import shared by the tests of this file (about 6,000 resources).
  static void SetUpTestSuite() {
    fixture_ = new StoreFixture();
    std::string path = (fixture_->dir() / "inventory.jsonl").string();
    synthetic::GeneratorOptions options;
    options.resources = 6000;
    options.seed = 7;
    auto generated = synthetic::generate_file(options, path);
    ASSERT_TRUE(generated.ok());
    *generated_ = *generated;
    auto store = store::Store::open(fixture_->db(), schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    auto imported = snapshot::import_files(*store, {path});
    ASSERT_TRUE(imported.ok()) << format(imported.errors());
    *imported_ = *imported;
  }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }

  static StoreFixture* fixture_;
  static synthetic::GeneratorSummary* generated_;
  static snapshot::ImportSummary* imported_;
};

StoreFixture* GeneratedInventory::fixture_ = nullptr;
synthetic::GeneratorSummary* GeneratedInventory::generated_ = new synthetic::GeneratorSummary();
snapshot::ImportSummary* GeneratedInventory::imported_ = new snapshot::ImportSummary();

TEST_F(GeneratedInventory, EveryDeclaredTypeHasRows) {
  const auto& stored = imported_->stored_by_type;
  for (const auto& type : schema::builtin().types()) {
    if (type.plural == "connectors" || type.plural == "securityContacts") continue;
    auto it = stored.find(type.plural);
    EXPECT_TRUE(it != stored.end() && it->second > 0)
        << type.name << " (" << type.plural << ") has no rows";
  }
  EXPECT_GT(imported_->subscriptions, 5u);
  EXPECT_GT(imported_->contacts, 0u);
  EXPECT_EQ(imported_->skipped, 0u);
}

TEST_F(GeneratedInventory, TheImporterStoresTheRowsTheGeneratorCounts) {
  uint64_t rows = imported_->subscriptions + imported_->contacts;
  for (const auto& [plural, n] : imported_->stored_by_type)
    if (plural != "connectors" && plural != "securityContacts") rows += n;
  EXPECT_GE(generated_->resources, 6000u);
  EXPECT_EQ(rows, generated_->resources);
}

TEST_F(GeneratedInventory, EveryStoredCheckEvaluatesWithoutError) {
  auto ws = load_workspace();
  std::vector<const checks::Check*> all;
  for (const auto& c : ws->catalog.checks()) all.push_back(&c);
  ASSERT_FALSE(all.empty());
  auto e = evaluate(fixture_->db(), imported_->scan_id, ws, *checks::Date::parse("2025-01-01"), 2,
                    checks::Order::Store, all);
  ASSERT_EQ(e.report.results.size(), all.size());
  for (const auto& r : e.report.results) {
    EXPECT_EQ(r.count(Verdict::Error), 0u) << r.check->id;
    EXPECT_GE(r.count(Verdict::Pass), 1u) << r.check->id << " passes nowhere";
    EXPECT_GE(r.count(Verdict::Fail), 1u) << r.check->id << " fails nowhere";
  }
}

}  // namespace
}  // namespace posture::testing
