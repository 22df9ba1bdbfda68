// `posture collect azure --db FILE [options]`: reads subscriptions, their
// security contacts, resources, child settings (Azure Resource Manager and
// Resource Graph) and the Entra ID tenant (Microsoft Graph) into a new scan. Draws
// progress on a terminal (retries and throttling waits as they happen), prints
// a summary and each collection error, and turns the outcome into an exit
// code: 0 for a complete or partial scan, 2 when the collection failed
// (nothing of it is used by checks; a store the collection created is removed).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>

#include "base/text.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "collectors/azure/collector.hpp"

namespace posture::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted = true;
}

// Restores the previous SIGINT/SIGTERM handlers when the collection ends.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = false;
    previous_int_ = std::signal(SIGINT, on_interrupt);
    previous_term_ = std::signal(SIGTERM, on_interrupt);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }

 private:
  void (*previous_int_)(int) = SIG_DFL;
  void (*previous_term_)(int) = SIG_DFL;
};

struct CollectFlags {
  std::string db;
  std::vector<std::string> subscriptions;
  std::string api_version = azure::kDefaultContactsApiVersion;
  int concurrency = 16;
  double timeout_seconds = 30;
  int max_retries = 5;
  std::string token_file;
  std::string arm_endpoint = "https://management.azure.com";
  std::string authority = "https://login.microsoftonline.com";
  std::string graph_endpoint = "https://graph.microsoft.com";
  std::string graph_token_file;
  std::vector<std::string> types;
  bool no_raw = false;
};

// "collect azure: resources 120/340 requests, 12 pages, 0 errors, 2 retries,
// 1 throttled", and what a retry or a quota pause waits for as it happens.
std::function<void(const azure::CollectProgress&)> progress_line(
    std::shared_ptr<ProgressLine> line) {
  return [line](const azure::CollectProgress& p) {
    std::string text = "collect azure: ";
    if (p.phase == "subscriptions")
      text += "listing subscriptions";
    else
      text += p.phase + " " + std::to_string(p.requests_done) + "/" +
              std::to_string(p.requests_total) + " requests, " +
              posture::text::counted(p.pages, "page", "pages");
    if (p.subscriptions_total > 0)
      text += ", " + std::to_string(p.subscriptions_done) + "/" +
              std::to_string(p.subscriptions_total) + " subscriptions";
    text += ", " + posture::text::counted(p.errors, "error", "errors") + ", " +
            posture::text::counted(p.requests, "request", "requests") + ", " +
            posture::text::counted(p.retries, "retry", "retries") + ", " +
            std::to_string(p.throttled) + " throttled";
    if (p.quota_pauses) text += ", " + std::to_string(p.quota_pauses) + " quota pauses";
    bool retry = p.retry_wait.count() > 0;
    if (retry) {
      char wait[32];
      std::snprintf(wait, sizeof wait, "%.1f s", static_cast<double>(p.retry_wait.count()) / 1000);
      text += p.retry_status == 429  ? std::string("; throttled (HTTP 429): waiting ") + wait
              : p.retry_status == -1 ? std::string("; quota nearly spent: pausing ") + wait
              : p.retry_status
                  ? "; HTTP " + std::to_string(p.retry_status) + ": retrying in " + wait
                  : std::string("; no answer: retrying in ") + wait;
    }
    bool final =
        p.phase != "subscriptions" && p.requests_total > 0 && p.requests_done == p.requests_total;
    line->draw(text, retry || final);
  };
}

void print_summary(const azure::CollectSummary& s) {
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < s.errors.size() && i < kShown; ++i) {
    const auto& e = s.errors[i];
    std::cerr << "warning: " << e.resource << ": " << e.message << "\n";
  }
  if (s.errors.size() > kShown) {
    std::cerr << "warning: ... and " << s.errors.size() - kShown
              << " more collection errors (see `posture scans`)\n";
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", s.seconds);
  std::cerr << "collected scan " << s.scan_id << " (" << s.status
            << "): " << text::counted(s.subscriptions, "subscription", "subscriptions") << ", "
            << text::counted(s.contacts, "security contact", "security contacts") << ", "
            << s.resources << " other ARM objects, " << s.graph_objects << " Entra ID objects, "
            << text::counted(s.errors.size(), "error", "errors") << " in " << seconds << " s ("
            << s.http.requests + s.graph_http.requests << " requests, " << s.pages << " pages, "
            << s.http.retries + s.graph_http.retries << " retries, "
            << s.http.throttled + s.graph_http.throttled << " throttled, " << s.http.quota_pauses
            << " quota pauses)\n";
  if (s.subscriptions_from.rfind("GET", 0) == 0)
    std::cerr << "note: subscriptions listed with " << s.subscriptions_from << "\n";
  if (!s.graph_skipped.empty())
    std::cerr << "note: Microsoft Graph was not read (" << s.graph_skipped
              << "): the Entra ID types were not collected and their checks are ERROR; set "
                 "AZURE_GRAPH_ACCESS_TOKEN, --graph-token-file or client credentials\n";
}

void run_collect(const CollectFlags& flags, Context& ctx) {
  azure::AuthSettings auth = azure::AuthSettings::from_environment();
  auth.token_file = flags.token_file;
  auth.authority = flags.authority;
  auth.timeout = std::chrono::milliseconds(static_cast<int64_t>(flags.timeout_seconds * 1000));
  if (auth.access_token && !flags.token_file.empty() && !ctx.quiet) {
    std::cerr << "note: AZURE_ACCESS_TOKEN is set, so --token-file is not read\n";
  }
  auto credential = azure::Credential::resolve(auth);
  if (!credential) {
    ctx.exit_code = report_errors(credential.errors());
    return;
  }
  azure::CollectOptions options;
  options.client.endpoint = flags.arm_endpoint;
  options.client.concurrency = flags.concurrency;
  options.client.timeout = auth.timeout;
  options.client.max_retries = flags.max_retries;
  options.client.cancel = &g_interrupted;
  options.api_version = flags.api_version;
  options.subscriptions = flags.subscriptions;
  options.types = flags.types;
  options.graph_endpoint = flags.graph_endpoint;
  options.tenant = ctx.tenant ? *ctx.tenant : auth.tenant_id.value_or("");
  options.keep_raw = !flags.no_raw;
  // Microsoft Graph takes a token for its own audience, from the same kind of
  // source: AZURE_GRAPH_ACCESS_TOKEN, --graph-token-file, or the client
  // credentials with the Graph scope. Without one Graph is not read.
  azure::AuthSettings graph_auth = auth;
  graph_auth.access_token.reset();
  if (const char* token = std::getenv("AZURE_GRAPH_ACCESS_TOKEN"); token && *token)
    graph_auth.access_token = token;
  graph_auth.token_file = flags.graph_token_file;
  graph_auth.scope = flags.graph_endpoint + "/.default";
  while (graph_auth.scope.find("//.default") != std::string::npos)
    graph_auth.scope.replace(graph_auth.scope.find("//.default"), 10, "/.default");
  if (auto graph_credential = azure::Credential::resolve(graph_auth))
    options.graph_credential = std::move(*graph_credential);
  else if (graph_auth.access_token || !graph_auth.token_file.empty())
    return void(ctx.exit_code = report_errors(graph_credential.errors()));
  auto line = std::make_shared<ProgressLine>(show_progress(ctx));
  if (line->enabled()) options.progress = progress_line(line);
  bool existed = store_exists(flags.db);
  auto summary = [&]() -> Result<azure::CollectSummary> {
    auto store =
        store::Store::open(flags.db, posture::schema::builtin(), store::OpenMode::ReadWrite);
    if (!store) return store.take_errors();
    InterruptGuard guard;
    return azure::collect(*store, options, std::move(*credential));
  }();
  line->clear();
  if (!summary) {
    if (!existed) remove_new_store(flags.db);  // a failed first collection leaves no store
    ctx.exit_code = report_errors(summary.errors());
    return;
  }
  if (!ctx.quiet || !summary->errors.empty()) print_summary(*summary);
  ctx.exit_code = kExitOk;
}

}  // namespace

void add_collect_command(CLI::App& app, Context& ctx) {
  CLI::App* collect = app.add_subcommand("collect", "Collect a live inventory into a new scan");
  collect->require_subcommand(1);
  auto flags = std::make_shared<CollectFlags>();
  CLI::App* cmd = collect->add_subcommand(
      "azure",
      "Read subscriptions, their Defender for Cloud settings and every modelled resource from "
      "Azure Resource Manager and Resource Graph, and the Entra ID tenant from Microsoft Graph. "
      "Credentials, in this order: AZURE_ACCESS_TOKEN; --token-file; AZURE_TENANT_ID + "
      "AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (client credentials); for Microsoft Graph "
      "AZURE_GRAPH_ACCESS_TOKEN, --graph-token-file or the same client credentials");
  cmd->add_option("--db", flags->db, "The store (created if missing)")->required();
  cmd->add_option("--subscription", flags->subscriptions,
                  "Collect only this subscription (id or /subscriptions/<id>); repeatable");
  cmd->add_option("--api-version", flags->api_version,
                  "securityContacts api-version: 2017-08-01-preview, 2020-01-01-preview or "
                  "2023-12-01-preview")
      ->capture_default_str();
  cmd->add_option("--concurrency", flags->concurrency, "Requests in flight at most")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--timeout", flags->timeout_seconds, "Seconds per request attempt")
      ->check(CLI::Range(0.05, 3600.0))
      ->capture_default_str();
  cmd->add_option("--max-retries", flags->max_retries,
                  "Retries of a request after 429, 5xx or a timeout")
      ->check(CLI::Range(0, 50))
      ->capture_default_str();
  cmd->add_option("--token-file", flags->token_file,
                  "JSON of `az account get-access-token` (accessToken, expiresOn)");
  cmd->add_option("--arm-endpoint", flags->arm_endpoint, "Azure Resource Manager base URL")
      ->capture_default_str();
  cmd->add_option("--authority", flags->authority, "Entra ID authority for client credentials")
      ->capture_default_str();
  cmd->add_option("--graph-endpoint", flags->graph_endpoint, "Microsoft Graph base URL")
      ->capture_default_str();
  cmd->add_option("--graph-token-file", flags->graph_token_file,
                  "JSON of `az account get-access-token --resource-type ms-graph`");
  cmd->add_option("--types", flags->types,
                  "Collect only these types (root fields such as storageAccounts, schema types "
                  "or ARM types) and the ones they hang from; repeatable or comma-separated")
      ->delimiter(',');
  cmd->add_flag("--no-raw", flags->no_raw,
                "Keep no original JSON (each resource's <table>_raw row, and the objects of "
                "types not modelled): the same rows and verdicts in a store about half the size");
  cmd->callback([flags, &ctx] { run_collect(*flags, ctx); });
}

}  // namespace posture::cli
