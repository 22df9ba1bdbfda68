// `posture query --db FILE (-e TEXT | FILE.graphql)`: runs one GraphQL query on
// a scan and prints the GraphQL response. Errors are printed as a GraphQL
// `{"errors": [...]}` response on stdout and as diagnostics on stderr.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "engine/exec/engine.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

namespace {

struct QueryOptions {
  std::string db;
  std::string expression;
  std::string file;
  std::string operation;
  std::vector<std::string> vars;
  std::string vars_file;
  std::optional<int64_t> scan;
};

// --vars FILE.json, then each --var name=value (JSON if it parses, else a string).
Result<nlohmann::json> variables(const QueryOptions& o) {
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

int run(const QueryOptions& o) {
  if (o.expression.empty() == o.file.empty())
    return report_errors(
        {Diagnostic::error("usage", "give the query either with -e TEXT or as a FILE")});
  auto text = o.file.empty() ? Result<std::string>(o.expression) : read_text(o.file);
  if (!text) return report_errors(text.errors());
  auto vars = variables(o);
  if (!vars) return report_errors(vars.errors());
  semantic::AnalyzeOptions options;
  options.source_name = o.file.empty() ? "<query>" : o.file;
  options.operation_name = o.operation;
  options.variables = std::move(vars).value();
  exec::Engine engine;
  auto compiled = engine.compile(*text, options);
  if (!compiled) {
    std::cout << exec::errors_response(compiled.errors());
    return report_errors(compiled.errors());
  }
  session::SessionOptions session_options;
  session_options.scan = o.scan;
  auto session = session::Session::open(o.db, session_options);
  if (!session) return report_errors(session.errors());
  auto status = exec::execute(*compiled, session->store(), session->scan().id, std::cout);
  if (!status) return report_errors(status.errors());
  return kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<QueryOptions>();
  CLI::App* cmd =
      app.add_subcommand("query", "Run a GraphQL query on the store and print the response");
  cmd->add_option("--db", o->db, "The store")->required();
  cmd->add_option("-e,--execute", o->expression, "The query text");
  cmd->add_option("file", o->file, "A .graphql file holding the query ('-': stdin)");
  cmd->add_option("--operation", o->operation,
                  "The operation to run when the document has several");
  cmd->add_option("--var", o->vars, "A variable: name=value (value as JSON, else a string)");
  cmd->add_option("--vars", o->vars_file, "A JSON file with the variables");
  cmd->add_option("--scan", o->scan, "The scan to query (default: the latest complete one)");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
