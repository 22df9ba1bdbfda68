// `posture import --db FILE INPUT...`: ARM JSON / JSON Lines into a new scan.
#include <iostream>

#include "cli/commands.hpp"
#include "collectors/snapshot/importer.hpp"

namespace posture::cli {

namespace {

// The rows of the types besides subscriptions and contacts, and the objects
// skipped per ARM type; nothing when there are none.
void print_type_counts(const snapshot::ImportSummary& summary) {
  for (const auto& [plural, n] : summary.stored_by_type)
    if (plural != "connectors" && plural != "securityContacts")
      std::cerr << "  stored  " << n << " " << plural << "\n";
  for (const auto& [type, n] : summary.skipped_by_type)
    std::cerr << "  skipped " << n << " " << type << " (not modelled)\n";
}

}  // namespace

void add_import_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db;
    std::vector<std::string> inputs;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("import", "Import ARM JSON or JSON Lines files as one new scan");
  cmd->add_option("--db", opts->db, "The store (created if missing)")->required();
  cmd->add_option("inputs", opts->inputs,
                  "Files of ARM objects, list responses or JSON Lines ('-': stdin)")
      ->required();
  cmd->callback([opts, &ctx] {
    auto store =
        store::Store::open(opts->db, posture::schema::builtin(), store::OpenMode::ReadWrite);
    if (!store) {
      ctx.exit_code = report_errors(store.errors());
      return;
    }
    snapshot::ImportOptions options;
    bool progress = show_progress(ctx);
    if (progress)
      options.progress = [](uint64_t objects, uint64_t bytes, uint64_t total) {
        std::cerr << "\rimport: " << objects << " objects, " << (total ? bytes * 100 / total : 0)
                  << "%   " << std::flush;
      };
    auto summary = snapshot::import_files(*store, opts->inputs, options);
    if (progress) std::cerr << "\r\033[K";
    if (!summary) {
      ctx.exit_code = report_errors(summary.errors());
      return;
    }
    double seconds = summary->seconds > 0 ? summary->seconds : 1e-9;
    uint64_t objects = summary->subscriptions + summary->contacts;
    if (!ctx.quiet)
      std::cerr << "imported scan " << summary->scan_id << ": " << summary->subscriptions
                << " subscriptions, " << summary->contacts << " security contacts, "
                << summary->skipped << " skipped in " << summary->seconds << " s ("
                << static_cast<uint64_t>(static_cast<double>(objects) / seconds) << " objects/s)\n";
    if (!ctx.quiet) print_type_counts(*summary);
    ctx.exit_code = kExitOk;
  });
}

}  // namespace posture::cli
