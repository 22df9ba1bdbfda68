// Integration tests of the whole-graph collection (`posture collect azure`
// beyond subscriptions and contacts), in process, against the mock serving
// Azure Resource Graph, ARM child reads and Microsoft Graph on loopback. The
// inventory is tests/data/arm (written from Microsoft's REST API and Graph
// response examples) and the sample's resources; what a collection stores is
// compared, table by table, with an import of the very objects the mock
// served. Then paging, quotas, 429, 5xx, 403 on one subscription, 404 on a
// child setting, a Graph permission missing, malformed bodies and --types.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "collectors/azure/plan.hpp"
#include "collectors/snapshot/importer.hpp"
#include "engine/schema/schema.hpp"
#include "integration/support/azure_fixture.hpp"
#include "store/cursor.hpp"

namespace posture::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string source_path(const std::string& relative) {
  return std::string(POSTURE_SOURCE_DIR) + "/" + relative;
}

// The Graph resource path an @odata.context names ("...$metadata#users" -> users).
std::string context_path(const std::string& context) {
  std::string path = context.substr(context.find('#') + 1);
  if (path.ends_with("/$entity")) path.resize(path.size() - 8);
  return path;
}

class AzureInventoryTest : public AzureCollectTest {
 protected:
  // Loads the ARM fixtures and the sample's resources (not its subscriptions
  // and contacts: the mock makes those) and the Entra ID examples into the mock.
  void load_inventory() {
    std::set<std::string> guids;
    auto add_arm = [&](const ordered_json& object) {
      if (!object.is_object() || !object.contains("id") || !object["id"].is_string()) return;
      std::string id = object["id"].get<std::string>();
      if (object.contains("subscriptionId") && !object.contains("type")) return;  // a subscription
      std::string type = object.value("type", "");
      if (text::ascii_lower(type) == "microsoft.security/securitycontacts") return;
      if (text::ascii_lower(id).rfind("/subscriptions/", 0) != 0) return;
      guids.insert(text::ascii_lower(id.substr(15, id.find('/', 15) - 15)));
      mock.add_object(object.dump());
    };
    auto add_all = [&](const ordered_json& doc) {
      if (doc.is_array()) {
        for (const auto& item : doc)
          if (item.is_object() && item.contains("value"))
            for (const auto& inner : item["value"]) add_arm(inner);
          else
            add_arm(item);
      } else if (doc.contains("value")) {
        for (const auto& item : doc["value"]) add_arm(item);
      } else {
        add_arm(doc);
      }
    };
    for (const char* name :
         {"compute", "containers", "databases", "defender", "diagnostics", "keyvault", "monitor",
          "network", "services", "sql", "storage", "web"}) {
      std::ifstream in(source_path(std::string("tests/data/arm/") + name + ".json"));
      add_all(ordered_json::parse(in));
    }
    std::ifstream sample(source_path("collectors/samples/azure-sample.jsonl"));
    for (std::string line; std::getline(sample, line);)
      if (!line.empty()) add_all(ordered_json::parse(line));
    for (const auto& guid : guids) mock.add_subscription(guid, "Subscription " + guid.substr(0, 8));
    // Microsoft Graph: each response's objects under the path the schema
    // declares for them (the examples' older paths included).
    std::vector<std::string> contexts;
    for (const auto& t : schema::builtin().types())
      if (!t.graph_context.empty()) contexts.push_back(t.graph_context);
    contexts.push_back("organization");
    std::ifstream entra(source_path("tests/data/arm/entra.json"));
    for (const auto& response : ordered_json::parse(entra)) {
      std::string path = context_path(response.value("@odata.context", ""));
      for (const auto& c : contexts)
        if (c == path || c.ends_with("/" + path)) path = c;
      if (response.contains("value")) {
        for (const auto& item : response["value"]) mock.add_graph_object(path, item.dump());
      } else {
        mock.add_graph_object(path, response.dump(), true);
      }
    }
  }

  // Imports `lines` (JSON Lines) into a store of its own; returns its path.
  std::string import_lines(const std::vector<std::string>& lines) {
    std::string base = db_ + "-import";
    std::ofstream out(base + ".jsonl");
    for (const auto& line : lines) out << line << "\n";
    out.close();
    auto store = store::Store::open(base + ".db", schema::builtin());
    EXPECT_TRUE(store.ok());
    auto summary = snapshot::import_files(*store, {base + ".jsonl"});
    EXPECT_TRUE(summary.ok()) << (summary.ok() ? "" : summary.errors()[0].message);
    return base + ".db";
  }

  // Every row of `table` in the store's last scan: every column but rowids
  // (which depend on the order rows were written) and the scan, with the
  // original JSON, sorted.
  static std::vector<std::string> rows(const std::string& path, const std::string& table) {
    auto store = store::Store::open(path, schema::builtin(), store::OpenMode::ReadOnly);
    EXPECT_TRUE(store.ok());
    auto names = store::Cursor::open(
        *store, {"SELECT name FROM pragma_table_info('" + table + "')", {}, ""}, 0);
    EXPECT_TRUE(names.ok()) << table;
    std::string select;
    std::set<std::string> rowids;  // columns holding rowids of other rows
    for (const auto& t : schema::builtin().types())
      for (const auto& r : t.relationships) rowids.insert(r.fk_column);
    while (names.ok() && *names->next()) {
      std::string column(names->text(0));
      if (column == "_scan" || column.ends_with("_rid") || rowids.count(column)) continue;
      select += (select.empty() ? "t.\"" : ", t.\"") + column + "\"";
    }
    select += ", (SELECT r._raw FROM \"" + table + "_raw\" AS r WHERE r._rid = t._rid)";
    auto cursor = store::Cursor::open(*store,
                                      {"SELECT " + select + " FROM \"" + table +
                                           "\" AS t WHERE t._scan = (SELECT max(id) FROM _scans)",
                                       {},
                                       ""},
                                      0);
    EXPECT_TRUE(cursor.ok()) << table << ": " << (cursor.ok() ? "" : cursor.errors()[0].message);
    std::vector<std::string> out;
    while (cursor.ok() && *cursor->next()) {
      std::string row;
      for (int i = 0; i < cursor->columns(); ++i)
        row += (cursor->is_null(i) ? "<null>" : std::string(cursor->text(i))) + "|";
      out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(AzureInventoryTest, StoresWhatAnImportOfTheSameObjectsStores) {
  load_inventory();
  auto summary = collect(inventory_options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  for (const auto& e : summary->errors) ADD_FAILURE() << e.resource << ": " << e.message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(summary->http.retries, 0u);
  std::string imported = import_lines(mock.served());
  size_t compared = 0;
  std::set<std::string> empty;
  for (const auto& type : schema::builtin().types()) {
    if (type.name == "SecurityContact") continue;  // the mock makes them per API version
    auto collected = rows(db_, type.table);
    EXPECT_EQ(collected, rows(imported, type.table)) << type.table;
    compared += collected.size();
    if (collected.empty()) empty.insert(type.table);
  }
  EXPECT_GT(compared, 200u);
  // Every kind of read stored something: Resource Graph rows, children
  // (lists and single objects), extension lists, subscription lists, Graph.
  for (const char* table : {"storage_account",
                            "blob_service",
                            "blob_container",
                            "server_configuration",
                            "sql_encryption_protector",
                            "sql_transparent_data_encryption",
                            "key_vault_key",
                            "key_vault_secret",
                            "diagnostic_setting",
                            "site_config",
                            "pricing",
                            "subscription_diagnostic_setting",
                            "security_group",
                            "security_rule",
                            "conditional_access_policy",
                            "named_location",
                            "authorization_policy",
                            "security_defaults_policy",
                            "entra_user",
                            "user_registration_details",
                            "entra_group",
                            "directory_role_assignment",
                            "service_principal"})
    EXPECT_FALSE(empty.count(table)) << table << " is empty";
  // The Entra ID tenant is a connector, with the subscriptions.
  EXPECT_EQ(column("connector", "id", summary->scan_id).size(), mock.subscriptions().size() + 1);
  std::filesystem::remove(imported);
}

TEST_F(AzureInventoryTest, RequestsNoMoreThanThePagesAndChildReads) {
  load_inventory();
  auto summary = collect(inventory_options());
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  // One Resource Graph request per table (fewer than 1,000 rows, fewer than
  // 1,000 subscriptions): resourcecontainers for the subscriptions, resources
  // and securityresources; and one GET per planned read.
  size_t graph_queries = mock.count("Microsoft.ResourceGraph");
  EXPECT_EQ(graph_queries, 3u);
  auto requests = mock.requests();
  std::set<std::string> targets;
  for (const auto& r : requests) {
    EXPECT_TRUE(targets.insert(r.method + " " + r.target).second || r.method == "POST")
        << "sent twice: " << r.target;
    EXPECT_EQ(r.status, 200) << r.target;
  }
  EXPECT_EQ(summary->http.requests + summary->graph_http.requests, requests.size());
  // The resources query names the modelled types, projects what the schema
  // reads, ordered by id, pages of 1,000; securityresources the Defender plans.
  std::set<std::string> tables;
  for (const auto& r : requests) {
    if (r.method != "POST") continue;
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["options"]["$top"], 1000);
    std::string query = body["query"];
    std::string table = query.substr(0, query.find(' '));
    tables.insert(table);
    EXPECT_NE(query.find("| order by id asc"), std::string::npos);
    EXPECT_NE(query.find("| project id, "), std::string::npos) << query;
    if (table == "resourcecontainers") continue;
    EXPECT_EQ(body["subscriptions"].size(), mock.subscriptions().size());
    if (table == "securityresources") {
      EXPECT_NE(query.find("in~ ('microsoft.security/pricings')"), std::string::npos) << query;
      continue;
    }
    EXPECT_NE(query.find("'microsoft.storage/storageaccounts'"), std::string::npos);
    EXPECT_NE(query.find("'microsoft.web/sites'"), std::string::npos);
    EXPECT_EQ(query.find("blobservices"), std::string::npos) << "children are GETs";
    EXPECT_EQ(query.find("pricings"), std::string::npos);
  }
  EXPECT_EQ(tables,
            (std::set<std::string>{"resourcecontainers", "resources", "securityresources"}));
  EXPECT_EQ(mock.count("/providers/Microsoft.Security/pricings?"), 0u)
      << "Defender plans come from securityresources";
}

TEST_F(AzureInventoryTest, PagesResourceGraphAndSlowsDownBeforeItsQuotaIsSpent) {
  mock.add_subscriptions(3);
  for (int i = 0; i < 25; ++i) {
    std::string guid = MockArm::guid(i % 3);
    mock.add_object(ordered_json{{"id", "/subscriptions/" + guid +
                                            "/resourceGroups/rg/providers/Microsoft.KeyVault/"
                                            "vaults/kv" +
                                            std::to_string(i)},
                                 {"name", "kv" + std::to_string(i)},
                                 {"type", "microsoft.keyvault/vaults"},
                                 {"location", "westeurope"},
                                 {"subscriptionId", guid},
                                 {"properties", {{"enableSoftDelete", true}}}}
                        .dump());
  }
  mock.set_resource_page_size(4);
  mock.set_resource_graph_quota(3, 1s);
  auto o = inventory_options();
  o.types = {"kmsVaults"};
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(count("key_vault", summary->scan_id), 25u);
  // The subscriptions (one page), then 25 rows, 4 a page.
  EXPECT_EQ(mock.count("Microsoft.ResourceGraph"), 8u);
  EXPECT_EQ(summary->http.throttled, 0u) << "the quota headers slowed it down first";
  EXPECT_GE(summary->http.quota_pauses, 1u);
  int with_token = 0;
  for (const auto& r : mock.requests())
    if (r.method == "POST")
      with_token += nlohmann::json::parse(r.body)["options"].contains("$skipToken");
  EXPECT_EQ(with_token, 6);
  // Only what --types asked for (and its subscription) was read.
  EXPECT_EQ(mock.count("securityContacts"), 0u);
  EXPECT_EQ(mock.count("/v1.0/"), 0u);
}

TEST_F(AzureInventoryTest, AsksResourceGraphAboutAThousandSubscriptionsAtATime) {
  mock.add_subscriptions(1001);
  mock.set_page_size(1001);
  auto o = inventory_options();
  o.types = {"storageAccounts"};
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  std::vector<size_t> sizes;
  for (const auto& r : mock.requests()) {
    if (r.method != "POST") continue;
    auto body = nlohmann::json::parse(r.body);
    if (body.contains("subscriptions")) sizes.push_back(body["subscriptions"].size());
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 1000}));
}

TEST_F(AzureInventoryTest, WhatCannotBeReadIsAnErrorOfWhatItBelongsTo) {
  load_inventory();
  auto subscriptions = mock.subscriptions();
  ASSERT_GE(subscriptions.size(), 2u);
  // Resource Graph refuses the batch holding a forbidden subscription: the
  // collector asks again one subscription at a time.
  mock.forbid_subscription(subscriptions.back().guid);
  std::string account =
      "/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-data/providers/"
      "Microsoft.Storage/storageAccounts/stcontosohardened";
  mock.add_fault("stcontosohardened/blobServices/default?", Fault::http(404));
  mock.add_fault("/v1.0/users", Fault::http(403));
  mock.add_fault("/v1.0/reports/authenticationMethods", Fault::throttle(1));
  mock.add_fault("firewallRules", Fault::http(503), 2);
  mock.add_fault("/config/web", Fault::malformed("{\"id\": 1"), 1);
  auto o = inventory_options();
  o.client.retry_after_cap = 1s;
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "partial");
  std::map<std::string, store::CollectionError> by_child;
  for (const auto& e : errors(summary->scan_id)) {
    EXPECT_EQ(e.message.find(MockArm::kStaticToken), std::string::npos);
    by_child.emplace(e.resource + " " + e.child_type, e);
  }
  std::string forbidden = "/subscriptions/" + subscriptions.back().guid;
  ASSERT_TRUE(by_child.count(forbidden + " StorageAccount"));
  EXPECT_EQ(by_child[forbidden + " StorageAccount"].http_status, 403);
  EXPECT_NE(by_child[forbidden + " StorageAccount"].message.find(
                "POST " + mock.url() + "/providers/Microsoft.ResourceGraph"),
            std::string::npos);
  for (const auto& [key, e] : by_child)
    if (e.resource.rfind("/subscriptions/", 0) == 0 && e.resource.size() < 60) {
      EXPECT_EQ(e.resource, forbidden) << "only the forbidden subscription lacks resources";
    }
  // A 404 on a child setting: an error of its owner, naming the child type.
  bool blob = false;
  for (const auto& [key, e] : by_child)
    if (text::ascii_lower(e.resource) == text::ascii_lower(account) &&
        e.child_type == "BlobService") {
      blob = true;
      EXPECT_EQ(e.type, "StorageAccount");
      EXPECT_EQ(e.http_status, 404);
      EXPECT_NE(e.message.find("GET " + mock.url()), std::string::npos) << e.message;
      EXPECT_NE(e.message.find("blobServices/default?api-version=2023-05-01"), std::string::npos);
    }
  EXPECT_TRUE(blob);
  // A Graph permission missing: an error of the tenant for users.
  bool users = false;
  for (const auto& [key, e] : by_child)
    if (e.child_type == "User") {
      users = true;
      EXPECT_EQ(e.resource.rfind("/tenants/", 0), 0u);
      EXPECT_EQ(e.http_status, 403);
    }
  EXPECT_TRUE(users);
  // The malformed config/web body is an error of its site, the 503s and the
  // 429 were retried and read.
  bool config = false;
  for (const auto& [key, e] : by_child)
    if (e.child_type == "SiteConfig") {
      config = true;
      EXPECT_NE(e.message.find("malformed JSON"), std::string::npos) << e.message;
    }
  EXPECT_TRUE(config);
  EXPECT_GE(summary->graph_http.throttled, 1u);
  EXPECT_GE(summary->http.retries, 2u);
  EXPECT_GT(count("user_registration_details", summary->scan_id), 0u);
  EXPECT_EQ(count("entra_user", summary->scan_id), 0u);
}

TEST_F(AzureInventoryTest, PagesMicrosoftGraphByNextLink) {
  load_inventory();
  mock.set_list_page_size(1);
  auto o = inventory_options();
  o.types = {"users", "conditionalAccessPolicies"};
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "complete");
  EXPECT_EQ(count("entra_user", summary->scan_id), 3u);
  EXPECT_EQ(count("conditional_access_policy", summary->scan_id), 3u);
  EXPECT_EQ(mock.count("/v1.0/users"), 3u);
  EXPECT_EQ(mock.count("Microsoft.ResourceGraph"), 1u) << "only the subscriptions";
}

TEST_F(AzureInventoryTest, WithoutAGraphCredentialEntraTypesAreNotCollected) {
  load_inventory();
  auto o = inventory_options();
  o.graph_credential = nullptr;
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_FALSE(summary->graph_skipped.empty());
  EXPECT_EQ(mock.count("/v1.0/"), 0u);
  auto collected = open_store().collected_types(summary->scan_id).value();
  ASSERT_TRUE(collected.has_value());
  std::set<std::string> types(collected->begin(), collected->end());
  EXPECT_TRUE(types.count("StorageAccount"));
  EXPECT_FALSE(types.count("User"));
  EXPECT_FALSE(types.count("ConditionalAccessPolicy"));
}

TEST_F(AzureInventoryTest, AnInterruptionOrAFailureKeepsTheLastCompleteScan) {
  load_inventory();
  auto first = collect(inventory_options());
  ASSERT_TRUE(first.ok()) << first.errors()[0].message;
  size_t accounts = count("storage_account", first->scan_id);
  ASSERT_GT(accounts, 0u);
  // Interrupted among the child reads.
  std::atomic<bool> cancel{false};
  auto o = inventory_options();
  o.client.cancel = &cancel;
  o.progress = [&cancel](const azure::CollectProgress& p) {
    if (p.phase == "resources" && p.requests_done >= 5) cancel = true;
  };
  auto interrupted = collect(o);
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.errors()[0].code, "interrupted");
  // The subscription list fails: nothing of the scan is kept either.
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(403));
  mock.add_fault("/subscriptions?", Fault::http(403));
  EXPECT_FALSE(collect(inventory_options()).ok());
  auto all = scans();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].status, "failed");
  EXPECT_EQ(all[2].status, "failed");
  for (const auto& scan : {all[1].id, all[2].id}) {
    EXPECT_EQ(count("storage_account", scan), 0u);
    EXPECT_EQ(count("connector", scan), 0u);
  }
  EXPECT_EQ(count("storage_account", first->scan_id), accounts);
}

// A page that still times out after the retries is a collection error naming
// the request; the scan is partial and the earlier complete scan keeps its rows.
TEST_F(AzureInventoryTest, APageThatTimesOutIsAnErrorOfAPartialScan) {
  load_inventory();
  auto first = collect(inventory_options());
  ASSERT_TRUE(first.ok()) << first.errors()[0].message;
  ASSERT_EQ(first->status, "complete");
  auto o = inventory_options();
  o.client.timeout = 300ms;
  o.client.max_retries = 1;
  o.client.backoff_base = 10ms;
  // Resource Graph: every request after the subscription listing.
  mock.add_fault("Microsoft.ResourceGraph", Fault::slow(2000ms), 100, 1);
  // Microsoft Graph: the groups.
  mock.add_fault("/v1.0/groups", Fault::slow(2000ms), 100);
  auto summary = collect(o);
  ASSERT_TRUE(summary.ok()) << summary.errors()[0].message;
  EXPECT_EQ(summary->status, "partial");
  bool resource_graph = false, graph = false;
  for (const auto& e : errors(summary->scan_id)) {
    if (e.child_type == "StorageAccount" || e.child_type == "Pricing") {
      resource_graph = true;
      EXPECT_EQ(e.resource.rfind("/subscriptions/", 0), 0u);
      EXPECT_NE(e.message.find("POST " + mock.url() +
                               "/providers/Microsoft.ResourceGraph/resources?api-version="),
                std::string::npos)
          << e.message;
      EXPECT_NE(e.message.find("timed out"), std::string::npos) << e.message;
      EXPECT_EQ(e.http_status, 0);
    }
    if (e.child_type == "Group") {
      graph = true;
      EXPECT_EQ(e.resource.rfind("/tenants/", 0), 0u);
      EXPECT_NE(e.message.find("GET " + mock.url() + "/v1.0/groups"), std::string::npos)
          << e.message;
      EXPECT_NE(e.message.find("timed out"), std::string::npos) << e.message;
    }
    EXPECT_EQ(e.message.find(MockArm::kStaticToken), std::string::npos);
  }
  EXPECT_TRUE(resource_graph);
  EXPECT_TRUE(graph);
  EXPECT_EQ(count("storage_account", summary->scan_id), 0u);
  EXPECT_EQ(count("entra_group", summary->scan_id), 0u);
  EXPECT_GT(count("entra_user", summary->scan_id), 0u) << "the other Graph paths were read";
  // The earlier complete scan keeps every row; the partial one is what checks
  // read next, its unread parts ERROR (never a pass).
  EXPECT_GT(count("storage_account", first->scan_id), 0u);
  EXPECT_GT(count("entra_group", first->scan_id), 0u);
  auto latest = open_store().latest_complete_scan().value();
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, summary->scan_id);
  EXPECT_EQ(latest->status, "partial");
}

TEST(CollectionPlan, FollowsTheSchemasDeclarations) {
  auto plan = azure::plan_collection(schema::builtin(), {});
  ASSERT_TRUE(plan.ok());
  // Every top-level @arm type without a list of its own is a Resource Graph type.
  EXPECT_TRUE(std::binary_search(plan->resource_graph_types.begin(),
                                 plan->resource_graph_types.end(),
                                 "microsoft.storage/storageaccounts"));
  // Defender plans are in securityresources (@arm(table:)); one query per table.
  ASSERT_EQ(plan->resource_graph.size(), 2u);
  const auto& resources = plan->resource_graph[0];
  const auto& security = plan->resource_graph[1];
  EXPECT_EQ(resources.table, "resources");
  EXPECT_EQ(security.table, "securityresources");
  EXPECT_EQ(security.arm_types, std::vector<std::string>{"microsoft.security/pricings"});
  EXPECT_EQ(security.text(),
            "securityresources | where type in~ ('microsoft.security/pricings') | project id, "
            "name, properties, type | order by id asc");
  // The projection: what the declarations read, and only Resource Graph's columns.
  for (const auto& c : resources.columns)
    EXPECT_TRUE(azure::resource_graph_columns().count(c)) << c;
  std::set<std::string> columns(resources.columns.begin(), resources.columns.end());
  for (const char* c : {"id", "name", "type", "kind", "properties", "location"})
    EXPECT_TRUE(columns.count(c)) << c;
  EXPECT_FALSE(columns.count("managedBy"));
  std::set<std::string> connector_reads, vault_reads;
  for (const auto& r : plan->children["Connector"]) connector_reads.insert(r.path);
  for (const auto& r : plan->children["KeyVault"]) vault_reads.insert(r.path + "@" + r.api_version);
  EXPECT_FALSE(connector_reads.count("providers/Microsoft.Security/pricings"));
  EXPECT_TRUE(connector_reads.count("providers/Microsoft.Security/settings"));
  EXPECT_TRUE(vault_reads.count("keys@2023-07-01"));
  EXPECT_TRUE(
      vault_reads.count("providers/Microsoft.Insights/diagnosticSettings@2021-05-01-preview"));
  EXPECT_TRUE(plan->graph());
  auto subset = azure::plan_collection(schema::builtin(), {"blobServices"});
  ASSERT_TRUE(subset.ok());
  EXPECT_EQ(subset->resource_graph_types,
            std::vector<std::string>{"microsoft.storage/storageaccounts"});
  EXPECT_FALSE(subset->graph());
  EXPECT_FALSE(subset->contacts);
  auto unknown = azure::plan_collection(schema::builtin(), {"storageAcounts"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.errors()[0].message.find("--types"), std::string::npos);
}

}  // namespace
}  // namespace posture::testing
