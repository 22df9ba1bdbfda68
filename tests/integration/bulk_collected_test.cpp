// Missing data never passes, by what a scan collected, through the real
// program: a check reading a type the scan did not collect is one ERROR
// finding that says so, a type declared collected (`--collected`) with no
// object passes with no findings; an ARM error object in place of a child
// makes the checks reading that child ERROR for its parent, and no other; an
// object of a type not modelled is kept raw and counted, never dropped.
#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "tests/integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

const std::string kSub = "/subscriptions/c0ffee00-0000-4000-8000-0000000000aa";
const std::string kAccounts =
    kSub + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/";

std::string subscription() {
  return json{{"id", kSub},
              {"subscriptionId", "c0ffee00-0000-4000-8000-0000000000aa"},
              {"displayName", "Trust"},
              {"state", "Enabled"},
              {"tenantId", "aaaaaaaa-0000-4000-8000-000000000000"}}
             .dump() +
         "\n";
}

// A storage account that requires TLS 1.2, and (when `blobs`) its blob
// service with both soft deletes on.
std::string account(const std::string& name, bool blobs) {
  std::string out = json{{"id", kAccounts + name},
                         {"name", name},
                         {"type", "Microsoft.Storage/storageAccounts"},
                         {"properties", {{"minimumTlsVersion", "TLS1_2"}}}}
                        .dump() +
                    "\n";
  if (blobs)
    out += json{{"id", kAccounts + name + "/blobServices/default"},
                {"type", "Microsoft.Storage/storageAccounts/blobServices"},
                {"properties",
                 {{"deleteRetentionPolicy", {{"enabled", true}, {"days", 14}}},
                  {"containerDeleteRetentionPolicy", {{"enabled", true}, {"days", 14}}}}}}
               .dump() +
           "\n";
  return out;
}

const json* find_check(const json& report, const std::string& id) {
  for (const auto& c : report["checks"])
    if (c["id"] == id) return &c;
  return nullptr;
}

const char* const kCosmos = "azure-cosmosdb-local-auth-disabled";
const char* const kSoftDelete = "azure-storage-blob-soft-delete-enabled";  // reads blobServices
const char* const kTls = "azure-storage-minimum-tls-1-2";                  // does not

TEST_F(BulkTest, ATypeTheImportDidNotCollectIsAnErrorThatSaysSo) {
  std::string file = write("storage.jsonl", subscription() + account("stok", true));
  Process import = run({"import", "--db", db_, file});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  Process table = run({"check", "--db", db_, "--scan", "2", "--check", kCosmos, "--check", kTls});
  EXPECT_EQ(table.exit_code, 2) << table.out << table.err;
  EXPECT_NE(table.out.find("cosmosDbAccounts were not collected in scan 2: import their ARM "
                           "objects, or state that the input lists every one with `posture "
                           "import --collected cosmosDbAccounts`"),
            std::string::npos)
      << table.out;

  Process doc = run({"check", "--db", db_, "--scan", "2", "--check", kCosmos, "--check", kTls,
                     "--format", "json"});
  json report = json::parse(doc.out);
  const json* cosmos = find_check(report, kCosmos);
  ASSERT_NE(cosmos, nullptr);
  EXPECT_EQ((*cosmos)["status"], "ERROR");
  ASSERT_EQ((*cosmos)["findings"].size(), 1u);
  EXPECT_EQ((*cosmos)["findings"][0]["resource"], "");
  const json* tls = find_check(report, kTls);
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ((*tls)["status"], "PASS") << tls->dump();
  EXPECT_EQ((*tls)["counts"]["pass"], 1);
}

TEST_F(BulkTest, ATypeDeclaredCollectedWithNoObjectHasNoneAndItsChecksPass) {
  std::string file = write("storage.jsonl", subscription() + account("stok", true));
  Process import = run({"import", "--db", db_, "--collected", "cosmosDbAccounts", file});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(
      import.err.find(
          "  none of 2 types collected completely: cosmosDbAccounts, privateEndpointConnections\n"),
      std::string::npos)
      << import.err;
  Process doc = run({"check", "--db", db_, "--check", kCosmos, "--format", "json"});
  EXPECT_EQ(doc.exit_code, 0) << doc.out << doc.err;
  json report = json::parse(doc.out);
  const json* cosmos = find_check(report, kCosmos);
  ASSERT_NE(cosmos, nullptr);
  EXPECT_EQ((*cosmos)["status"], "PASS");
  EXPECT_TRUE((*cosmos)["findings"].empty());
  EXPECT_EQ((*cosmos)["counts"], (json{{"pass", 0}, {"fail", 0}, {"error", 0}, {"muted", 0}}));
  // The table shows it as a pass over no resources.
  Process table = run({"check", "--db", db_, "--check", kCosmos});
  EXPECT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("PASS   medium   azure-cosmosdb-local-auth-disabled"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("1 check: 1 passed, 0 failed, 0 with errors"), std::string::npos)
      << table.out;

  // `all`: every type is listed completely, so no check is an error.
  Process everything = run({"import", "--db", db_, "--collected", "all", file});
  ASSERT_EQ(everything.exit_code, 0) << everything.err;
  Process all = run({"check", "--db", db_, "--format", "json"});
  json all_report = json::parse(all.out);
  EXPECT_EQ(all_report["summary"]["error"], 0) << all.out.substr(0, 2000);
  EXPECT_GT(all_report["summary"]["pass"].get<int>(), 0);
}

TEST_F(BulkTest, AnUnknownCollectedTypeIsRefusedWithASuggestion) {
  std::string file = write("storage.jsonl", subscription());
  Process import = run({"import", "--db", db_, "--collected", "storageAcounts", file});
  EXPECT_EQ(import.exit_code, 2) << import.err;
  EXPECT_NE(import.err.find("--collected: no asset type `storageAcounts`"), std::string::npos)
      << import.err;
  EXPECT_NE(import.err.find("did you mean `storageAccounts`?"), std::string::npos) << import.err;
  Process scans = run({"scans", "--db", db_, "--format", "json"});
  EXPECT_EQ(json::parse(scans.out)["scans"].size(), 1u) << "nothing imported";
}

TEST_F(BulkTest, AChildThatCouldNotBeReadMakesOnlyTheChecksReadingItErrors) {
  const std::string denied = kAccounts + "stdenied/blobServices/default";
  std::string error = json{{"id", denied},
                           {"type", "Microsoft.Storage/storageAccounts/blobServices"},
                           {"status", 403},
                           {"error",
                            {{"code", "AuthorizationFailed"},
                             {"message",
                              "The client does not have authorization to perform action "
                              "'Microsoft.Storage/storageAccounts/blobServices/read'"}}}}
                          .dump() +
                      "\n";
  std::string file = write(
      "storage.jsonl", subscription() + account("stok", true) + account("stdenied", false) + error);
  Process import = run({"import", "--db", db_, file});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.err.find("recorded 1 collection error"), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("stored 1 blobServices"), std::string::npos)
      << "the error is not a row: " << import.err;

  Process doc =
      run({"check", "--db", db_, "--check", kSoftDelete, "--check", kTls, "--format", "json"});
  EXPECT_EQ(doc.exit_code, 2) << doc.out << doc.err;
  json report = json::parse(doc.out);
  const json* soft = find_check(report, kSoftDelete);
  ASSERT_NE(soft, nullptr);
  EXPECT_EQ((*soft)["status"], "ERROR");
  std::map<std::string, json> by_resource;
  for (const auto& f : (*soft)["findings"]) by_resource[f["resource"]] = f;
  ASSERT_EQ(by_resource.size(), 2u) << soft->dump();
  EXPECT_EQ(by_resource[kAccounts + "stok"]["status"], "PASS");
  const json& failed = by_resource[kAccounts + "stdenied"];
  EXPECT_EQ(failed["status"], "ERROR") << "never a FAIL on missing settings, nor a PASS";
  const std::string detail = failed["detail"];
  EXPECT_NE(detail.find("blobServices/default (blobServices) could not be read: HTTP 403 "
                        "AuthorizationFailed: The client does not have authorization"),
            std::string::npos)
      << detail;
  // A check that does not read blobServices is not affected.
  const json* tls = find_check(report, kTls);
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ((*tls)["status"], "PASS") << tls->dump();
  EXPECT_EQ((*tls)["counts"]["pass"], 2);

  // The error is kept with its scan: the parent, its type and the child type.
  Process scans = run({"scans", "--db", db_, "--format", "json"});
  json last = json::parse(scans.out)["scans"].back();
  ASSERT_EQ(last["errors"].size(), 1u) << last.dump();
  EXPECT_EQ(last["errors"][0]["resource"], kAccounts + "stdenied");
  EXPECT_EQ(last["errors"][0]["type"], "StorageAccount");
  EXPECT_EQ(last["errors"][0]["child_type"], "BlobService");
  EXPECT_EQ(last["errors"][0]["http_status"], 403);
}

TEST_F(BulkTest, AnErrorObjectWithoutAChildToPlaceIsAnImportError) {
  std::string error = json{{"error", {{"code", "AuthorizationFailed"}, {"message", "no"}}}}.dump();
  std::string file = write("bad.jsonl", subscription() + error + "\n");
  Process import = run({"import", "--db", db_, file});
  EXPECT_EQ(import.exit_code, 2) << import.err;
  EXPECT_NE(import.err.find("bad.jsonl:2"), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("without the `id` of what could not be read"), std::string::npos)
      << import.err;
  Process scans = run({"scans", "--db", db_, "--format", "json"});
  EXPECT_EQ(json::parse(scans.out)["scans"].size(), 1u) << "nothing imported";
}

TEST_F(BulkTest, ObjectsNotModelledAreKeptRawAndCountedPerType) {
  std::string group = json{
      {"id", kSub + "/resourceGroups/rg"},
      {"type", "Microsoft.Resources/resourceGroups"},
      {"location",
       "westeurope"}}.dump();
  std::string file =
      write("mixed.jsonl", subscription() + group + "\n" + group + "\n" + "{\"name\":\"x\"}\n");
  Process import = run({"import", "--db", db_, file});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.err.find("1 subscription, 0 security contacts, 3 kept raw"), std::string::npos)
      << import.err;
  EXPECT_NE(import.err.find("warning: kept 3 objects raw ("), std::string::npos) << import.err;
  EXPECT_NE(import.err.find(" in the store's table _unmodelled) that checks do not read"),
            std::string::npos)
      << import.err;
  EXPECT_NE(import.err.find("  2 microsoft.resources/resourcegroups (not modelled: kept raw)"),
            std::string::npos)
      << import.err;

  auto store = store::Store::open(db_, posture::schema::builtin(), store::OpenMode::ReadOnly);
  ASSERT_TRUE(store.ok()) << format(store.errors());
  auto counts = store->unmodelled_counts(2);
  ASSERT_TRUE(counts.ok()) << format(counts.errors());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].first, "") << "an object with no id or type is kept too";
  EXPECT_EQ((*counts)[0].second.first, 1u);
  EXPECT_EQ((*counts)[1].first, "Microsoft.Resources/resourceGroups");
  EXPECT_EQ((*counts)[1].second.first, 2u);
  EXPECT_EQ((*counts)[1].second.second, 2 * group.size()) << "the JSON as it came";
  EXPECT_TRUE(store->unmodelled_counts(1)->empty()) << "the sample holds only modelled types";
}

TEST_F(BulkTest, ScansListWhatEachScanCollectedAndKeptRaw) {
  std::string group =
      json{{"id", kSub + "/resourceGroups/rg"}, {"type", "Microsoft.Resources/resourceGroups"}}
          .dump();
  std::string file = write("scan.jsonl", subscription() + account("stok", false) + group + "\n");
  ASSERT_EQ(run({"import", "--db", db_, "--collected", "cosmosDbAccounts", file}).exit_code, 0);
  ASSERT_EQ(run({"import", "--db", db_, "--collected", "all", file}).exit_code, 0);

  Process doc = run({"scans", "--db", db_, "--format", "json"});
  ASSERT_EQ(doc.exit_code, 0) << doc.err;
  json scans = json::parse(doc.out)["scans"];
  ASSERT_EQ(scans.size(), 3u);
  // Scan 2 collected what it held, the @elements types read from the same
  // objects, and the type declared collected; nothing else.
  json second = scans[1]["collected_types"];
  ASSERT_TRUE(second.is_array()) << scans[1].dump();
  for (const char* type : {"Connector", "StorageAccount", "CosmosDbAccount"})
    EXPECT_NE(std::find(second.begin(), second.end(), type), second.end()) << type << second;
  for (const char* type : {"KeyVault", "BlobService", "User"})
    EXPECT_EQ(std::find(second.begin(), second.end(), type), second.end()) << type << second;
  EXPECT_EQ(scans[2]["collected_types"].size(), posture::schema::builtin().types().size());
  EXPECT_EQ(
      scans[1]["unmodelled"],
      (json{{"Microsoft.Resources/resourceGroups", {{"objects", 1}, {"bytes", group.size()}}}}));

  Process table = run({"scans", "--db", db_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("      collected " + std::to_string(second.size()) + " of " +
                           std::to_string(posture::schema::builtin().types().size()) + " types: "),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("      collected all " +
                           std::to_string(posture::schema::builtin().types().size()) + " types\n"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("      kept raw 1 object of 1 type not modelled\n"), std::string::npos)
      << table.out;
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("      collected ", 0) == 0 || line.rfind("        ", 0) == 0) {
      EXPECT_LE(line.size(), 100u) << "wrapped: " << line;
    }
  }
}

// An Entra ID tenant is a connector (cloudProvider entra) that queries on
// Entra read, and no subscription: the checks of Azure subscriptions neither
// pass nor fail it.
TEST_F(BulkTest, AnEntraTenantIsNotJudgedByTheChecksOfSubscriptions) {
  std::string organization =
      json{{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#organization"},
           {"value", json::array({{{"id", "aaaaaaaa-0000-4000-8000-000000000000"},
                                   {"displayName", "Contoso"},
                                   {"tenantType", "AAD"}}})}}
          .dump();
  std::string file = write("tenant.jsonl", subscription() + organization + "\n");
  ASSERT_EQ(run({"import", "--db", db_, "--collected", "all", file}).exit_code, 0);
  Process doc = run({"check", "--db", db_, "--scan", "2", "--format", "json"});
  json report = json::parse(doc.out);
  size_t subscription_findings = 0;
  for (const auto& check : report["checks"]) {
    for (const auto& finding : check["findings"]) {
      EXPECT_EQ(finding["resource"].get<std::string>().rfind("/tenants/", 0), std::string::npos)
          << check["id"] << ": " << finding.dump();
      if (finding["resource"] == kSub) ++subscription_findings;
    }
  }
  EXPECT_GE(subscription_findings, 17u) << "the subscription is still judged";
  const json* contact = find_check(report, "azure-security-contact-configured");
  ASSERT_NE(contact, nullptr);
  EXPECT_EQ((*contact)["counts"]["fail"], 1) << contact->dump();

  // The organization made the import a scan of its tenant, beside the
  // fixture's scan of no tenant: a read names the tenant.
  Process ambiguous = run({"query", "--db", db_, "-e", "{ connectors { id } }"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("--tenant"), std::string::npos) << ambiguous.err;
  Process entra =
      run({"query", "--db", db_, "--tenant", "aaaaaaaa-0000-4000-8000-000000000000", "-e",
           R"({ connectors(where: { cloudProvider: { eq: "entra" } }) { id provider } })"});
  ASSERT_EQ(entra.exit_code, 0) << entra.err;
  EXPECT_EQ(json::parse(entra.out)["data"]["connectors"],
            json::parse(R"([{"id": "/tenants/aaaaaaaa-0000-4000-8000-000000000000",
                             "provider": "entra"}])"));
}

}  // namespace
}  // namespace posture::bulk
