// Running a program from a test (header-only; the integration and end-to-end
// tests run the built `posture` this way): no shell, arguments passed
// verbatim, standard input from /dev/null, exit status and both outputs
// captured.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace posture::testing {

// The whole contents of a file ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ProcessResult {
  int exit_code = -1;  // 128 + the signal when one ended it
  std::string out;
  std::string err;
};

namespace detail {

// Runs `binary args...`; the child calls `prepare_env()` and then execs with
// the environment it returns (null: the parent's, as changed by prepare_env).
template <typename PrepareEnv>
ProcessResult run(const std::string& binary, const std::vector<std::string>& args,
                  PrepareEnv prepare_env) {
  static std::atomic<int> serial{0};
  auto dir = std::filesystem::temp_directory_path();
  std::string tag = std::to_string(::getpid()) + "-" + std::to_string(serial++);
  std::string out_path = (dir / ("posture-out-" + tag)).string();
  std::string err_path = (dir / ("posture-err-" + tag)).string();
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    char** envp = prepare_env();
    if (envp)
      ::execve(binary.c_str(), argv.data(), envp);
    else
      ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ProcessResult result;
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

}  // namespace detail

// Runs `binary args...` with exactly `env` ("NAME=value" entries, plus a
// PATH) as its environment: nothing of the test's own environment leaks in.
inline ProcessResult run_process(const std::string& binary, const std::vector<std::string>& args,
                                 std::vector<std::string> env) {
  env.push_back("PATH=/usr/bin:/bin");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  return detail::run(binary, args, [&] { return envp.data(); });
}

// Runs `binary args...` in the test's environment with `changes` applied: a
// variable is set to its value, or removed when the value is empty.
inline ProcessResult run_process_in_env(const std::string& binary,
                                        const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& changes = {}) {
  return detail::run(binary, args, [&]() -> char** {
    for (const auto& [k, v] : changes)
      v.empty() ? ::unsetenv(k.c_str()) : ::setenv(k.c_str(), v.c_str(), 1);
    return nullptr;
  });
}

}  // namespace posture::testing
