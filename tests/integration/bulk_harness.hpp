// Harness for the bulk_* integration tests: runs the built `posture` program
// (POSTURE_BINARY) with arguments and extra environment variables, capturing
// exit status, stdout and stderr, in a temporary directory that holds a store
// with the bundled sample imported.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace posture::bulk {

namespace fs = std::filesystem;

struct Process {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string sample_path() {
  return (fs::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" / "azure-sample.jsonl").string();
}

// Runs POSTURE_BINARY `args` with `env` added to (or, with an empty value,
// removed from) the environment. No shell: arguments are passed verbatim.
inline Process posture(const fs::path& dir, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::vector<std::string> storage{POSTURE_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [k, v] : env)
      v.empty() ? unsetenv(k.c_str()) : setenv(k.c_str(), v.c_str(), 1);
    int fd_out = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fd_err = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fd_in = open("/dev/null", O_RDONLY);
    if (fd_out < 0 || fd_err < 0 || fd_in < 0) _exit(127);
    dup2(fd_in, 0);
    dup2(fd_out, 1);
    dup2(fd_err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Process run;
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

// A temporary directory with a store (`db_`) holding the sample as scan 1.
class BulkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    std::string pattern = (fs::temp_directory_path() / "posture-bulk-XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    ASSERT_NE(made, nullptr);
    dir_ = made;
    db_ = (dir_ / "store.db").string();
    Process import = run({"import", "--db", db_, sample_path()});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }
  Process run(const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = {}) {
    return posture(dir_, args, env);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
  std::string db_;
};

}  // namespace posture::bulk
