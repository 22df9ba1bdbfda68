// End-to-end on PostgreSQL: the real `posture` imports the bundled sample into
// a throwaway PostgreSQL 15 (tests/support/postgres.hpp) and into a SQLite
// file, and every command's output is byte for byte the same on both (the
// SQLite outputs are what sample_verdicts_test.cpp and
// sample_resource_verdicts_test.cpp hold to hand-written verdicts), apart
// from timestamps and the store's name. Also: a failed import leaves the last
// scan as it was, and a password in the URI is never printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e/sample_e2e.hpp"
#include "tests/support/postgres.hpp"

namespace {

namespace fs = std::filesystem;
using posture::testing::e2e::make_temp_dir;
using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;
namespace pg = posture::testing::postgres;

using posture::testing::e2e::normalise;

class Postgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  // A new database with the sample imported; "" on failure.
  std::string imported(const std::string& database) {
    std::string uri = pg::uri(pg::unique(database));
    EXPECT_FALSE(uri.empty()) << pg::unavailable();
    Process import = posture({"import", "--db", uri, sample_path().string()});
    EXPECT_EQ(import.exit_code, 0) << import.err;
    return import.exit_code == 0 ? uri : "";
  }

  fs::path dir_;
};

TEST_F(Postgresql, EveryCommandPrintsWhatItPrintsOnSqlite) {
  std::string sqlite = (dir_ / "s.db").string();
  Process import = posture({"import", "--db", sqlite, sample_path().string()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  std::string server = imported("e2e_outputs");
  ASSERT_FALSE(server.empty());
  const std::vector<std::vector<std::string>> commands = {
      {"check"},
      {"check", "--format", "json"},
      {"check", "--max-rows", "100000"},
      {"check", "--format", "csv"},
      {"check", "--format", "sarif"},
      {"check", "--format", "junit"},
      {"report", "--framework", "cis-azure-3.0.0"},
      {"report", "--framework", "cis-azure-3.0.0", "--format", "json"},
      {"query", "-e",
       "{ connectors(where: { securityContacts_SOME: { email: \"\" } }) { id name "
       "securityContacts { email notificationRoles } } }"},
      {"query", "-e", "{ connectorsAggregate { count } }"},
      {"scans"},
  };
  for (const auto& command : commands) {
    std::vector<std::string> on_sqlite = command, on_server = command;
    on_sqlite.insert(on_sqlite.begin() + 1, {"--db", sqlite});
    on_server.insert(on_server.begin() + 1, {"--db", server});
    Process a = posture(on_sqlite);
    Process b = posture(on_server);
    std::string what = command[0] + (command.size() > 1 ? " " + command[1] : "");
    EXPECT_EQ(b.exit_code, a.exit_code) << what << "\n" << b.err;
    EXPECT_FALSE(a.out.empty()) << what;
    EXPECT_EQ(normalise(b.out, server), normalise(a.out, sqlite)) << what;
    EXPECT_EQ(normalise(b.err, server), normalise(a.err, sqlite)) << what;
  }
}

TEST_F(Postgresql, FailedImportLeavesTheLastScanAsItWas) {
  std::string server = imported("e2e_failed_import");
  ASSERT_FALSE(server.empty());
  Process before = posture({"check", "--db", server, "--format", "json"});
  Process scans_before = posture({"scans", "--db", server});
  const fs::path bad = dir_ / "broken.jsonl";
  {
    std::ofstream out(bad);
    // Line 1 is valid and would add a connector: nothing of it may stay.
    out << R"({"id":"/subscriptions/c0ffee00-0000-4000-8000-000000000099","subscriptionId":"c0ffee00-0000-4000-8000-000000000099","displayName":"Half Imported","state":"Enabled"})"
        << "\n";
    out << R"({"id":"/subscriptions/c0ffee00-0000-4000-8000-000000000098","displayName": )"
        << "\n";
  }
  Process import = posture({"import", "--db", server, bad.string()});
  EXPECT_EQ(import.exit_code, 2) << import.out << import.err;
  EXPECT_NE(import.err.find(bad.string() + ":2"), std::string::npos) << import.err;
  Process after = posture({"check", "--db", server, "--format", "json"});
  EXPECT_EQ(after.out, before.out) << "a failed import must leave the store as it was";
  EXPECT_EQ(posture({"scans", "--db", server}).out, scans_before.out);
  // The next import is scan 2: the failed one left no gap.
  Process again = posture({"import", "--db", server, sample_path().string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("imported scan 2"), std::string::npos) << again.err;
}

TEST_F(Postgresql, PasswordIsNeverPrinted) {
  ASSERT_FALSE(pg::Cluster::get().socket_dir().empty());
  // A database that does not exist, with a password in both places a URI holds one.
  std::string with_password = "postgresql://postgres:s3cret-word@/no_such_database?host=" +
                              pg::Cluster::get().socket_dir() + "&password=0ther-s3cret";
  for (const char* command : {"check", "scans", "import"}) {
    std::vector<std::string> args{command, "--db", with_password};
    if (std::string(command) == "import") args.push_back(sample_path().string());
    Process run = posture(args);
    EXPECT_NE(run.exit_code, 0) << command;
    EXPECT_EQ(run.err.find("s3cret"), std::string::npos) << command << ": " << run.err;
    EXPECT_EQ(run.out.find("s3cret"), std::string::npos) << command << ": " << run.out;
    EXPECT_NE(run.err.find("postgresql://postgres:***@/no_such_database"), std::string::npos)
        << command << ": the error names the database: " << run.err;
    EXPECT_NE(run.err.find("no_such_database"), std::string::npos) << run.err;
  }
}

}  // namespace
