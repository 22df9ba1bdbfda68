// `posture generate`: writes a deterministic synthetic Azure inventory (JSON Lines
// that `posture import` reads) for benchmarks and tests: subscriptions and their
// security contacts (--connectors), or every modelled type (--resources). The
// same --seed gives the same bytes.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "collectors/synthetic/generator.hpp"

namespace posture::cli {
namespace {

struct GenerateArgs {
  uint64_t connectors = 1000;
  uint64_t resources = 0;
  uint64_t seed = 1;
  std::string out;
};

void run_generate(const GenerateArgs& args, Context& ctx) {
  synthetic::GeneratorOptions options;
  options.connectors = args.connectors;
  options.resources = args.resources;
  options.seed = args.seed;
  if (show_progress(ctx)) {
    const char* unit = args.resources > 0 ? "resources" : "connectors";
    options.progress = [unit](uint64_t done, uint64_t total) {
      std::fprintf(stderr, "\rgenerating: %llu / %llu %s", (unsigned long long)done,
                   (unsigned long long)total, unit);
      if (done == total) std::fputc('\n', stderr);
    };
  }
  auto started = std::chrono::steady_clock::now();
  auto summary = synthetic::generate_file(options, args.out);
  if (!summary) {
    ctx.exit_code = report_errors(summary.errors());
    return;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The summary, as import's, on stderr and not with --quiet: stdout is for
  // the inventory when --out is "-".
  ctx.exit_code = kExitOk;
  if (ctx.quiet) return;
  std::FILE* where = stderr;
  if (args.resources > 0)
    std::fprintf(where,
                 "wrote %llu resources of every type (%llu subscriptions, %llu contacts), %llu "
                 "bytes to %s in %.2f s\n",
                 (unsigned long long)summary->resources, (unsigned long long)summary->connectors,
                 (unsigned long long)summary->contacts, (unsigned long long)summary->bytes,
                 args.out.c_str(), seconds);
  else
    std::fprintf(where, "wrote %llu connectors, %llu contacts, %llu bytes to %s in %.2f s\n",
                 (unsigned long long)summary->connectors, (unsigned long long)summary->contacts,
                 (unsigned long long)summary->bytes, args.out.c_str(), seconds);
}

}  // namespace

void add_generate_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Write a deterministic synthetic Azure inventory as JSON Lines (for benchmarks)");
  auto* connectors =
      cmd->add_option("--connectors,-n", args->connectors,
                      "Number of subscriptions, each with its security contacts only")
          ->capture_default_str();
  cmd->add_option("--resources", args->resources,
                  "Instead: about N resources of every modelled type (an Entra ID tenant, then "
                  "subscriptions with storage accounts, VMs, disks, NICs, NSGs and rules, "
                  "database servers and their configurations, key vaults, web apps, Defender "
                  "plans, ...), written until N is reached")
      ->excludes(connectors)
      ->check(CLI::PositiveNumber)
      ->default_str("");  // no default: without it, --connectors applies
  cmd->add_option("--seed,-s", args->seed, "Seed: the same seed gives the same bytes")
      ->capture_default_str();
  cmd->add_option("--out,-o", args->out, "Output file (JSON Lines); - for standard output")
      ->required();
  cmd->callback([args, &ctx] { run_generate(*args, ctx); });
}

}  // namespace posture::cli
