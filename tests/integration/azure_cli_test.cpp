// Integration tests of the built `posture` binary's `collect azure` and
// `scans` subcommands against the mock ARM server: exit codes, summaries,
// the scans listing, and that no secret (bearer tokens, the client secret)
// ever appears in stdout, stderr or the bytes of the store and its WAL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "integration/support/azure_fixture.hpp"

namespace posture::testing {
namespace {

const std::string kKnownToken = "tok-KNOWN-4f9a2b7c1d8e";
const std::string kKnownSecret = "SECRET-kn0wn-9c8b7a6f5e";
const std::string kIssuedPrefix = "issued-TOKEN-x7y8z9-";
const std::string kFileToken = "file-TOKEN-abc123def456";
const std::string kGraphToken = "graph-TOKEN-5e6f7a8b9c0d";
const std::string kGraphFileToken = "graphfile-TOKEN-1a2b3c4d5e6f";

class AzureCliTest : public AzureCollectTest {
 protected:
  void SetUp() override {
    AzureCollectTest::SetUp();
    if (!std::filesystem::exists(POSTURE_BINARY)) GTEST_SKIP() << "no " << POSTURE_BINARY;
  }

  ProcessResult posture(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return run_process(POSTURE_BINARY, args, std::move(env));
  }

  std::vector<std::string> collect_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{
        "collect",     "azure",    "--db",      db_, "--arm-endpoint",   mock.url(),
        "--authority", mock.url(), "--timeout", "2", "--graph-endpoint", mock.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Fails the test if any secret occurs in `text` (named `where`).
  void expect_no_secret(const std::string& text, const std::string& where) {
    for (const std::string& secret :
         {kKnownToken, kKnownSecret, kIssuedPrefix, kFileToken, kGraphToken, kGraphFileToken,
          std::string(MockArm::kStaticToken)}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " found in " << where;
    }
  }

  void expect_no_secret_in_store() {
    for (const char* suffix : {"", "-wal", "-journal"}) {
      std::string path = db_ + suffix;
      if (std::filesystem::exists(path)) expect_no_secret(slurp(path), path);
    }
  }
};

TEST_F(AzureCliTest, NoSecretAppearsAnywhereWithAnEnvironmentToken) {
  mock.add_subscriptions(6);
  mock.accept_token(kKnownToken);
  mock.add_fault(MockArm::guid(1) + "/providers", Fault::http(403));
  mock.add_fault(MockArm::guid(2) + "/providers", Fault::malformed());
  mock.add_fault(MockArm::guid(3) + "/providers", Fault::http(500));
  mock.add_fault(MockArm::guid(4) + "/providers", Fault::throttle(1));
  // Microsoft Graph with a token of its own, which only Graph requests carry.
  mock.accept_token(kGraphToken);
  mock.add_graph_object("organization", R"({"id":")" + std::string(MockArm::kTenant) +
                                            R"(","displayName":"Contoso"})");
  mock.add_graph_object("users", R"({"id":"u1","displayName":"Adele","userType":"Member"})");
  mock.add_fault("/v1.0/identity/conditionalAccess/policies", Fault::http(403));
  auto run = posture(collect_args(), {"AZURE_ACCESS_TOKEN=" + kKnownToken,
                                      "AZURE_GRAPH_ACCESS_TOKEN=" + kGraphToken});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("(partial)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("HTTP 403"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("/v1.0/identity/conditionalAccess/policies"), std::string::npos)
      << run.err;
  expect_no_secret(run.out, "stdout");
  expect_no_secret(run.err, "stderr");
  expect_no_secret_in_store();
  size_t graph = 0;
  for (const auto& r : mock.requests()) {
    bool is_graph = r.path.rfind("/v1.0/", 0) == 0;
    graph += is_graph;
    EXPECT_EQ(r.headers.at("authorization"), "Bearer " + (is_graph ? kGraphToken : kKnownToken));
  }
  EXPECT_GT(graph, 5u);
}

TEST_F(AzureCliTest, NoSecretAppearsAnywhereWithClientCredentials) {
  mock.add_subscriptions(8);
  mock.set_client("client-1", kKnownSecret, 3599, kIssuedPrefix);
  mock.expire_tokens_after(3);
  mock.add_fault(MockArm::guid(5) + "/providers", Fault::http(403));
  std::vector<std::string> env{"AZURE_TENANT_ID=" + std::string(MockArm::kTenant),
                               "AZURE_CLIENT_ID=client-1", "AZURE_CLIENT_SECRET=" + kKnownSecret};
  auto run = posture(collect_args(), env);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(mock.tokens_issued(), 3);  // ARM's first, its renewal, and Graph's
  expect_no_secret(run.out, "stdout");
  expect_no_secret(run.err, "stderr");
  expect_no_secret_in_store();
  // A rejected secret: the error says so, without the secret.
  mock.set_client("client-1", "another-secret", 3599, kIssuedPrefix);
  auto rejected = posture(collect_args(), env);
  EXPECT_EQ(rejected.exit_code, 2);
  EXPECT_NE(rejected.err.find("invalid_client"), std::string::npos) << rejected.err;
  expect_no_secret(rejected.out, "stdout");
  expect_no_secret(rejected.err, "stderr");
  expect_no_secret_in_store();
}

TEST_F(AzureCliTest, NoSecretAppearsInTheWalOfAnOpenStore) {
  mock.add_subscriptions(4);
  mock.add_fault(MockArm::guid(0) + "/providers", Fault::http(403));
  auto store = store::Store::open(db_, posture::schema::builtin());
  ASSERT_TRUE(store.ok());
  {
    // A new store's first scan is written without the WAL; the collection
    // is the second.
    auto first = store::ScanWriter::begin(*store, "first");
    ASSERT_TRUE(first.ok() && first->commit().ok());
  }
  auto summary = azure::collect(*store, options(), client_credentials(kKnownSecret));
  ASSERT_TRUE(summary.ok());
  ASSERT_TRUE(std::filesystem::exists(db_ + "-wal"));
  ASSERT_NE(slurp(db_ + "-wal").find(MockArm::guid(3)), std::string::npos);  // the scan is there
  expect_no_secret_in_store();  // while the WAL still holds the scan
  expect_no_secret(slurp(db_ + "-wal"), "wal");
  EXPECT_EQ(slurp(db_ + "-wal").find("mock-token-"), std::string::npos);
}

TEST_F(AzureCliTest, NoSecretAppearsWithATokenFileOrARejectedToken) {
  mock.add_subscriptions(2);
  mock.accept_token(kFileToken);
  std::string token_file = db_ + ".token.json";
  std::ofstream(token_file)
      << R"({"accessToken":")" << kFileToken
      << R"(","expiresOn":"2099-01-01 00:00:00.000000","tokenType":"Bearer"})";
  auto run = posture(collect_args({"--token-file", token_file}));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  expect_no_secret(run.out + run.err, "output");
  // The token is then revoked: listing fails with 401, reported without it.
  mock.expire_tokens_after(0);
  auto rejected = posture(collect_args({"--token-file", token_file}));
  EXPECT_EQ(rejected.exit_code, 2);
  EXPECT_NE(rejected.err.find("401"), std::string::npos) << rejected.err;
  expect_no_secret(rejected.out + rejected.err, "output");
  expect_no_secret_in_store();
  std::filesystem::remove(token_file);
}

// The Graph token from --graph-token-file, with Graph answering 403 on the
// groups and timing out on the service principals, then refusing the token.
TEST_F(AzureCliTest, NoSecretAppearsWithAGraphTokenFile) {
  mock.add_subscriptions(2);
  mock.accept_token(kKnownToken);
  mock.accept_token(kGraphFileToken);
  mock.add_graph_object("organization", R"({"id":")" + std::string(MockArm::kTenant) +
                                            R"(","displayName":"Contoso"})");
  mock.add_graph_object("users", R"({"id":"u1","displayName":"Adele","userType":"Member"})");
  mock.add_graph_object("groups", R"({"id":"g1","displayName":"Admins","securityEnabled":true})");
  mock.add_fault("/v1.0/groups", Fault::http(403));
  mock.add_fault("/v1.0/servicePrincipals", Fault::slow(5000ms), 10);
  std::string token_file = db_ + ".graph-token.json";
  std::ofstream(token_file)
      << R"({"accessToken":")" << kGraphFileToken
      << R"(","expiresOn":"2099-01-01 00:00:00.000000","tokenType":"Bearer"})";
  auto run = posture(collect_args({"--graph-token-file", token_file, "--max-retries", "1"}),
                     {"AZURE_ACCESS_TOKEN=" + kKnownToken});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("(partial)"), std::string::npos) << run.err;
  expect_no_secret(run.out, "stdout");
  expect_no_secret(run.err, "stderr");
  expect_no_secret_in_store();
  size_t graph = 0;
  for (const auto& r : mock.requests())
    if (r.path.rfind("/v1.0/", 0) == 0) {
      ++graph;
      EXPECT_EQ(r.headers.at("authorization"), "Bearer " + kGraphFileToken);
    }
  EXPECT_GT(graph, 5u);
  // A Graph token the service refuses: reported without it.
  std::ofstream(token_file)
      << R"({"accessToken":")" << kGraphFileToken
      << R"(x","expiresOn":"2099-01-01 00:00:00.000000","tokenType":"Bearer"})";
  auto refused = posture(collect_args({"--graph-token-file", token_file}),
                         {"AZURE_ACCESS_TOKEN=" + kKnownToken});
  EXPECT_NE(refused.err.find("401"), std::string::npos) << refused.err;
  expect_no_secret(refused.out, "stdout");
  expect_no_secret(refused.err, "stderr");
  expect_no_secret_in_store();
  std::filesystem::remove(token_file);
}

// `collect --no-raw`: the same rows as a collection that keeps the original
// JSON, and none of it.
TEST_F(AzureCliTest, CollectWithoutRawStoresTheSameRowsAndNoOriginalJson) {
  mock.add_subscriptions(3);
  const std::string token = std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken;
  auto quiet = [&](std::vector<std::string> extra) {
    auto args = collect_args(std::move(extra));
    args.insert(args.begin(), "--quiet");
    return posture(args, {token});
  };
  auto kept = quiet({"--types", "securityContacts"});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  auto lean = quiet({"--types", "securityContacts", "--no-raw"});
  ASSERT_EQ(lean.exit_code, 0) << lean.err;
  for (const auto& [table, field] :
       {std::pair{"connector", "name"}, {"security_contact", "email"}, {"security_contact", "id"}})
    EXPECT_EQ(column(table, field, 2), column(table, field, 1)) << table << "." << field;
  EXPECT_EQ(count("connector", 1), 3u);
  for (const char* table : {"connector", "security_contact"}) {
    for (const auto& raw : column(table, "_raw", 1)) EXPECT_NE(raw, "<null>") << table;
    for (const auto& raw : column(table, "_raw", 2)) EXPECT_EQ(raw, "<null>") << table;
    EXPECT_FALSE(column(table, "_raw", 2).empty()) << table;
  }
}

TEST_F(AzureCliTest, ScansListsPartialScansWithTheirErrors) {
  mock.add_subscriptions(3);
  mock.add_fault(MockArm::guid(1) + "/providers", Fault::http(403));
  auto args = collect_args({"--types", "securityContacts"});
  args.insert(args.begin(), "--quiet");
  auto run = posture(args, {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("warning: /subscriptions/" + MockArm::guid(1)), std::string::npos);
  auto json = posture({"scans", "--db", db_, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["scans"].size(), 1u);
  const auto& scan = doc["scans"][0];
  EXPECT_EQ(scan["source"], "azure");
  EXPECT_EQ(scan["status"], "partial");
  EXPECT_EQ(scan["objects"], 5);  // 3 connectors, 2 contacts
  ASSERT_EQ(scan["errors"].size(), 1u);
  EXPECT_EQ(scan["errors"][0]["resource"], "/subscriptions/" + MockArm::guid(1));
  EXPECT_EQ(scan["errors"][0]["http_status"], 403);
  EXPECT_EQ(scan["errors"][0]["type"], "Connector");
  auto table = posture({"scans", "--db", db_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("partial"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("(HTTP 403)"), std::string::npos) << table.out;
}

TEST_F(AzureCliTest, AFailedListingExitsWith2AndIsListedAsFailed) {
  mock.add_subscriptions(1);
  auto first =
      posture(collect_args(), {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  ASSERT_EQ(first.exit_code, 0) << first.err;  // the store exists: a failure is recorded in it
  mock.add_fault("Microsoft.ResourceGraph", Fault::http(503), 100);
  auto run = posture(collect_args({"--max-retries", "1"}),
                     {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("cannot list subscriptions"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("POST " + mock.url() + "/providers/Microsoft.ResourceGraph/resources"),
            std::string::npos)
      << run.err;
  auto table = posture({"scans", "--db", db_});
  EXPECT_NE(table.out.find("failed"), std::string::npos) << table.out;
}

TEST_F(AzureCliTest, MissingCredentialsOrAnInsecureEndpointExitWith2) {
  auto none = posture(collect_args());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no Azure credentials"), std::string::npos) << none.err;
  auto insecure =
      posture({"collect", "azure", "--db", db_, "--arm-endpoint", "http://management.example.com"},
              {"AZURE_ACCESS_TOKEN=" + kKnownToken});
  EXPECT_EQ(insecure.exit_code, 2);
  EXPECT_NE(insecure.err.find("plain http"), std::string::npos) << insecure.err;
  expect_no_secret(insecure.err, "stderr");
  EXPECT_TRUE(mock.requests().empty());
}

}  // namespace
}  // namespace posture::testing

namespace posture::testing {
namespace {

// A collection of subscriptions and their contacts (--types): checks reading
// anything else are ERROR ("... were not collected"), never a pass or a fail
// on data it never read; contacts that could not be read (HTTP 403) make the
// checks reading contacts ERROR for that subscription only.
TEST_F(AzureCliTest, ACollectionSaysWhatItDidNotCollectAndWhichContactsItCouldNotRead) {
  mock.add_subscriptions(2);
  mock.add_fault(MockArm::guid(1) + "/providers", Fault::http(403));
  auto args = collect_args({"--types", "securityContacts"});
  args.insert(args.begin(), "--quiet");
  auto run = posture(args, {std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto doc = posture({"check", "--db", db_, "--format", "json", "--check",
                      "azure-additional-email-address", "--check", "azure-defender-for-storage-on",
                      "--check", "azure-storage-minimum-tls-1-2"});
  EXPECT_EQ(doc.exit_code, 2) << doc.out << doc.err;
  auto report = nlohmann::json::parse(doc.out);
  ASSERT_EQ(report["checks"].size(), 3u);
  for (const auto& check : report["checks"]) {
    EXPECT_EQ(check["status"], "ERROR") << check.dump();
    if (check["id"] == "azure-additional-email-address") {
      // Per subscription: the one whose contacts failed is ERROR, the other is judged.
      ASSERT_EQ(check["findings"].size(), 2u) << check.dump();
      for (const auto& f : check["findings"]) {
        bool denied = f["resource"] == "/subscriptions/" + MockArm::guid(1);
        EXPECT_EQ(f["status"] == "ERROR", denied) << f.dump();
        if (!denied) continue;
        EXPECT_NE(f["detail"].get<std::string>().find("HTTP 403"), std::string::npos) << f.dump();
      }
      continue;
    }
    // Pricing plans and storage accounts: one check-level finding.
    ASSERT_EQ(check["findings"].size(), 1u) << check.dump();
    EXPECT_EQ(check["findings"][0]["resource"], "");
    EXPECT_NE(
        check["findings"][0]["detail"].get<std::string>().find(" were not collected in scan 1: "),
        std::string::npos)
        << check.dump();
  }
  auto scans = posture({"scans", "--db", db_, "--format", "json"});
  auto listed = nlohmann::json::parse(scans.out)["scans"][0];
  ASSERT_EQ(listed["errors"].size(), 1u);
  EXPECT_EQ(listed["errors"][0]["child_type"], "SecurityContact");
}

}  // namespace
}  // namespace posture::testing
