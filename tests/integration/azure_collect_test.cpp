// Integration tests of `posture collect azure`, in process, against the mock
// ARM server: every scenario ARM can produce (paging, each contacts API
// version, 429, 5xx, timeouts, malformed bodies, 403/404, expiring tokens, a
// failing subscription list) and what each leaves in the store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "integration/support/azure_fixture.hpp"

namespace posture::testing {
namespace {

std::string contacts_path(int index) {
  return "/subscriptions/" + MockArm::guid(index) + "/providers/Microsoft.Security/";
}

std::string fk_column() {
  return schema::builtin().type("Connector")->relationship("securityContacts")->fk_column;
}

TEST_F(AzureCollectTest, StoresSubscriptionsAndContactsOf2023) {
  mock.add_subscriptions(5);
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->subscriptions, 5u);
  EXPECT_EQ(summary->contacts, 5u);
  int64_t scan = summary->scan_id;
  EXPECT_EQ(column("connector", "subscriptionId", scan)[0], MockArm::guid(0));
  EXPECT_EQ(column("connector", "name", scan)[1], "Subscription 1");
  EXPECT_EQ(column("connector", "state", scan)[0], "Enabled");
  EXPECT_NE(column("connector", "_raw", scan)[0].find("subscriptionPolicies"), std::string::npos);
  EXPECT_EQ(column("security_contact", "email", scan)[0],
            "secops0@example.com;backup0@example.com");
  EXPECT_EQ(column("security_contact", "emails", scan)[0],
            R"(["secops0@example.com","backup0@example.com"])");
  EXPECT_EQ(column("security_contact", "alertMinimalSeverity", scan)[0], "High");
  EXPECT_EQ(column("security_contact", "attackPathMinimalRiskLevel", scan)[0], "Critical");
  EXPECT_EQ(column("security_contact", "apiVersion", scan)[0], "2023-12-01-preview");
  EXPECT_EQ(column("security_contact", "alertNotifications", scan)[0], "1");
  EXPECT_NE(column("security_contact", "_raw", scan)[0].find("notificationsSources"),
            std::string::npos);
  for (const auto& fk : column("security_contact", fk_column(), scan)) EXPECT_NE(fk, "<null>");
  // Every ARM request carried the token; 1 list page + 5 contact lists.
  auto requests = mock.requests();
  EXPECT_EQ(requests.size(), 6u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.headers.at("authorization"), std::string("Bearer ") + MockArm::kStaticToken);
  }
  EXPECT_EQ(mock.count("api-version=2023-12-01-preview"), 5u);
  ASSERT_EQ(scans().size(), 1u);
  EXPECT_EQ(scans()[0].status, "complete");
  EXPECT_EQ(scans()[0].source, "azure");
  EXPECT_EQ(scans()[0].objects, 10);
}

TEST_F(AzureCollectTest, StoresBothContactsOf2017) {
  mock.add_subscriptions(3);
  auto o = options();
  o.api_version = "2017-08-01-preview";
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->contacts, 6u);
  int64_t scan = summary->scan_id;
  auto names = column("security_contact", "name", scan);
  EXPECT_EQ(names[0], "default1");
  EXPECT_EQ(names[1], "default2");
  EXPECT_EQ(column("security_contact", "email", scan)[1], "backup0@example.com");
  EXPECT_EQ(column("security_contact", "notificationByRoleState", scan)[0], "On");
  EXPECT_EQ(column("security_contact", "notificationRoles", scan)[0], R"(["Owner"])");
  EXPECT_EQ(column("security_contact", "alertMinimalSeverity", scan)[0], "<null>");
  EXPECT_EQ(column("security_contact", "apiVersion", scan)[0], "2017-08-01-preview");
}

TEST_F(AzureCollectTest, ReadsTheBareArrayOf2020) {
  mock.add_subscriptions(3);
  auto o = options();
  o.api_version = "2020-01-01-preview";
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 3u);
  int64_t scan = summary->scan_id;
  EXPECT_EQ(column("security_contact", "alertMinimalSeverity", scan)[2], "High");
  EXPECT_EQ(column("security_contact", "apiVersion", scan)[0], "2020-01-01-preview");
  EXPECT_EQ(column("security_contact", "_raw", scan)[0].front(), '{');
}

TEST_F(AzureCollectTest, KeepsEmptyStringsAndMissingContactsApart) {
  mock.add_subscriptions(3);
  mock.set_unconfigured(MockArm::guid(1));
  mock.set_no_contacts(MockArm::guid(2));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 2u);
  auto emails = column("security_contact", "email", summary->scan_id);
  ASSERT_EQ(emails.size(), 2u);
  EXPECT_EQ(emails[1], "");
  EXPECT_EQ(column("security_contact", "emails", summary->scan_id)[1], "[]");
}

TEST_F(AzureCollectTest, ListsSubscriptionsFromResourceGraphAcrossFourPages) {
  mock.add_subscriptions(7);
  mock.set_page_size(2);
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->subscriptions, 7u);
  EXPECT_EQ(summary->subscriptions_from, "Resource Graph (resourcecontainers)");
  EXPECT_EQ(count("connector", summary->scan_id), 7u);
  EXPECT_EQ(mock.count("/subscriptions?"), 0u);
  std::vector<nlohmann::json> bodies;
  for (const auto& r : mock.requests())
    if (r.method == "POST") bodies.push_back(nlohmann::json::parse(r.body));
  ASSERT_EQ(bodies.size(), 4u);
  for (size_t i = 0; i < bodies.size(); ++i) {
    // At the tenant's scope: no subscriptions named.
    EXPECT_FALSE(bodies[i].contains("subscriptions"));
    EXPECT_EQ(bodies[i]["query"].get<std::string>().rfind(
                  "resourcecontainers | where type =~ 'microsoft.resources/subscriptions'", 0),
              0u);
    EXPECT_EQ(bodies[i]["options"].contains("$skipToken"), i > 0);
  }
  // The row's name is the display name, its state under properties.
  auto names = column("connector", "name", summary->scan_id);
  EXPECT_EQ(names.front(), "Subscription 0");
  for (const auto& state : column("connector", "state", summary->scan_id))
    EXPECT_EQ(state, "Enabled");
  auto tenants = column("connector", "tenantId", summary->scan_id);
  EXPECT_EQ(tenants.front(), MockArm::kTenant);
}

// Where Resource Graph refuses the credential (403) or the endpoint has none
// (404), GET /subscriptions lists them, paged by nextLink.
TEST_F(AzureCollectTest, FallsBackToGetSubscriptionsAcrossFourPages) {
  for (int status : {403, 404}) {
    MockArm local;
    local.add_subscriptions(7);
    local.set_page_size(2);
    local.add_fault("Microsoft.ResourceGraph", Fault::http(status));
    auto o = options();
    o.client.endpoint = local.url();
    auto summary = collect(o);
    ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
    EXPECT_EQ(summary->subscriptions, 7u);
    EXPECT_EQ(summary->status, "complete");
    EXPECT_EQ(summary->subscriptions_from,
              "GET /subscriptions (Resource Graph answered " + std::to_string(status) + ")");
    EXPECT_EQ(count("connector", summary->scan_id), 7u);
    EXPECT_EQ(local.count("/subscriptions?"), 4u);
    EXPECT_EQ(local.count("skiptoken=6"), 1u);
  }
}

TEST_F(AzureCollectTest, FollowsContactPages) {
  mock.add_subscriptions(4);
  mock.set_contacts_page_size(1);
  auto o = options();
  o.api_version = "2017-08-01-preview";
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->contacts, 8u);
  EXPECT_EQ(mock.count("securityContacts?"), 8u);
  EXPECT_EQ(count("security_contact", summary->scan_id), 8u);
}

TEST_F(AzureCollectTest, WaitsOutA429AndCompletes) {
  mock.add_subscriptions(3);
  mock.add_fault(contacts_path(1), Fault::throttle(1));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 3u);
  EXPECT_EQ(summary->http.throttled, 1u);
  std::vector<RecordedRequest> hits;
  for (const auto& r : mock.requests()) {
    if (r.target.find(contacts_path(1)) != std::string::npos) hits.push_back(r);
  }
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].status, 429);
  EXPECT_GE(hits[1].at - hits[0].at, 990ms);
}

TEST_F(AzureCollectTest, RetriesA500AndCompletes) {
  mock.add_subscriptions(3);
  mock.add_fault(contacts_path(2), Fault::http(500));
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(502));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 3u);
  EXPECT_EQ(summary->http.retries, 2u);
  EXPECT_EQ(mock.count(contacts_path(2)), 2u);
}

TEST_F(AzureCollectTest, RetriesAResponseSlowerThanTheTimeout) {
  mock.add_subscriptions(3);
  mock.add_fault(contacts_path(0), Fault::slow(3000ms));
  auto o = options();
  o.client.timeout = 500ms;
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 3u);
  EXPECT_EQ(summary->http.timeouts, 1u);
}

TEST_F(AzureCollectTest, ASubscriptionThatKeepsTimingOutIsAnError) {
  mock.add_subscriptions(3);
  mock.add_fault(contacts_path(0), Fault::slow(3000ms), 10);
  auto o = options();
  o.client.timeout = 300ms;
  o.client.max_retries = 1;
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "partial");
  EXPECT_EQ(summary->contacts, 2u);
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].resource, "/subscriptions/" + MockArm::guid(0));
  EXPECT_EQ(stored[0].http_status, 0);
  EXPECT_NE(stored[0].message.find("timed out"), std::string::npos) << stored[0].message;
  EXPECT_EQ(count("connector", summary->scan_id), 3u);  // the connector stays, with an error
}

TEST_F(AzureCollectTest, AMalformedBodyIsAnErrorNamingTheUrl) {
  mock.add_subscriptions(3);
  mock.add_fault(contacts_path(1), Fault::malformed());
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "partial");
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].resource, "/subscriptions/" + MockArm::guid(1));
  EXPECT_NE(stored[0].message.find(mock.url() + contacts_path(1)), std::string::npos);
  EXPECT_NE(stored[0].message.find("malformed JSON"), std::string::npos) << stored[0].message;
  EXPECT_EQ(stored[0].message.find(MockArm::kStaticToken), std::string::npos);
  EXPECT_EQ(count("security_contact", summary->scan_id), 2u);
}

TEST_F(AzureCollectTest, AListThatIsNotContactsIsAnError) {
  mock.add_subscriptions(2);
  mock.add_fault(contacts_path(0), Fault::malformed(R"({"value": [{"id": 5}]})"));
  mock.add_fault(contacts_path(1),
                 Fault::malformed(R"({"value": [{"id": "/subscriptions/)" + MockArm::guid(0) +
                                  R"(/providers/Microsoft.Security/securityContacts/default",
                                  "type": "Microsoft.Security/securityContacts",
                                  "properties": {"emails": "x@example.com"}}]})"));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(count("security_contact", summary->scan_id), 0u);
  for (const auto& e : stored) EXPECT_NE(e.message.find(mock.url()), std::string::npos);
}

TEST_F(AzureCollectTest, Forbidden403IsThatConnectorsError) {
  mock.add_subscriptions(4);
  mock.add_fault(contacts_path(2), Fault::http(403));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "partial");
  EXPECT_EQ(summary->subscriptions, 4u);
  EXPECT_EQ(summary->contacts, 3u);
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].resource, "/subscriptions/" + MockArm::guid(2));
  EXPECT_EQ(stored[0].type, "Connector");
  EXPECT_EQ(stored[0].http_status, 403);
  EXPECT_NE(stored[0].message.find(mock.url() + contacts_path(2)), std::string::npos);
  EXPECT_NE(stored[0].message.find("AuthorizationFailed"), std::string::npos);
  EXPECT_EQ(mock.count(contacts_path(2)), 1u);  // a 403 is not retried
  auto all = scans();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status, "partial");
  EXPECT_NE(all[0].message.find("1 collection error"), std::string::npos) << all[0].message;
  auto latest = open_store().latest_complete_scan().value();
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, summary->scan_id);  // a partial scan is still read by checks
}

TEST_F(AzureCollectTest, NotFound404IsThatConnectorsError) {
  mock.add_subscriptions(2);
  mock.add_fault(contacts_path(0), Fault::http(404));
  auto summary = collect(options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].http_status, 404);
  EXPECT_EQ(count("security_contact", summary->scan_id), 1u);
}

TEST_F(AzureCollectTest, RenewsATokenThatExpiresMidRun) {
  mock.add_subscriptions(10);
  mock.expire_tokens_after(4);
  auto summary = collect(options(), client_credentials());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->contacts, 10u);
  EXPECT_EQ(mock.tokens_issued(), 2);
  EXPECT_GE(summary->http.reauthorized, 1u);
  auto requests = mock.requests();
  auto& token_request = requests.front();
  EXPECT_EQ(token_request.method, "POST");
  EXPECT_EQ(token_request.path, std::string("/") + MockArm::kTenant + "/oauth2/v2.0/token");
  auto form = parse_form(token_request.body);
  EXPECT_EQ(form["grant_type"], "client_credentials");
  EXPECT_EQ(form["scope"], "https://management.azure.com/.default");
  EXPECT_EQ(requests.back().headers.at("authorization"), "Bearer mock-token-2");
}

TEST_F(AzureCollectTest, AFailedSubscriptionListFailsTheScanAndKeepsTheLastComplete) {
  mock.add_subscriptions(2);
  auto first = collect(options());
  ASSERT_TRUE(first.ok());
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(500), 100);
  auto second = collect(options());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.errors()[0].message.find("cannot list subscriptions"), std::string::npos);
  EXPECT_NE(second.errors()[0].message.find(
                "POST " + mock.url() +
                "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"),
            std::string::npos)
      << second.errors()[0].message;
  EXPECT_EQ(mock.count("/subscriptions?"), 0u) << "a 500 is no reason to fall back";
  auto all = scans();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].status, "failed");
  EXPECT_EQ(all[1].objects, 0);
  EXPECT_NE(all[1].message.find("HTTP 500"), std::string::npos) << all[1].message;
  EXPECT_EQ(count("connector", all[1].id), 0u);
  auto latest = open_store().latest_complete_scan().value();
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, first->scan_id);
}

TEST_F(AzureCollectTest, ANextLinkOffTheEndpointIsNotFollowed) {
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(403));
  mock.add_fault("/subscriptions?",
                 Fault::malformed(R"({"value": [], "nextLink": "http://127.0.0.2:9/steal"})"));
  auto summary = collect(options());
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.errors()[0].message.find("not on the ARM endpoint"), std::string::npos);
  EXPECT_EQ(mock.requests().size(), 2u);  // Resource Graph (403), then GET /subscriptions
  EXPECT_EQ(scans().back().status, "failed");
}

TEST_F(AzureCollectTest, RestrictsToTheSubscriptionsNamed) {
  mock.add_subscriptions(5);
  auto o = options();
  o.subscriptions = {MockArm::guid(1), "/subscriptions/" + MockArm::guid(3),
                     "99999999-0000-0000-0000-000000000000"};
  for (char& c : o.subscriptions[1]) c = static_cast<char>(std::toupper(c));
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->subscriptions, 2u);
  EXPECT_EQ(summary->contacts, 2u);
  EXPECT_EQ(mock.count("securityContacts"), 2u);
  auto stored = errors(summary->scan_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].resource, "/subscriptions/99999999-0000-0000-0000-000000000000");
  EXPECT_EQ(stored[0].http_status, 404);
  EXPECT_EQ(summary->status, "partial");
}

TEST_F(AzureCollectTest, BadOptionsStartNoScan) {
  auto o = options();
  o.api_version = "2023&x=1";
  EXPECT_EQ(collect(o).errors()[0].code, "invalid-option");
  o = options();
  o.client.endpoint = "http://management.example.com";
  EXPECT_EQ(collect(o).errors()[0].code, "insecure-endpoint");
  EXPECT_TRUE(scans().empty());
  EXPECT_TRUE(mock.requests().empty());
}

TEST_F(AzureCollectTest, AnInterruptedCollectionIsRecordedAsFailed) {
  mock.add_subscriptions(20);
  mock.set_delay(50ms);
  std::atomic<bool> cancel{false};
  auto o = options();
  o.client.concurrency = 2;
  o.client.cancel = &cancel;
  o.progress = [&cancel](const azure::CollectProgress& p) {
    if (p.subscriptions_done >= 3) cancel = true;
  };
  auto summary = collect(o);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.errors()[0].code, "interrupted");
  ASSERT_EQ(scans().size(), 1u);
  EXPECT_EQ(scans()[0].status, "failed");
  EXPECT_EQ(count("connector", scans()[0].id), 0u);
}

TEST_F(AzureCollectTest, ReportsProgress) {
  mock.add_subscriptions(6);
  mock.add_fault(contacts_path(4), Fault::http(403));
  std::vector<azure::CollectProgress> seen;
  auto o = options();
  o.progress = [&seen](const azure::CollectProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(collect(o).ok());
  // Before the listing, before the first contacts, then one per subscription.
  ASSERT_EQ(seen.size(), 8u);
  EXPECT_EQ(seen.front().subscriptions_total, 0u);
  EXPECT_EQ(seen.front().subscriptions_done, 0u);
  EXPECT_EQ(seen[1].subscriptions_total, 6u);
  EXPECT_EQ(seen[1].subscriptions_done, 0u);
  EXPECT_EQ(seen.back().subscriptions_done, 6u);
  EXPECT_EQ(seen.back().subscriptions_total, 6u);
  EXPECT_EQ(seen.back().errors, 1u);
  EXPECT_EQ(seen.front().phase, "subscriptions");
  EXPECT_EQ(seen.back().phase, "resources");
  EXPECT_EQ(seen.back().requests_done, 6u);
  EXPECT_EQ(seen.back().requests_total, 6u);
  for (const auto& p : seen) EXPECT_EQ(p.retry_wait.count(), 0) << "no request was retried";
}

TEST_F(AzureCollectTest, ReportsEachRetryAsItHappens) {
  mock.add_subscriptions(2);
  mock.add_fault(contacts_path(1), Fault::throttle(1));
  std::vector<azure::CollectProgress> seen;
  auto o = options();
  o.progress = [&seen](const azure::CollectProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(collect(o).ok());
  std::vector<azure::CollectProgress> retries;
  for (const auto& p : seen)
    if (p.retry_wait.count() > 0) retries.push_back(p);
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].retry_status, 429);
  EXPECT_EQ(retries[0].retry_wait.count(), 1000);
  EXPECT_EQ(retries[0].throttled, 1u);
  EXPECT_EQ(retries[0].retries, 1u);
  EXPECT_EQ(seen.back().subscriptions_done, 2u);
}

}  // namespace
}  // namespace posture::testing
