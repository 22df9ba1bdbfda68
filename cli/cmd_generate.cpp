// `posture generate`: writes a deterministic synthetic Azure inventory (JSON Lines
// that `posture import` reads) for benchmarks and tests. The same --seed gives
// the same bytes.
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
  uint64_t seed = 1;
  std::string out;
};

void run_generate(const GenerateArgs& args, Context& ctx) {
  synthetic::GeneratorOptions options;
  options.connectors = args.connectors;
  options.seed = args.seed;
  if (show_progress(ctx)) {
    options.progress = [](uint64_t done, uint64_t total) {
      std::fprintf(stderr, "\rgenerating: %llu / %llu connectors", (unsigned long long)done,
                   (unsigned long long)total);
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
  // The summary goes to stderr when the inventory itself goes to stdout.
  std::FILE* where = args.out == "-" ? stderr : stdout;
  std::fprintf(where, "wrote %llu connectors, %llu contacts, %llu bytes to %s in %.2f s\n",
               (unsigned long long)summary->connectors, (unsigned long long)summary->contacts,
               (unsigned long long)summary->bytes, args.out.c_str(), seconds);
  ctx.exit_code = kExitOk;
}

}  // namespace

void add_generate_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate", "Write a deterministic synthetic Azure inventory as JSON Lines (for benchmarks)");
  cmd->add_option("--connectors,-n", args->connectors, "Number of subscriptions")
      ->capture_default_str();
  cmd->add_option("--seed,-s", args->seed, "Seed: the same seed gives the same bytes")
      ->capture_default_str();
  cmd->add_option("--out,-o", args->out, "Output file (JSON Lines); - for standard output")
      ->required();
  cmd->callback([args, &ctx] { run_generate(*args, ctx); });
}

}  // namespace posture::cli
