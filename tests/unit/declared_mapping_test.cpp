// The declared ARM mappings of engine/schema/assets.graphql on resources
// written from Microsoft's response examples (tests/data/arm): each field's
// JSON path, transform, catalogue fill and documented default, the routing by
// `type` ignoring case, child resources linked to their parent by id, and
// objects of types not modelled counted per type.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "engine/exec/engine.hpp"
#include "engine/schema/schema.hpp"
#include "tests/unit/declared_fixture.hpp"

namespace posture {
namespace {

using declared_test::fields_of;
using declared_test::fixture;
using declared_test::ImportedFixture;
using declared_test::objects_of;
namespace fs = std::filesystem;
using nlohmann::json;

TEST(DeclaredMapping, StorageAccountReadsEachDeclaredPath) {
  json f = fields_of("storage.json", "/stdatahardened");
  EXPECT_EQ(f["name"], "stdatahardened");
  EXPECT_EQ(f["provider"], "azure");
  EXPECT_EQ(f["location"], "westeurope");
  EXPECT_EQ(f["kind"], "StorageV2");
  EXPECT_EQ(f["supportsHttpsTrafficOnly"], true);
  EXPECT_EQ(f["minimumTlsVersion"], "TLS1_2");
  EXPECT_EQ(f["allowBlobPublicAccess"], false);
  EXPECT_EQ(f["allowCrossTenantReplication"], false);
  EXPECT_EQ(f["allowSharedKeyAccess"], false);
  EXPECT_EQ(f["publicNetworkAccess"], "Disabled");
  EXPECT_EQ(f["networkRuleSetDefaultAction"], "Deny");
  EXPECT_EQ(f["networkRuleSetBypass"], "AzureServices");
  EXPECT_EQ(f["byokEncrypted"], true);  // keySource Microsoft.Keyvault
  EXPECT_EQ(f["encryptionKeySource"], "Microsoft.Keyvault");
  EXPECT_EQ(f["requireInfrastructureEncryption"], true);
  EXPECT_EQ(f["keyExpirationPeriodInDays"], 90);
  EXPECT_EQ(f["sasPolicyExpirationAction"], "Block");
  EXPECT_EQ(f["sasPolicySasExpirationPeriod"], "0.00:30:00");
  EXPECT_EQ(f["isHnsEnabled"], false);
}

TEST(DeclaredMapping, AbsentPropertiesTakeTheDocumentedDefaultOrTheCatalogueFill) {
  json f = fields_of("storage.json", "/stlegacydefaults");
  // Documented defaults (Storage REST API 2023-05-01 descriptions).
  EXPECT_EQ(f["supportsHttpsTrafficOnly"], true);  // "true since API version 2019-04-01"
  EXPECT_EQ(f["minimumTlsVersion"], "TLS1_0");     // "The default interpretation is TLS 1.0"
  EXPECT_EQ(f["allowBlobPublicAccess"], false);
  EXPECT_EQ(f["allowSharedKeyAccess"], true);  // "null, which is equivalent to true"
  EXPECT_EQ(f["networkRuleSetDefaultAction"], "Allow");
  EXPECT_EQ(f["networkRuleSetBypass"], "AzureServices");
  EXPECT_EQ(f["encryptionKeySource"], "Microsoft.Storage");
  EXPECT_EQ(f["byokEncrypted"], false);
  // The catalogue's fills: no key policy is 0 days, no SAS policy is "".
  EXPECT_EQ(f["keyExpirationPeriodInDays"], 0);
  EXPECT_EQ(f["sasPolicyExpirationAction"], "");
  EXPECT_EQ(f["sasPolicySasExpirationPeriod"], "");
  EXPECT_EQ(f["requireInfrastructureEncryption"], false);
  // No documented default: stays null.
  EXPECT_TRUE(f["publicNetworkAccess"].is_null());
  EXPECT_TRUE(f["allowCrossTenantReplication"].is_null());
  EXPECT_TRUE(f["isHnsEnabled"].is_null());
}

TEST(DeclaredMapping, RoutingIgnoresTheCaseOfTheType) {
  json f = fields_of("storage.json", "/stwebopen");
  EXPECT_EQ(f["minimumTlsVersion"], "TLS1_1");
  EXPECT_EQ(f["networkRuleSetBypass"], "Logging, Metrics");
  EXPECT_EQ(f["byokEncrypted"], false);
}

TEST(DeclaredMapping, BlobServiceSettingsAndTheirFills) {
  json on = fields_of("storage.json", "/stdatahardened/blobServices/default");
  EXPECT_EQ(on["deleteRetentionPolicyEnabled"], true);
  EXPECT_EQ(on["deleteRetentionPolicyDays"], 30);
  EXPECT_EQ(on["containerDeleteRetentionPolicyDays"], 14);
  EXPECT_EQ(on["isVersioningEnabled"], true);
  json off = fields_of("storage.json", "/STWEBOPEN/blobServices/default");
  EXPECT_EQ(off["deleteRetentionPolicyEnabled"], false);
  EXPECT_EQ(off["deleteRetentionPolicyDays"], 0);
  EXPECT_EQ(off["containerDeleteRetentionPolicyEnabled"], false);
}

TEST(DeclaredMapping, DatabaseServersAndTheirChildren) {
  json legacy = fields_of("databases.json", "/servers/pg-legacy", "PostgreSqlServer");
  EXPECT_EQ(legacy["engineVersion"], "9.5");
  EXPECT_EQ(legacy["sslEnforcement"], "Enabled");
  EXPECT_TRUE(legacy["publicNetworkAccess"].is_null());
  EXPECT_EQ(legacy["publicAccessBlocked"], false);  // says nothing: not blocked
  EXPECT_TRUE(legacy["minimalTlsVersion"].is_null());
  json hardened = fields_of("databases.json", "/servers/pg-hardened", "PostgreSqlServer");
  EXPECT_EQ(hardened["publicAccessBlocked"], true);
  EXPECT_EQ(hardened["infrastructureEncryption"], "Enabled");
  json flex = fields_of("databases.json", "/mysql-flex-open", "MySqlFlexibleServer");
  EXPECT_EQ(flex["engineVersion"], "5.7");
  EXPECT_EQ(flex["publicNetworkAccess"], "Enabled");
  EXPECT_EQ(flex["publicAccessBlocked"], false);
  json pgflex = fields_of("databases.json", "/pg-flex-private", "PostgreSqlFlexibleServer");
  EXPECT_EQ(pgflex["publicAccessBlocked"], true);
  json maria = fields_of("databases.json", "/mariadb-nossl", "MariaDbServer");
  EXPECT_EQ(maria["sslEnforcement"], "Disabled");
  json config = fields_of("databases.json", "/pg-legacy/configurations/log_checkpoints",
                          "ServerConfiguration");
  EXPECT_EQ(config["name"], "log_checkpoints");
  EXPECT_EQ(config["value"], "off");
  EXPECT_EQ(config["defaultValue"], "on");
  json rule = fields_of("databases.json", "/firewallRules/everyone", "ServerFirewallRule");
  EXPECT_EQ(rule["startIPAddress"], "0.0.0.0");
  EXPECT_EQ(rule["endIPAddress"], "255.255.255.255");
}

// One expected value: the fixture object whose id ends in `id`, its schema
// type, a field and the JSON value it must hold.
struct Expected {
  const char* id;
  const char* type;
  const char* field;
  json value;
};

TEST(DeclaredMapping, ServiceTypesReadTheirPathsFillsAndDefaults) {
  const Expected table[] = {
      {"/servers/sql-open", "SqlServer", "publicNetworkAccess", "Enabled"},
      {"/servers/sql-open", "SqlServer", "minimalTlsVersion", "1.2"},
      {"/sql-open/firewallRules/AllowAllWindowsAzureIps", "SqlFirewallRule", "startIpAddress",
       "0.0.0.0"},
      {"/registries/acrdefaults", "ContainerRegistry", "adminUserEnabled", false},  // default
      {"/registries/acrdefaults", "ContainerRegistry", "publicNetworkAccess", "Enabled"},
      {"/registries/acrdefaults", "ContainerRegistry", "networkRuleBypassOptions",
       json::array({"AzureServices"})},  // the default, split into a list
      {"/registries/acrlocked", "ContainerRegistry", "networkRuleBypassOptions",
       json::array({"None"})},
      {"/cosmos-open", "CosmosDbAccount", "isVirtualNetworkFilterEnabled", false},
      {"/cosmos-open", "CosmosDbAccount", "disableLocalAuth", false},  // fill
      {"/cosmos-locked", "CosmosDbAccount", "disableLocalAuth", true},
      {"/disks/disk-orphan", "Disk", "diskState", "Unattached"},
      {"/disks/disk-orphan", "Disk", "encryptionKey", nullptr},
      {"/disks/disk-orphan", "Disk", "dataAccessAuthMode", nullptr},
      {"/disks/disk-cmk", "Disk", "networkAccessPolicy", "DenyAll"},
      {"/disks/disk-cmk", "Disk", "encryptionKey",
       "/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-vm/providers/"
       "Microsoft.Compute/diskEncryptionSets/des-main"},
      {"/vaults/kv-legacy", "KeyVault", "enableSoftDelete", nullptr},
      {"/vaults/kv-legacy", "KeyVault", "enableRbacAuthorization", false},  // default
      {"/vaults/kv-hardened", "KeyVault", "enablePurgeProtection", true},
      {"/flowLogs/fl-web", "FlowLog", "trafficAnalyticsEnabled", false},  // fill
      {"/flowLogs/fl-web", "FlowLog", "retentionPolicyDays", 30},
      {"/flowLogs/fl-data", "FlowLog", "trafficAnalyticsEnabled", true},
      {"/virtualMachines/vm-trusted", "VirtualMachine", "securityProfileUefiSettingsVTpmEnabled",
       true},
      {"/virtualMachines/vm-standard", "VirtualMachine",
       "securityProfileUefiSettingsSecureBootEnabled", false},  // fill
      {"/virtualMachines/vm-standard", "VirtualMachine", "securityType", nullptr},
      {"/extensions/CustomScript", "VmExtension", "extensionType", "CustomScript"},
      {"/managedClusters/aks-norbac", "AksCluster", "enableRBAC", false},
      {"/agw-detect", "ApplicationGateway", "webApplicationFirewallMode", "Detection"},
      {"/agw-nowaf", "ApplicationGateway", "webApplicationFirewallEnabled", false},  // fill
      {"/redis-old", "RedisInstance", "enableNonSslPort", true},
      {"/redis-old", "RedisInstance", "minimumTlsVersion", "1.0"},
      {"/sb-defaults", "ServiceBusNamespace", "publicNetworkAccess", "Enabled"},  // default
      {"/pip-agw", "StaticIp", "ipAddress", "203.0.113.10"},
      {"/pip-agw", "StaticIp", "ipConfiguration", nullptr},
  };
  for (const auto& e : table)
    EXPECT_EQ(fields_of("services.json", e.id, e.type)[e.field], e.value) << e.id << " " << e.field;
}

TEST(DeclaredMapping, AValueOfTheWrongJsonTypeNamesTheProperty) {
  json o = fixture("storage.json")["value"][0];
  o["properties"]["minimumTlsVersion"] = 12;
  auto r = snapshot::normalize(o, "", schema::builtin());
  ASSERT_FALSE(r);
  EXPECT_NE(r.errors().front().message.find("properties.minimumTlsVersion"), std::string::npos)
      << r.errors().front().message;
}

TEST_F(ImportedFixture, ImportLinksChildrenByIdAndCountsUnmodelledTypes) {
  import({"storage.json"});
  EXPECT_EQ(summary_.stored_by_type["storageAccounts"], 3u);
  EXPECT_EQ(summary_.stored_by_type["blobServices"], 2u);
  EXPECT_EQ(summary_.skipped, 1u);
  EXPECT_EQ(summary_.skipped_by_type["microsoft.resources/resourcegroups"], 1u);
  using Names = std::vector<std::string>;
  // The upper-case child id finds its parent.
  EXPECT_EQ(names("storageAccounts", "{ blobServices_SOME: {} }"),
            (Names{"stdatahardened", "stwebopen"}));
  EXPECT_EQ(
      names("storageAccounts", "{ blobServices_SOME: { deleteRetentionPolicyEnabled: false } }"),
      Names{"stwebopen"});
  // The catalogue's query: TLS 1.0 by default fails the account that says nothing.
  EXPECT_EQ(names("storageAccounts", "{ minimumTlsVersion_IN: [\"TLS1_0\", \"TLS1_1\"] }"),
            (Names{"stlegacydefaults", "stwebopen"}));
  EXPECT_EQ(names("storageAccounts", "{ keyExpirationPeriodInDays: { eq: 0 } }"),
            Names{"stlegacydefaults"});
}

// A child type shared by several parent types links each row to the parent
// its own ARM type names, and the catalogue's queries over them run.
TEST_F(ImportedFixture, SharedChildTypesLinkToTheRightParentType) {
  import({"databases.json"});
  EXPECT_EQ(summary_.stored_by_type["serverConfigurations"], 4u);
  EXPECT_EQ(summary_.stored_by_type["serverFirewallRules"], 2u);
  using Names = std::vector<std::string>;
  // CIS PostgreSQL log_checkpoints, as the catalogue writes it.
  EXPECT_EQ(
      names("postgreSqlServers",
            "{configurations_NONE: {name: {eq: \"log_checkpoints\"}, value_MATCHES: \"(?i)on\"}}"),
      Names{"pg-legacy"});
  EXPECT_EQ(names("postgreSqlServers",
                  "{firewallRules_SOME: {startIPAddress: {eq: \"0.0.0.0\"}, endIPAddress: {eq: "
                  "\"0.0.0.0\"}}}"),
            Names{"pg-legacy"});
  EXPECT_EQ(names("mySqlFlexibleServers",
                  "{publicAccessBlocked: {eq: false}, firewallRules_SOME: {startIPAddress: {eq: "
                  "\"0.0.0.0\"}, endIPAddress: {eq: \"255.255.255.255\"}}}"),
            Names{"mysql-flex-open"});
  // The MySQL flexible server's rule is not the PostgreSQL servers'.
  EXPECT_EQ(names("postgreSqlServers", "{firewallRules_SOME: {name: {eq: \"everyone\"}}}"),
            Names{});
  EXPECT_EQ(names("mariaDbServers", "{sslEnforcement_MATCHES: \"Disabled\"}"),
            Names{"mariadb-nossl"});
}

// Subscription-level resources belong to the subscription their id names.
TEST_F(ImportedFixture, DefenderPlansBelongToTheirSubscription) {
  // The sample (its subscriptions, and its own plans and settings of 01, 06 and
  // 10), then the fixture: a resource imported twice in one scan keeps the last
  // copy, so the fixture's plans and settings of 01 are the ones stored.
  import({std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl",
          "defender.json"});
  using Names = std::vector<std::string>;
  // The fixture's upper-case id finds its subscription (02); 10 is the sample's.
  EXPECT_EQ(names("connectors",
                  "{ pricing_SOME: { name: { eq: \"VirtualMachines\" }, "
                  "pricingTier: { eq: \"Free\" } } }"),
            (Names{"Contoso Staging", "Tailspin Production"}));
  // 01's WDATP is the fixture's (off), not the sample's (on); 10 is the sample's.
  EXPECT_EQ(names("connectors",
                  "{ dataExportSettings_SOME: { name: { eq: \"WDATP\" }, "
                  "enabled: { eq: false } } }"),
            (Names{"Contoso Production", "Tailspin Production"}));
  // 01's StorageAccounts plan is the fixture's (Free), not the sample's (Standard).
  EXPECT_EQ(names("connectors",
                  "{ pricing_SOME: { name: { eq: \"StorageAccounts\" }, "
                  "pricingTier: { eq: \"Free\" } } }"),
            (Names{"Contoso Production", "Tailspin Production"}));
  EXPECT_EQ(names("connectors", "{ pricing_SOME: { pricingTier: { eq: \"Standard\" } } }"),
            (Names{"Contoso Production", "Fabrikam Production", "Tailspin Production"}));
}

// Children of the service types: SQL firewall rules and VM extensions.
TEST_F(ImportedFixture, ServiceChildrenLinkToTheirParents) {
  import({"services.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("sqlServers", "{firewallRules_SOME: {startIpAddress_CONTAINS: \"0.0.0.0\"}}"),
            Names{"sql-open"});
  EXPECT_EQ(names("vms", "{ NOT: { extensions_SOME: null } }"), Names{"vm-standard"});
  EXPECT_EQ(
      names("containerRegistries", "{ networkRuleBypassOptions_INCLUDES: \"AzureServices\" }"),
      Names{"acrdefaults"});
}

// A diagnostic setting's resourceType is the type of the resource it is on
// (extendedType), spelt as the schema lists it whatever the id's letter case;
// logsEnabled whether any log category is sent (anyTrue; false with none).
TEST(DeclaredMapping, DiagnosticSettingsKnowTheResourceTheyAreOn) {
  json queue = fields_of("diagnostics.json", "/queue-audit", "DiagnosticSetting");
  EXPECT_EQ(queue["resourceType"], "Microsoft.Storage/storageAccounts/queueServices");
  EXPECT_EQ(queue["logsEnabled"], true);
  json table = fields_of("diagnostics.json", "/table-metrics-only", "DiagnosticSetting");
  EXPECT_EQ(table["resourceType"], "Microsoft.Storage/storageAccounts/tableServices");
  EXPECT_EQ(table["logsEnabled"], false);
  json account = fields_of("diagnostics.json", "/account-metrics", "DiagnosticSetting");
  EXPECT_EQ(account["resourceType"], "Microsoft.Storage/storageAccounts");
  EXPECT_EQ(account["logsEnabled"], false);  // `logs: []`: the fill
  // A field read through a relationship (@through) is not read from the
  // resource: the compiler reads it from the related rows.
  json sa = fields_of("storage.json", "/stdatahardened");
  EXPECT_FALSE(sa.contains("blobServiceDeletePolicyEnabled"));
}

// @through is checked when the schema loads: the related field must exist
// and have the field's type (or, with equals, the field is Boolean).
TEST(DeclaredMapping, ThroughFieldsAreCheckedWhenTheSchemaLoads) {
  auto load = [](const std::string& field) {
    return schema::parse("type A @store(table: \"a\", plural: \"as\") { id: ID! " + field +
                             " bs: [B!]! @relationship(type: \"HAS_B\", direction: OUT) }\n"
                             "type B @store(table: \"b\", plural: \"bs\") { id: ID! flag: "
                             "Boolean }",
                         "test.graphql");
  };
  EXPECT_TRUE(load("x: Boolean @through(relationship: \"bs\", field: \"flag\")"));
  EXPECT_TRUE(load("x: Boolean @through(relationship: \"bs\", field: \"id\", equals: \"b1\")"));
  auto wrong_type = load("x: Int @through(relationship: \"bs\", field: \"flag\")");
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(format(wrong_type.errors()).find("B.flag is Boolean, the field Int"), std::string::npos)
      << format(wrong_type.errors());
  auto no_field = load("x: Boolean @through(relationship: \"bs\", field: \"nope\")");
  ASSERT_FALSE(no_field);
  EXPECT_NE(format(no_field.errors()).find("no stored scalar field nope"), std::string::npos);
  auto no_rel = load("x: Boolean @through(relationship: \"cs\", field: \"flag\")");
  ASSERT_FALSE(no_rel);
  EXPECT_NE(format(no_rel.errors()).find("no relationship cs on A"), std::string::npos);
}

}  // namespace
}  // namespace posture
