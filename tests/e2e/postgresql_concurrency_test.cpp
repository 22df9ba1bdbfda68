// PostgreSQL under concurrent use and faults, with the real `posture`: a
// check evaluates the last complete scan while a collection writes the next
// one (neither waits for the other), and an import killed with SIGKILL
// half-way leaves the store as it was (the server rolls its transaction back)
// and the next import takes the next scan id.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "tests/e2e/sample_e2e.hpp"
#include "tests/support/postgres.hpp"

namespace {

namespace fs = std::filesystem;
using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;
namespace pg = posture::testing::postgres;

// `posture args...` ended after `seconds` (exit 124) if it has not finished.
Process posture_within(int seconds, std::vector<std::string> args) {
  args.insert(args.begin(), {std::to_string(seconds), POSTURE_BINARY});
  return posture::testing::run_process_in_env("/usr/bin/timeout", args);
}

class PostgresqlConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
  }
  posture::testing::e2e::TempDir temp_;
  fs::path dir_;
};

TEST_F(PostgresqlConcurrency, CheckReadsTheLastScanWhileACollectionWritesTheNext) {
  std::string uri = pg::uri(pg::unique("concurrency"));
  ASSERT_FALSE(uri.empty());
  ASSERT_EQ(posture({"import", "--db", uri, sample_path().string()}).exit_code, 0);
  Process before = posture({"check", "--db", uri, "--format", "json"});
  ASSERT_EQ(before.exit_code, 1) << before.err;
  // A collection in progress: scan 2 is open, with rows written.
  auto store = posture::store::Store::open(uri, posture::schema::builtin());
  ASSERT_TRUE(store.ok()) << posture::format(store.errors());
  auto writer = posture::store::ScanWriter::begin(*store, "collection-in-progress");
  ASSERT_TRUE(writer.ok()) << posture::format(writer.errors());
  for (int i = 0; i < 500; ++i) {
    posture::store::Record r;
    r.type = store->schema().type("Connector");
    r.id = "/subscriptions/new-" + std::to_string(i);
    r.fields = {{"id", r.id}, {"name", "new"}};
    r.raw = "{}";
    ASSERT_TRUE(writer->add(r).ok());
  }
  // check and scans do not wait for it, and see scan 1 as it was.
  Process during = posture_within(60, {"check", "--db", uri, "--format", "json"});
  EXPECT_EQ(during.exit_code, 1) << "124: the check waited for the writer\n" << during.err;
  EXPECT_EQ(during.out, before.out);
  Process scans = posture_within(60, {"scans", "--db", uri});
  EXPECT_EQ(scans.exit_code, 0) << scans.err;
  EXPECT_EQ(scans.out.find("collection-in-progress"), std::string::npos)
      << "the open scan is not visible";
  // The writer did not wait for the readers either, and commits.
  auto committed = writer->commit();
  ASSERT_TRUE(committed.ok()) << posture::format(committed.errors());
  EXPECT_EQ(committed->id, 2);
  EXPECT_EQ(committed->objects, 500);
  Process after = posture({"check", "--db", uri, "--format", "json"});
  EXPECT_NE(after.out, before.out) << "checks now read scan 2";
}

TEST_F(PostgresqlConcurrency, AnImportKilledHalfWayLeavesTheStoreAsItWas) {
  std::string uri = pg::uri(pg::unique("crash"));
  ASSERT_FALSE(uri.empty());
  ASSERT_EQ(posture({"import", "--db", uri, sample_path().string()}).exit_code, 0);
  Process before = posture({"check", "--db", uri, "--format", "json"});
  Process scans_before = posture({"scans", "--db", uri});
  std::string big = (dir_ / "big.jsonl").string();
  ASSERT_EQ(posture({"generate", "--resources", "150000", "-o", big}).exit_code, 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string binary = POSTURE_BINARY;
    std::vector<std::string> args{binary, "import", "--db", uri, big};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ::kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the import finished before it was killed: make the input larger";
  // The server notices the dropped connection and rolls the transaction back.
  Process after = posture_within(60, {"check", "--db", uri, "--format", "json"});
  EXPECT_EQ(after.out, before.out);
  EXPECT_EQ(posture({"scans", "--db", uri}).out, scans_before.out);
  Process again = posture_within(120, {"import", "--db", uri, sample_path().string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("imported scan 2"), std::string::npos) << again.err;
}

}  // namespace
