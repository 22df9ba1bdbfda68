// `posture query --db FILE (-e TEXT | FILE.graphql)`: runs one GraphQL query on
// a scan and prints the GraphQL response. Errors are printed as a GraphQL
// `{"errors": [...]}` response on stdout and as diagnostics on stderr.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"
#include "engine/exec/engine.hpp"
#include "engine/session/session.hpp"

namespace posture::cli {

namespace {

struct QueryOptions : VariableOptions {
  std::string db;
  std::string expression;
  std::string file;
  std::string operation;
  std::optional<int64_t> scan;
  unsigned jobs = 0;
};

int run(const QueryOptions& o, const Context& ctx) {
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
  session_options.tenant = ctx.tenant;
  auto session = session::Session::open(o.db, session_options);
  if (!session) return report_errors(session.errors());
  exec::ExecuteOptions execute_options;
  execute_options.jobs = session::resolve_jobs(o.jobs);
  auto status =
      exec::execute(*compiled, session->store(), session->scan().id, std::cout, execute_options);
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
  add_variable_options(cmd, *o);
  cmd->add_option("--scan", o->scan, "The scan to query (default: the latest complete one)");
  cmd->add_option("--jobs,-j", o->jobs,
                  "Threads reading a large field's rows, each a part (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o, ctx); });
}

}  // namespace posture::cli
