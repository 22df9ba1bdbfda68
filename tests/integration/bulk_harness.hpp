// Harness for the bulk_* integration tests: runs the built `posture` program
// (POSTURE_BINARY) with arguments and extra environment variables, capturing
// exit status, stdout and stderr, in a temporary directory that holds a store
// with the bundled sample imported.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace posture::bulk {

namespace fs = std::filesystem;

using Process = testing::ProcessResult;
using testing::slurp;

inline std::string sample_path() {
  return (fs::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" / "azure-sample.jsonl").string();
}

// Runs POSTURE_BINARY `args` with `env` added to (or, with an empty value,
// removed from) the environment.
inline Process posture(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  return testing::run_process_in_env(POSTURE_BINARY, args, env);
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
    return posture(args, env);
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
