// `posture import --db FILE INPUT...`: ARM JSON / JSON Lines (or the az CLI's
// output) into a new scan. Draws progress on a terminal, names the first
// objects it skipped and why; a failed import leaves an existing store as it
// was and removes a store it created.
#include <cstdio>
#include <iostream>

#include "base/text.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "collectors/snapshot/importer.hpp"
#include "collectors/snapshot/shapes.hpp"

namespace posture::cli {

namespace {

// "import: 12.3 of 240.0 MiB (5%), 120000 objects, 31000 objects/s".
std::string progress_text(uint64_t objects, uint64_t bytes, uint64_t total, double seconds) {
  std::string text = "import: ";
  if (total) {
    std::string of = format_bytes(total);
    text += format_bytes(bytes) + " of " + of + " (" + std::to_string(bytes * 100 / total) + "%)";
  } else {
    text += format_bytes(bytes);
  }
  text += ", " + std::to_string(objects) + " objects";
  if (objects > 0 && seconds > 0.05)
    text += ", " + std::to_string(static_cast<uint64_t>(static_cast<double>(objects) / seconds)) +
            " objects/s";
  return text;
}

Result<snapshot::ImportSummary> import_into(const std::string& db,
                                            const std::vector<std::string>& inputs,
                                            const snapshot::ImportOptions& options) {
  auto store = store::Store::open(db, posture::schema::builtin(), store::OpenMode::ReadWrite);
  if (!store) return store.take_errors();
  return snapshot::import_files(*store, inputs, options);
}

void print_skipped(const snapshot::ImportSummary& s, bool keep_raw) {
  if (s.skipped == 0) return;
  if (keep_raw)
    std::cerr << "warning: kept " << text::counted(s.skipped, "object", "objects") << " raw ("
              << format_bytes(s.skipped_bytes)
              << " in the store's table _unmodelled) that checks do not read:\n";
  else
    std::cerr << "warning: skipped " << text::counted(s.skipped, "object", "objects") << " ("
              << format_bytes(s.skipped_bytes)
              << ", not kept: --no-raw) that checks do not read:\n";
  for (const auto& [type, n] : s.skipped_by_type)
    std::cerr << "  " << n << " " << type
              << (keep_raw ? " (not modelled: kept raw)\n" : " (not modelled)\n");
  for (const auto& k : s.skipped_examples)
    std::cerr << "  " << k.where.source << ":" << k.where.line << ": " << k.reason << "\n";
  if (s.skipped > s.skipped_examples.size())
    std::cerr << "  ... and " << s.skipped - s.skipped_examples.size() << " more\n";
  std::cerr << "  (" << snapshot::readable_shapes() << ")\n";
}

// The rows stored of the types besides subscriptions and contacts.
void print_type_counts(const snapshot::ImportSummary& summary) {
  for (const auto& [plural, n] : summary.stored_by_type)
    if (plural != "connectors" && plural != "securityContacts")
      std::cerr << "  stored " << n << " " << plural << "\n";
}

// With --collected, the collected types that the input holds none of:
// "  none of 2 types collected completely: cosmosDbAccounts, disks".
void print_declared_empty(const snapshot::ImportSummary& summary, bool declared) {
  if (!declared) return;
  std::vector<std::string> empty;
  for (const auto& plural : summary.collected)
    if (!summary.stored_by_type.count(plural)) empty.push_back(plural);
  if (empty.empty()) return;
  std::cerr << "  none of " << text::counted(empty.size(), "type", "types")
            << " collected completely: ";
  constexpr size_t kNamed = 8;
  for (size_t i = 0; i < empty.size() && i < kNamed; ++i) std::cerr << (i ? ", " : "") << empty[i];
  if (empty.size() > kNamed) std::cerr << " and " << empty.size() - kNamed << " more";
  std::cerr << "\n";
}

}  // namespace

void add_import_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db;
    std::vector<std::string> inputs;
    std::vector<std::string> collected;
    bool no_raw = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import ARM JSON or JSON Lines files, or the output of az account list/show and az "
      "security contact list/show, as one new scan");
  cmd->add_option("--db", opts->db, "The store (created if missing)")->required();
  cmd->add_option("inputs", opts->inputs,
                  "Files of ARM objects, list responses, JSON Lines or az CLI output ('-': stdin)")
      ->required();
  cmd->add_option("--collected", opts->collected,
                  "Types the input lists completely, e.g. an Azure Resource Graph export of "
                  "everything: one that has no object in it has none, so its checks pass "
                  "instead of being ERROR (root fields such as storageAccounts, or `all`)")
      ->delimiter(',')
      ->type_name("TYPE[,TYPE...]");
  cmd->add_flag("--no-raw", opts->no_raw,
                "Keep no original JSON (each object's <table>_raw row, and the objects of types "
                "not modelled): the same rows and verdicts in a store about half the size");
  cmd->callback([opts, &ctx] {
    snapshot::ImportOptions options;
    options.collected = opts->collected;
    options.keep_raw = !opts->no_raw;
    options.tenant = ctx.tenant;
    auto line = std::make_shared<ProgressLine>(show_progress(ctx));
    if (line->enabled())
      options.progress = [line](uint64_t objects, uint64_t bytes, uint64_t total) {
        line->draw(progress_text(objects, bytes, total, line->seconds()));
      };
    bool existed = store_exists(opts->db);
    auto summary = import_into(opts->db, opts->inputs, options);
    line->clear();
    if (!summary) {
      if (!existed) remove_new_store(opts->db);
      ctx.exit_code = report_errors(summary.errors());
      return;
    }
    double seconds = summary->seconds > 0 ? summary->seconds : 1e-9;
    uint64_t objects = 0;
    for (const auto& [plural, n] : summary->stored_by_type) objects += n;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.3f", summary->seconds);
    if (!ctx.quiet)
      std::cerr << "imported scan " << summary->scan_id << ": "
                << text::counted(summary->subscriptions, "subscription", "subscriptions") << ", "
                << text::counted(summary->contacts, "security contact", "security contacts") << ", "
                << summary->skipped << (options.keep_raw ? " kept raw" : " skipped") << " in "
                << elapsed << " s ("
                << static_cast<uint64_t>(static_cast<double>(objects) / seconds) << " objects/s)\n";
    if (!ctx.quiet) print_type_counts(*summary);
    if (!ctx.quiet)
      std::cerr << (options.keep_raw ? "  original JSON kept: " + format_bytes(summary->raw_bytes) +
                                           " (--no-raw leaves it out)\n"
                                     : std::string("  original JSON not kept (--no-raw)\n"));
    if (!ctx.quiet) print_declared_empty(*summary, !opts->collected.empty());
    if (!ctx.quiet && summary->errors)
      std::cerr << "  recorded "
                << text::counted(summary->errors, "collection error", "collection errors")
                << " (the checks reading what could not be read are ERROR for its resource)\n";
    print_skipped(*summary, options.keep_raw);
    ctx.exit_code = kExitOk;
  });
}

}  // namespace posture::cli
