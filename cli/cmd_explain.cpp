// `posture explain (-e TEXT | FILE)`: shows what a query means and how it runs.
// For each root field: the filter IR as analysed, the filter IR the optimizer
// rewrote (what the SQL is built from), the SQL with its bound parameters, and
// with --db the store's query plan. docs/query-language.md shows the output.
// With --db on PostgreSQL the SQL is the PostgreSQL dialect's (what `posture
// query` runs there) and the plan PostgreSQL's EXPLAIN (docs/postgresql.md).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"
#include "engine/exec/engine.hpp"

namespace posture::cli {

namespace {

struct ExplainOptions : VariableOptions {
  std::string expression;
  std::string file;
  std::string db;
};

void print_plan(const store::Store& store, const sql::Statement& statement) {
  auto plan = store.query_plan(statement);
  if (!plan) {
    std::cout << "  (no plan: " << format(plan.errors()) << ")\n";
    return;
  }
  for (const auto& line : *plan) std::cout << "  " << line << "\n";
}

int run(const ExplainOptions& o) {
  if (o.expression.empty() == o.file.empty())
    return report_errors(
        {Diagnostic::error("usage", "give the query either with -e TEXT or as a FILE")});
  auto text = o.file.empty() ? Result<std::string>(o.expression) : read_text(o.file);
  if (!text) return report_errors(text.errors());
  auto vars = variables(o);
  if (!vars) return report_errors(vars.errors());
  semantic::AnalyzeOptions options;
  options.source_name = o.file.empty() ? "<query>" : o.file;
  options.variables = std::move(vars).value();
  auto compiled = exec::Engine().compile(*text, options);
  if (!compiled) return report_errors(compiled.errors());
  std::optional<store::Store> store;
  if (!o.db.empty()) {
    auto opened = store::Store::open(o.db, posture::schema::builtin(), store::OpenMode::ReadOnly);
    if (!opened) return report_errors(opened.errors());
    store.emplace(std::move(opened).value());
  }
  const store::Backend backend = store ? store->backend() : store::Backend::Sqlite;
  const sql::Dialect& dialect = sql::dialect(backend);
  for (size_t i = 0; i < compiled->statements.size(); ++i) {
    const ir::RootField& analysed = compiled->analysed.roots[i];
    const ir::RootField& root = compiled->optimised.roots[i];
    const sql::Statement st = backend == store::Backend::Sqlite ? compiled->statements[i]
                                                                : sql::compile_root(root, dialect);
    std::cout << "== " << root.response_key << " (" << root.type->name << ")\n-- analysed IR\n"
              << ir::to_string(analysed.where, 1) << "-- optimised IR\n"
              << ir::to_string(root.where, 1) << "-- sql\n  " << st.sql << "\n-- parameters\n";
    std::cout << "  " << st.scan << " = <scan id>\n";
    if (const std::string tenant = dialect.tenant_param(); !tenant.empty())
      std::cout << "  " << tenant << " = <the scan's tenant>\n";
    for (size_t p = 0; p < st.params.size(); ++p)
      std::cout << "  " << dialect.param(p + 1) << " = " << ir::to_string(st.params[p]) << "\n";
    if (!st.sets.empty()) std::cout << "-- row sets (each computed once, before the SQL)\n";
    const auto numbers = store::row_set_numbers(st.sets);
    for (size_t k = 0; k < st.sets.size(); ++k)
      std::cout << "  " << store::row_set_names(numbers[k]) << " = " << st.sets[k] << "\n";
    if (store) {
      std::cout << "-- plan\n";
      print_plan(*store, st);
    }
  }
  return kExitOk;
}

}  // namespace

void add_explain_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Show a query's filter IR (analysed and optimised), its SQL and (with --db) its plan");
  cmd->add_option("-e,--execute", o->expression, "The query text");
  cmd->add_option("file", o->file, "A .graphql file holding the query");
  cmd->add_option("--db", o->db, "A store, to show its query plan");
  add_variable_options(cmd, *o);
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
