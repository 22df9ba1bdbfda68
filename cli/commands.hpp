// The `posture` program's subcommands. Each lives in its own cli/cmd_<name>.cpp
// and registers itself on the app; its callback stores the process exit code.
// The CLI is the only layer that turns diagnostics into text and exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "base/result.hpp"
#include "engine/schema/schema.hpp"
#include "store/store.hpp"

namespace posture::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;      // success; every selected check passed
inline constexpr int kExitFailed = 1;  // at least one check failed
inline constexpr int kExitError = 2;   // bad input, I/O or internal error

struct Context {
  int exit_code = kExitOk;
  bool quiet = false;     // --quiet: no progress output
  bool no_color = false;  // --no-color: no ANSI colours, even on a terminal
  // --tenant ID: the tenant a command reads or writes (docs/scaling.md); not
  // given: the input's (import), the credentials' (collect), else the
  // store's only one (readers).
  std::optional<std::string> tenant;
};

void add_import_command(CLI::App& app, Context& ctx);
void add_query_command(CLI::App& app, Context& ctx);
void add_check_command(CLI::App& app, Context& ctx);
void add_report_command(CLI::App& app, Context& ctx);
void add_diff_command(CLI::App& app, Context& ctx);
void add_schema_command(CLI::App& app, Context& ctx);
void add_collect_command(CLI::App& app, Context& ctx);
void add_generate_command(CLI::App& app, Context& ctx);
void add_scans_command(CLI::App& app, Context& ctx);
void add_lint_command(CLI::App& app, Context& ctx);
void add_explain_command(CLI::App& app, Context& ctx);
void add_bench_command(CLI::App& app, Context& ctx);
void add_checks_command(CLI::App& app, Context& ctx);
void add_frameworks_command(CLI::App& app, Context& ctx);

// Prints diagnostics to stderr and returns kExitError.
int report_errors(const Diagnostics& errors);

// Whether stderr is a terminal and progress should be drawn there.
bool show_progress(const Context& ctx);

// The whole contents of a file ("-": standard input), or an error naming it.
Result<std::string> read_text(const std::string& path);

// Whether a file (a store) exists at `path`.
bool store_exists(const std::string& path);
// Removes the store file `path` with its -wal, -shm and -journal files: what
// an import or collection that failed on a store it created leaves behind. The
// store must be closed first.
void remove_new_store(const std::string& path);

// The stored checks' directory: --queries, else $POSTURE_QUERIES, else the
// source tree's queries/ this binary was built from.
std::string default_queries_dir();

}  // namespace posture::cli
