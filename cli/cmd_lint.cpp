// `posture lint FILE...`: warnings about queries and checks (see
// engine/semantic/lint.hpp), then counts by kind. Accepts .graphql files and the
// public catalogue's .json files ({"query": "..."}). Exit 0 when no file has an
// error, 1 when one has warnings only with --strict, 2 on errors.
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "engine/semantic/lint.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::cli {

namespace {

struct LintOptions {
  std::vector<std::string> files;
  bool strict = false;
  bool summary_only = false;
};

// The query text of a file: the whole .graphql file, or a catalogue .json's "query".
Result<std::string> query_text(const std::string& path) {
  auto text = read_text(path);
  if (!text || !path.ends_with(".json")) return text;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("query") || !doc["query"].is_string())
    return Diagnostic::error("io", "a .json check file must be an object with a \"query\" string",
                             {path, 0, 0});
  return doc["query"].get<std::string>();
}

int run(const LintOptions& o) {
  std::map<std::string, uint64_t> counts;
  uint64_t files_with_errors = 0, warnings = 0;
  for (const auto& path : o.files) {
    Diagnostics found;
    auto text = query_text(path);
    if (!text) {
      found = text.errors();
    } else if (auto doc = syntax::parse(*text, path); !doc) {
      found = doc.errors();
    } else if (doc->empty()) {
      found.push_back(
          Diagnostic::warning("manual-check", "no query: a manual check", {path, 0, 0}));
    } else {
      found = semantic::lint(*doc, schema::builtin(), path, path.ends_with(".json"));
    }
    bool has_error = false;
    for (const auto& d : found) {
      ++counts[(d.level == Level::Error ? "error " : "warning ") + d.code];
      has_error = has_error || d.level == Level::Error;
      warnings += d.level == Level::Warning;
      if (!o.summary_only) std::cerr << format(d) << "\n";
    }
    files_with_errors += has_error;
  }
  std::cout << o.files.size() << " files, " << files_with_errors << " with errors, " << warnings
            << " warnings\n";
  for (const auto& [kind, n] : counts) std::cout << "  " << n << "\t" << kind << "\n";
  if (files_with_errors) return kExitError;
  return o.strict && warnings ? kExitFailed : kExitOk;
}

}  // namespace

void add_lint_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LintOptions>();
  CLI::App* cmd = app.add_subcommand("lint", "Warn about risky constructs in queries and checks");
  cmd->add_option("files", o->files, ".graphql files, or catalogue .json files")->required();
  cmd->add_flag("--strict", o->strict, "Exit 1 when there are warnings");
  cmd->add_flag("--summary", o->summary_only, "Print only the counts by kind");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
