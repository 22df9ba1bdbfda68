// posture: the command-line program. Parses arguments with CLI11 and hands each
// subcommand to its cli/cmd_<name>.cpp. A mistyped command or option is named,
// with the nearest one it could have meant; global options (-q) are accepted
// before or after the subcommand.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace posture::cli {

int report_errors(const Diagnostics& errors) {
  std::cerr << format(errors);
  return kExitError;
}

bool show_progress(const Context& ctx) {
  return !ctx.quiet && isatty(STDERR_FILENO);
}

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

// "posture: <what>" plus "; did you mean '<near>'?" when a candidate is close.
int usage_error(const std::string& what, const std::string& given,
                const std::vector<std::string>& candidates) {
  std::string near = closest_match(given, candidates);
  std::cerr << "posture: " << what << (near.empty() ? "" : "; did you mean '" + near + "'?")
            << "\nRun 'posture --help' for the commands.\n";
  return kExitError;
}

// The first word that is not an option, when it names no command.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::string word = argv[1];
  for (const auto& name : command_names(app))
    if (name == word) return std::nullopt;
  return word;
}

// The first argument that looks like an option and was taken by neither the
// subcommand nor (where the subcommand passed it on) the program.
std::optional<std::string> unknown_option(const CLI::App& app, const CLI::App& sub) {
  for (const CLI::App* a : {&sub, &app})
    for (const auto& arg : a->remaining())
      if (arg.size() > 1 && arg[0] == '-') return arg.substr(0, arg.find('='));
  return std::nullopt;
}

std::vector<std::string> option_names(const CLI::App& sub) {
  std::vector<std::string> names;
  for (const CLI::Option* o : sub.get_options()) {
    for (const auto& n : o->get_lnames()) names.push_back("--" + n);
    for (const auto& n : o->get_snames()) names.push_back("-" + n);
  }
  return names;
}

// Every option's default is shown one way in --help: "(default: X)" at the end
// of its description. Options whose description states a default in words
// ("the latest complete one") keep them; captured values are added for the rest.
void describe_defaults(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    const std::string text = o->get_description();
    const std::string value = o->get_default_str();
    o->default_str("");  // never as CLI11's "[X]" as well
    if (text.find("(default: ") != std::string::npos) continue;
    if (o->get_expected_max() == 0 || value.empty() || value == "[]") continue;  // flags; none
    o->description(text + " (default: " + value + ")");
  }
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    describe_defaults(*sub);
}

// The subcommand the user chose, if parsing got that far.
const CLI::App* chosen(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->parsed()) return sub;
  return nullptr;
}

}  // namespace

}  // namespace posture::cli

int main(int argc, char** argv) {
  using namespace posture::cli;
  CLI::App app{"posture: evaluate cloud security checks written in GraphQL over an asset store",
               "posture"};
  app.set_version_flag("--version", std::string("posture ") + POSTURE_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress output");
  app.add_flag("--no-color", ctx.no_color, "No ANSI colours, even on a terminal");
  app.add_option("--tenant", ctx.tenant,
                 "The Azure tenant whose scans a command reads or writes (default: import: the "
                 "input's; collect: the credentials'; others: the store's only tenant)");
  add_import_command(app, ctx);
  add_query_command(app, ctx);
  add_check_command(app, ctx);
  add_checks_command(app, ctx);
  add_frameworks_command(app, ctx);
  add_report_command(app, ctx);
  add_diff_command(app, ctx);
  add_schema_command(app, ctx);
  add_collect_command(app, ctx);
  add_generate_command(app, ctx);
  add_scans_command(app, ctx);
  add_lint_command(app, ctx);
  add_explain_command(app, ctx);
  add_bench_command(app, ctx);
  describe_defaults(app);
  // Options a subcommand does not know (-q after it) go to the program.
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    sub->fallthrough();
  if (auto word = unknown_command(app, argc, argv))
    return usage_error("unknown command '" + *word + "'", *word, command_names(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped option is the reason, even when a required one is missing too.
    const CLI::App* sub = chosen(app);
    if (sub && (dynamic_cast<const CLI::RequiredError*>(&e) ||
                dynamic_cast<const CLI::ExtrasError*>(&e))) {
      if (auto option = unknown_option(app, *sub))
        return usage_error("unknown option '" + *option + "' for 'posture " + sub->get_name() + "'",
                           *option, option_names(*sub));
    }
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;
  }
  return ctx.exit_code;
}
