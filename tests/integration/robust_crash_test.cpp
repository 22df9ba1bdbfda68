// Crash consistency: `posture import` and `posture collect azure` (against the
// mock ARM server) are killed with SIGKILL at random moments, at least 50
// times each, and after every kill the store must open (read-only, as
// `posture check` opens it, and read-write), pass `PRAGMA integrity_check`,
// and hold the scans it held before or those plus the new one, never a mix.
//
// The invariant follows from ScanWriter: the scan's `running` row and all its
// rows are written in one transaction, so after a crash
//   - no scan is `running` (that row never outlives its transaction);
//   - the complete scans are the previous ones, or those and the new one;
//   - every complete scan has all its rows: `_scans.objects` equals its rows,
//     which equal what its input holds, every contact linked to its connector;
//   - no row, raw document or collection error belongs to a scan that is not
//     recorded;
//   - the newest complete scan answers queries with its own rows.
// The seed is printed (and read from POSTURE_CRASH_SEED to replay a run).
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/exec/engine.hpp"
#include "integration/support/azure_fixture.hpp"

namespace posture::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kKills = 50;

// What one scan must hold, by the source it was written from.
struct Expected {
  int64_t connectors = 0;
  int64_t contacts = 0;
};

uint64_t seed_from_environment() {
  if (const char* s = std::getenv("POSTURE_CRASH_SEED"); s && *s)
    return std::strtoull(s, nullptr, 10);
  return static_cast<uint64_t>(Clock::now().time_since_epoch().count());
}

// ARM JSON Lines: `n` subscriptions, each with a 2023-12-01-preview contact.
std::string inventory(int n, const std::string& tag) {
  std::ostringstream out;
  for (int i = 0; i < n; ++i) {
    char guid[40];
    std::snprintf(guid, sizeof guid, "00000000-0000-4000-8000-%012d", i);
    std::string sub = std::string("/subscriptions/") + guid;
    out << R"({"id":")" << sub << R"(","subscriptionId":")" << guid << R"(","displayName":")" << tag
        << i << R"(","state":"Enabled"})"
        << "\n";
    out << R"({"id":")" << sub
        << R"(/providers/Microsoft.Security/securityContacts/default","name":"default","type":"Microsoft.Security/securityContacts","properties":{"emails":"a@example.com;b@example.com","phone":"+1 555","isEnabled":true,"notificationsSources":[{"sourceType":"Alert","minimalSeverity":"High"}],"notificationsByRole":{"state":"On","roles":["Owner"]}}})"
        << "\n";
  }
  return out.str();
}

class RobustCrashTest : public AzureCollectTest {
 protected:
  void SetUp() override {
    AzureCollectTest::SetUp();
    if (!fs::exists(POSTURE_BINARY)) GTEST_SKIP() << "no " << POSTURE_BINARY;
    seed_ = seed_from_environment();
    rng_.seed(seed_);
    std::cout << "crash test seed: " << seed_ << " (replay with POSTURE_CRASH_SEED=" << seed_ << ")"
              << std::endl;
    RecordProperty("seed", std::to_string(seed_));
  }

  // Starts posture with `args` and `env`, its output thrown away.
  pid_t spawn(const std::vector<std::string>& args, std::vector<std::string> env) {
    env.push_back("PATH=/usr/bin:/bin");
    pid_t pid = ::fork();
    if (pid == 0) {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      std::vector<char*> argv{const_cast<char*>(POSTURE_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      std::vector<char*> envp;
      for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      ::execve(POSTURE_BINARY, argv.data(), envp.data());
      ::_exit(127);
    }
    return pid;
  }

  // Runs posture and sends SIGKILL after `delay` unless it has exited by then.
  // Returns whether it was killed (else it must have exited with 0, and
  // `finished`, when given, is how long it took).
  bool run_and_kill(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    std::chrono::microseconds delay, double* finished = nullptr) {
    auto started = Clock::now();
    pid_t pid = spawn(args, env);
    auto deadline = Clock::now() + delay;
    int status = 0;
    while (Clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "posture failed on its own";
        if (finished) *finished = std::chrono::duration<double>(Clock::now() - started).count();
        return false;
      }
      std::this_thread::sleep_for(std::min<std::chrono::microseconds>(
          std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()),
          std::chrono::microseconds(500)));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status);
  }

  // Seconds one uninterrupted run takes (and checks that it succeeds).
  double time_one_run(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    auto started = Clock::now();
    ProcessResult r = run_process(POSTURE_BINARY, args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::chrono::duration<double>(Clock::now() - started).count();
  }

  // Seconds the fastest of three uninterrupted runs takes, each after
  // `before`: one slowed by other tests would put the kills after the end
  // of the faster runs that follow.
  double fastest_of_three(const std::vector<std::string>& args,
                          const std::function<void()>& before) {
    double seconds = 1e9;
    for (int i = 0; i < 3; ++i) {
      before();
      seconds = std::min(seconds, time_one_run(args, {}));
    }
    return seconds;
  }

  // Kill number `kill` of a run that takes `seconds`, at a random moment:
  // uniform over the run for even kills, in its last quarter (where the
  // commit is) for odd ones. Returns whether the run was killed. A run that
  // ended before its kill was faster than `seconds` (measured while other
  // tests loaded the machine): `seconds` becomes its time, so that later
  // kills keep landing while a run is going.
  bool kill_at_random(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      int kill, double& seconds) {
    std::uniform_real_distribution<double> whole(0.0, 1.05), late(0.75, 1.0);
    double at = (kill % 2 ? late(rng_) : whole(rng_)) * seconds;
    double finished = 0;
    bool killed = run_and_kill(args, env, std::chrono::microseconds(static_cast<int64_t>(at * 1e6)),
                               &finished);
    if (!killed) seconds = std::min(seconds, finished);
    return killed;
  }

  std::string one(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return std::string("ERROR: ") + sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }

  int64_t number(sqlite3* db, const std::string& sql) { return std::atoll(one(db, sql).c_str()); }

  // Checks the invariant after a kill; returns the number of complete (or
  // partial) scans. `expected` maps a scan's source to what it must hold;
  // `scans_before` (when known) is how many complete scans there were before.
  // A first import killed before its tables were committed leaves a store
  // without them (`may_be_empty`): the read-only open must then say so, and
  // the read-write open makes them.
  int64_t check_store(const std::map<std::string, Expected>& expected,
                      std::optional<int64_t> scans_before, const std::string& context,
                      bool may_be_empty = false);

  // No row, raw document or collection error belongs to an unrecorded scan.
  void check_no_orphans(sqlite3* db);

  // Puts the store back to the copy `base` (no -wal, no -shm).
  void restore(const std::string& base) {
    remove_store();
    fs::copy_file(base, db_);
  }

  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
};

void RobustCrashTest::check_no_orphans(sqlite3* db) {
  const std::string recorded = "(SELECT id FROM _scans WHERE status IN ('complete', 'partial'))";
  bool raw_tables = one(db, "SELECT name FROM sqlite_master WHERE name = 'connector_raw'") != "";
  for (std::string table : {"connector", "security_contact"}) {
    EXPECT_EQ(number(db, "SELECT count(*) FROM " + table + " WHERE _scan NOT IN " + recorded), 0)
        << "rows of " << table << " outside any complete scan";
    if (!raw_tables) continue;
    EXPECT_EQ(number(db, "SELECT count(*) FROM " + table +
                             "_raw WHERE _rid NOT IN (SELECT _rid "
                             "FROM " +
                             table + ")"),
              0)
        << "raw documents without their row in " << table;
  }
  EXPECT_EQ(number(db,
                   "SELECT count(*) FROM _collection_errors WHERE scan NOT IN (SELECT id "
                   "FROM _scans)"),
            0);
}

int64_t RobustCrashTest::check_store(const std::map<std::string, Expected>& expected,
                                     std::optional<int64_t> scans_before,
                                     const std::string& context, bool may_be_empty) {
  SCOPED_TRACE(context + ", seed " + std::to_string(seed_));
  {
    auto reader = store::Store::open(db_, posture::schema::builtin(), store::OpenMode::ReadOnly);
    std::string error = reader.ok() ? "" : format(reader.errors());
    bool empty = may_be_empty && error.find("is empty: not a Posture store") != std::string::npos;
    EXPECT_TRUE(reader.ok() || empty) << error;
  }
  auto opened = store::Store::open(db_, posture::schema::builtin());
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : format(opened.errors()));
  if (!opened.ok()) return -1;
  sqlite3* db = nullptr;  // the file itself, read beside the store's own connection
  EXPECT_EQ(sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> close_db(db, sqlite3_close);
  EXPECT_EQ(one(db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(number(db,
                   "SELECT count(*) FROM _scans WHERE status NOT IN ('complete', 'partial', "
                   "'failed')"),
            0)
      << "a scan is still " << one(db, "SELECT status FROM _scans WHERE status = 'running'");
  check_no_orphans(db);
  const std::string fk = schema::builtin().type("Connector")->relationships.front().fk_column;
  auto scans = opened->scans().value();
  int64_t complete = 0;
  for (const auto& scan : scans) {
    if (scan.status == "failed") continue;
    ++complete;
    std::string id = std::to_string(scan.id);
    int64_t connectors = number(db, "SELECT count(*) FROM connector WHERE _scan = " + id);
    int64_t contacts = number(db, "SELECT count(*) FROM security_contact WHERE _scan = " + id);
    EXPECT_EQ(scan.objects, connectors + contacts) << "scan " << id;
    auto want = expected.find(scan.source);
    EXPECT_NE(want, expected.end()) << "unexpected scan source " << scan.source;
    if (want != expected.end()) {
      EXPECT_EQ(connectors, want->second.connectors) << "scan " << id << " is not whole";
      EXPECT_EQ(contacts, want->second.contacts) << "scan " << id << " is not whole";
    }
    EXPECT_EQ(number(db, "SELECT count(*) FROM security_contact WHERE _scan = " + id + " AND \"" +
                             fk + "\" IS NULL"),
              0)
        << "contacts of scan " << id << " without their connector";
  }
  if (scans_before) {
    EXPECT_TRUE(complete == *scans_before || complete == *scans_before + 1)
        << complete << " complete scans after a kill, " << *scans_before << " before";
  }
  auto latest = opened->latest_complete_scan().value();
  if (latest) {
    exec::Engine engine;
    auto q = engine.compile("{ connectorsAggregate { count } }");
    std::ostringstream out;
    EXPECT_TRUE(q.ok() && exec::execute(*q, *opened, latest->id, out).ok());
    auto want = expected.find(latest->source);
    if (want != expected.end()) {
      EXPECT_EQ(nlohmann::json::parse(out.str())["data"]["connectorsAggregate"]["count"],
                want->second.connectors);
    }
  }
  return complete;
}

TEST_F(RobustCrashTest, KilledImportsLeaveThePreviousScanOrTheNewOne) {
  const std::string small = db_ + ".small.jsonl", large = db_ + ".large.jsonl";
  std::ofstream(small) << inventory(5, "small-");
  const std::string base = db_ + ".base";
  ASSERT_EQ(run_process(POSTURE_BINARY, {"import", "--db", db_, small}, {}).exit_code, 0);
  fs::copy_file(db_, base);
  // As many subscriptions as an import does in about half a second (12,000
  // in a release build, fewer under the sanitizers), so 50 kills stay quick.
  std::ofstream(large) << inventory(2000, "large-");
  std::vector<std::string> args{"-q", "import", "--db", db_, large};
  double seconds = time_one_run(args, {});
  int n = std::clamp(static_cast<int>(2000 * 0.5 / std::max(seconds, 1e-3)), 1000, 12000);
  std::ofstream(large) << inventory(n, "large-");
  restore(base);
  std::map<std::string, Expected> expected{{"import:" + small, {5, 5}},
                                           {"import:" + large, {n, n}}};
  seconds = fastest_of_three(args, [&] { restore(base); });
  restore(base);
  std::cout << "an uninterrupted import of " << n << " subscriptions and their contacts takes "
            << seconds << " s" << std::endl;

  int killed = 0, before_commit = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    // Every other kill starts from the one-scan store, the others pile up scans.
    if (kill % 2 == 0) restore(base);
    int64_t scans_before =
        check_store(expected, std::nullopt, "before kill " + std::to_string(kill));
    bool was_killed = kill_at_random(args, {}, kill, seconds);
    killed += was_killed;
    int64_t after = check_store(expected, scans_before, "after kill " + std::to_string(kill));
    before_commit += was_killed && after == scans_before;
    if (HasFailure()) break;
  }
  std::cout << kKills << " runs: " << killed << " killed, " << before_commit
            << " of them before their commit" << std::endl;
  EXPECT_GE(killed, kKills / 2);
  EXPECT_GE(before_commit, 10);
  // The store stays usable: a clean import after all that succeeds.
  EXPECT_EQ(run_process(POSTURE_BINARY, {"import", "--db", db_, small}, {}).exit_code, 0);
  fs::remove(small), fs::remove(large), fs::remove(base);
}

// A store's first import writes through a rollback journal, not the WAL
// (store.cpp, set_pragmas): killed, it leaves that journal, which the next
// connection plays back, a read-only one (as `posture check` opens) too.
TEST_F(RobustCrashTest, KilledFirstImportsLeaveAStoreWithoutTheScanOrWithIt) {
  const std::string large = db_ + ".large.jsonl";
  std::ofstream(large) << inventory(2000, "large-");
  std::vector<std::string> args{"-q", "import", "--db", db_, large};
  remove_store();
  double seconds = time_one_run(args, {});
  int n = std::clamp(static_cast<int>(2000 * 0.5 / std::max(seconds, 1e-3)), 1000, 12000);
  std::ofstream(large) << inventory(n, "large-");
  seconds = fastest_of_three(args, [&] { remove_store(); });
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> close_db(db, sqlite3_close);
    ASSERT_EQ(one(db, "PRAGMA journal_mode"), "wal") << "a committed first import turns to WAL";
  }
  std::map<std::string, Expected> expected{{"import:" + large, {n, n}}};
  constexpr int kFirstKills = 20;
  int journals = 0, with_scan = 0, before_open = 0;
  for (int kill = 0; kill < kFirstKills; ++kill) {
    remove_store();
    // Even kills uniform over the run, mostly past the making of the tables
    // (a kill before it, which a slow start-up can bring, leaves a store
    // without them) and before its usual end; odd ones in its last fifth,
    // where the commit and the turn to WAL are.
    std::uniform_real_distribution<double> whole(0.15, 0.95), late(0.8, 1.05);
    double at = kill % 2 ? late(rng_) : whole(rng_);
    auto delay = std::chrono::microseconds(static_cast<int64_t>(at * seconds * 1e6));
    if (!run_and_kill(args, {}, delay)) {
      ++with_scan;
      continue;
    }
    // Killed before it opened the store (a start-up slowed by the other
    // tests, under a sanitizer): nothing was written, nothing to check.
    if (!fs::exists(db_)) {
      EXPECT_FALSE(fs::exists(db_ + "-journal")) << "kill " << kill;
      ++before_open;
      continue;
    }
    journals += fs::exists(db_ + "-journal") && fs::file_size(db_ + "-journal") > 0;
    int64_t complete =
        check_store(expected, std::nullopt, "after kill " + std::to_string(kill), true);
    EXPECT_TRUE(complete == 0 || complete == 1) << complete;
    with_scan += complete == 1;
    EXPECT_FALSE(fs::exists(db_ + "-journal") && fs::file_size(db_ + "-journal") > 0)
        << "the journal was not played back";
    if (HasFailure()) break;
  }
  std::cout << kFirstKills << " first imports: " << journals << " killed with their journal, "
            << with_scan << " with their scan, " << before_open << " before opening the store"
            << std::endl;
  EXPECT_GE(journals, kFirstKills / 4);
  fs::remove(large);
}

TEST_F(RobustCrashTest, KilledCollectionsLeaveThePreviousScanOrTheNewOne) {
  // 20 subscriptions: each one's contacts, Defender plans and settings, its
  // vulnerability assessment setting and diagnostic settings (six GETs), and
  // one Resource Graph query: the phases of the whole-graph collection.
  mock.add_subscriptions(20);
  mock.set_delay(std::chrono::milliseconds(15));
  std::map<std::string, Expected> expected{{"azure", {20, 20}}};
  std::vector<std::string> args{"-q", "collect",        "azure",    "--db",
                                db_,  "--arm-endpoint", mock.url(), "--concurrency",
                                "4",  "--timeout",      "5"};
  std::vector<std::string> env{std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken};
  // The fastest of three runs: one measured while other tests load the
  // machine would put the kills after the end of the later, faster runs.
  // The later two run on a store that exists, as the killed runs do (making
  // the store's tables is a large part of a run that reads Resource Graph);
  // then one run on an empty store, so that one scan is left.
  double seconds = time_one_run(args, env);
  for (int i = 0; i < 2; ++i) seconds = std::min(seconds, time_one_run(args, env));
  remove_store();
  ASSERT_EQ(run_process(POSTURE_BINARY, args, env).exit_code, 0);
  std::cout << "an uninterrupted collection of 20 subscriptions takes " << seconds << " s"
            << std::endl;
  int64_t scans = check_store(expected, 0, "after the first collection");
  int killed = 0, before_commit = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    bool was_killed = kill_at_random(args, env, kill, seconds);
    killed += was_killed;
    int64_t after = check_store(expected, scans, "after kill " + std::to_string(kill));
    before_commit += was_killed && after == scans;
    scans = after;
    if (HasFailure()) break;
  }
  std::cout << kKills << " runs: " << killed << " killed, " << before_commit
            << " of them before their commit" << std::endl;
  EXPECT_GE(killed, kKills / 2);
  EXPECT_GE(before_commit, 10);
}

// Killed while a Resource Graph query over the resources, then a Microsoft
// Graph page, is in flight (the mock holds that answer back): the store is as
// it was, each time.
TEST_F(RobustCrashTest, KilledInTheResourceGraphOrGraphPhaseLeavesTheStoreAsItWas) {
  mock.add_subscriptions(20);
  mock.add_graph_object("organization", R"({"id":")" + std::string(MockArm::kTenant) +
                                            R"(","displayName":"Contoso"})");
  // 20 subscriptions and the Entra ID tenant; 20 contacts.
  std::map<std::string, Expected> expected{{"azure", {21, 20}}};
  std::vector<std::string> args{"-q",       "collect",        "azure",    "--db",
                                db_,        "--arm-endpoint", mock.url(), "--graph-endpoint",
                                mock.url(), "--concurrency",  "4",        "--timeout",
                                "5"};
  std::vector<std::string> env{std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken,
                               std::string("AZURE_GRAPH_ACCESS_TOKEN=") + MockArm::kStaticToken};
  ASSERT_EQ(run_process(POSTURE_BINARY, args, env).exit_code, 0);
  int64_t scans = check_store(expected, 0, "after the first collection");
  ASSERT_EQ(scans, 1);
  struct Phase {
    std::string name, match;
    int after;  // matching requests answered before the one held back
  };
  // Resource Graph: the subscription listing passes, the queries over
  // resources and securityresources are held back.
  for (const Phase& phase : {Phase{"Resource Graph", "Microsoft.ResourceGraph", 1},
                             Phase{"Microsoft Graph", "/v1.0/users", 0}}) {
    for (int kill = 0; kill < 3; ++kill) {
      SCOPED_TRACE(phase.name + " kill " + std::to_string(kill));
      size_t before = mock.count(phase.match);
      int held = phase.after == 1 ? 2 : 1;
      mock.add_fault(phase.match, Fault::slow(std::chrono::milliseconds(4000)), held, phase.after);
      pid_t pid = spawn(args, env);
      auto deadline = Clock::now() + std::chrono::seconds(30);
      int status = 0;
      bool exited = false;
      while (mock.count(phase.match) < before + static_cast<size_t>(phase.after + held) &&
             Clock::now() < deadline)
        if (::waitpid(pid, &status, WNOHANG) == pid) {
          exited = true;
          break;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      ASSERT_FALSE(exited) << "posture ended before the " << phase.name << " request";
      ASSERT_LT(Clock::now(), deadline) << "no " << phase.name << " request came";
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFSIGNALED(status));
      // Let the held-back answers go before the next run.
      std::this_thread::sleep_for(std::chrono::milliseconds(4100));
      EXPECT_EQ(check_store(expected, scans, "after a kill in the " + phase.name + " phase"), scans)
          << "a killed collection left a scan";
      if (HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace posture::testing
