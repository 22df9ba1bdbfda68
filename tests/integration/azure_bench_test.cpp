// Benchmark of `posture collect azure` (disabled by default; run with
// --gtest_also_run_disabled_tests): 2,000 subscriptions from the mock ARM
// server, every response delayed 50 ms, concurrency 16. Prints wall time and
// requests/s; the goal is under 10 s. The floor is set by the delay:
// 2,000 x 50 ms / 16 = 6.25 s for the contacts, plus the listing's pages.
// POSTURE_BENCH_SUBSCRIPTIONS, _DELAY_MS, _CONCURRENCY and _PAGE_SIZE
// override the scenario.
//
// DISABLED_WholeGraph: the whole-graph collection of a mock tenant of 2,000
// subscriptions and 200,000 resources (POSTURE_BENCH_RESOURCES; one in
// twenty a key vault, with keys, secrets and diagnostic settings to read, the
// others disks), every response 50 ms late: wall time, requests/s, and the
// request count against the minimum the APIs allow (list pages + child GETs),
// with Resource Graph's quota (15 requests per 5 s, POSTURE_BENCH_QUOTA) in
// its x-ms-user-quota-* headers: the pauses it caused and the time waited.
// Run: build/tests/integration_azure_bench_test
//        --gtest_also_run_disabled_tests --gtest_filter='*WholeGraph*'
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "collectors/azure/plan.hpp"
#include "integration/support/azure_fixture.hpp"

namespace posture::testing {
namespace {

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

struct Scenario {
  int subscriptions = env_int("POSTURE_BENCH_SUBSCRIPTIONS", 2000);
  int delay_ms = env_int("POSTURE_BENCH_DELAY_MS", 50);
  int concurrency = env_int("POSTURE_BENCH_CONCURRENCY", 16);
  int page_size = env_int("POSTURE_BENCH_PAGE_SIZE", 100);
};

void report(const char* what, const Scenario& s, double seconds, uint64_t requests) {
  std::printf(
      "%s: %d subscriptions, %d ms per response, concurrency %d, %d per list page: "
      "%.2f s wall, %llu requests, %.0f requests/s (floor %.2f s)\n",
      what, s.subscriptions, s.delay_ms, s.concurrency, s.page_size, seconds,
      static_cast<unsigned long long>(requests), static_cast<double>(requests) / seconds,
      (s.subscriptions * s.delay_ms / static_cast<double>(s.concurrency) +
       ((s.subscriptions + s.page_size - 1) / s.page_size) * s.delay_ms) /
          1000.0);
}

class AzureBench : public AzureCollectTest {
 protected:
  void SetUp() override {
    AzureCollectTest::SetUp();
    mock.add_subscriptions(scenario.subscriptions);
    mock.set_page_size(scenario.page_size);
    mock.set_delay(std::chrono::milliseconds(scenario.delay_ms));
  }
  Scenario scenario;
};

TEST_F(AzureBench, DISABLED_InProcess2000SubscriptionsAt50ms) {
  auto o = options();
  o.client.concurrency = scenario.concurrency;
  o.client.timeout = 30s;
  auto start = std::chrono::steady_clock::now();
  auto summary = collect(o);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->subscriptions, static_cast<size_t>(scenario.subscriptions));
  EXPECT_EQ(summary->contacts, static_cast<size_t>(scenario.subscriptions));
  report("in-process", scenario, seconds, summary->http.requests);
  auto requests = mock.requests();
  auto first_contacts = std::find_if(requests.begin(), requests.end(), [](const auto& r) {
    return r.target.find("securityContacts") != std::string::npos;
  });
  if (first_contacts != requests.end()) {
    std::printf("  listing until the first contacts request: %.2f s; contacts: %.2f s\n",
                std::chrono::duration<double>(first_contacts->at - requests.front().at).count(),
                std::chrono::duration<double>(requests.back().at - first_contacts->at).count());
  }
  RecordProperty("wall_seconds", std::to_string(seconds));
  RecordProperty("requests_per_second",
                 std::to_string(static_cast<double>(summary->http.requests) / seconds));
  EXPECT_LE(mock.connections(), scenario.concurrency + 1);
  EXPECT_LT(seconds, 10.0);
}

TEST_F(AzureBench, DISABLED_Cli2000SubscriptionsAt50ms) {
  if (!std::filesystem::exists(POSTURE_BINARY)) GTEST_SKIP() << "no " << POSTURE_BINARY;
  auto start = std::chrono::steady_clock::now();
  auto run =
      run_process(POSTURE_BINARY,
                  {"collect", "azure", "--db", db_, "--arm-endpoint", mock.url(), "--concurrency",
                   std::to_string(scenario.concurrency), "--types", "securityContacts"},
                  {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::cout << run.err;
  report("posture binary", scenario, seconds, mock.requests().size());
  EXPECT_LT(seconds, 10.0);
}

TEST_F(AzureCollectTest, DISABLED_WholeGraph2000Subscriptions200000ResourcesAt50ms) {
  Scenario scenario;
  int resources = env_int("POSTURE_BENCH_RESOURCES", 200000);
  mock.add_subscriptions(scenario.subscriptions);
  mock.set_page_size(scenario.page_size);
  int vaults = 0;
  for (int i = 0; i < resources; ++i) {
    std::string guid = MockArm::guid(i % scenario.subscriptions);
    std::string n = std::to_string(i);
    bool vault = i % 20 == 0;
    vaults += vault;
    std::string id = "/subscriptions/" + guid + "/resourceGroups/rg/providers/" +
                     (vault ? "Microsoft.KeyVault/vaults/kv" : "Microsoft.Compute/disks/disk") + n;
    mock.add_object(
        vault
            ? R"({"id":")" + id + R"(","name":"kv)" + n +
                  R"(","type":"microsoft.keyvault/vaults","location":"westeurope","subscriptionId":")" +
                  guid + R"(","properties":{"enableSoftDelete":true,"enablePurgeProtection":true}})"
            : R"({"id":")" + id + R"(","name":"disk)" + n +
                  R"(","type":"microsoft.compute/disks","location":"westeurope","subscriptionId":")" +
                  guid +
                  R"(","properties":{"diskSizeGB":128,"encryption":{"type":"EncryptionAtRestWithPlatformKey"}}})");
  }
  mock.add_graph_object("organization", R"({"id":")" + std::string(MockArm::kTenant) + R"("})");
  mock.set_delay(std::chrono::milliseconds(scenario.delay_ms));
  // Resource Graph's documented per-user quota: 15 requests per 5 seconds
  // (x-ms-user-quota-remaining / -resets-after), POSTURE_BENCH_QUOTA per window.
  int quota = env_int("POSTURE_BENCH_QUOTA", 15);
  mock.set_resource_graph_quota(quota, 5s);
  auto o = inventory_options();
  o.client.concurrency = scenario.concurrency;
  o.client.timeout = 60s;
  auto plan = azure::plan_collection(schema::builtin(), {}).value();
  auto start = std::chrono::steady_clock::now();
  auto summary = collect(o);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  // The minimum: Resource Graph's pages of the subscriptions (the mock's
  // page size, at most 1,000), its pages per batch of 1,000 subscriptions and
  // table (resources; securityresources, one page of no rows here), one GET
  // per planned list of each subscription and key vault (and disk: none),
  // the contacts, and Graph's organization and one page per declared path.
  uint64_t subscription_pages = (scenario.subscriptions + std::min(scenario.page_size, 1000) - 1) /
                                std::min(scenario.page_size, 1000);
  uint64_t graph_pages = 0;
  for (int b = 0; b < (scenario.subscriptions + 999) / 1000; ++b) {
    int rows = 0;
    for (int i = 0; i < resources; ++i) rows += i % scenario.subscriptions / 1000 == b;
    graph_pages += std::max(1, (rows + 999) / 1000);
    graph_pages += plan.resource_graph.size() - 1;  // securityresources: one empty page
  }
  uint64_t minimum = subscription_pages + graph_pages +
                     scenario.subscriptions * (plan.children["Connector"].size() + 1) +
                     static_cast<uint64_t>(vaults) * plan.children["KeyVault"].size() +
                     static_cast<uint64_t>(resources - vaults) * plan.children["Disk"].size() + 1 +
                     plan.graph_contexts.size();
  uint64_t sent = summary->http.requests + summary->graph_http.requests;
  std::printf(
      "whole graph: %d subscriptions, %d resources (%d key vaults), %d ms per response, "
      "concurrency %d: %.2f s wall, %llu requests (minimum %llu), %.0f requests/s, "
      "%llu rows stored, Resource Graph quota %d per 5 s: %llu quota pauses (%.2f s waiting), "
      "%llu throttled, %llu retries\n",
      scenario.subscriptions, resources, vaults, scenario.delay_ms, scenario.concurrency, seconds,
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(minimum),
      static_cast<double>(sent) / seconds,
      static_cast<unsigned long long>(summary->resources + summary->subscriptions), quota,
      static_cast<unsigned long long>(summary->http.quota_pauses),
      static_cast<double>(summary->http.quota_wait.count()) / 1000.0,
      static_cast<unsigned long long>(summary->http.throttled),
      static_cast<unsigned long long>(summary->http.retries));
  EXPECT_EQ(summary->http.throttled, 0u) << "the quota headers slow it down before a 429";
  EXPECT_EQ(sent, minimum);
}

}  // namespace
}  // namespace posture::testing
