// Set-up for tests that run the built `posture` as a user would (header-only):
// a private temporary directory per test, files written into it, the bundled
// sample imported, and `posture` run with stderr piped, on a pseudo-terminal,
// or (for read-only files) as an unprivileged user.
#pragma once

#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "integration/support/azure_fixture.hpp"

namespace posture::testing {

class CliFixture : public AzureCollectTest {
 protected:
  void SetUp() override {
    AzureCollectTest::SetUp();
    if (!std::filesystem::exists(POSTURE_BINARY)) GTEST_SKIP() << "no " << POSTURE_BINARY;
    static std::atomic<int> serial{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("posture-cli-" + std::to_string(::getpid()) + "-" + std::to_string(serial++)))
               .string();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(dir_, ignored);
    AzureCollectTest::TearDown();
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }

  ProcessResult posture(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return run_process(POSTURE_BINARY, args, std::move(env));
  }

  // Imports the bundled sample into `db`; fails the test when that fails.
  void import_sample(const std::string& db) {
    auto r = posture({"import", "--db", db,
                      std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Runs posture with its standard input, output and error on a new
  // pseudo-terminal; returns all the terminal showed (in `out`).
  ProcessResult on_terminal(const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {}) {
    int master = -1;
    pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid == 0) {
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      ::unsetenv("NO_COLOR");
      std::vector<char*> argv{const_cast<char*>(POSTURE_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(POSTURE_BINARY, argv.data());
      ::_exit(127);
    }
    ProcessResult result;
    if (pid < 0) return result;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(master, buffer, sizeof buffer);
      if (n > 0) {
        result.out.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;  // EIO: the child closed the terminal
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
  }

  // Runs posture as the unprivileged user `nobody` when the test runs as root
  // (whom file modes do not stop), else as the test's own user.
  ProcessResult as_unprivileged(const std::vector<std::string>& args) {
    return detail::run(POSTURE_BINARY, args, []() -> char** {
      if (::geteuid() == 0) {
        ::setgroups(0, nullptr);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(126);
      }
      return nullptr;
    });
  }

  std::string dir_;
};

}  // namespace posture::testing
