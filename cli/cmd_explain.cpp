// `posture explain (-e TEXT | FILE)`: shows what a query means and how it runs:
// the typed filter IR, the SQL with its bound parameters, and with --db the
// SQLite query plan.
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "engine/exec/engine.hpp"

namespace posture::cli {

namespace {

struct ExplainOptions {
  std::string expression;
  std::string file;
  std::string db;
};

void print_plan(sqlite3* db, const sql::Statement& statement) {
  std::string sql = "EXPLAIN QUERY PLAN " + statement.sql;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::cout << "  (no plan: " << sqlite3_errmsg(db) << ")\n";
    return;
  }
  std::map<int, int> depth;  // plan node id -> indentation
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    int id = sqlite3_column_int(stmt, 0), parent = sqlite3_column_int(stmt, 1);
    depth[id] = depth.count(parent) ? depth[parent] + 1 : 1;
    std::cout << std::string(static_cast<size_t>(depth[id]) * 2, ' ')
              << reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)) << "\n";
  }
  sqlite3_finalize(stmt);
}

int run(const ExplainOptions& o) {
  if (o.expression.empty() == o.file.empty())
    return report_errors(
        {Diagnostic::error("usage", "give the query either with -e TEXT or as a FILE")});
  auto text = o.file.empty() ? Result<std::string>(o.expression) : read_text(o.file);
  if (!text) return report_errors(text.errors());
  semantic::AnalyzeOptions options;
  options.source_name = o.file.empty() ? "<query>" : o.file;
  auto compiled = exec::Engine().compile(*text, options);
  if (!compiled) return report_errors(compiled.errors());
  std::optional<store::Store> store;
  if (!o.db.empty()) {
    auto opened = store::Store::open(o.db, posture::schema::builtin(), store::OpenMode::ReadOnly);
    if (!opened) return report_errors(opened.errors());
    store.emplace(std::move(opened).value());
  }
  for (size_t i = 0; i < compiled->statements.size(); ++i) {
    const ir::RootField& root = compiled->optimised.roots[i];
    const sql::Statement& st = compiled->statements[i];
    std::cout << "== " << root.response_key << " (" << root.type->name << ")\n-- filter\n"
              << ir::to_string(root.where, 1) << "-- sql\n  " << st.sql << "\n-- parameters\n";
    std::cout << "  ?1 = <scan id>\n";
    for (size_t p = 1; p < st.params.size(); ++p)
      std::cout << "  ?" << p + 1 << " = " << ir::to_string(st.params[p]) << "\n";
    if (store) {
      std::cout << "-- plan\n";
      print_plan(store->db(), st);
    }
  }
  return kExitOk;
}

}  // namespace

void add_explain_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Show a query's filter IR, its SQL and (with --db) SQLite's plan");
  cmd->add_option("-e,--execute", o->expression, "The query text");
  cmd->add_option("file", o->file, "A .graphql file holding the query");
  cmd->add_option("--db", o->db, "A store, to show SQLite's query plan");
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
