// End-to-end test of the stored checks over the resource types beyond
// subscriptions and security contacts: runs the real `posture` program on
// collectors/samples/azure-sample.jsonl and asserts, for every such check, the
// verdict of every resource it judges against a table written by hand from the
// sample's ARM JSON, the SDL's fills and documented defaults
// (docs/data-model.md) and each check's filter (two-valued, docs/query-language.md).
// The table is the sample README's "Resources" section; it is never read back
// from the program's output. Each of these checks must have a PASS and a FAIL on
// the sample, and no ERROR.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/sample_e2e.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One resource's expected verdict and why.
struct Expect {
  const char* name;    // the resource's name (unique per type in the sample)
  const char* status;  // PASS | FAIL
  const char* why;
};

// A check and the verdict of each resource of its subject type.
struct CheckTable {
  const char* id;
  std::vector<Expect> resources;
};

// The sample's subscriptions by number (collectors/samples/README.md).
std::string subscription(int n) {
  char id[64];
  std::snprintf(id, sizeof id, "/subscriptions/c0ffee00-0000-4000-8000-0000000000%02d", n);
  return id;
}

// A Defender for Cloud check on subscriptions: the subscriptions that pass it;
// every other one fails. Only 01, 06 and 10 have pricings and settings in the
// sample; the 13 others have none, and a missing plan or setting fails (NOT
// pricing_SOME / dataExportSettings_SOME {...}).
struct SubscriptionCheck {
  const char* id;
  std::set<int> passing;
  const char* why;
};

// clang-format off
const std::vector<SubscriptionCheck> kSubscriptionChecks = {
  // 01: every plan Standard. 06: Servers, SQL, Storage, Key Vault Standard, the
  // rest Free. 10: App Service, SQL on machines, open-source DBs, Containers,
  // Cosmos DB, Arm Standard, the rest Free, and no Dns plan at all.
  {"azure-defender-for-servers-on", {1, 6}, "10 has VirtualMachines Free"},
  {"azure-defender-for-app-service-on", {1, 10}, "06 has AppServices Free"},
  {"azure-defender-for-sql-databases-on", {1, 6}, "10 has SqlServers Free"},
  {"azure-defender-for-sql-on-machines-on", {1, 10}, "06 has SqlServerVirtualMachines Free"},
  {"azure-defender-for-open-source-databases-on", {1, 10}, "06 has OpenSourceRelationalDatabases Free"},
  {"azure-defender-for-storage-on", {1, 6}, "10 has StorageAccounts Free"},
  {"azure-defender-for-containers-on", {1, 10}, "06 has Containers Free"},
  {"azure-defender-for-cosmos-db-on", {1, 10}, "06 has CosmosDbs Free"},
  {"azure-defender-for-key-vault-on", {1, 6}, "10 has KeyVaults Free"},
  {"azure-defender-for-dns-on", {1}, "06 has Dns Free; 10's list has no Dns plan (missing fails)"},
  {"azure-defender-for-resource-manager-on", {1, 10}, "06 has Arm Free"},
  // Settings: 01 MCAS and WDATP on; 06 MCAS off, WDATP on; 10 MCAS on, WDATP off.
  {"azure-defender-cloud-apps-integration-on", {1, 10}, "06 has MCAS enabled: false"},
  {"azure-defender-endpoint-integration-on", {1, 6}, "10 has WDATP enabled: false"},
};

const std::vector<CheckTable> kResourceChecks = {
  // --- storage accounts: hardened (01), legacy with no optional property (01),
  // web with every setting bad (06), data lake (10) ---
  {"azure-storage-secure-transfer-required", {
    {"stcontosohardened", "PASS", "supportsHttpsTrafficOnly true"},
    {"stcontosolegacy", "PASS", "absent: documented default true"},
    {"stfabrikamweb", "FAIL", "supportsHttpsTrafficOnly false"},
    {"sttailspinlake", "PASS", "true"}}},
  {"azure-storage-infrastructure-encryption", {
    {"stcontosohardened", "PASS", "requireInfrastructureEncryption true"},
    {"stcontosolegacy", "FAIL", "absent: fill false"},
    {"stfabrikamweb", "FAIL", "false"},
    {"sttailspinlake", "PASS", "true"}}},
  {"azure-storage-key-rotation-reminder", {
    {"stcontosohardened", "PASS", "60 days"},
    {"stcontosolegacy", "FAIL", "no key policy: fill 0"},
    {"stfabrikamweb", "FAIL", "180 days > 90"},
    {"sttailspinlake", "PASS", "90 days: the boundary passes"}}},
  {"azure-storage-sas-expiry-within-one-hour", {
    {"stcontosohardened", "PASS", "0.00:30:00"},
    {"stcontosolegacy", "FAIL", "no SAS policy: action fill \"\""},
    {"stfabrikamweb", "FAIL", "1.00:00:00 is a day"},
    {"sttailspinlake", "PASS", "0.01:00:00: the boundary passes"}}},
  {"azure-storage-blob-anonymous-access-disabled", {
    {"stcontosohardened", "PASS", "allowBlobPublicAccess false"},
    {"stcontosolegacy", "PASS", "absent: documented default false (2023-05-01)"},
    {"stfabrikamweb", "FAIL", "true"},
    {"sttailspinlake", "PASS", "false"}}},
  {"azure-storage-default-network-action-deny", {
    {"stcontosohardened", "PASS", "Deny"},
    {"stcontosolegacy", "FAIL", "no networkAcls: default Allow"},
    {"stfabrikamweb", "FAIL", "Allow"},
    {"sttailspinlake", "PASS", "Deny"}}},
  {"azure-storage-trusted-services-bypass", {
    {"stcontosohardened", "PASS", "bypass AzureServices"},
    {"stcontosolegacy", "PASS", "no networkAcls: default AzureServices"},
    {"stfabrikamweb", "FAIL", "\"Logging, Metrics\""},
    {"sttailspinlake", "FAIL", "\"None\""}}},
  {"azure-storage-public-network-access-disabled", {
    {"stcontosohardened", "PASS", "Disabled"},
    {"stcontosolegacy", "FAIL", "absent: no documented default, null fails"},
    {"stfabrikamweb", "FAIL", "Enabled"},
    {"sttailspinlake", "FAIL", "Enabled"}}},
  {"azure-storage-blob-soft-delete-enabled", {
    {"stcontosohardened", "PASS", "blob and container soft delete on"},
    {"stcontosolegacy", "FAIL", "blob service without the settings: fill false"},
    {"stfabrikamweb", "FAIL", "container soft delete off"},
    {"sttailspinlake", "FAIL", "no blob service record"}}},
  {"azure-storage-customer-managed-key", {
    {"stcontosohardened", "PASS", "keySource Microsoft.Keyvault"},
    {"stcontosolegacy", "FAIL", "no keySource: default Microsoft.Storage"},
    {"stfabrikamweb", "FAIL", "Microsoft.Storage"},
    {"sttailspinlake", "PASS", "Microsoft.Keyvault"}}},
  {"azure-storage-minimum-tls-1-2", {
    {"stcontosohardened", "PASS", "TLS1_2"},
    {"stcontosolegacy", "FAIL", "absent: documented default TLS1_0"},
    {"stfabrikamweb", "FAIL", "TLS1_1"},
    {"sttailspinlake", "PASS", "TLS1_2"}}},
  {"azure-storage-cross-tenant-replication-disabled", {
    {"stcontosohardened", "PASS", "false"},
    {"stcontosolegacy", "FAIL", "absent: no default for old accounts, null fails"},
    {"stfabrikamweb", "FAIL", "true"},
    {"sttailspinlake", "PASS", "false"}}},
  {"azure-storage-shared-key-access-disabled", {
    {"stcontosohardened", "PASS", "false"},
    {"stcontosolegacy", "FAIL", "absent: documented as true"},
    {"stfabrikamweb", "FAIL", "true"},
    {"sttailspinlake", "PASS", "false"}}},
  // --- PostgreSQL single servers ---
  {"azure-postgresql-ssl-enforced", {
    {"pg-contoso-orders", "PASS", "Enabled"},
    {"pg-contoso-legacy", "FAIL", "Disabled"},
    {"pg-fabrikam-reports", "FAIL", "absent: no default"}}},
  {"azure-postgresql-log-checkpoints-on", {
    {"pg-contoso-orders", "PASS", "on"},
    {"pg-contoso-legacy", "FAIL", "off"},
    {"pg-fabrikam-reports", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-log-connections-on", {
    {"pg-contoso-orders", "PASS", "on"},
    {"pg-contoso-legacy", "FAIL", "OFF"},
    {"pg-fabrikam-reports", "PASS", "ON (any case)"}}},
  {"azure-postgresql-log-disconnections-on", {
    {"pg-contoso-orders", "PASS", "on"},
    {"pg-contoso-legacy", "FAIL", "off"},
    {"pg-fabrikam-reports", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-connection-throttling-on", {
    {"pg-contoso-orders", "PASS", "on"},
    {"pg-contoso-legacy", "FAIL", "off"},
    {"pg-fabrikam-reports", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-log-retention-over-3-days", {
    {"pg-contoso-orders", "PASS", "7"},
    {"pg-contoso-legacy", "FAIL", "3"},
    {"pg-fabrikam-reports", "PASS", "4"}}},
  {"azure-postgresql-azure-services-access-disabled", {
    {"pg-contoso-orders", "PASS", "one office range"},
    {"pg-contoso-legacy", "FAIL", "AllowAllWindowsAzureIps 0.0.0.0-0.0.0.0"},
    {"pg-fabrikam-reports", "PASS", "no firewall rule"}}},
  {"azure-postgresql-infrastructure-double-encryption", {
    {"pg-contoso-orders", "PASS", "Enabled"},
    {"pg-contoso-legacy", "FAIL", "Disabled"},
    {"pg-fabrikam-reports", "FAIL", "absent"}}},
  // --- MySQL and MariaDB single servers ---
  {"azure-mysql-ssl-enforced", {
    {"mysql-contoso-shop", "PASS", "Enabled"},
    {"mysql-fabrikam-crm", "FAIL", "Disabled"},
    {"mysql-fabrikam-wiki", "FAIL", "absent"}}},
  {"azure-mariadb-ssl-enforced", {
    {"mariadb-contoso-cms", "PASS", "Enabled"},
    {"mariadb-fabrikam-blog", "FAIL", "absent"}}},
  // --- PostgreSQL flexible servers: core hardened, web bad, etl without parameters ---
  {"azure-postgresql-flexible-secure-transport-on", {
    {"pgflex-tailspin-core", "PASS", "on"},
    {"pgflex-tailspin-web", "FAIL", "off"},
    {"pgflex-tailspin-etl", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-flexible-log-checkpoints-on", {
    {"pgflex-tailspin-core", "PASS", "on"},
    {"pgflex-tailspin-web", "FAIL", "off"},
    {"pgflex-tailspin-etl", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-flexible-connection-throttling-on", {
    {"pgflex-tailspin-core", "PASS", "on"},
    {"pgflex-tailspin-web", "FAIL", "off"},
    {"pgflex-tailspin-etl", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-flexible-log-retention-over-3-days", {
    {"pgflex-tailspin-core", "PASS", "7"},
    {"pgflex-tailspin-web", "FAIL", "3"},
    {"pgflex-tailspin-etl", "FAIL", "parameter not in the sample"}}},
  {"azure-postgresql-flexible-azure-services-access-disabled", {
    {"pgflex-tailspin-core", "PASS", "no firewall rule"},
    {"pgflex-tailspin-web", "FAIL", "AllowAllAzureServices... 0.0.0.0-0.0.0.0"},
    {"pgflex-tailspin-etl", "PASS", "a 198.51.100.x range"}}},
  // --- MySQL flexible servers: billing hardened, forum bad, lab without parameters ---
  {"azure-mysql-flexible-secure-transport-on", {
    {"mysqlflex-tailspin-billing", "PASS", "ON"},
    {"mysqlflex-tailspin-forum", "FAIL", "OFF"},
    {"mysqlflex-tailspin-lab", "FAIL", "parameter not in the sample"}}},
  {"azure-mysql-flexible-tls-1-2", {
    {"mysqlflex-tailspin-billing", "PASS", "TLSv1.2,TLSv1.3"},
    {"mysqlflex-tailspin-forum", "FAIL", "TLSv1,TLSv1.1,TLSv1.2"},
    {"mysqlflex-tailspin-lab", "FAIL", "parameter not in the sample"}}},
  {"azure-mysql-flexible-audit-log-on", {
    {"mysqlflex-tailspin-billing", "PASS", "ON"},
    {"mysqlflex-tailspin-forum", "FAIL", "OFF"},
    {"mysqlflex-tailspin-lab", "FAIL", "parameter not in the sample"}}},
  {"azure-mysql-flexible-audit-log-connections", {
    {"mysqlflex-tailspin-billing", "PASS", "CONNECTION,ADMIN,DDL"},
    {"mysqlflex-tailspin-forum", "FAIL", "ADMIN,DDL,DML"},
    {"mysqlflex-tailspin-lab", "FAIL", "parameter not in the sample"}}},
  // --- Azure SQL servers ---
  {"azure-sql-no-ingress-from-any-ip", {
    {"sql-contoso-finance", "PASS", "one office range"},
    {"sql-fabrikam-app", "FAIL", "AllowAllWindowsAzureIps, and a range to 255.255.255.255"},
    {"sql-fabrikam-legacy", "PASS", "no firewall rule"}}},
  {"azure-sql-public-network-access-disabled", {
    {"sql-contoso-finance", "PASS", "Disabled"},
    {"sql-fabrikam-app", "FAIL", "Enabled"},
    {"sql-fabrikam-legacy", "FAIL", "absent"}}},
  {"azure-sql-minimum-tls-1-2", {
    {"sql-contoso-finance", "PASS", "1.2"},
    {"sql-fabrikam-app", "FAIL", "1.0"},
    {"sql-fabrikam-legacy", "FAIL", "absent"}}},
  // --- Cosmos DB ---
  {"azure-cosmosdb-selected-networks", {
    {"cosmos-contoso-catalog", "PASS", "virtual network filter on"},
    {"cosmos-fabrikam-events", "FAIL", "filter off, public access Enabled"},
    {"cosmos-tailspin-private", "PASS", "filter off but public access Disabled"},
    {"cosmos-tailspin-sessions", "FAIL", "neither reported: fill false, null"}}},
  {"azure-cosmosdb-local-auth-disabled", {
    {"cosmos-contoso-catalog", "PASS", "disableLocalAuth true"},
    {"cosmos-fabrikam-events", "FAIL", "false"},
    {"cosmos-tailspin-private", "PASS", "true"},
    {"cosmos-tailspin-sessions", "FAIL", "absent: fill false"}}},
  // --- container registries ---
  {"azure-acr-admin-user-disabled", {
    {"acrcontoso", "PASS", "false"},
    {"acrfabrikam", "FAIL", "true"},
    {"acrtailspin", "PASS", "absent: documented default false"}}},
  {"azure-acr-public-network-access-disabled", {
    {"acrcontoso", "PASS", "Disabled"},
    {"acrfabrikam", "FAIL", "Enabled"},
    {"acrtailspin", "FAIL", "absent: documented default Enabled"}}},
  // --- key vaults ---
  {"azure-key-vault-recoverable", {
    {"kv-contoso-data", "PASS", "soft delete and purge protection on"},
    {"kv-fabrikam-legacy", "FAIL", "neither reported"},
    {"kv-tailspin", "FAIL", "no enablePurgeProtection"}}},
  {"azure-key-vault-rbac-authorization", {
    {"kv-contoso-data", "PASS", "true"},
    {"kv-fabrikam-legacy", "FAIL", "absent: documented default false"},
    {"kv-tailspin", "PASS", "true"}}},
  // --- disks ---
  {"azure-disk-attached-customer-managed-key", {
    {"vm-contoso-app_OsDisk_1", "PASS", "Attached, disk encryption set"},
    {"disk-contoso-spare", "PASS", "Unattached: judged by the other check"},
    {"vm-fabrikam-web_OsDisk_1", "FAIL", "Attached, platform key"},
    {"disk-fabrikam-old-data", "PASS", "Unattached: judged by the other check"}}},
  {"azure-disk-unattached-customer-managed-key", {
    {"vm-contoso-app_OsDisk_1", "PASS", "Attached: judged by the other check"},
    {"disk-contoso-spare", "PASS", "Unattached, disk encryption set"},
    {"vm-fabrikam-web_OsDisk_1", "PASS", "Attached: judged by the other check"},
    {"disk-fabrikam-old-data", "FAIL", "Unattached, platform key"}}},
  {"azure-disk-public-network-access-disabled", {
    {"vm-contoso-app_OsDisk_1", "PASS", "DenyAll"},
    {"disk-contoso-spare", "FAIL", "absent: no default"},
    {"vm-fabrikam-web_OsDisk_1", "PASS", "AllowPrivate"},
    {"disk-fabrikam-old-data", "FAIL", "AllowAll"}}},
  {"azure-disk-data-access-entra-auth", {
    {"vm-contoso-app_OsDisk_1", "PASS", "AzureActiveDirectory"},
    {"disk-contoso-spare", "PASS", "AzureActiveDirectory"},
    {"vm-fabrikam-web_OsDisk_1", "FAIL", "None"},
    {"disk-fabrikam-old-data", "FAIL", "absent"}}},
  // --- flow logs ---
  {"azure-flow-log-traffic-analytics", {
    {"fl-nsg-app", "PASS", "enabled, traffic analytics on"},
    {"fl-nsg-web", "FAIL", "no traffic analytics configuration: fill false"},
    {"fl-nsg-data", "PASS", "enabled, traffic analytics on"},
    {"fl-nsg-batch", "FAIL", "the flow log is disabled"}}},
  {"azure-flow-log-retention-90-days", {
    {"fl-nsg-app", "PASS", "365 days"},
    {"fl-nsg-web", "FAIL", "30 days"},
    {"fl-nsg-data", "PASS", "0: kept for ever"},
    {"fl-nsg-batch", "FAIL", "no retention policy"}}},
  // --- virtual machines ---
  {"azure-vm-trusted-launch", {
    {"vm-contoso-app", "PASS", "TrustedLaunch, secure boot, vTPM"},
    {"vm-fabrikam-web", "FAIL", "no security profile: standard VM"},
    {"vm-tailspin-build", "FAIL", "secure boot off"}}},
  {"azure-vm-endpoint-protection-installed", {
    {"vm-contoso-app", "PASS", "MDE.Linux Succeeded"},
    {"vm-fabrikam-web", "FAIL", "only CustomScriptExtension"},
    {"vm-tailspin-build", "FAIL", "MDE.Windows Failed"}}},
  // --- AKS, gateways, Redis, Service Bus ---
  {"azure-aks-rbac-enabled", {
    {"aks-contoso-prod", "PASS", "true"},
    {"aks-fabrikam-dev", "FAIL", "false"},
    {"aks-tailspin-batch", "FAIL", "absent"}}},
  {"azure-application-gateway-waf-prevention", {
    {"agw-contoso-shop", "PASS", "WAF on, Prevention"},
    {"agw-fabrikam-portal", "FAIL", "Detection"},
    {"agw-tailspin-api", "FAIL", "no WAF configuration"}}},
  {"azure-redis-tls-only", {
    {"redis-contoso-sessions", "PASS", "non-TLS port off, TLS 1.2"},
    {"redis-fabrikam-cart", "FAIL", "non-TLS port on, TLS 1.0"},
    {"redis-tailspin-feed", "FAIL", "no minimumTlsVersion"}}},
  {"azure-servicebus-public-network-access-disabled", {
    {"sb-contoso-orders", "PASS", "Disabled"},
    {"sb-fabrikam-events", "FAIL", "Enabled"},
    {"sb-tailspin-jobs", "FAIL", "absent: documented default Enabled"}}},
  {"azure-servicebus-local-auth-disabled", {
    {"sb-contoso-orders", "PASS", "true"},
    {"sb-fabrikam-events", "FAIL", "false"},
    {"sb-tailspin-jobs", "FAIL", "absent"}}},
};
// clang-format on

using posture::testing::e2e::make_temp_dir;
using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;

// Imports the sample once and evaluates every stored check on it.
class SampleResourceVerdicts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    dir_ = new fs::path(make_temp_dir());
    ASSERT_FALSE(dir_->empty());
    const std::string db = (*dir_ / "s.db").string();
    Process import = posture({"import", "--db", db, sample_path().string()});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    Process run = posture({"check", "--db", db, "--format", "json"});
    ASSERT_EQ(run.exit_code, 1) << "some checks fail on the sample: " << run.err;
    report_ = new json(json::parse(run.out, nullptr, /*allow_exceptions=*/false));
    ASSERT_FALSE(report_->is_discarded()) << "not JSON: " << run.out;
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    if (dir_ && !dir_->empty()) fs::remove_all(*dir_, ignored);
    delete dir_;
    delete report_;
    dir_ = nullptr;
    report_ = nullptr;
  }

  // The report's entry for check `id` (null when it is missing).
  static const json* check(const std::string& id) {
    if (!report_ || !report_->contains("checks")) return nullptr;
    for (const json& c : (*report_)["checks"])
      if (c.value("id", "") == id) return &c;
    return nullptr;
  }

  static fs::path* dir_;
  static json* report_;
};

fs::path* SampleResourceVerdicts::dir_ = nullptr;
json* SampleResourceVerdicts::report_ = nullptr;

TEST_F(SampleResourceVerdicts, EveryResourceCheckGivesTheTablesVerdictToEveryResource) {
  for (const CheckTable& table : kResourceChecks) {
    SCOPED_TRACE(table.id);
    const json* c = check(table.id);
    ASSERT_NE(c, nullptr) << "the stored check is missing from the report";
    std::map<std::string, std::string> got;  // name -> status
    for (const json& f : c->value("findings", json::array()))
      EXPECT_TRUE(got.emplace(f.value("name", ""), f.value("status", "")).second)
          << "two findings for " << f.value("name", "");
    std::set<std::string> names, table_names;
    for (const auto& [name, status] : got) names.insert(name);
    for (const Expect& e : table.resources) table_names.insert(e.name);
    EXPECT_EQ(names, table_names) << "one finding for each resource of the subject type";
    for (const Expect& e : table.resources) {
      auto it = got.find(e.name);
      if (it == got.end()) continue;
      EXPECT_EQ(it->second, e.status)
          << e.name << ": expected " << e.status << " because " << e.why;
    }
  }
}

TEST_F(SampleResourceVerdicts, EveryDefenderCheckPassesExactlyTheTablesSubscriptions) {
  for (const SubscriptionCheck& table : kSubscriptionChecks) {
    SCOPED_TRACE(table.id);
    const json* c = check(table.id);
    ASSERT_NE(c, nullptr) << "the stored check is missing from the report";
    const json& findings = c->value("findings", json::array());
    EXPECT_EQ(findings.size(), 16u) << "one finding per subscription of the sample";
    std::set<std::string> passing;
    for (int n : table.passing) passing.insert(subscription(n));
    for (const json& f : findings) {
      const std::string resource = f.value("resource", "");
      const char* want = passing.count(resource) ? "PASS" : "FAIL";
      EXPECT_EQ(f.value("status", ""), want)
          << resource << ": expected " << want << " (" << table.why
          << "; subscriptions other than 01, 06 and 10 have no plan or setting)";
    }
  }
}

// The acceptance rule of the sample: each of these checks has at least one
// PASS and one FAIL on it, and no ERROR, so the sample shows both outcomes.
TEST_F(SampleResourceVerdicts, EachNewCheckPassesAndFailsSomewhereAndNeverErrors) {
  std::vector<std::string> ids;
  for (const auto& t : kSubscriptionChecks) ids.push_back(t.id);
  for (const auto& t : kResourceChecks) ids.push_back(t.id);
  EXPECT_EQ(ids.size(), 67u);
  for (const std::string& id : ids) {
    const json* c = check(id);
    ASSERT_NE(c, nullptr) << id;
    std::multiset<std::string> statuses;
    for (const json& f : c->value("findings", json::array()))
      statuses.insert(f.value("status", ""));
    EXPECT_GE(statuses.count("PASS"), 1u) << id;
    EXPECT_GE(statuses.count("FAIL"), 1u) << id;
    EXPECT_EQ(statuses.count("ERROR"), 0u) << id;
    EXPECT_EQ(c->value("status", ""), "FAIL") << id;
  }
}

// The stored checks are the four on security contacts (sample_verdicts_test.cpp)
// and the 67 of the tables above: a new stored check needs its table here.
TEST_F(SampleResourceVerdicts, TheTablesCoverEveryOtherStoredCheck) {
  ASSERT_TRUE(report_ && report_->contains("checks"));
  std::set<std::string> tabled = {
      "azure-additional-email-address", "azure-notify-alerts-high-severity",
      "azure-security-alert-emails-owners", "azure-security-contact-configured"};
  for (const auto& t : kSubscriptionChecks) tabled.insert(t.id);
  for (const auto& t : kResourceChecks) tabled.insert(t.id);
  std::set<std::string> reported;
  for (const json& c : (*report_)["checks"]) reported.insert(c.value("id", ""));
  EXPECT_EQ(reported, tabled);
}

}  // namespace
