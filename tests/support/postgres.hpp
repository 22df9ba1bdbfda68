// A throwaway PostgreSQL 15 for tests (header-only). Under CTest the tests
// share one cluster, started by scripts/test-postgres.sh as a fixture and
// named by POSTURE_TEST_PGHOST (its socket directory). A test binary run by
// hand makes its own on first use: initdb in a temporary directory, listening
// on a Unix socket in that directory only (no TCP), stopped and removed when
// the binary exits. Run as the unprivileged `postgres` user when the tests run
// as root (PostgreSQL refuses root), else as the current user. Tests call
// postgres::uri(name), which creates the database `name` once, and skip
// (GTEST_SKIP() << postgres::unavailable()) when the binaries are missing.
#pragma once

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace posture::testing::postgres {

inline const std::string kBin = "/usr/lib/postgresql/15/bin";

class Cluster {
 public:
  static Cluster& get() {
    static Cluster cluster;
    return cluster;
  }

  // Why there is no cluster ("" when there is one).
  const std::string& problem() const { return problem_; }

  // A libpq URI of database `name` on the cluster, created on first use.
  std::string uri(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!problem_.empty()) return "";
    if (!created_.count(name)) {
      auto r = run(kBin + "/createdb", {"-h", dir_, "-U", "postgres", name});
      // Another test process of the shared cluster may have made it.
      if (r.exit_code != 0 && r.err.find("already exists") == std::string::npos) {
        problem_ = "createdb " + name + " failed: " + r.err;
        return "";
      }
      created_[name] = true;
    }
    return "postgresql:///" + name + "?host=" + dir_ + "&user=postgres";
  }

  const std::string& socket_dir() const { return dir_; }

  ~Cluster() {
    if (!started_) return;
    run(kBin + "/pg_ctl", {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Runs a PostgreSQL program as the cluster's owner.
  ProcessResult run(const std::string& binary, const std::vector<std::string>& args) const {
    if (!as_postgres_) return run_process_in_env(binary, args);
    std::vector<std::string> all{"-u", "postgres", "--", binary};
    all.insert(all.end(), args.begin(), args.end());
    return run_process_in_env("/usr/sbin/runuser", all);
  }

 private:
  Cluster() {
    if (const char* shared = std::getenv("POSTURE_TEST_PGHOST"); shared && *shared) {
      dir_ = shared;
      as_postgres_ = ::geteuid() == 0;
      if (::access((dir_ + "/.s.PGSQL.5432").c_str(), F_OK) != 0)
        problem_ = "POSTURE_TEST_PGHOST=" + dir_ + " holds no PostgreSQL socket";
      return;
    }
    if (::access((kBin + "/initdb").c_str(), X_OK) != 0 ||
        ::access((kBin + "/pg_ctl").c_str(), X_OK) != 0) {
      problem_ = "PostgreSQL 15 is not installed (" + kBin +
                 "/initdb missing: apt-get install postgresql-15, or scripts/install-deps.sh)";
      return;
    }
    as_postgres_ = ::geteuid() == 0;
    std::string tmpl = (std::filesystem::temp_directory_path() / "posture-pg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      problem_ = "cannot make a temporary directory";
      return;
    }
    dir_ = tmpl;
    if (as_postgres_) {
      struct passwd* pw = ::getpwnam("postgres");
      if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        problem_ = "running as root without a `postgres` user to run PostgreSQL as";
        return;
      }
    }
    auto init = run(kBin + "/initdb", {"-D", dir_ + "/data", "-U", "postgres", "-A", "trust", "-E",
                                       "UTF8", "--locale=C", "--no-sync"});
    if (init.exit_code != 0) {
      problem_ = "initdb failed: " + init.err;
      return;
    }
    std::string options = "-c listen_addresses='' -c unix_socket_directories='" + dir_ +
                          "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    auto start = run(kBin + "/pg_ctl",
                     {"-D", dir_ + "/data", "-l", dir_ + "/log", "-w", "-o", options, "start"});
    if (start.exit_code != 0) {
      problem_ = "pg_ctl start failed: " + start.err + slurp(dir_ + "/log");
      return;
    }
    started_ = true;
  }

  std::mutex mutex_;
  std::string dir_, problem_;
  bool as_postgres_ = false;
  bool started_ = false;
  std::map<std::string, bool> created_;
};

// A name unique to this process: a database of its own on a shared cluster.
inline std::string unique(const std::string& name) {
  return name + "_" + std::to_string(::getpid());
}

// "" when a cluster runs; otherwise why not (for GTEST_SKIP).
inline std::string unavailable() {
  return Cluster::get().problem();
}

inline std::string uri(const std::string& database) {
  return Cluster::get().uri(database);
}

}  // namespace posture::testing::postgres
