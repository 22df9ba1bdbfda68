// Helpers shared by the subcommands: reading files, the stored checks' directory,
// new store files that a failed write must not leave behind.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "store/store.hpp"

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

bool store_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void remove_new_store(const std::string& path) {
  // A PostgreSQL store's failed first import rolled back: nothing to remove.
  if (path.empty() || path == ":memory:" || store::is_postgres_uri(path)) return;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}

}  // namespace posture::cli
