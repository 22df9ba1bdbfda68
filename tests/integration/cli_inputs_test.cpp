// What `posture import` and `posture collect` read from a user's own files:
// the az CLI's output (az account list / show, az security contact list /
// show, in the older and newer shapes) besides ARM REST responses; the objects
// import skips are named with file:line and why; a --token-file that cannot be
// used says why (missing, unreadable, not JSON, no accessToken, expired), and
// never shows the token.
#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "integration/support/cli_fixture.hpp"

namespace posture::testing {
namespace {

using nlohmann::json;

const std::string kSub1 = "11111111-0000-4000-8000-000000000001";
const std::string kSub2 = "11111111-0000-4000-8000-000000000002";
const std::string kSub3 = "11111111-0000-4000-8000-000000000003";

// `az account list`, as the az CLI prints it.
std::string az_account_list() {
  json list = json::array();
  for (const auto& [guid, name] : {std::pair{kSub1, "Prod"}, {kSub2, "Staging"}, {kSub3, "Dev"}})
    list.push_back({{"cloudName", "AzureCloud"},
                    {"homeTenantId", "aaaaaaaa-0000-4000-8000-000000000000"},
                    {"id", guid},
                    {"isDefault", guid == kSub1},
                    {"managedByTenants", json::array()},
                    {"name", name},
                    {"state", "Enabled"},
                    {"tenantId", "aaaaaaaa-0000-4000-8000-000000000000"},
                    {"user", {{"name", "someone@example.com"}, {"type", "user"}}}});
  return list.dump(2);
}

std::string contact_id(const std::string& guid, const std::string& name) {
  return "/subscriptions/" + guid + "/providers/Microsoft.Security/securityContacts/" + name;
}

class CliInputsTest : public CliFixture {
 protected:
  // The query's JSON answer on `db`.
  json query(const std::string& db, const std::string& text) {
    auto r = posture({"query", "--db", db, "-e", text});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
};

TEST_F(CliInputsTest, ImportReadsTheAzCliOutputOfAccountsAndSecurityContacts) {
  std::string accounts = write("accounts.json", az_account_list());
  // az account show: one object.
  json show = json::parse(az_account_list())[0];
  std::string account = write("account.json", show.dump(2));
  // az security contact list, 2020-01-01-preview (properties flattened).
  json list2020 =
      json::array({{{"alertNotifications", {{"minimalSeverity", "High"}, {"state", "On"}}},
                    {"emails", "soc@example.com;ops@example.com"},
                    {"id", contact_id(kSub1, "default")},
                    {"name", "default"},
                    {"notificationsByRole", {{"roles", {"Owner"}}, {"state", "On"}}},
                    {"phone", ""},
                    {"type", "Microsoft.Security/securityContacts"}}});
  // az security contact show, older az (2017-08-01-preview).
  json show2017 = {{"alertNotifications", "Off"},
                   {"alertsToAdmins", "On"},
                   {"email", "legacy@example.com"},
                   {"id", contact_id(kSub2, "default1")},
                   {"name", "default1"},
                   {"phone", "+1-555-0100"},
                   {"type", "Microsoft.Security/securityContacts"}};
  // az security contact show, newest az (2023-12-01-preview).
  json show2023 = {
      {"emails", ""},
      {"id", contact_id(kSub3, "default")},
      {"isEnabled", true},
      {"name", "default"},
      {"notificationsByRole", {{"roles", {"Owner"}}, {"state", "Off"}}},
      {"notificationsSources", {{{"sourceType", "Alert"}, {"minimalSeverity", "Low"}}}},
      {"phone", ""},
      {"type", "Microsoft.Security/securityContacts"}};
  std::string contacts = write("contacts.json", list2020.dump(2));
  std::string legacy = write("legacy.json", show2017.dump(2));
  std::string newest = write("newest.json", show2023.dump(2));
  std::string db = path("az.db");
  auto r = posture({"import", "--db", db, accounts, account, contacts, legacy, newest});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("3 subscriptions, 3 security contacts, 0 kept raw"), std::string::npos)
      << r.err;

  json answer = query(db,
                      "{ connectors { id name subscriptionId tenantId state "
                      "securityContacts { email emails alertNotifications "
                      "alertMinimalSeverity notificationRoles apiVersion } } }");
  const json& connectors = answer["data"]["connectors"];
  ASSERT_EQ(connectors.size(), 3u) << answer.dump();
  std::map<std::string, json> by_id;
  for (const auto& c : connectors) by_id[c["id"].get<std::string>()] = c;
  const json& prod = by_id["/subscriptions/" + kSub1];
  EXPECT_EQ(prod["name"], "Prod");
  EXPECT_EQ(prod["subscriptionId"], kSub1);
  EXPECT_EQ(prod["state"], "Enabled");
  ASSERT_EQ(prod["securityContacts"].size(), 1u);
  EXPECT_EQ(prod["securityContacts"][0]["emails"], json({"soc@example.com", "ops@example.com"}));
  EXPECT_EQ(prod["securityContacts"][0]["alertMinimalSeverity"], "High");
  EXPECT_EQ(prod["securityContacts"][0]["apiVersion"], "2020-01-01-preview");
  const json& staging = by_id["/subscriptions/" + kSub2]["securityContacts"][0];
  EXPECT_EQ(staging["email"], "legacy@example.com");
  EXPECT_EQ(staging["alertNotifications"], false);
  EXPECT_EQ(staging["notificationRoles"], json({"Owner"}));
  EXPECT_EQ(staging["apiVersion"], "2017-08-01-preview");
  const json& dev = by_id["/subscriptions/" + kSub3]["securityContacts"][0];
  EXPECT_EQ(dev["email"], "");
  EXPECT_EQ(dev["alertMinimalSeverity"], "Low");
  EXPECT_EQ(dev["apiVersion"], "2023-12-01-preview");
}

TEST_F(CliInputsTest, ImportNamesTheObjectsItKeepsRawAndWhy) {
  std::string mixed =
      write("mixed.jsonl",
            "{\"id\": \"/subscriptions/" + kSub1 + "\", \"subscriptionId\": \"" + kSub1 + "\"}\n" +
                "{\"id\": \"/subscriptions/" + kSub1 +
                "/resourceGroups/rg/providers/Microsoft.Resources/resourceGroups/rg1\", \"type\": "
                "\"Microsoft.Resources/resourceGroups\"}\n" +
                "{\"id\": \"/subscriptions/" + kSub2 + "\", \"displayName\": \"no guid\"}\n" +
                "{\"hello\": \"world\"}\n");
  auto r = posture({"import", "--db", path("m.db"), mixed});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 subscription, 0 security contacts, 3 kept raw"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(mixed + ":2: unknown type Microsoft.Resources/resourceGroups"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(mixed + ":3: no subscriptionId"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mixed + ":4: no id or type"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("az account list"), std::string::npos) << r.err;

  std::string nothing = write("vm.json",
                              "[{\"type\": \"Microsoft.Resources/resourceGroups\", "
                              "\"id\": \"/x\"}]");
  auto none = posture({"import", "--db", path("n.db"), nothing});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("skipped " + nothing + ":1: unknown type Microsoft.Resources"),
            std::string::npos)
      << none.err;
  EXPECT_NE(none.err.find("az security contact list"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(path("n.db")));
}

// `import --no-raw`: the same verdicts from a smaller store, and the summary
// says what the original JSON costs or that it was left out.
TEST_F(CliInputsTest, ImportWithoutRawGivesTheSameVerdictsFromASmallerStore) {
  const std::string sample =
      std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl";
  auto kept = posture({"import", "--db", path("kept.db"), sample});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_NE(kept.err.find("original JSON kept: "), std::string::npos) << kept.err;
  auto lean = posture({"import", "--no-raw", "--db", path("lean.db"), sample});
  ASSERT_EQ(lean.exit_code, 0) << lean.err;
  EXPECT_NE(lean.err.find("original JSON not kept (--no-raw)"), std::string::npos) << lean.err;
  auto verdicts = [&](const std::string& db) {
    auto r = posture({"check", "--db", db, "--format", "csv"});
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the sample fails some checks
    return r.out;
  };
  std::string want = verdicts(path("kept.db"));
  EXPECT_GT(std::count(want.begin(), want.end(), '\n'), 100) << want;
  EXPECT_EQ(verdicts(path("lean.db")), want);
  // Smaller by the JSON it does not keep: over 2,000 connectors (the sample's
  // JSON fits in the pages of 32 KiB an empty store's tables take anyway).
  const std::string generated = path("generated.jsonl");
  ASSERT_EQ(posture({"generate", "-n", "2000", "-o", generated}).exit_code, 0);
  ASSERT_EQ(posture({"import", "--db", path("kept2.db"), generated}).exit_code, 0);
  ASSERT_EQ(posture({"import", "--no-raw", "--db", path("lean2.db"), generated}).exit_code, 0);
  EXPECT_LT(std::filesystem::file_size(path("lean2.db")) + 500'000,
            std::filesystem::file_size(path("kept2.db")));

  // Objects of types not modelled are counted and named, but not kept.
  std::string mixed = write("mixed.jsonl", "{\"id\": \"/subscriptions/" + kSub1 +
                                               "\", \"subscriptionId\": \"" + kSub1 +
                                               "\"}\n{\"id\": \"/x\", \"type\": "
                                               "\"Microsoft.Resources/resourceGroups\"}\n");
  auto skipped = posture({"import", "--no-raw", "--db", path("m.db"), mixed});
  ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_NE(skipped.err.find("1 subscription, 0 security contacts, 1 skipped"), std::string::npos)
      << skipped.err;
  EXPECT_NE(skipped.err.find("not kept: --no-raw"), std::string::npos) << skipped.err;
  EXPECT_NE(skipped.err.find(mixed + ":2: unknown type Microsoft.Resources/resourceGroups"),
            std::string::npos)
      << skipped.err;
}

TEST_F(CliInputsTest, ATokenFileThatCannotBeUsedSaysWhyWithoutTheToken) {
  const std::string secret = "tok-SECRET-in-file-7f3e9a";
  auto collect = [&](const std::string& token_file) {
    return posture({"collect", "azure", "--db", path("t.db"), "--arm-endpoint", mock.url(),
                    "--token-file", token_file});
  };
  struct Case {
    std::string name, bytes, expected;
  };
  std::vector<Case> cases{
      {"", "", "token file " + path("missing.json") + " does not exist"},
      {"not-json.json", "accessToken=" + secret, " is not JSON"},
      {"array.json", "[\"" + secret + "\"]", " holds a JSON array, not the object"},
      {"no-token.json", "{\"expiresOn\": \"2099-01-01 00:00:00\"}", " has no accessToken"},
      {"expired.json", "{\"accessToken\": \"" + secret + "\", \"expires_on\": 1600000000}",
       " expired at 2020-09-13T12:26:40Z"}};
  for (const auto& c : cases) {
    std::string file = c.name.empty() ? path("missing.json") : write(c.name, c.bytes);
    auto r = collect(file);
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << c.name;
    EXPECT_FALSE(std::filesystem::exists(path("t.db"))) << c.name;
  }
  std::filesystem::create_directories(path("a-directory"));
  auto unreadable = collect(path("a-directory"));
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.err.find("token file " + path("a-directory") + " cannot be read"),
            std::string::npos)
      << unreadable.err;
}

}  // namespace
}  // namespace posture::testing
