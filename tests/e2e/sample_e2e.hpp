// Helpers shared by the end-to-end tests on the bundled sample inventory
// (header-only): run the built `posture`, make a private temporary directory,
// and name the sample file.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace posture::testing::e2e {

using Process = ProcessResult;

// Runs build/posture with `args` in the test's environment.
inline Process posture(const std::vector<std::string>& args) {
  return run_process_in_env(POSTURE_BINARY, args);
}

// A new directory under the system's temporary directory (empty path on failure).
inline std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "posture-e2e-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  return made ? std::filesystem::path(made) : std::filesystem::path();
}

// collectors/samples/azure-sample.jsonl in the source tree.
inline std::filesystem::path sample_path() {
  return std::filesystem::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" /
         "azure-sample.jsonl";
}

}  // namespace posture::testing::e2e
