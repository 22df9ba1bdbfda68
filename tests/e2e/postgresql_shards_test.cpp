// Past one server with stock PostgreSQL 15 (docs/scaling.md): three
// throwaway clusters on Unix sockets (scripts/test-postgres.sh), a
// coordinator and two shards. Posture imports a first tenant into the
// coordinator, scripts/pg-shards.sh spreads its tables over the shards
// (partitioned by HASH (_tenant), each partition a postgres_fdw foreign
// table), two more tenants are imported through the coordinator, and every
// tenant's findings and query responses are those of a single server holding
// the same scans; the rows are on the shards, none on the coordinator.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/sample_e2e.hpp"
#include "tests/support/postgres.hpp"

namespace {

namespace fs = std::filesystem;
using posture::testing::ProcessResult;
using posture::testing::run_process_in_env;
using posture::testing::e2e::normalise;
using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;
namespace pg = posture::testing::postgres;

const std::string kScripts = std::string(POSTURE_SOURCE_DIR) + "/scripts/";

// A PostgreSQL program run as the clusters' owner (`postgres` when root).
ProcessResult as_owner(const std::string& program, const std::vector<std::string>& args) {
  std::string binary = pg::kBin + "/" + program;
  if (::geteuid() != 0) return run_process_in_env(binary, args);
  std::vector<std::string> all{"-u", "postgres", "--", binary};
  all.insert(all.end(), args.begin(), args.end());
  return run_process_in_env("/usr/sbin/runuser", all);
}

class Shards : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    std::string base = "/tmp/posture-shards-" + std::to_string(::getpid()) + "-";
    // The three clusters start at once (each initdb is a few seconds).
    std::string starts;
    for (const char* name : {"c", "0", "1"}) {
      dirs_.push_back(base + name);
      starts += kScripts + "test-postgres.sh start " + dirs_.back() + " & ";
    }
    ProcessResult started = run_process_in_env("/bin/bash", {"-c", starts + "wait"});
    ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
    for (const auto& dir : dirs_) {
      ProcessResult created = as_owner("createdb", {"-h", dir, "-U", "postgres", "posture"});
      ASSERT_EQ(created.exit_code, 0) << created.err;
    }
  }
  void TearDown() override {
    for (const auto& dir : dirs_) run_process_in_env(kScripts + "test-postgres.sh", {"stop", dir});
  }

  std::string uri(size_t i) const {
    return "postgresql:///posture?host=" + dirs_[i] + "&user=postgres";
  }
  std::string keywords(size_t i) const {
    return "host=" + dirs_[i] + " dbname=posture user=postgres";
  }
  std::string psql(size_t i, const std::string& sql) const {
    ProcessResult r = as_owner(
        "psql", {"-X", "-At", "-h", dirs_[i], "-U", "postgres", "-d", "posture", "-c", sql});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::vector<std::string> dirs_;
};

struct Import {
  const char* tenant;
  std::vector<std::string> files;
};

TEST_F(Shards, CoordinatorGivesTheFindingsOfOneServer) {
  fs::path data = fs::path(POSTURE_SOURCE_DIR) / "tests" / "data" / "import";
  const std::vector<Import> imports = {
      {"contoso", {sample_path().string()}},
      {"fabrikam",
       {(data / "subscriptions.json").string(), (data / "contacts-2020.json").string()}},
      {"northwind", {(data / "mixed.jsonl").string()}},
  };
  std::string single = pg::uri(pg::unique("shards_single"));
  ASSERT_FALSE(single.empty()) << pg::unavailable();
  std::string coordinator = uri(0);
  for (size_t i = 0; i < imports.size(); ++i) {
    for (const std::string& db : {single, coordinator}) {
      std::vector<std::string> args{"import", "--db", db, "--tenant", imports[i].tenant};
      args.insert(args.end(), imports[i].files.begin(), imports[i].files.end());
      Process run = posture(args);
      ASSERT_EQ(run.exit_code, 0) << db << ": " << run.err;
    }
    if (i == 0) {  // Posture made its tables: spread them over the shards
      ProcessResult spread =
          run_process_in_env(kScripts + "pg-shards.sh", {coordinator, keywords(1), keywords(2)});
      ASSERT_EQ(spread.exit_code, 0) << spread.out << spread.err;
    }
  }
  // The coordinator holds partitioned tables of foreign partitions, no rows.
  EXPECT_EQ(psql(0, "SELECT relkind FROM pg_class WHERE relname = 'connector'"), "p\n");
  EXPECT_EQ(psql(0,
                 "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                 "'public'::regnamespace AND relname <> '_meta'"),
            "0\n");
  // Every connector is on one shard or the other, and both hold some.
  int on_shards = 0;
  for (size_t shard : {1, 2}) {
    int n = std::stoi(psql(shard, "SELECT count(*) FROM connector"));
    EXPECT_GT(n, 0) << "shard " << shard;
    on_shards += n;
  }
  EXPECT_EQ(std::to_string(on_shards) + "\n", psql(0, "SELECT count(*) FROM connector"));
  const std::vector<std::vector<std::string>> commands = {
      {"check", "--format", "csv"},
      {"query", "-e", "{ connectors { id name securityContacts { email } } }"},
      {"scans"},
  };
  for (const auto& import : imports) {
    for (const auto& command : commands) {
      std::vector<std::string> on_single = command, on_coordinator = command;
      on_single.insert(on_single.begin() + 1, {"--db", single, "--tenant", import.tenant});
      on_coordinator.insert(on_coordinator.begin() + 1,
                            {"--db", coordinator, "--tenant", import.tenant});
      Process a = posture(on_single);
      Process b = posture(on_coordinator);
      EXPECT_EQ(b.exit_code, a.exit_code) << import.tenant << " " << command[0] << ": " << b.err;
      EXPECT_FALSE(a.out.empty());
      std::string expected = normalise(a.out);
      for (size_t at = expected.find(single); at != std::string::npos; at = expected.find(single))
        expected.replace(at, single.size(), coordinator);
      EXPECT_EQ(normalise(b.out), expected) << import.tenant << " " << command[0];
    }
  }
}

}  // namespace
