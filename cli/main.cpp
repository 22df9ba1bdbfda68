// posture: the command-line program. Parses arguments with CLI11 and hands each
// subcommand to its cli/cmd_<name>.cpp.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"

namespace posture::cli {

int report_errors(const Diagnostics& errors) {
  std::cerr << format(errors);
  return kExitError;
}

bool show_progress(const Context& ctx) {
  return !ctx.quiet && isatty(STDERR_FILENO);
}

}  // namespace posture::cli

int main(int argc, char** argv) {
  using namespace posture::cli;
  CLI::App app{"posture: evaluate cloud security checks written in GraphQL over an asset store"};
  app.set_version_flag("--version", std::string("posture ") + POSTURE_VERSION);
  app.require_subcommand(1);
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress output");
  add_import_command(app, ctx);
  add_query_command(app, ctx);
  add_check_command(app, ctx);
  add_report_command(app, ctx);
  add_diff_command(app, ctx);
  add_schema_command(app, ctx);
  add_collect_command(app, ctx);
  add_generate_command(app, ctx);
  add_scans_command(app, ctx);
  add_lint_command(app, ctx);
  add_explain_command(app, ctx);
  add_bench_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;
  }
  return ctx.exit_code;
}
