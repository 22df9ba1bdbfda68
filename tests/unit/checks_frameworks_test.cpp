// Framework mappings: the bundled CIS 2.0.0 / 3.0.0 and Dutch baseline files
// load against the bundled checks and map the Defender for Cloud requirements to them;
// broken files and citations are errors with file:line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/checks/catalog.hpp"
#include "engine/checks/frameworks.hpp"

namespace posture::checks {
namespace {

namespace fs = std::filesystem;

const Catalog& bundled_catalog() {
  static const Catalog catalog = [] {
    auto c = Catalog::load(std::string(POSTURE_SOURCE_DIR) + "/queries");
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : format(c.errors()));
    return std::move(c).value();
  }();
  return catalog;
}

FrameworkSet bundled() {
  auto set = FrameworkSet::load(std::string(POSTURE_SOURCE_DIR) + "/queries/frameworks",
                                bundled_catalog());
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : format(set.errors()));
  return std::move(set).value();
}

std::vector<std::string> checks_of(const FrameworkSet& set, const char* fw, const char* req) {
  const Framework* f = set.find(fw);
  if (!f) return {"<no framework>"};
  const Requirement* r = f->find(req);
  return r ? r->checks : std::vector<std::string>{"<no requirement>"};
}

TEST(BundledFrameworks, MapTheRequirementsOfTheSpec) {
  FrameworkSet set = bundled();
  EXPECT_EQ(set.ids(), (std::vector<std::string>{"cis-azure-2.0.0", "cis-azure-3.0.0",
                                                 "dutch-cloud-baseline"}));
  using V = std::vector<std::string>;
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.18"), V{"azure-security-alert-emails-owners"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.19"), V{"azure-additional-email-address"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.20"), V{"azure-notify-alerts-high-severity"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "3.1.12"), V{"azure-security-alert-emails-owners"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "3.1.13"), V{"azure-additional-email-address"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "3.1.14"), V{"azure-notify-alerts-high-severity"});
  EXPECT_EQ(checks_of(set, "dutch-cloud-baseline", "security-contact"),
            V{"azure-security-contact-configured"});
}

TEST(BundledFrameworks, EveryRequirementHasATitleAndUnmappedOnesAreKept) {
  FrameworkSet set = bundled();
  for (const auto& fw : set.all()) {
    EXPECT_FALSE(fw.title.empty()) << fw.id;
    EXPECT_FALSE(fw.scope.empty()) << fw.id;
    for (const auto& r : fw.requirements) EXPECT_FALSE(r.title.empty()) << fw.id << " " << r.id;
  }
  const Framework* cis2 = set.find("cis-azure-2.0.0");
  ASSERT_TRUE(cis2);
  // Section 2.1 in full (2.1.1 .. 2.1.22, 5 of them unassessed) and the 32
  // requirements of sections 3 to 8 that a stored check assesses (the file's
  // scope): 48 distinct checks in all (4 database plan checks assess 2.1.3 too).
  EXPECT_EQ(cis2->requirements.size(), 22u + 32u);
  ASSERT_TRUE(cis2->find("2.1.13"));
  EXPECT_TRUE(cis2->find("2.1.13")->checks.empty());
  EXPECT_EQ(cis2->check_ids().size(), 48u);
  for (const char* fw : {"cis-azure-2.0.0", "cis-azure-3.0.0"}) {
    for (const auto& r : set.find(fw)->requirements) {
      if (r.id.rfind("2.1.", 0) == 0 || r.id.rfind("3.1.", 0) == 0) continue;
      EXPECT_FALSE(r.checks.empty()) << fw << " " << r.id << ": outside the Defender section "
                                     << "only requirements with a check are listed";
    }
  }
}

TEST(BundledFrameworks, MapTheDefenderPlansAndTheResourceRequirements) {
  FrameworkSet set = bundled();
  using V = std::vector<std::string>;
  // Defender for Databases (2.1.3) is the four database plans together.
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.3"),
            (V{"azure-defender-for-cosmos-db-on", "azure-defender-for-open-source-databases-on",
               "azure-defender-for-sql-databases-on", "azure-defender-for-sql-on-machines-on"}));
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.1"), V{"azure-defender-for-servers-on"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "3.1.3.1"), V{"azure-defender-for-servers-on"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "2.1.22"),
            V{"azure-defender-endpoint-integration-on"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "3.15"), V{"azure-storage-minimum-tls-1-2"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "4.15"), V{"azure-storage-minimum-tls-1-2"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "4.3.7"),
            V{"azure-postgresql-azure-services-access-disabled"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "5.2.5"),
            V{"azure-postgresql-flexible-azure-services-access-disabled"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "7.4"),
            V{"azure-disk-unattached-customer-managed-key"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "3.3.5"), V{"azure-key-vault-recoverable"});
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "8.11"), V{"azure-vm-trusted-launch"});
  // Requirements only one of the two versions has.
  EXPECT_EQ(checks_of(set, "cis-azure-3.0.0", "4.16"),
            V{"azure-storage-cross-tenant-replication-disabled"});
  EXPECT_EQ(checks_of(set, "cis-azure-2.0.0", "4.16"), V{"<no requirement>"});
}

TEST(BundledFrameworks, CheckCitationsAndFrameworkFilesAgree) {
  // Every citation of a framework that has a file names a requirement it lists
  // (load() fails otherwise); and every mapping is also cited by the check, so
  // `posture check --framework` and the check's metadata tell the same story.
  FrameworkSet set = bundled();
  for (const auto& fw : set.all())
    for (const auto& r : fw.requirements)
      for (const auto& id : r.checks) {
        const Check* c = bundled_catalog().find(id);
        ASSERT_TRUE(c) << id;
        std::string citation = fw.id + ":" + r.id;
        EXPECT_NE(std::find(c->frameworks.begin(), c->frameworks.end(), citation),
                  c->frameworks.end())
            << id << " does not cite " << citation;
      }
}

TEST(FrameworkFiles, ErrorsPointAtTheLine) {
  auto broken = FrameworkSet::parse("{\n  \"id\": \"x\",\n  \"title\": \n}\n", "f.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.errors().front().where.line, 4) << format(broken.errors());

  auto twice = FrameworkSet::parse(R"({
  "id": "x", "title": "X",
  "requirements": [
    {"id": "1.1", "title": "a"},
    {"id": "1.2", "title": "b", "checks": "not-a-list"},
    {"id": "1.1", "title": "c"}
  ]
})",
                                   "f.json");
  ASSERT_FALSE(twice.ok());
  std::string all = format(twice.errors());
  EXPECT_NE(all.find("f.json:5:1: error: `checks` must be a list"), std::string::npos) << all;
  EXPECT_NE(all.find("requirement `1.1` listed twice"), std::string::npos) << all;
}

class FrameworkDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("posture-fw-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(FrameworkDir, UnknownChecksAreErrorsWithLineAndSuggestion) {
  write("a.json", R"({"id": "a", "title": "A",
 "requirements": [
  {"id": "1", "title": "one",
   "checks": ["azure-additional-email-adress"]}]})");
  auto set = FrameworkSet::load(dir_.string(), bundled_catalog());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.errors().front().where.line, 4) << format(set.errors());
  EXPECT_NE(format(set.errors()).find("did you mean `azure-additional-email-address`?"),
            std::string::npos);
}

TEST_F(FrameworkDir, ACitationOfAnUnlistedRequirementIsAnError) {
  // The bundled checks cite cis-azure-2.0.0:2.1.18..20; a file without them fails.
  write("cis.json", R"({"id": "cis-azure-2.0.0", "title": "CIS", "requirements": [
    {"id": "2.1.18", "title": "a"}, {"id": "2.1.19", "title": "b"}]})");
  auto set = FrameworkSet::load(dir_.string(), bundled_catalog());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(format(set.errors()).find("cites `cis-azure-2.0.0:2.1.20`"), std::string::npos)
      << format(set.errors());
}

TEST_F(FrameworkDir, AMissingDirectoryIsAnEmptySet) {
  auto set = FrameworkSet::load((dir_ / "none").string(), bundled_catalog());
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->all().empty());
}

}  // namespace
}  // namespace posture::checks
