// Helpers shared by the end-to-end tests on the bundled sample inventory
// (header-only): run the built `posture`, make a private temporary directory,
// and name the sample file.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace posture::testing::e2e {

using Process = ProcessResult;

// Runs build/posture with `args` in the test's environment.
inline Process posture(const std::vector<std::string>& args) {
  return run_process_in_env(POSTURE_BINARY, args);
}

// `text` with ISO 8601 times as <time> and every `db` (a store's name, when
// not "") as <db>: what differs between two runs of one command on two stores.
inline std::string normalise(std::string text, const std::string& db = "") {
  for (size_t at = text.find(db); !db.empty() && at != std::string::npos; at = text.find(db, at))
    text.replace(at, db.size(), "<db>");
  static const std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  return std::regex_replace(text, time, "<time>");
}

// A new directory under the system's temporary directory (empty path on failure).
inline std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "posture-e2e-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  return made ? std::filesystem::path(made) : std::filesystem::path();
}

// A test's temporary directory (make_temp_dir), removed with what it holds
// when the test ends; path() is empty when it could not be made.
class TempDir {
 public:
  TempDir() : path_(make_temp_dir()) {}
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// collectors/samples/azure-sample.jsonl in the source tree.
inline std::filesystem::path sample_path() {
  return std::filesystem::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" /
         "azure-sample.jsonl";
}

}  // namespace posture::testing::e2e
