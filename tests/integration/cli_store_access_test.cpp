// How `posture` opens its store, seen from the command line: the commands that
// read (check, report, query, scans, diff, explain) work on a store in a
// read-only directory, as a read-only file, and write nothing beside it; a
// file that is not a Posture store is named as such with no SQL in the
// message; a missing store says so; a failed import or collection leaves no
// store file behind when it created it, and an existing store as it was.
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "integration/support/cli_fixture.hpp"

namespace posture::testing {
namespace {

namespace fs = std::filesystem;

class CliStoreAccessTest : public CliFixture {
 protected:
  // Every command that only reads, on `db`, with its expected exit code.
  std::vector<std::pair<std::vector<std::string>, int>> read_commands(const std::string& db) {
    const std::string query = "{ connectors { id name } }";
    return {{{"check", "--db", db}, 1},
            {{"report", "--db", db, "--framework", "cis-azure-3.0.0"}, 0},
            {{"query", "--db", db, "-e", query}, 0},
            {{"scans", "--db", db}, 0},
            {{"diff", "--db", db, "--from", "1", "--to", "2"}, 0},
            {{"explain", "--db", db, "-e", query}, 0}};
  }

  // No SQL statement of the store's own in `message`.
  static void expect_no_sql(const std::string& message) {
    for (const char* word : {"SELECT", "PRAGMA", "CREATE", "INSERT", "sqlite_master"})
      EXPECT_EQ(message.find(word), std::string::npos) << word << " in: " << message;
  }
};

TEST_F(CliStoreAccessTest, ReadCommandsWorkOnAStoreInAReadOnlyDirectory) {
  std::string db = path("inventory.db");
  import_sample(db);
  import_sample(db);  // a second scan, for diff
  std::string before = slurp(db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  for (const auto& [args, code] : read_commands(db)) {
    auto r = as_unprivileged(args);
    EXPECT_EQ(r.exit_code, code) << args[0] << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << args[0];
    EXPECT_EQ(r.err.find("error:"), std::string::npos) << args[0] << ": " << r.err;
  }
  EXPECT_EQ(slurp(db), before) << "a read command changed the store";
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(db + suffix)) << suffix << " was created";
}

TEST_F(CliStoreAccessTest, ReadCommandsWorkOnAReadOnlyStoreFile) {
  std::string db = path("inventory.db");
  import_sample(db);
  import_sample(db);
  std::string before = slurp(db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_, fs::perms::all);  // the directory stays writable
  for (const auto& [args, code] : read_commands(db)) {
    auto r = as_unprivileged(args);
    EXPECT_EQ(r.exit_code, code) << args[0] << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << args[0];
  }
  EXPECT_EQ(slurp(db), before) << "a read command changed the store";
}

TEST_F(CliStoreAccessTest, AFileThatIsNotSqliteIsNamedWithoutSql) {
  std::string db = write("notdb.db", std::string(4096, 'x') + "not a database at all\n");
  std::string before = slurp(db);
  for (const auto& [args, code] : read_commands(db)) {
    auto r = posture(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_NE(r.err.find("store " + db + ": not a Posture store (file is not a SQLite database)"),
              std::string::npos)
        << args[0] << ": " << r.err;
    expect_no_sql(r.err);
  }
  auto import =
      posture({"import", "--db", db,
               std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"});
  EXPECT_EQ(import.exit_code, 2);
  EXPECT_NE(import.err.find("not a Posture store (file is not a SQLite database)"),
            std::string::npos)
      << import.err;
  expect_no_sql(import.err);
  EXPECT_EQ(slurp(db), before) << "import changed a file that is not a store";
}

TEST_F(CliStoreAccessTest, ASqliteFileWithoutPostureTablesSaysSo) {
  std::string db = path("songs.db");
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_exec(handle, "CREATE TABLE songs(title TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  auto r = posture({"check", "--db", db});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("store " + db +
                       ": not a Posture store (a SQLite database without Posture's tables)"),
            std::string::npos)
      << r.err;
  expect_no_sql(r.err);
}

TEST_F(CliStoreAccessTest, AMissingStoreSaysItDoesNotExistAndHowToMakeOne) {
  std::string db = path("missing.db");
  for (const auto& [args, code] : read_commands(db)) {
    auto r = posture(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_NE(r.err.find("store " + db + ": does not exist"), std::string::npos)
        << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("posture import"), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_FALSE(fs::exists(db)) << args[0] << " created the store";
  }
}

TEST_F(CliStoreAccessTest, AFailedImportLeavesNoNewStoreAndAnExistingOneAsItWas) {
  std::string bad =
      write("bad.jsonl", "{\"id\": \"/subscriptions/a\", \"subscriptionId\": \"a\"}\n{");
  std::string fresh = path("fresh.db");
  auto r = posture({"import", "--db", fresh, bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:2"), std::string::npos) << r.err;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(fresh + suffix)) << "fresh.db" << suffix << " was left behind";
  auto missing_input = posture({"import", "--db", fresh, path("no-such-input.json")});
  EXPECT_EQ(missing_input.exit_code, 2);
  EXPECT_FALSE(fs::exists(fresh));

  std::string existing = path("existing.db");
  import_sample(existing);
  std::string before = slurp(existing);
  auto again = posture({"import", "--db", existing, bad});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(slurp(existing), before);
}

TEST_F(CliStoreAccessTest, AFailedCollectionLeavesNoNewStore) {
  mock.add_subscriptions(2);
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(403), 10);
  mock.add_fault("/subscriptions?", Fault::http(403), 10);
  std::string fresh = path("collected.db");
  auto r = posture({"collect", "azure", "--db", fresh, "--arm-endpoint", mock.url(), "--timeout",
                    "2", "--max-retries", "0"},
                   {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(fresh + suffix)) << "collected.db" << suffix << " was left behind";
}

}  // namespace
}  // namespace posture::testing
