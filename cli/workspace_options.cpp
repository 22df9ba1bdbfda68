// Where the stored checks come from, and the values of variables.
#include "cli/workspace_options.hpp"

#include <algorithm>
#include <filesystem>

#include "cli/commands.hpp"

namespace posture::cli {

void add_variable_options(CLI::App* cmd, VariableOptions& o) {
  cmd->add_option("--var", o.vars,
                  "A variable: name=value (value as JSON, else a string; repeatable)")
      ->type_name("NAME=VALUE");
  cmd->add_option("--vars", o.vars_file, "A JSON file with the variables")->type_name("FILE");
}

void add_queries_options(CLI::App* cmd, QueriesOptions& o) {
  cmd->add_option("--queries", o.queries,
                  "A directory of checks (*.graphql) and frameworks/ added to the bundled "
                  "queries/ (repeatable)")
      ->type_name("DIR");
  cmd->add_flag("--no-bundled", o.no_bundled,
                "Leave out the bundled checks and frameworks: only those of --queries");
  add_variable_options(cmd, o);
}

Result<nlohmann::json> variables(const VariableOptions& o) {
  nlohmann::json vars = nlohmann::json::object();
  if (!o.vars_file.empty()) {
    auto text = read_text(o.vars_file);
    if (!text) return text.take_errors();
    vars = nlohmann::json::parse(*text, nullptr, false);
    if (vars.is_discarded() || !vars.is_object())
      return Diagnostic::error("bad-variables", "the variables file must hold a JSON object",
                               {o.vars_file, 0, 0});
  }
  for (const auto& assignment : o.vars) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      return Diagnostic::error("bad-variables", "--var takes name=value, got `" + assignment + "`");
    std::string value = assignment.substr(eq + 1);
    auto parsed = nlohmann::json::parse(value, nullptr, false);
    vars[assignment.substr(0, eq)] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
  }
  return vars;
}

Result<std::vector<std::string>> queries_dirs(const QueriesOptions& o) {
  if (o.no_bundled && o.queries.empty())
    return Diagnostic::error("usage", "--no-bundled leaves no checks: add --queries DIR");
  std::vector<std::string> dirs;
  if (!o.no_bundled) dirs.push_back(default_queries_dir());
  std::vector<std::filesystem::path> seen;
  for (const auto& d : dirs) {
    std::error_code ec;
    seen.push_back(std::filesystem::weakly_canonical(d, ec));
  }
  for (const auto& dir : o.queries) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (!ec && std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    dirs.push_back(dir);
  }
  return dirs;
}

Result<checks::Workspace> load_workspace(const QueriesOptions& o) {
  auto dirs = queries_dirs(o);
  if (!dirs) return dirs.take_errors();
  auto vars = variables(o);
  if (!vars) return vars.take_errors();
  return checks::Workspace::load(*dirs, "", *vars);
}

}  // namespace posture::cli
