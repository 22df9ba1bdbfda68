// Options shared by every command that reads the stored checks or compiles a
// query: where the checks come from (the bundled queries/ plus each --queries
// DIR, or only those with --no-bundled) and the values of variables (--vars
// FILE.json, then each --var name=value).
#pragma once

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/checks/evaluate.hpp"

namespace posture::cli {

struct VariableOptions {
  std::vector<std::string> vars;  // name=value
  std::string vars_file;
};

struct QueriesOptions : VariableOptions {
  std::vector<std::string> queries;  // --queries DIR, in order
  bool no_bundled = false;
};

// Adds --var (repeatable) and --vars to `cmd`.
void add_variable_options(CLI::App* cmd, VariableOptions& o);
// Adds --queries (repeatable) and --no-bundled to `cmd`, then the variables.
void add_queries_options(CLI::App* cmd, QueriesOptions& o);

// --vars FILE.json, then each --var name=value (JSON if it parses, else a string).
Result<nlohmann::json> variables(const VariableOptions& o);

// The directories of checks to load, in order: the bundled one
// (default_queries_dir()) unless --no-bundled, then each --queries DIR; a
// directory named twice is loaded once. --no-bundled without --queries is an error.
Result<std::vector<std::string>> queries_dirs(const QueriesOptions& o);

// The checks and frameworks of those directories, compiled with the variables.
Result<checks::Workspace> load_workspace(const QueriesOptions& o);

}  // namespace posture::cli
