// Helpers shared by the subcommands: opening a store on a scan, reading files.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"

namespace posture::cli {

Result<OpenedScan> open_scan(const std::string& db, std::optional<int64_t> scan_id,
                             store::OpenMode mode) {
  auto store = store::Store::open(db, posture::schema::builtin(), mode);
  if (!store) return store.take_errors();
  Result<std::optional<store::ScanInfo>> scan =
      scan_id ? store->scan(*scan_id) : store->latest_complete_scan();
  if (!scan) return scan.take_errors();
  if (!*scan) {
    return Diagnostic::error("no-scan",
                             scan_id ? "no scan " + std::to_string(*scan_id) + " in the store"
                                     : "the store holds no complete scan yet",
                             {db, 0, 0})
        .hint("load one with `posture import --db " + db +
              " FILE` or `posture collect azure --db " + db + "`");
  }
  store::ScanInfo info = **scan;
  return OpenedScan{std::move(store).value(), std::move(info)};
}

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
