// End-to-end test of the whole path on the bundled sample inventory: runs the
// real `posture` program as a subprocess (import, check, query) on
// collectors/samples/azure-sample.jsonl and asserts the four security-contact
// checks' verdict for every subscription against a table written by hand from the API facts and the
// stored queries (the two-valued semantics of docs/query-language.md). Also shows that the seed
// query lists exactly the failing connectors, and that a malformed import leaves the store as it
// was.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/sample_e2e.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kEmail = "azure-additional-email-address";
constexpr const char* kHigh = "azure-notify-alerts-high-severity";
constexpr const char* kOwners = "azure-security-alert-emails-owners";
constexpr const char* kConfigured = "azure-security-contact-configured";

// One expected verdict and the reason for it.
struct Verdict {
  const char* status;  // PASS | FAIL
  const char* why;
};

// One subscription of the sample and its four expected verdicts, in the order
// email (E), high severity (H), owners (O), configured (C).
struct Row {
  const char* id;
  const char* name;
  Verdict email, high, owners, configured;
};

// clang-format off
// Worked out by hand from the normalisation table of docs/data-model.md and each query:
//  E fails: securityContacts_SOME: null, or SOME {email: null}, or SOME {email: ""}.
//  H fails: NOT SOME {alertNotifications: true, alertMinimalSeverity_IN: [null, High, Medium, Low]}.
//  O fails: NOT SOME {notificationByRoleState: "On", notificationRoles_INCLUDES: "Owner"}.
//  C fails: NOT SOME {email and phone NOT_IN [null, ""], alertNotifications: true,
//           notificationByRoleState: "On"}  (a missing phone is NOT_IN-false).
const std::vector<Row> kTable = {
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000001", "Contoso Production",
   {"PASS", "2017 email set"},
   {"PASS", "2017 alertNotifications On; severity null is in the list"},
   {"PASS", "alertsToAdmins On -> state On, roles [Owner]"},
   {"PASS", "email, phone, alerts On, admins On"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000002", "Contoso Staging",
   {"FAIL", "default1 has email \"\" (SOME contact with empty email)"},
   {"PASS", "default2 has alertNotifications On"},
   {"PASS", "default2 has alertsToAdmins On"},
   {"PASS", "default2 is complete"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000003", "Contoso Sandbox",
   {"PASS", "email set"},
   {"PASS", "alertNotifications On"},
   {"PASS", "alertsToAdmins On"},
   {"FAIL", "no phone key: phone_NOT_IN [null, \"\"] is false for a missing phone"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000004", "Contoso Legacy",
   {"PASS", "email set"},
   {"FAIL", "alertNotifications Off"},
   {"PASS", "alertsToAdmins On"},
   {"FAIL", "alertNotifications Off"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000005", "Contoso Research",
   {"PASS", "email set"},
   {"PASS", "alertNotifications On"},
   {"FAIL", "alertsToAdmins Off -> state Off, roles []"},
   {"FAIL", "notificationByRoleState Off"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000006", "Fabrikam Production",
   {"PASS", "2020 emails set (bare-array response)"},
   {"PASS", "state On, minimalSeverity Medium"},
   {"PASS", "roles [Owner, ServiceAdmin], state On"},
   {"PASS", "email, phone, alerts On, roles On"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000007", "Fabrikam Data",
   {"PASS", "emails set"},
   {"PASS", "state On, minimalSeverity High"},
   {"FAIL", "roles [AccountAdmin, ServiceAdmin]: Owner missing"},
   {"PASS", "the baseline needs notifications by role On, not Owner"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000008", "Fabrikam Web",
   {"PASS", "emails set"},
   {"FAIL", "alertNotifications.state Off"},
   {"PASS", "roles [Owner], state On"},
   {"FAIL", "alert notifications off"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000009", "Fabrikam Dev",
   {"FAIL", "unconfigured: emails \"\""},
   {"PASS", "state On, minimalSeverity High"},
   {"PASS", "roles [Owner], state On"},
   {"FAIL", "email and phone \"\""}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000010", "Tailspin Production",
   {"PASS", "2023 emails set"},
   {"PASS", "isEnabled, Alert source minimalSeverity Low"},
   {"PASS", "roles [Owner], state On"},
   {"PASS", "email, phone, alerts on, roles On"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000011", "Tailspin Analytics",
   {"PASS", "emails set; contact id in upper case still attaches"},
   {"PASS", "isEnabled, Alert source minimalSeverity High"},
   {"PASS", "roles [Owner, Contributor], state On"},
   {"PASS", "complete"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000012", "Tailspin Finance",
   {"PASS", "emails set"},
   {"FAIL", "isEnabled false -> alertNotifications false"},
   {"PASS", "roles [Owner], state On"},
   {"FAIL", "alertNotifications false"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000013", "Tailspin Shared",
   {"PASS", "emails set"},
   {"FAIL", "no Alert source -> alertNotifications false"},
   {"FAIL", "notificationsByRole state Off"},
   {"FAIL", "alertNotifications false and role state Off"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000014", "Contoso Production",
   {"PASS", "emails set (same displayName as 01, keyed by id)"},
   {"PASS", "isEnabled, Alert source minimalSeverity Medium"},
   {"PASS", "roles [Owner], state On"},
   {"FAIL", "phone \"\""}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000015", "Northwind Archive",
   {"FAIL", "no security contact: securityContacts_SOME: null"},
   {"FAIL", "no contact: NOT SOME is true"},
   {"FAIL", "no contact: NOT SOME is true"},
   {"FAIL", "no contact: NOT SOME is true"}},
  {"/subscriptions/c0ffee00-0000-4000-8000-000000000016", "Tailspin Dev",
   {"FAIL", "unconfigured 2023: emails \"\""},
   {"PASS", "isEnabled, Alert source minimalSeverity High"},
   {"PASS", "roles [Owner], state On"},
   {"FAIL", "email and phone \"\""}},
};
// clang-format on

const Verdict& expected(const Row& row, const std::string& check) {
  if (check == kEmail) return row.email;
  if (check == kHigh) return row.high;
  if (check == kOwners) return row.owners;
  return row.configured;
}

// The seed query of the README: the catalogue's
// azure-connectors-without-additional-security-contact-emails.
constexpr const char* kSeedQuery = R"({
  connectors(
    where: {
      OR: [
        { securityContacts_SOME: null }
        { securityContacts_SOME: { email: null } }
        { securityContacts_SOME: { email: { eq: "" } } }
      ]
    }
  ) {
    ...AssetFragment
  }
})";

using posture::testing::e2e::posture;
using posture::testing::e2e::Process;
using posture::testing::e2e::sample_path;

// Imports the sample into a fresh store in its own temporary directory.
class SampleVerdicts : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(POSTURE_BINARY)) << "build the posture target first";
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "s.db").string();
    Process import = posture({"import", "--db", db_, sample_path().string()});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }

  // Runs `posture check --format json`, expects exit status 1 (some checks fail)
  // and returns the parsed report.
  json check(std::string* text = nullptr) {
    Process run = posture({"check", "--db", db_, "--format", "json"});
    EXPECT_EQ(run.exit_code, 1) << "some checks fail on the sample: " << run.err;
    if (text) *text = run.out;
    json report = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(report.is_discarded()) << "not JSON: " << run.out;
    return report;
  }

  posture::testing::e2e::TempDir temp_;
  fs::path dir_;
  std::string db_;
};

// The four security-contact checks this file's table judges. The other stored
// checks (Defender plans, storage, databases, ...) have their own table in
// sample_resource_verdicts_test.cpp.
bool is_contact_check(const std::string& id) {
  return id == kEmail || id == kHigh || id == kOwners || id == kConfigured;
}

TEST_F(SampleVerdicts, ReportHasEachOfTheFourContactChecksOnce) {
  json report = check();
  ASSERT_TRUE(report.contains("checks") && report["checks"].is_array()) << report.dump(2);
  std::multiset<std::string> ids;
  for (const json& c : report["checks"])
    if (is_contact_check(c.value("id", ""))) ids.insert(c.value("id", ""));
  EXPECT_EQ(ids, (std::multiset<std::string>{kEmail, kHigh, kOwners, kConfigured}));
  for (const json& c : report["checks"]) {
    EXPECT_TRUE(c.contains("title") && c["title"].is_string()) << c.value("id", "");
    EXPECT_TRUE(c.contains("severity")) << c.value("id", "");
  }
}

TEST_F(SampleVerdicts, EveryContactCheckHasTheExpectedVerdictForEverySubscription) {
  json report = check();
  ASSERT_TRUE(report.contains("checks")) << report.dump(2);
  std::set<std::string> table_ids;
  for (const Row& row : kTable) table_ids.insert(row.id);
  for (const json& c : report["checks"]) {
    const std::string id = c.value("id", "");
    if (!is_contact_check(id)) continue;
    SCOPED_TRACE("check " + id);
    std::map<std::string, json> findings;  // resource -> finding
    for (const json& f : c.value("findings", json::array())) {
      const std::string resource = f.value("resource", "");
      EXPECT_TRUE(findings.emplace(resource, f).second) << "two findings for " << resource;
    }
    std::set<std::string> found_ids;
    for (const auto& [resource, f] : findings) found_ids.insert(resource);
    EXPECT_EQ(found_ids, table_ids) << "every connector gets one finding per check";
    for (const Row& row : kTable) {
      auto it = findings.find(row.id);
      if (it == findings.end()) continue;
      const Verdict& want = expected(row, id);
      EXPECT_EQ(it->second.value("status", ""), want.status)
          << row.id << " (" << row.name << "): expected " << want.status << " because " << want.why;
      EXPECT_EQ(it->second.value("name", ""), row.name) << row.id;
    }
  }
}

TEST_F(SampleVerdicts, CheckStatusIsFailWhenAnyFindingFails) {
  json report = check();
  ASSERT_TRUE(report.contains("checks")) << report.dump(2);
  for (const json& c : report["checks"]) {
    const std::string id = c.value("id", "");
    if (!is_contact_check(id)) continue;
    bool table_fails = false;
    for (const Row& row : kTable) table_fails |= std::string(expected(row, id).status) == "FAIL";
    bool any_finding_fails = false;
    for (const json& f : c.value("findings", json::array()))
      any_finding_fails |= f.value("status", "") == "FAIL";
    EXPECT_TRUE(table_fails) << id << ": the sample has a failing subscription for every check";
    EXPECT_EQ(c.value("status", ""), any_finding_fails ? "FAIL" : "PASS") << id;
    EXPECT_EQ(c.value("status", ""), table_fails ? "FAIL" : "PASS") << id;
  }
}

TEST_F(SampleVerdicts, SeedQueryListsExactlyTheConnectorsFailingTheEmailCheck) {
  Process run = posture({"query", "--db", db_, "-e", kSeedQuery});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json response = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(response.is_discarded()) << "not JSON: " << run.out;
  ASSERT_TRUE(response.contains("data")) << response.dump(2);
  ASSERT_FALSE(response.contains("errors")) << response.dump(2);
  const json& connectors = response["data"]["connectors"];
  ASSERT_TRUE(connectors.is_array()) << response.dump(2);
  std::multiset<std::string> listed;
  for (const json& c : connectors) listed.insert(c.value("id", ""));
  std::multiset<std::string> failing;
  for (const Row& row : kTable)
    if (std::string(row.email.status) == "FAIL") failing.insert(row.id);
  EXPECT_EQ(listed, failing);
}

TEST_F(SampleVerdicts, MalformedImportFailsWithFileAndLineAndKeepsTheStore) {
  std::string before;
  check(&before);
  const fs::path bad = dir_ / "broken.jsonl";
  {
    std::ofstream out(bad);
    // Lines 1 and 2 are valid and would add a connector: nothing of them may stay.
    out << R"({"id":"/subscriptions/c0ffee00-0000-4000-8000-000000000099","subscriptionId":"c0ffee00-0000-4000-8000-000000000099","tenantId":"aaaaaaaa-0000-4000-8000-000000000000","displayName":"Half Imported","state":"Enabled"})"
        << "\n";
    out << R"({"value":[]})"
        << "\n";
    out << R"({"id":"/subscriptions/c0ffee00-0000-4000-8000-000000000098","displayName": )"
        << "\n";
    out << R"({"value":[]})"
        << "\n";
  }
  Process import = posture({"import", "--db", db_, bad.string()});
  EXPECT_EQ(import.exit_code, 2) << import.out << import.err;
  EXPECT_NE(import.err.find(bad.string() + ":3"), std::string::npos)
      << "stderr should name " << bad.string() << ":3, got: " << import.err;
  std::string after;
  check(&after);
  EXPECT_EQ(after, before) << "a failed import must leave the store as it was";
}

}  // namespace
