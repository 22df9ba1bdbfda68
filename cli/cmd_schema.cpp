// `posture schema`: prints the asset model's GraphQL SDL.
#include <iostream>

#include "cli/commands.hpp"

namespace posture::cli {

void add_schema_command(CLI::App& app, Context& ctx) {
  CLI::App* cmd =
      app.add_subcommand("schema", "Print the asset model (GraphQL SDL) that queries run against");
  cmd->callback([&ctx] {
    std::cout << schema::builtin().sdl();
    ctx.exit_code = kExitOk;
  });
}

}  // namespace posture::cli
