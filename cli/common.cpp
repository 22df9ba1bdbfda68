// Helpers shared by the subcommands: reading files, the stored checks' directory.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"

namespace posture::cli {

Result<std::string> read_text(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Diagnostic::error("io", "cannot read the file", {path, 0, 0});
  text << in.rdbuf();
  return text.str();
}

std::string default_queries_dir() {
  if (const char* env = std::getenv("POSTURE_QUERIES"); env && *env) return env;
  return POSTURE_QUERIES_DIR;
}

}  // namespace posture::cli
