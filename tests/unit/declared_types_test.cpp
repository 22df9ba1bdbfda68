// The declared mappings of the asset types the catalogue's queries use
// beyond storage, databases and Defender (tests/data/arm): web and function
// apps routed by kind, network security groups and their computed rule
// fields, Key Vault keys and secrets, diagnostic settings as extension and
// subscription-level resources, blob containers and private endpoints as
// elements, SQL server settings, relationships by id reference (VMs,
// interfaces, disks, shared security groups) and Microsoft Graph objects of
// the Entra ID tenant.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "engine/schema/schema.hpp"
#include "tests/unit/declared_fixture.hpp"

namespace posture {
namespace {

using declared_test::fields_of;
using declared_test::ImportedFixture;
namespace fs = std::filesystem;
using nlohmann::json;

// Web apps and function apps share Microsoft.Web/sites and are told apart by
// `kind`; their config/web, config/authsettings (either ARM type the API
// gives it) and publishing-credential policies link to the app their id names.
TEST_F(ImportedFixture, WebAndFunctionAppsRouteByKindAndLinkTheirSettings) {
  import({"web.json"});
  EXPECT_EQ(summary_.stored_by_type["sites"], 2u);
  EXPECT_EQ(summary_.stored_by_type["functionApps"], 1u);
  EXPECT_EQ(summary_.stored_by_type["siteConfigs"], 2u);
  EXPECT_EQ(summary_.stored_by_type["siteAuthSettings"], 2u);
  EXPECT_EQ(summary_.stored_by_type["basicPublishingCredentialsPolicies"], 3u);
  EXPECT_EQ(summary_.skipped_by_type["microsoft.web/sites/config"], 1u);  // appsettings
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("sites", "{ httpsOnly: { eq: false } }"), Names{"app-portal"});
  // The minimal app says nothing: no documented default, so null, not false.
  EXPECT_EQ(names("sites", "{ httpsOnly: null }"), Names{"APP-Minimal"});
  EXPECT_EQ(names("sites", "{ siteConfig: { ftpsState: { eq: \"AllAllowed\" } } }"),
            Names{"app-portal"});
  EXPECT_EQ(names("sites", "{ siteConfig: { NOT: { minTlsVersion_IN: [\"1.2\", \"1.3\"] } } }"),
            Names{});
  EXPECT_EQ(
      names("functionApps", "{ configs_SOME: { NOT: { minTlsVersion_IN: [\"1.2\", \"1.3\"] } } }"),
      Names{"func-orders"});
  EXPECT_EQ(names("functionApps", "{ configs_SOME: { remoteDebuggingEnabled: { eq: true } } }"),
            Names{"func-orders"});
  // The catalogue's query: no settings, or settings that are off.
  EXPECT_EQ(
      names(
          "sites",
          "{ OR: [{ authSettings: null }, { authSettings: { NOT: { enabled: { eq: true } } } }] }"),
      Names{"APP-Minimal"});
  EXPECT_EQ(names("functionApps", "{ authSettings_NONE: { enabled: { eq: true } } }"),
            Names{"func-orders"});
  EXPECT_EQ(names("sites",
                  "{ basicPublishingCredentials_SOME: { OR: [{ name: { eq: \"ftp\" }, allowed: { "
                  "eq: true } }, { name: { eq: \"scm\" }, allowed: { eq: true } }] } }"),
            Names{"app-portal"});
  EXPECT_EQ(names("functionApps", "{ basicPublishingCredentials_SOME: { allowed: { eq: true } } }"),
            Names{});
  // A diagnostic setting is an extension resource of the app its id names.
  EXPECT_EQ(names("sites",
                  "{ diagnosticSettings_SOME: { logs_SOME: { enabled: { eq: false }, category: { "
                  "eq: \"AppServiceHTTPLogs\" } } } }"),
            Names{"app-portal"});
}

// A network security group's rules are the elements of its securityRules (or
// separate securityRules resources), with the catalogue's computed fields.
TEST_F(ImportedFixture, SecurityGroupRulesAreElementsWithComputedPortsAndSources) {
  import({"network.json"});
  EXPECT_EQ(summary_.stored_by_type["securityGroups"], 2u);
  EXPECT_EQ(summary_.stored_by_type["securityRules"], 5u);  // 4 inline + 1 resource; no defaults
  using Names = std::vector<std::string>;
  auto rules = [&](const std::string& where) { return names("securityRules", where); };
  // * is any address, IPv4 and IPv6; a service tag is tag:<it>; addresses are cidr:<it>.
  EXPECT_EQ(rules("{ sources_INCLUDES: \"cidr:0.0.0.0/0\" }"),
            (Names{"allow-http", "allow-rdp", "deny-all-out"}));
  EXPECT_EQ(rules("{ sources_INCLUDES: \"cidr:::/0\" }"), (Names{"allow-http", "deny-all-out"}));
  EXPECT_EQ(rules("{ sources_INCLUDES: \"tag:Internet\" }"), Names{"allow-dns-internet"});
  EXPECT_EQ(rules("{ sources: [\"cidr:203.0.113.0/24\", \"cidr:198.51.100.7\"] }"),
            Names{"allow-mgmt-from-office"});
  // Port ranges: one port, a range, *, and a list (covered by its lowest and highest).
  EXPECT_EQ(rules("{ destFromPort: 80, destToPort: 80 }"), Names{"allow-http"});
  EXPECT_EQ(rules("{ destFromPort: 50, destToPort: 60 }"), Names{"allow-dns-internet"});
  EXPECT_EQ(rules("{ destFromPort: 0, destToPort: 65535 }"), Names{"deny-all-out"});
  EXPECT_EQ(rules("{ destFromPort: 22, destToPort: 3389 }"), Names{"allow-mgmt-from-office"});
  EXPECT_EQ(rules("{ protocol: \"UDP\" }"), Names{"allow-dns-internet"});
  EXPECT_EQ(rules("{ protocol: \"*\" }"), Names{"deny-all-out"});
  // The catalogue's management-port query.
  EXPECT_EQ(names("securityGroups",
                  "{ rules_SOME: { direction: { eq: \"Inbound\" } action: { eq: \"Allow\" } "
                  "AND: [ { OR: [ { sources_INCLUDES: \"cidr:0.0.0.0/0\" } { sources_INCLUDES: "
                  "\"cidr:::/0\" } { sources_INCLUDES: \"tag:Internet\" } { sources: { eq: [] } } "
                  "] } { OR: [ { destFromPort_LTE: 22, destToPort_GTE: 22 } { destFromPort_LTE: "
                  "3389, destToPort_GTE: 3389 } ] } ] } }"),
            Names{"nsg-empty"});  // its separate allow-rdp rule from 0.0.0.0/0
  EXPECT_EQ(names("securityGroups", "{ rules_SOME: null }"), Names{});
}

// Key vault keys and secrets: Unix-second expiry as ISO 8601, the catalogue's
// fill for "never expires", and rotation read from the rotation policy.
TEST_F(ImportedFixture, KeyVaultKeysAndSecretsExpiryAndRotation) {
  import({"keyvault.json", "services.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("kmsKeys", "{ expires: { eq: null } }"), Names{"legacy-signing"});
  EXPECT_EQ(names("kmsKeys", "{ expires: { eq: \"2027-01-01T00:00:00.000Z\" } }"),
            Names{"cmk-storage"});
  EXPECT_EQ(names("kmsKeys", "{ expiration: { eq: \"0000-01-01T00:00:00.000Z\" } }"),
            Names{"legacy-signing"});
  EXPECT_EQ(names("kmsKeys", "{ automaticRotationEnabled: { eq: false } }"),
            Names{"legacy-signing"});
  EXPECT_EQ(names("kmsSecrets", "{ expires: { eq: \"0000-01-01T00:00:00.000Z\" } }"),
            Names{"db-password"});
  EXPECT_EQ(names("kmsVaults", "{ keys_SOME: {} }"), Names{"kv-hardened"});
  EXPECT_EQ(names("kmsVaults",
                  "{ diagnosticSettings_SOME: { logs_SOME: { enabled: { eq: false }, "
                  "categoryGroup_IN: [\"audit\", \"allLogs\"] } } }"),
            Names{"kv-hardened"});
}

// Subscription-level settings and resources belong to the subscription: a
// diagnostic setting directly under /subscriptions/<id>/providers/ is the
// subscription's (not an extension of a resource), and an id without its
// leading slash still finds it.
TEST_F(ImportedFixture, SubscriptionLevelSettingsAndResources) {
  import({"monitor.json", "network.json",
          std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(summary_.stored_by_type["subscriptionDiagnosticSettings"], 1u);
  EXPECT_EQ(summary_.stored_by_type.count("diagnosticSettings"), 0u);
  EXPECT_EQ(names("subscriptionDiagnosticSettings",
                  "{ logSettings_SOME: { category_IN: [\"Administrative\", \"Alert\", \"Policy\", "
                  "\"Security\"], enabled: { eq: false } } }"),
            Names{"activity-to-law"});
  EXPECT_EQ(names("connectors", "{ subscriptionDiagnosticSettings_SOME: {} }"),
            Names{"Contoso Production"});
  EXPECT_EQ(names("connectors", "{ azureServersSettings_SOME: { selectedProvider: \"MdeTvm\" } }"),
            Names{"Contoso Production"});
  EXPECT_EQ(names("connectors", "{ NOT: { applicationInsights_SOME: null } }"),
            Names{"Contoso Production"});
  EXPECT_EQ(
      names("connectors", "{ cloudProvider: { eq: \"azure\" }, NOT: { bastionHosts_SOME: null } }"),
      Names{"Contoso Staging"});
}

// Blob containers link to their blob service; private endpoint connections
// are elements of the account's JSON.
TEST_F(ImportedFixture, BlobContainersAndPrivateEndpoints) {
  import({"storage.json", "containers.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("blobContainers", "{ publicAccessBlocked: { eq: false } }"),
            Names{"public-assets"});
  // No level and no documented default: neither blocked nor open, null.
  EXPECT_EQ(names("blobContainers", "{ publicAccessBlocked: null }"), Names{"no-level"});
  EXPECT_EQ(
      names("blobContainers",
            "{ cloudProvider: { eq: \"azure\" } publicAccess_IN: [\"Blob\", \"Container\"] }"),
      Names{"public-assets"});
  EXPECT_EQ(names("storageAccounts",
                  "{ blobServices_SOME: { containers_SOME: { name: \"invoices\" } } }"),
            Names{"stdatahardened"});
  EXPECT_EQ(names("storageAccounts", "{ privateEndpoints_SOME: { status: \"Approved\" } }"),
            Names{"stprivate"});
  // The catalogue's query names the connection's ARM type.
  EXPECT_EQ(names("storageAccounts",
                  "{ privateEndpoints_SOME: { type: { eq: "
                  "\"Microsoft.Storage/storageAccounts/privateEndpointConnections\" } } }"),
            Names{"stprivate"});
  EXPECT_EQ(names("storageAccounts", "{ privateEndpoints_NONE: {} }"),
            (Names{"stdatahardened", "stlegacydefaults", "stwebopen"}));
}

// Single servers' TLS as the catalogue reads it: sslEnforcement in lower
// case, and the minimal TLS version as a number (null when not given: the
// specification documents no default).
TEST(DeclaredMapping, SingleServerTlsAsTheCatalogueReadsIt) {
  json f = fields_of("databases.json", "/pg-legacy", "PostgreSqlServer");
  EXPECT_EQ(f["tlsStatus"], "enabled");
  EXPECT_TRUE(f["tlsMinimumVersion"].is_null());
  f = fields_of("databases.json", "/mariadb-nossl", "MariaDbServer");
  EXPECT_EQ(f["tlsStatus"], "disabled");
  json object = {
      {"id", "/subscriptions/s/resourceGroups/r/providers/Microsoft.DBforMySQL/servers/m"},
      {"type", "Microsoft.DBforMySQL/servers"},
      {"properties", {{"sslEnforcement", "Enabled"}, {"minimalTlsVersion", "TLS1_2"}}}};
  auto r = snapshot::normalize(object, "", schema::builtin());
  ASSERT_TRUE(r) << format(r.errors());
  EXPECT_DOUBLE_EQ(r->fields["tlsMinimumVersion"].get<double>(), 1.2);
  object["properties"]["minimalTlsVersion"] = "TLSEnforcementDisabled";
  r = snapshot::normalize(object, "", schema::builtin());
  ASSERT_TRUE(r) << format(r.errors());
  EXPECT_TRUE(r->fields["tlsMinimumVersion"].is_null());
}

// Microsoft Graph responses: the organization is a tenant connector, and the
// tenant-side objects (routed by @odata.type, else by the response's
// @odata.context) belong to it.
TEST_F(ImportedFixture, EntraObjectsBelongToTheirTenant) {
  import({"entra.json"});
  EXPECT_EQ(summary_.stored_by_type["conditionalAccessPolicies"], 3u);
  EXPECT_EQ(summary_.stored_by_type["namedLocations"], 2u);
  EXPECT_EQ(summary_.stored_by_type["users"], 3u);
  EXPECT_EQ(summary_.stored_by_type["groups"], 3u);
  EXPECT_EQ(summary_.stored_by_type["directoryRoleAssignments"], 3u);
  EXPECT_EQ(summary_.stored_by_type["servicePrincipals"], 2u);
  EXPECT_EQ(summary_.skipped_by_type["graph:groupsettings"], 1u);  // the Application setting
  using Names = std::vector<std::string>;
  // Groups, role assignments and service principals, routed by their paths.
  EXPECT_EQ(names("groups", "{ isAssignableToRole: { eq: true } }"), Names{"Tier 0 admins"});
  EXPECT_EQ(names("groups", "{ groupTypes_INCLUDES: \"DynamicMembership\" }"), Names{"All guests"});
  EXPECT_EQ(names("directoryRoleAssignments",
                  "{ principalId: { eq: \"6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0\" }, "
                  "directoryScopeId: { eq: \"/\" } }"),
            Names{"62e90394-69f5-4237-9190-012177145e10"});
  EXPECT_EQ(names("servicePrincipals", "{ passwordCredentialCount: { gt: 0 } }"),
            Names{"Contoso payroll"});
  EXPECT_EQ(names("servicePrincipals",
                  "{ servicePrincipalType: { eq: \"ManagedIdentity\" }, "
                  "keyCredentialCount: { eq: 1 } }"),
            Names{"vm-build-01"});
  EXPECT_EQ(names("connectors",
                  "{ servicePrincipals_SOME: { appId: { eq: "
                  "\"65415bb1-9267-4313-bbf5-ae259732ee12\" } } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors", "{ cloudProvider: { eq: \"entra\" } }"), Names{"Contoso"});
  // The catalogue's MFA-for-everyone policy exists, with an exclusion.
  EXPECT_EQ(names("connectors",
                  "{ conditionalAccessPolicies_SOME: { conditions: { includeUsers: [\"All\"] "
                  "NOT: { excludeUsers: { eq: [] } } includeApplications: [\"All\"] "
                  "clientAppTypes: [\"all\"] } grantControls: { builtInControls: [\"mfa\"] } } }"),
            Names{"Contoso"});
  EXPECT_EQ(
      names("conditionalAccessPolicies",
            "{ conditions: { authenticationFlowsTransferMethods_INCLUDES: \"deviceCodeFlow\" }, "
            "sessionControls: { signInFrequencyIsEnabled: true, signInFrequencyInterval: "
            "\"everyTime\" } }"),
      Names{"Block device code flow"});
  EXPECT_EQ(names("conditionalAccessPolicies", "{ sessionControls: null }"),
            (Names{"Admin portals (report only)", "Require MFA for everyone"}));
  EXPECT_EQ(
      names("namedLocations", "{ type: { eq: \"ipNamedLocation\" }, isTrusted: { eq: true } }"),
      Names{"Office egress"});
  EXPECT_EQ(
      names("connectors",
            "{ authorizationPolicy: { defaultUserAllowedToCreateSecurityGroups: { eq: true } } }"),
      Names{"Contoso"});
  EXPECT_EQ(names("connectors",
                  "{ authorizationPolicy: { defaultUserPermissionGrantPoliciesAssigned_INCLUDES: "
                  "\"ManagePermissionGrantsForSelf.microsoft-user-default-legacy\" } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors",
                  "{ authorizationPolicy: { defaultUserAllowedToCreateTenants: { eq: true } } }"),
            Names{});
  EXPECT_EQ(names("connectors",
                  "{ deviceRegistrationPolicy: { NOT: { multiFactorAuthConfiguration: { eq: "
                  "\"required\" } } } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors", "{ securityDefaults: { isEnabled: false } }"), Names{"Contoso"});
  // Directory settings: name/value strings read as Boolean and Int.
  EXPECT_EQ(names("connectors", "{ groupUnifiedSettings: { enableGroupCreation: { eq: true } } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors", "{ passwordRuleSettings: { lockoutDurationInSeconds_LT: 60 } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors", "{ passwordRuleSettings: { lockoutThreshold_GT: 10 } }"), Names{});
  EXPECT_EQ(
      names("connectors", "{ passwordRuleSettings: { enableBannedPasswordCheck: { eq: false } } }"),
      Names{"Contoso"});
  EXPECT_EQ(names("users", "{ userType: { eq: \"Guest\" } }"), Names{"Megan Bowen (guest)"});
  EXPECT_EQ(names("users", "{ userType: null }"), Names{"No user type"});
  EXPECT_EQ(names("connectors", "{ users_SOME: { cloudProvider: \"entra\" } }"), Names{"Contoso"});
}

// Tenant-side objects that name no tenant need the import's only tenant.
TEST(DeclaredMapping, EntraObjectsWithoutTheirTenantAreAnImportError) {
  fs::path dir = fs::temp_directory_path() / ("posture-entra-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "users.json")
        << R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",)"
        << R"( "value": [{"id": "u1", "displayName": "A", "userType": "Guest"}]})";
    auto opened = store::Store::open((dir / "s.db").string(), schema::builtin());
    ASSERT_TRUE(opened) << format(opened.errors());
    auto s = snapshot::import_files(*opened, {(dir / "users.json").string()});
    ASSERT_FALSE(s);
    EXPECT_NE(s.errors().front().message.find("tenant"), std::string::npos)
        << s.errors().front().message;
    // With a tenantId member, the object names its tenant itself.
    std::ofstream(dir / "users.json")
        << R"([{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",)"
        << R"( "value": [{"id": "t1", "displayName": "One"}, {"id": "t2", "displayName": "Two"}]},)"
        << R"( {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",)"
        << R"( "value": [{"id": "u1", "displayName": "A", "userType": "Guest", "tenantId": "t2"}]}])";
    s = snapshot::import_files(*opened, {(dir / "users.json").string()});
    ASSERT_TRUE(s) << format(s.errors());
    EXPECT_EQ(s->stored_by_type["users"], 1u);
  }
  fs::remove_all(dir);
}

// Azure SQL servers' auditing, Entra administrator, TDE protector and
// databases are children by id.
TEST_F(ImportedFixture, SqlServerChildSettings) {
  import({"services.json", "sql.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("sqlServers", "{ blobAuditingPolicies_NONE: { state: { eq: \"Enabled\" } } }"),
            Names{"sql-open"});
  EXPECT_EQ(names("sqlServers",
                  "{ blobAuditingPolicies_NONE: { state: { eq: \"Enabled\" } OR: [{ retentionDays: "
                  "{ eq: 0 } }, { retentionDays_GT: 90 }] } }"),
            Names{"sql-open"});
  EXPECT_EQ(
      names("sqlServers",
            "{ NOT: { entraAdministrator: { administratorType: { eq: \"ActiveDirectory\" } } } }"),
      Names{"sql-open"});
  EXPECT_EQ(names("sqlServers",
                  "{ OR: [{ encryptionProtector: null }, { encryptionProtector: { serverKeyType: { "
                  "eq: \"ServiceManaged\" } } }] }"),
            Names{"sql-open"});
  EXPECT_EQ(names("sqlDatabases", "{ transparentDataEncryption: { state: \"Disabled\" } }"),
            Names{"orders"});
  // From a database to its server (direction: IN): the catalogue's query.
  EXPECT_EQ(names("sqlDatabases",
                  "{ sqlServer: { firewallRules_SOME: { startIpAddress: { eq: \"0.0.0.0\" } } } }"),
            Names{"orders"});
  EXPECT_EQ(names("sqlDatabases", "{ sqlServer_SOME: { name: \"sql-private\" } }"),
            (Names{"ledger", "scratch"}));
  // encrypted is read through the TDE child (@through ... equals "Enabled"):
  // Disabled is false, and a database whose TDE state was not read is false
  // too (its @fill), never true.
  EXPECT_EQ(names("sqlDatabases", "{ encrypted: { eq: false } }"), (Names{"orders", "scratch"}));
  EXPECT_EQ(names("sqlDatabases", "{ encrypted: true }"), Names{"ledger"});
  EXPECT_EQ(names("sqlDatabases", "{ encrypted: null }"), Names{});
}

// Relationships by id reference (@ref): a VM names its network interfaces,
// and each of its disk attachments (elements of its storage profile) names
// its managed disk; the ids match ignoring case, whichever is written first.
TEST_F(ImportedFixture, VirtualMachinesReachInterfacesAndDisksByIdReference) {
  import({"compute.json", "services.json"});
  EXPECT_EQ(summary_.stored_by_type["diskAttachments"], 4u);
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("vms", "{ networkInterfaces_SOME: { NOT: { publicIp: null } } }"),
            Names{"vm-web"});
  EXPECT_EQ(names("vms", "{ networkInterfaces_SOME: {} }"), (Names{"vm-classic-disk", "vm-web"}));
  // The catalogue's unmanaged-disk query: a VHD instead of a managed disk.
  EXPECT_EQ(names("vms", "{ diskAttachments_SOME: { NOT: { vhdURI: { eq: \"\" } } } }"),
            (Names{"vm-classic-disk", "vm-web"}));
  // CIS: OS and data disks encrypted with a customer-managed key. The
  // upper-case id of vm-web's OS disk finds it; an unmanaged disk has none.
  EXPECT_EQ(names("vms", "{ diskAttachments_SOME: { disk: { encryptionKey: null } } }"),
            Names{"vm-web"});
  EXPECT_EQ(names("diskAttachments", "{ disk: { name: \"disk-cmk\" } }"), Names{"disk-cmk"});
  // Backwards, from a disk to the attachment naming it (direction: IN).
  EXPECT_EQ(names("disks", "{ diskAttachments: { lun: 0 } }"), Names{"disk-cmk"});
  EXPECT_EQ(names("disks", "{ diskAttachments_SOME: null }"), Names{"disk-orphan"});
  EXPECT_EQ(names("disks", "{ NOT: { diskState: \"Unattached\" } }"),
            (Names{"disk-cmk", "vm-web-osdisk"}));
}

// A network security group shared by interfaces (@ref(shared: true)): the
// link is in each interface's row, so every interface reaches the group.
TEST_F(ImportedFixture, InterfacesShareTheirSecurityGroup) {
  import({"compute.json", "network.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("networkInterfaces", "{ securityGroups_SOME: { name: \"nsg-web\" } }"),
            Names{"nic-web"});
  // The catalogue's publicly accessible VMs: a public IP and an interface
  // group letting HTTP in from anywhere is not a management port...
  std::string open_management =
      "{ networkInterfaces_SOME: { NOT: { publicIp: null } securityGroups_SOME: { rules_SOME: { "
      "direction: { eq: \"Inbound\" } action: { eq: \"Allow\" } AND: [ { OR: [ { "
      "sources_INCLUDES: \"cidr:0.0.0.0/0\" } { sources_INCLUDES: \"cidr:::/0\" } { "
      "sources_INCLUDES: \"tag:Internet\" } { sources: { eq: [] } } ] } { OR: [ { "
      "destFromPort_LTE: PORT, destToPort_GTE: PORT } ] } ] } } } }";
  auto with_port = [&](const std::string& port) {
    std::string q = open_management;
    for (size_t at; (at = q.find("PORT")) != std::string::npos;) q.replace(at, 4, port);
    return q;
  };
  EXPECT_EQ(names("vms", with_port("22")), Names{});
  // ... and port 80 is open from anywhere on vm-web's interface.
  EXPECT_EQ(names("vms", with_port("80")), Names{"vm-web"});
  EXPECT_EQ(names("securityGroups", "{ rules_SOME: { name: \"allow-rdp\" } }"), Names{"nsg-empty"});
}

}  // namespace
}  // namespace posture

namespace posture {
namespace {

using declared_test::ImportedFixture;

// Fields read through a relationship (@through): a storage account's blob
// service settings and the diagnostic settings of its services, which
// belong to the account (@extension(under:)) with the type of the service
// they are on.
TEST_F(ImportedFixture, StorageAccountsReadTheirServicesSettings) {
  import({"storage.json", "diagnostics.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("storageAccounts", "{ blobServiceDeletePolicyEnabled: true }"),
            Names{"stdatahardened"});
  // A blob service that says nothing (stwebopen's) and an account whose blob
  // service was not read (stlegacydefaults): the catalogue's fills, false and 0.
  EXPECT_EQ(names("storageAccounts", "{ blobServiceDeletePolicyEnabled: { eq: false } }"),
            (Names{"stlegacydefaults", "stwebopen"}));
  EXPECT_EQ(names("storageAccounts", "{ blobServiceDeletePolicyDays: 30 }"),
            Names{"stdatahardened"});
  EXPECT_EQ(names("storageAccounts", "{ containerDeleteRetentionPolicyDays: { eq: 0 } }"),
            (Names{"stlegacydefaults", "stwebopen"}));
  EXPECT_EQ(names("storageAccounts", "{ blobServiceDeletePolicyEnabled: null }"), Names{});
  EXPECT_EQ(names("storageAccounts", "{ isBlobServicesDiagnosticsSettingsEnabled: true }"),
            Names{"stdatahardened"});
  // A lower-cased id (as Azure gives diagnostic settings) routes the same.
  EXPECT_EQ(names("storageAccounts", "{ isQueueServicesDiagnosticsSettingsEnabled: true }"),
            Names{"stdatahardened"});
  EXPECT_EQ(names("storageAccounts", "{ isTableServicesDiagnosticsSettingsEnabled: true }"),
            Names{"stwebopen"});
  // No diagnostic setting read: false, never null.
  EXPECT_EQ(names("storageAccounts", "{ isTableServicesDiagnosticsSettingsEnabled: false }"),
            (Names{"stdatahardened", "stlegacydefaults"}));
  EXPECT_EQ(names("storageAccounts",
                  "{ diagnosticSettings_SOME: { resourceType: { eq: "
                  "\"Microsoft.Storage/storageAccounts/queueServices\" } } }"),
            Names{"stdatahardened"});
  EXPECT_EQ(names("storageAccounts",
                  "{ diagnosticSettings_SOME: { resourceType: { eq: "
                  "\"Microsoft.Storage/storageAccounts\" }, logsEnabled: false } }"),
            Names{"stwebopen"});
  // The catalogue's query for blob logging: the account without the three
  // categories or an audit group on its blob service.
  EXPECT_EQ(names("storageAccounts",
                  "{ OR: [{ isBlobServicesDiagnosticsSettingsEnabled: { eq: false } }, { AND: "
                  "[{ diagnosticSettings_NONE: { resourceType: { eq: "
                  "\"Microsoft.Storage/storageAccounts/blobServices\" } AND: [{ logs_SINGLE: { "
                  "enabled: { eq: true }, category: { eq: \"StorageRead\" } } }, { logs_SINGLE: { "
                  "enabled: { eq: true }, category: { eq: \"StorageWrite\" } } }, { logs_SINGLE: "
                  "{ enabled: { eq: true }, category: { eq: \"StorageDelete\" } } }] } }, { "
                  "diagnosticSettings_NONE: { resourceType: { eq: "
                  "\"Microsoft.Storage/storageAccounts/blobServices\" } logs_SOME: { enabled: { "
                  "eq: true } categoryGroup_IN: [\"audit\", \"allLogs\"] } } }] }] }"),
            (Names{"stlegacydefaults", "stwebopen"}));
}

// A key vault's loggingEnabled: a diagnostic setting of it sends a log
// category; false without one.
TEST_F(ImportedFixture, KeyVaultLoggingIsReadThroughItsDiagnosticSettings) {
  import({"services.json", "keyvault.json"});
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("kmsVaults", "{ loggingEnabled: true }"), Names{"kv-hardened"});
  EXPECT_EQ(names("kmsVaults", "{ loggingEnabled: null }"), Names{});
  EXPECT_EQ(names("kmsVaults",
                  "{ diagnosticSettings_SOME: { resourceType: { eq: "
                  "\"Microsoft.KeyVault/vaults\" } } }"),
            Names{"kv-hardened"});
}

// Azure Database for PostgreSQL, MySQL and MariaDB always encrypt their
// storage: `encrypted` is the documented constant, whatever the server says.
TEST_F(ImportedFixture, DatabaseServersAreAlwaysEncrypted) {
  import({"databases.json"});
  for (const char* root : {"postgreSqlServers", "mySqlServers", "mariaDbServers",
                           "postgreSqlFlexibleServers", "mySqlFlexibleServers"}) {
    EXPECT_EQ(names(root, "{ encrypted: { eq: false } }"), std::vector<std::string>{}) << root;
    EXPECT_EQ(names(root, "{ encrypted: null }"), std::vector<std::string>{}) << root;
    EXPECT_FALSE(names(root, "{ encrypted: true }").empty()) << root;
  }
}

// Users' MFA from the userRegistrationDetails report (joined by id,
// ignoring case); the tenant's security defaults on its connector.
TEST_F(ImportedFixture, EntraUsersMfaAndTenantSecurityDefaults) {
  import({"entra.json", "storage.json"});
  EXPECT_EQ(summary_.stored_by_type["userRegistrationDetails"], 2u);
  using Names = std::vector<std::string>;
  // Adams registered a method the policy does not allow (isMfaCapable false);
  // the user without a report is false too, never true.
  EXPECT_EQ(names("users", "{ mfaActive: { eq: false } }"),
            (Names{"Conf Room Adams", "No user type"}));
  EXPECT_EQ(names("users", "{ mfaActive: true }"), Names{"Megan Bowen (guest)"});
  EXPECT_EQ(names("users", "{ isAdmin: true, mfaActive: false }"), Names{"Conf Room Adams"});
  // Without a report, whether the user is an admin is unknown: null.
  EXPECT_EQ(names("users", "{ isAdmin: null }"), Names{"No user type"});
  EXPECT_EQ(names("users", "{ registrationDetails: { methodsRegistered_INCLUDES: \"fido2\" } }"),
            Names{});
  EXPECT_EQ(names("connectors",
                  "{ cloudProvider: { eq: \"entra\" }, securityDefaultsEnabled: { eq: false } }"),
            Names{"Contoso"});
  EXPECT_EQ(names("connectors", "{ securityDefaultsEnabled: null }"), Names{});
}

}  // namespace
}  // namespace posture
