// Helpers shared by the subcommands: reading files, the stored checks' directory.
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "base/file.hpp"
#include "cli/commands.hpp"

namespace posture::cli {

Result<std::string> read_text(const std::string& path) {
  if (path != "-") return file::read(path);
  std::stringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

std::string default_queries_dir() {
  if (const char* env = std::getenv("POSTURE_QUERIES"); env && *env) return env;
  return POSTURE_QUERIES_DIR;
}

}  // namespace posture::cli
