// Robustness of the `posture` program end to end: the store and its -wal and
// -shm files are private (mode 0600) whatever the umask; hostile inputs on
// the command line, in files and in ARM responses give a clear error and an
// exit code, never a crash (an exit by signal or an uncaught exception), and
// whatever they leave in the store can be listed and reported as valid JSON.
#include <sys/stat.h>
#include <sys/types.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "collectors/snapshot/normalize.hpp"
#include "engine/schema/schema.hpp"
#include "integration/support/azure_fixture.hpp"

namespace posture::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

class RobustCliTest : public AzureCollectTest {
 protected:
  void SetUp() override {
    AzureCollectTest::SetUp();
    if (!fs::exists(POSTURE_BINARY)) GTEST_SKIP() << "no " << POSTURE_BINARY;
  }

  ProcessResult posture(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return run_process(POSTURE_BINARY, args, std::move(env));
  }

  // Fails unless posture ended by itself (no signal, no abort from an
  // uncaught exception) with a non-zero exit code and a message on stderr.
  void expect_clean_refusal(const ProcessResult& r, const std::string& what) {
    EXPECT_GT(r.exit_code, 0) << what;
    EXPECT_LT(r.exit_code, 64) << what << " crashed:\n" << r.err.substr(0, 2000);
    EXPECT_FALSE(r.err.empty()) << what;
  }

  std::string write(const std::string& suffix, const std::string& bytes) {
    std::string path = db_ + suffix;
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    return path;
  }

  void TearDown() override {
    for (const auto& f : files_) fs::remove(f);
    AzureCollectTest::TearDown();
  }

  std::string sample() {
    return std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl";
  }

  std::vector<std::string> files_;
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(RobustCliTest, StoreAndItsWalAndShmAreCreatedPrivateWhateverTheUmask) {
  mode_t old = ::umask(0);
  {
    auto store = store::Store::open(db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok());
    // The first scan goes through a rollback journal, the second the WAL.
    for (int scan = 0; scan < 2; ++scan) {
      auto writer = store::ScanWriter::begin(*store, "test");
      ASSERT_TRUE(writer.ok());
      if (scan == 0) {
        EXPECT_EQ(mode_of(db_ + "-journal"), 0600u);
      }
      ASSERT_TRUE(writer->commit().ok());
    }
    // While the connection is open, SQLite keeps the WAL and its index.
    ASSERT_TRUE(fs::exists(db_ + "-wal"));
    ASSERT_TRUE(fs::exists(db_ + "-shm"));
    EXPECT_EQ(mode_of(db_), 0600u);
    EXPECT_EQ(mode_of(db_ + "-wal"), 0600u);
    EXPECT_EQ(mode_of(db_ + "-shm"), 0600u);
  }
  ::umask(old);
  remove_store();
  // The program itself, with a world-writable umask.
  ::umask(0);
  auto r = posture({"import", "--db", db_, sample()});
  ::umask(old);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(db_), 0600u);
}

TEST_F(RobustCliTest, DeepAndInvalidVariablesAreRefusedNotCrashes) {
  ASSERT_EQ(posture({"import", "--db", db_, sample()}).exit_code, 0);
  const std::string query = "query Q($n: [String]) { connectors(where: {name_IN: $n}) { id } }";
  std::string deep =
      write(".deep.json", "{\"n\": " + repeat("[", 100000) + repeat("]", 100000) + "}");
  auto r = posture({"query", "--db", db_, "-e", query, "--vars", deep});
  expect_clean_refusal(r, "--vars with 100,000 levels");
  EXPECT_NE(r.err.find("too-deep"), std::string::npos) << r.err;
  EXPECT_TRUE(json::accept(r.out)) << r.out.substr(0, 300);
  // A --var value that is not JSON is taken as a string: here not UTF-8.
  auto bad = posture({"query", "--db", db_, "-e",
                      "query Q($s: String) { connectors(where: {name: $s}) { id } }", "--var",
                      "s=ab\xff"});
  expect_clean_refusal(bad, "--var with invalid UTF-8");
  EXPECT_TRUE(json::accept(bad.out)) << bad.out;
}

TEST_F(RobustCliTest, OversizedQueriesAreRefusedWithTheirPosition) {
  ASSERT_EQ(posture({"import", "--db", db_, sample()}).exit_code, 0);
  std::string big = write(".big.graphql", "{ connectors(where: {name: \"" +
                                              std::string((1 << 20) + 1, 'x') + "\"}) { id } }");
  auto r = posture({"query", "--db", db_, big});
  expect_clean_refusal(r, "a 1 MiB + 1 literal");
  EXPECT_NE(r.err.find(big + ":1:28"), std::string::npos) << r.err.substr(0, 500);
  EXPECT_NE(r.err.find("too-large"), std::string::npos);
  std::string deep =
      write(".deep.graphql", "{ connectors(where: " + repeat("{NOT: ", 100000) + "}");
  auto d = posture({"query", "--db", db_, deep});
  expect_clean_refusal(d, "100,000 nested objects");
  EXPECT_NE(d.err.find("too-deep"), std::string::npos);
}

TEST_F(RobustCliTest, HostileImportsAreRefusedAndLeaveTheStoreAsItWas) {
  ASSERT_EQ(posture({"import", "--db", db_, sample()}).exit_code, 0);
  for (const std::string& bytes :
       {repeat("[", 100000), std::string("{\"id\": \"x\0\"}", 12),
        std::string("{\"id\": \"\xff\"}"), std::string("\x1f\x8b\x08\x00 not json at all")}) {
    std::string file = write(".bad.json", bytes);
    auto r = posture({"import", "--db", db_, file});
    expect_clean_refusal(r, "import of hostile bytes");
    EXPECT_NE(r.err.find(file + ":1:"), std::string::npos) << r.err;
  }
  auto scans = posture({"scans", "--db", db_, "--format", "json"});
  ASSERT_EQ(scans.exit_code, 0) << scans.err;
  EXPECT_EQ(json::parse(scans.out)["scans"].size(), 1u);
}

TEST_F(RobustCliTest, FileNamesThatAreNotUtf8AreListedAsValidJson) {
  std::string odd =
      write(".\xff\xfe.jsonl",
            std::string(std::istreambuf_iterator<char>(std::ifstream(sample()).rdbuf()), {}));
  ASSERT_EQ(posture({"import", "--db", db_, odd}).exit_code, 0);
  auto scans = posture({"scans", "--db", db_, "--format", "json"});
  EXPECT_EQ(scans.exit_code, 0) << scans.err;
  EXPECT_TRUE(json::accept(scans.out)) << scans.out;
  auto table = posture({"scans", "--db", db_});
  EXPECT_EQ(table.exit_code, 0) << table.err;
}

// A long source (an imported file's path) widens its column instead of
// running into the next one: every row's start time sits under STARTED.
TEST_F(RobustCliTest, TheScansTableKeepsItsColumnsWithLongSources) {
  std::string content(std::istreambuf_iterator<char>(std::ifstream(sample()).rdbuf()), {});
  std::string shortname = write(".s.jsonl", content);
  std::string longname = write("." + std::string(60, 'x') + ".jsonl", content);
  ASSERT_EQ(posture({"import", "--db", db_, longname}).exit_code, 0);
  ASSERT_EQ(posture({"import", "--db", db_, shortname}).exit_code, 0);
  auto table = posture({"scans", "--db", db_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream lines(table.out);
  std::string header, row;
  ASSERT_TRUE(std::getline(lines, header));
  const size_t started = header.find("STARTED");
  ASSERT_NE(started, std::string::npos);
  int rows = 0;
  while (std::getline(lines, row)) {
    if (row.rfind("      ", 0) == 0) continue;  // what a scan collected, under its line
    ASSERT_GT(row.size(), started + 4) << row;
    // An ISO 8601 time starts there: four digits and a dash, after a space.
    EXPECT_EQ(row[started - 1], ' ') << table.out;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(row[started])) && row[started + 4] == '-')
        << table.out;
    ++rows;
  }
  EXPECT_EQ(rows, 2);
}

TEST_F(RobustCliTest, HostileArmResponsesBecomeCollectionErrorsNotCrashes) {
  mock.add_subscriptions(4);
  // 100,000 levels of nesting, in a 200 response.
  mock.add_fault(MockArm::guid(0) + "/providers", Fault::malformed(repeat("[", 100000)));
  // An error message cut at 300 bytes in the middle of a character (the
  // summary is "AuthorizationFailed: <message>", 21 bytes before the message).
  std::string message = std::string(300 - 21 - 1, 'm') + "\xc3\xa9 and more";
  Fault forbidden = Fault::http(403);
  forbidden.body = json{{"error", {{"code", "AuthorizationFailed"}, {"message", message}}}}.dump();
  mock.add_fault(MockArm::guid(1) + "/providers", forbidden);
  // A contact list whose items are of every wrong JSON type.
  mock.add_fault(MockArm::guid(2) + "/providers",
                 Fault::malformed(R"({"value": [null, 1, "x", [], {"id": 5}]})"));
  // A valid envelope, then a NUL byte and more: not JSON (nlohmann would stop at the NUL).
  mock.add_fault(MockArm::guid(3) + "/providers",
                 Fault::malformed(std::string("{\"value\": []}") + '\0' + "{\"value\": [1]}"));
  auto r = posture({"-q", "collect", "azure", "--db", db_, "--arm-endpoint", mock.url(),
                    "--timeout", "5", "--max-retries", "0"},
                   {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  EXPECT_LT(r.exit_code, 64) << r.err.substr(0, 2000);
  auto scans = posture({"scans", "--db", db_, "--format", "json"});
  ASSERT_EQ(scans.exit_code, 0) << scans.err;
  ASSERT_TRUE(json::accept(scans.out)) << scans.out;
  json listed = json::parse(scans.out)["scans"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["status"], "partial");
  EXPECT_EQ(listed[0]["errors"].size(), 4u) << listed[0]["errors"].dump(1);
  for (const char* format : {"json", "sarif", "ocsf", "csv", "junit", "table"}) {
    auto check = posture({"check", "--db", db_, "--format", format});
    EXPECT_LT(check.exit_code, 64) << format << ": " << check.err.substr(0, 2000);
    if (std::string(format) == "json" || std::string(format) == "sarif") {
      EXPECT_TRUE(json::accept(check.out)) << format;
    }
  }
}

TEST_F(RobustCliTest, MessagesThatAreNotUtf8AreReportedAsValidJson) {
  // A collection error whose message was cut inside a character, as a store
  // written by any version may hold.
  {
    auto store = store::Store::open(db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok());
    auto writer = store::ScanWriter::begin(*store, "azure");
    ASSERT_TRUE(writer.ok());
    std::string id = "/subscriptions/00000000-0000-4000-8000-000000000001";
    auto record = snapshot::normalize(
        json{{"id", id}, {"subscriptionId", "00000000-0000-4000-8000-000000000001"}}, "",
        store->schema());
    ASSERT_TRUE(record.ok());
    ASSERT_TRUE(writer->add(*record).ok());
    ASSERT_TRUE(writer->add_error({id, "Connector", "HTTP 403: cut in \xc3", 403}).ok());
    ASSERT_TRUE(writer->commit("partial", "1 subscription \xff unread").ok());
  }
  auto scans = posture({"scans", "--db", db_, "--format", "json"});
  EXPECT_EQ(scans.exit_code, 0) << scans.err;
  EXPECT_TRUE(json::accept(scans.out)) << scans.out;
  for (const char* format : {"json", "sarif", "ocsf", "csv", "junit", "table"}) {
    auto check = posture({"check", "--db", db_, "--format", format});
    EXPECT_LT(check.exit_code, 64) << format << ": " << check.err.substr(0, 2000);
    if (std::string(format) == "json" || std::string(format) == "sarif") {
      EXPECT_TRUE(json::accept(check.out)) << format << ": " << check.out.substr(0, 500);
    }
  }
}

}  // namespace
}  // namespace posture::testing
