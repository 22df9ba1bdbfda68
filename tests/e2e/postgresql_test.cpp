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
#include <utility>
#include <vector>

#include "tests/e2e/sample_e2e.hpp"
#include "tests/support/postgres.hpp"

namespace {

namespace fs = std::filesystem;
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
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
  }

  // A new database with the sample imported; "" on failure.
  std::string imported(const std::string& database) {
    std::string uri = pg::uri(pg::unique(database));
    EXPECT_FALSE(uri.empty()) << pg::unavailable();
    Process import = posture({"import", "--db", uri, sample_path().string()});
    EXPECT_EQ(import.exit_code, 0) << import.err;
    return import.exit_code == 0 ? uri : "";
  }

  // `inventory` imported into the SQLite file <name>.db and a new database
  // `name` on the server: {path, URI}, "" for either on failure.
  std::pair<std::string, std::string> imported_into_both(const fs::path& inventory,
                                                         const std::string& name) {
    std::string sqlite = (dir_ / (name + ".db")).string();
    Process import = posture({"import", "--db", sqlite, inventory.string()});
    EXPECT_EQ(import.exit_code, 0) << import.err;
    std::string server = pg::uri(pg::unique(name));
    EXPECT_FALSE(server.empty()) << pg::unavailable();
    Process imported = posture({"import", "--db", server, inventory.string()});
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    return {import.exit_code == 0 ? sqlite : "", imported.exit_code == 0 ? server : ""};
  }

  // Each command on both stores: the same exit status, output and errors;
  // `check` sees each SQLite output.
  template <typename Check>
  void compare(const std::vector<std::vector<std::string>>& commands, const std::string& sqlite,
               const std::string& server, Check check) {
    for (const auto& command : commands) {
      std::vector<std::string> on_sqlite = command, on_server = command;
      on_sqlite.insert(on_sqlite.begin() + 1, {"--db", sqlite});
      on_server.insert(on_server.begin() + 1, {"--db", server});
      Process a = posture(on_sqlite);
      Process b = posture(on_server);
      std::string what = command[0] + (command.size() > 1 ? " " + command[1] : "");
      EXPECT_EQ(b.exit_code, a.exit_code) << what << "\n" << b.err;
      check(what, a.out);
      EXPECT_EQ(normalise(b.out, server), normalise(a.out, sqlite)) << what;
      EXPECT_EQ(normalise(b.err, server), normalise(a.err, sqlite)) << what;
    }
  }

  posture::testing::e2e::TempDir temp_;
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
      {"check", "--format", "html"},
      {"report", "--framework", "cis-azure-3.0.0"},
      {"report", "--framework", "cis-azure-3.0.0", "--format", "json"},
      {"report", "--framework", "cis-azure-3.0.0", "--format", "html"},
      {"query", "-e",
       "{ connectors(where: { securityContacts_SOME: { email: \"\" } }) { id name "
       "securityContacts { email notificationRoles } } }"},
      {"query", "-e", "{ connectorsAggregate { count } }"},
      // Float fields (1.2 and null in the sample).
      {"query", "-e",
       "{ mySqlServers { id tlsMinimumVersion } postgreSqlServers { id tlsMinimumVersion } }"},
      {"scans"},
  };
  compare(commands, sqlite, server, [](const std::string& what, const std::string& out) {
    EXPECT_FALSE(out.empty()) << what;
  });
}

// A whole Float value prints as SQLite prints it, 1.0 (PostgreSQL's own
// float8 text would be 1), and so do the other forms of "%!.15g".
TEST_F(Postgresql, FloatFieldsPrintAsOnSqlite) {
  const fs::path inventory = dir_ / "servers.jsonl";
  {
    std::ofstream out(inventory);
    const std::string prefix =
        "/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-db/providers/"
        "Microsoft.DBforMySQL/servers/";
    for (const char* tls : {"TLS1_0", "TLS1_1", "TLS1_2", "TLSEnforcementDisabled"})
      out << R"({"id":")" << prefix << "mysql-" << tls << R"(","name":"mysql-)" << tls
          << R"(","type":"Microsoft.DBforMySQL/servers","location":"westeurope",)"
          << R"("properties":{"sslEnforcement":"Enabled","minimalTlsVersion":")" << tls << "\"}}\n";
  }
  auto [sqlite, server] = imported_into_both(inventory, "e2e_floats");
  ASSERT_FALSE(sqlite.empty() || server.empty());
  const std::string query = "{ mySqlServers { name tlsMinimumVersion } }";
  Process a = posture({"query", "--db", sqlite, "-e", query});
  Process b = posture({"query", "--db", server, "-e", query});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(a.out.find(R"("tlsMinimumVersion":1.0})"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find(R"("tlsMinimumVersion":null})"), std::string::npos) << a.out;
  EXPECT_EQ(b.out, a.out);
}

// `posture explain --db` on PostgreSQL, on a stored check: the statement in
// PostgreSQL's dialect (the scan $1, literals $2...), what `posture query`
// runs there, and PostgreSQL's EXPLAIN of it.
TEST_F(Postgresql, ExplainShowsPostgresqlsPlanOfACheck) {
  std::string server = imported("e2e_explain");
  ASSERT_FALSE(server.empty());
  const std::string check =
      std::string(POSTURE_SOURCE_DIR) + "/queries/azure-additional-email-address.graphql";
  Process r = posture({"explain", "--db", server, check});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto section = [&](const std::string& name) {
    size_t at = r.out.find("-- " + name + "\n");
    if (at == std::string::npos) return std::string();
    at += name.size() + 4;
    size_t end = r.out.find("\n-- ", at);
    return r.out.substr(at, end == std::string::npos ? std::string::npos : end - at);
  };
  const std::string sql = section("sql"), parameters = section("parameters"),
                    plan = section("plan");
  EXPECT_NE(sql.find("\"_scan\" = $1"), std::string::npos) << r.out;
  EXPECT_EQ(sql.find(":scan"), std::string::npos) << r.out;
  EXPECT_NE(parameters.find("$1 = <scan id>"), std::string::npos) << r.out;
  EXPECT_NE(parameters.find("$2 = <the scan's tenant>"), std::string::npos) << r.out;
  EXPECT_NE(parameters.find("$3 = "), std::string::npos) << r.out;  // the check's first literal
  // PostgreSQL's EXPLAIN: nodes with their estimated cost, on the check's tables.
  EXPECT_NE(plan.find("(cost="), std::string::npos) << r.out;
  EXPECT_NE(plan.find(" on connector"), std::string::npos) << r.out;
  EXPECT_NE(plan.find("security_contact"), std::string::npos) << r.out;
  EXPECT_EQ(plan.find("no plan"), std::string::npos) << r.out;
}

// Results larger than a cursor's batch (PgRows::kPgBatch rows) are streamed
// batch by batch: a query over more subjects than that answers as on
// SQLite, byte for byte, and so does a check of them.
TEST_F(Postgresql, ResultsLargerThanABatchAreTheSameAsOnSqlite) {
  const fs::path inventory = dir_ / "many.jsonl";
  Process generated =
      posture({"generate", "--connectors", "2600", "--seed", "3", "--out", inventory.string()});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  auto [sqlite, server] = imported_into_both(inventory, "e2e_stream");
  ASSERT_FALSE(sqlite.empty() || server.empty());
  const std::vector<std::vector<std::string>> commands = {
      {"query", "-e", "{ connectors { id name securityContacts { email notificationRoles } } }"},
      {"check", "--format", "csv"},
  };
  compare(commands, sqlite, server, [](const std::string& what, const std::string& out) {
    size_t ids = 0;
    for (size_t at = out.find("/subscriptions/"); at != std::string::npos;
         at = out.find("/subscriptions/", at + 1))
      ++ids;
    EXPECT_GE(ids, 2600u) << what;
  });
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
