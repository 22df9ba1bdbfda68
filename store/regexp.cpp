// posture_regexp(pattern, value): the SQL function behind the query language's
// `_MATCHES` operator. It is true when the WHOLE value matches the RE2 pattern
// (RE2 runs in linear time, so a check cannot be made to hang by a pattern or a
// value). The compiled pattern is cached per statement with sqlite3_set_auxdata.
#include <re2/re2.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "store/row_set.hpp"
#include "store/store_internal.hpp"

namespace posture::store::internal {

namespace {

std::atomic<uint64_t> compilations{0};

void delete_regexp(void* p) {
  delete static_cast<re2::RE2*>(p);
}

// posture_regexp(pattern, value) -> 1 / 0; NULL when value or pattern is NULL;
// an SQL error naming the pattern when it does not compile.
void posture_regexp(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2) return sqlite3_result_error(ctx, "posture_regexp takes 2 arguments", -1);
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);

  auto* cached = static_cast<re2::RE2*>(sqlite3_get_auxdata(ctx, 0));
  std::unique_ptr<re2::RE2> compiled;
  if (!cached) {
    const char* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    int pattern_bytes = sqlite3_value_bytes(argv[0]);
    re2::RE2::Options options;
    options.set_log_errors(false);
    ++compilations;
    compiled = std::make_unique<re2::RE2>(
        re2::StringPiece(pattern, static_cast<size_t>(pattern_bytes)), options);
    if (!compiled->ok()) {
      std::string message = "invalid regular expression `" + std::string(pattern, pattern_bytes) +
                            "`: " + compiled->error();
      return sqlite3_result_error(ctx, message.c_str(), static_cast<int>(message.size()));
    }
    cached = compiled.get();
  }

  const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (!text) return sqlite3_result_error_nomem(ctx);
  int bytes = sqlite3_value_bytes(argv[1]);
  bool match = re2::RE2::FullMatch(re2::StringPiece(text, static_cast<size_t>(bytes)), *cached);
  sqlite3_result_int(ctx, match ? 1 : 0);
  // Hand the compiled pattern to SQLite last: it may free it at once.
  if (compiled) sqlite3_set_auxdata(ctx, 0, compiled.release(), delete_regexp);
}

}  // namespace

// For tests only (tests/unit/store_open_test.cpp declares it): how many
// patterns posture_regexp has compiled in this process, to observe the cache.
uint64_t regexp_compilations_for_tests() {
  return compilations.load();
}

Status register_functions(sqlite3* db, const std::string& path) {
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (sqlite3_create_function_v2(db, "posture_regexp", 2, flags, nullptr, posture_regexp, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return sqlite_error(path, db, "registering posture_regexp");
  return register_row_sets(db, path);
}

}  // namespace posture::store::internal
