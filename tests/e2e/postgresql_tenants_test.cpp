// Tenants (docs/scaling.md), on SQLite and on a throwaway PostgreSQL 15
// (tests/support/postgres.hpp): two tenants imported into one store, each
// tenant's checks, queries and scans are exactly those of a store holding
// that tenant alone; without --tenant a store of several tenants is refused
// (exit 2, naming them); and a failed import of one tenant leaves both
// tenants' last scans as they were.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/sample_e2e.hpp"
#include "tests/support/postgres.hpp"

namespace {

namespace fs = std::filesystem;
using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;
namespace pg = posture::testing::postgres;

const char* const kContoso = "contoso";
const char* const kFabrikam = "fabrikam";

// The other tenant's inventory: two subscriptions of tests/data/import.
std::vector<std::string> fabrikam_files() {
  fs::path data = fs::path(POSTURE_SOURCE_DIR) / "tests" / "data" / "import";
  return {(data / "subscriptions.json").string(), (data / "contacts-2020.json").string()};
}

// `text` without timestamps, `db` as <db>, scan ids as <n> (a tenant's scan
// is not the same number in a store of one tenant and in one of two).
std::string normalise(const std::string& text, const std::string& db) {
  static const std::regex scan(R"((scan|"scan_id":|"id":) ?\d+)");
  return std::regex_replace(posture::testing::e2e::normalise(text, db), scan, "$1 <n>");
}

class Tenants : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    postgres_ = std::string(GetParam()) == "postgresql";
    if (postgres_ && !pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
  }

  // A new, empty store of this backend.
  std::string store(const std::string& name) {
    if (!postgres_) return (dir_ / (name + ".db")).string();
    std::string uri = pg::uri(pg::unique("tenants_" + name));
    EXPECT_FALSE(uri.empty()) << pg::unavailable();
    return uri;
  }

  // Imports `files` into `db` as `tenant`'s scan.
  void import(const std::string& db, const std::string& tenant,
              const std::vector<std::string>& files) {
    std::vector<std::string> args{"import", "--db", db, "--tenant", tenant};
    args.insert(args.end(), files.begin(), files.end());
    Process run = posture(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  // `command` on `db` as `tenant`, its output normalised.
  std::string output(std::vector<std::string> command, const std::string& db,
                     const std::string& tenant, int* exit_code = nullptr) {
    command.insert(command.begin() + 1, {"--db", db, "--tenant", tenant});
    Process run = posture(command);
    if (exit_code) *exit_code = run.exit_code;
    return normalise(run.out, db);
  }

  // A store holding both tenants: contoso's sample, then fabrikam's.
  std::string both() {
    std::string db = store("both");
    import(db, kContoso, {sample_path().string()});
    import(db, kFabrikam, fabrikam_files());
    return db;
  }

  bool postgres_ = false;
  posture::testing::e2e::TempDir temp_;
  fs::path dir_;
};

const std::vector<std::vector<std::string>>& commands() {
  static const std::vector<std::vector<std::string>> list = {
      {"check", "--format", "csv"},
      {"check", "--format", "json"},
      {"report", "--framework", "cis-azure-3.0.0"},
      {"query", "-e", "{ connectors { id name securityContacts { email } } }"},
      {"query", "-e", "{ connectorsAggregate { count } }"},
  };
  return list;
}

TEST_P(Tenants, EachTenantSeesOnlyItsOwnObjects) {
  std::string db = both();
  std::string contoso = store("contoso_alone"), fabrikam = store("fabrikam_alone");
  import(contoso, kContoso, {sample_path().string()});
  import(fabrikam, kFabrikam, fabrikam_files());
  for (const auto& command : commands()) {
    int shared_exit = 0, alone_exit = 0;
    std::string a = output(command, db, kContoso, &shared_exit);
    EXPECT_EQ(a, output(command, contoso, kContoso, &alone_exit))
        << command[0] << " " << command[2];
    EXPECT_EQ(shared_exit, alone_exit) << command[0];
    std::string b = output(command, db, kFabrikam, &shared_exit);
    EXPECT_EQ(b, output(command, fabrikam, kFabrikam, &alone_exit))
        << command[0] << " " << command[2];
    EXPECT_EQ(shared_exit, alone_exit) << command[0];
    EXPECT_NE(a, b) << "the two tenants' inventories differ: " << command[0];
  }
  // The sample's subscriptions are contoso's only.
  std::string ids = output({"query", "-e", "{ connectors { id } }"}, db, kFabrikam);
  EXPECT_EQ(ids.find("c0ffee00"), std::string::npos) << ids;
  EXPECT_NE(ids.find("11111111-0000-4000-8000-000000000001"), std::string::npos) << ids;
}

TEST_P(Tenants, SeveralTenantsWithoutTenantIsAnError) {
  std::string db = both();
  for (const char* command : {"check", "report", "query"}) {
    std::vector<std::string> args{command, "--db", db};
    if (std::string(command) == "report")
      args.insert(args.end(), {"--framework", "cis-azure-3.0.0"});
    if (std::string(command) == "query") args.insert(args.end(), {"-e", "{ connectors { id } }"});
    Process run = posture(args);
    EXPECT_EQ(run.exit_code, 2) << command << ": " << run.err;
    EXPECT_NE(run.err.find("2 tenants (`contoso`, `fabrikam`)"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--tenant"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty() || run.out.find("c0ffee00") == std::string::npos) << run.out;
  }
  // --tenant after the command is the same global option.
  Process after = posture({"check", "--db", db, "--format", "csv", "--tenant", kFabrikam});
  EXPECT_EQ(normalise(after.out, db), output({"check", "--format", "csv"}, db, kFabrikam));
  // A tenant the store does not hold.
  Process none = posture({"check", "--db", db, "--tenant", "nobody"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no complete scan of tenant `nobody`"), std::string::npos) << none.err;
  // A scan of the other tenant, named by id.
  Process wrong = posture({"check", "--db", db, "--tenant", kContoso, "--scan", "2"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("scan 2 is of tenant `fabrikam`"), std::string::npos) << wrong.err;
  // posture scans shows each scan's tenant; --tenant lists one tenant's.
  Process scans = posture({"scans", "--db", db});
  EXPECT_NE(scans.out.find("TENANT"), std::string::npos) << scans.out;
  EXPECT_NE(scans.out.find("1     contoso"), std::string::npos) << scans.out;
  EXPECT_NE(scans.out.find("2     fabrikam"), std::string::npos) << scans.out;
  Process one = posture({"scans", "--db", db, "--tenant", kContoso, "--format", "json"});
  EXPECT_NE(one.out.find("\"tenant\": \"contoso\""), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("fabrikam"), std::string::npos) << one.out;
}

TEST_P(Tenants, OneTenantIsChosenWithoutTenant) {
  std::string db = store("one");
  import(db, kContoso, {sample_path().string()});
  Process run = posture({"check", "--db", db, "--format", "csv"});
  EXPECT_EQ(normalise(run.out, db), output({"check", "--format", "csv"}, db, kContoso));
}

TEST_P(Tenants, FailedImportLeavesBothTenantsLastScans) {
  std::string db = both();
  std::vector<std::string> before;
  for (const char* tenant : {kContoso, kFabrikam})
    for (const auto& command : commands()) before.push_back(output(command, db, tenant));
  std::string scans_before = posture({"scans", "--db", db}).out;
  fs::path bad =
      fs::path(POSTURE_SOURCE_DIR) / "tests" / "data" / "import" / "malformed-line3.jsonl";
  Process failed = posture({"import", "--db", db, "--tenant", kFabrikam, bad.string()});
  EXPECT_EQ(failed.exit_code, 2) << failed.err;
  EXPECT_NE(failed.err.find(bad.string() + ":3"), std::string::npos) << failed.err;
  std::vector<std::string> after;
  for (const char* tenant : {kContoso, kFabrikam})
    for (const auto& command : commands()) after.push_back(output(command, db, tenant));
  EXPECT_EQ(after, before) << "a failed import must leave every tenant's last scan as it was";
  EXPECT_EQ(posture({"scans", "--db", db}).out, scans_before);
  // The next import of fabrikam becomes its latest scan; contoso keeps its own.
  import(db, kFabrikam, {fabrikam_files()[0]});
  EXPECT_NE(output(commands()[3], db, kFabrikam), before[commands().size() + 3]);
  EXPECT_EQ(output(commands()[3], db, kContoso), before[3]);
}

INSTANTIATE_TEST_SUITE_P(Backends, Tenants, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           return std::string(param.param);
                         });

}  // namespace
