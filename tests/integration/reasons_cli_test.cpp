// Reasons of failing findings through the real program: `posture check` on the
// bundled sample in each of the six formats gives every FAIL (and MUTED)
// finding the reason derived from its check's filter, and a user's own check
// in a --queries directory gets one too.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using json = nlohmann::json;

constexpr const char* kSub07 = "/subscriptions/c0ffee00-0000-4000-8000-000000000007";
constexpr const char* kSub15 = "/subscriptions/c0ffee00-0000-4000-8000-000000000015";
// The FAIL findings of every stored check on the sample: 23 on security
// contacts, 183 on Defender plans and integrations (13 checks x 16
// subscriptions, 25 pass), 98 on the other resource types.
constexpr int kSampleFails = 23 + 183 + 98;
constexpr const char* kOwnersReason =
    R"(securityContacts[default].notificationRoles = ["AccountAdmin","ServiceAdmin"] does not include "Owner")";

// Why subscription 15 (Northwind Archive) fails check `id`: it has no security
// contact, and no Defender plan or setting either.
std::string reason_of_15(const std::string& id) {
  if (id.rfind("azure-defender-", 0) != 0) return "no security contact";
  return id.find("-integration-") != std::string::npos ? "no data export setting" : "no pricing";
}

class ReasonsCli : public BulkTest {
 protected:
  Process check(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"check", "--db", db_, "--today", "2025-01-15"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
};

// The fields of one CSV record (RFC 4180, quoted fields with "").
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// The FAIL lines of a table, each with the reason on the line under it.
int table_fails(const std::string& out, std::vector<std::string>& reasons) {
  std::istringstream lines(out);
  std::string line, previous;
  int fails = 0;
  bool expect_reason = false;
  while (std::getline(lines, line)) {
    if (expect_reason) {
      EXPECT_EQ(line.rfind("         ", 0), 0u) << "no reason under: " << previous;
      EXPECT_GT(line.size(), 9u);
      reasons.push_back(line.substr(9));
    }
    expect_reason = line.rfind("  FAIL ", 0) == 0;
    if (expect_reason) ++fails;
    previous = line;
  }
  return fails;
}

TEST_F(ReasonsCli, TableShowsAReasonUnderEveryFail) {
  Process p = check({"--max-rows", "0"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  std::vector<std::string> reasons;
  const int fails = table_fails(p.out, reasons);
  // The sample's FAIL findings (collectors/samples/README.md): 23 on security
  // contacts, 183 on Defender plans and integrations, 98 on other resources.
  EXPECT_EQ(fails, kSampleFails);
  EXPECT_EQ(reasons.size(), static_cast<size_t>(fails));
  EXPECT_NE(p.out.find(std::string("         ") + kOwnersReason + "\n"), std::string::npos)
      << p.out;
  EXPECT_NE(p.out.find("Northwind Archive\n         no security contact\n"), std::string::npos);
  EXPECT_NE(p.out.find(R"(Contoso Staging
         securityContacts[default1].email = "")"),
            std::string::npos);
}

// A table explains the findings it lists (only those are worked out).
TEST_F(ReasonsCli, ATableWithFewRowsExplainsEveryRowItLists) {
  Process p = check({"--max-rows", "2"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  std::vector<std::string> reasons;
  const int fails = table_fails(p.out, reasons);
  // At most two FAIL rows per check: the 4 contact checks and the 13 Defender
  // checks fail at least twice each (8 + 26); of the 54 checks on other
  // resources, 42 fail twice or more and 12 once (84 + 12).
  EXPECT_EQ(fails, 8 + 26 + 84 + 12);
  EXPECT_EQ(reasons.size(), static_cast<size_t>(fails));
  for (const auto& r : reasons) EXPECT_NE(r, "matches the check's filter");
  EXPECT_NE(p.out.find("more (--max-rows 0 lists all"), std::string::npos) << p.out;
}

TEST_F(ReasonsCli, JsonHasReasonAndEvidenceOnEveryFail) {
  Process p = check({"--format", "json"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  json report = json::parse(p.out);
  int fails = 0;
  for (const auto& c : report["checks"]) {
    for (const auto& f : c["findings"]) {
      if (f["status"] != "FAIL") {
        EXPECT_FALSE(f.contains("reason")) << f.dump();
        continue;
      }
      ++fails;
      ASSERT_TRUE(f["reason"].is_string()) << f.dump();
      ASSERT_TRUE(f["evidence"].is_array()) << f.dump();
      EXPECT_FALSE(f["evidence"].empty()) << f.dump();
      for (const auto& e : f["evidence"])
        for (const char* key : {"path", "operator", "expected", "actual", "holds"})
          EXPECT_TRUE(e.contains(key)) << key << " in " << e.dump();
      if (c["id"] == "azure-security-alert-emails-owners" && f["resource"] == kSub07) {
        EXPECT_EQ(f["reason"], kOwnersReason);
        ASSERT_EQ(f["evidence"].size(), 1u);
        const auto& e = f["evidence"][0];
        EXPECT_EQ(e["path"], "securityContacts[default].notificationRoles");
        EXPECT_EQ(e["operator"], "includes");
        EXPECT_EQ(e["expected"], "Owner");
        EXPECT_EQ(e["actual"], json::parse(R"(["AccountAdmin","ServiceAdmin"])"));
        EXPECT_EQ(e["holds"], false);
      }
      if (f["resource"] == kSub15) {
        EXPECT_EQ(f["reason"], reason_of_15(c["id"])) << c["id"];
      }
    }
  }
  EXPECT_EQ(fails, kSampleFails);
}

TEST_F(ReasonsCli, CsvHasAReasonColumn) {
  Process p = check({"--format", "csv"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  std::istringstream lines(p.out);
  std::string line;
  std::getline(lines, line);
  auto header = csv_fields(line);
  ASSERT_EQ(header.back(), "reason");
  const size_t status = 6;
  ASSERT_EQ(header[status], "status");
  int fails = 0;
  bool seen_owner_reason = false;
  while (std::getline(lines, line)) {
    auto fields = csv_fields(line);
    ASSERT_EQ(fields.size(), header.size()) << line;
    if (fields[status] == "FAIL") {
      ++fails;
      EXPECT_FALSE(fields.back().empty()) << line;
    } else {
      EXPECT_TRUE(fields.back().empty()) << line;
    }
    seen_owner_reason |= fields.back() == kOwnersReason;
  }
  EXPECT_EQ(fails, kSampleFails);
  EXPECT_TRUE(seen_owner_reason);
}

TEST_F(ReasonsCli, SarifMessageSaysWhy) {
  Process p = check({"--format", "sarif"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  json sarif = json::parse(p.out);
  int results = 0;
  for (const auto& r : sarif["runs"][0]["results"]) {
    ++results;
    std::string text = r["message"]["text"];
    EXPECT_NE(text.find(". Reason: "), std::string::npos) << text;
    EXPECT_TRUE(r["properties"]["evidence"].is_array());
    if (r["ruleId"] == "azure-security-alert-emails-owners" &&
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == kSub07) {
      EXPECT_EQ(r["properties"]["reason"], kOwnersReason);
    }
  }
  EXPECT_EQ(results, kSampleFails);
}

TEST_F(ReasonsCli, JunitFailureMessageSaysWhy) {
  Process p = check({"--format", "junit"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  size_t failures = 0, with_reason = 0;
  for (size_t at = p.out.find("<failure "); at != std::string::npos;
       at = p.out.find("<failure ", at + 1)) {
    ++failures;
    // No check title holds ": ": the message is "<title>: <reason>".
    size_t begin = p.out.find("message=\"", at) + 9;
    std::string message = p.out.substr(begin, p.out.find('"', begin) - begin);
    if (message.find(": ") != std::string::npos) ++with_reason;
  }
  EXPECT_EQ(failures, static_cast<size_t>(kSampleFails));
  EXPECT_EQ(with_reason, failures);
  EXPECT_NE(p.out.find("notificationRoles = [&quot;AccountAdmin&quot;,&quot;ServiceAdmin&quot;] "
                       "does not include &quot;Owner&quot;"),
            std::string::npos);
}

TEST_F(ReasonsCli, OcsfStatusDetailSaysWhy) {
  Process p = check({"--format", "ocsf"});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  std::istringstream lines(p.out);
  std::string line;
  int events = 0;
  while (std::getline(lines, line)) {
    json event = json::parse(line);
    ++events;
    ASSERT_TRUE(event["status_detail"].is_string()) << line;
    if (event["resources"][0]["uid"] == kSub15) {
      const std::string id = event["finding_info"]["analytic"]["uid"];
      EXPECT_EQ(event["status_detail"], reason_of_15(id)) << id;
    }
  }
  EXPECT_EQ(events, kSampleFails);
}

TEST_F(ReasonsCli, MutedFindingsKeepTheirReason) {
  std::string waivers = write(
      "waivers.jsonl",
      std::string(R"({"check": "azure-security-alert-emails-owners", "resource": ")") + kSub07 +
          R"(", "owner": "a@example.com", "reason": "accepted", "expires": "2025-12-31"})" + "\n");
  Process p = check({"--format", "json", "--exceptions", waivers});
  ASSERT_EQ(p.exit_code, 1) << p.err;
  json report = json::parse(p.out);
  bool found = false;
  for (const auto& c : report["checks"])
    for (const auto& f : c["findings"])
      if (f["status"] == "MUTED") {
        found = true;
        EXPECT_EQ(f["reason"], kOwnersReason);
        EXPECT_TRUE(f.contains("exception"));
      }
  EXPECT_TRUE(found);
  Process table = check({"--exceptions", waivers});
  EXPECT_NE(table.out.find(std::string("\n         ") + kOwnersReason), std::string::npos)
      << table.out;
}

TEST_F(ReasonsCli, AUsersOwnCheckGetsReasons) {
  fs::create_directories(dir_ / "mine");
  write("mine/disabled-or-few-contacts.graphql", R"(query Mine
@check(
  id: "disabled-or-unreachable"
  title: "Subscriptions that are disabled or have no phone on any contact"
  severity: LOW
  subjects: [Connector]
  expect: "eq []"
) {
  connectors(where: { OR: [{ state: "Disabled" }, { securityContacts_NONE: { phone_STARTS_WITH: "+1" } }] }) {
    id
  }
}
)");
  Process p = run({"check", "--db", db_, "--no-bundled", "--queries", (dir_ / "mine").string(),
                   "--format", "json"});
  ASSERT_EQ(p.exit_code, 1) << p.err << p.out;
  json report = json::parse(p.out);
  std::map<std::string, std::string> reasons;
  for (const auto& f : report["checks"][0]["findings"])
    if (f["status"] == "FAIL") reasons[f["resource"]] = f["reason"];
  ASSERT_TRUE(reasons.count(kSub15)) << p.out;
  EXPECT_EQ(reasons[kSub15], R"(state = "Disabled"; no security contact)");
  for (const auto& [resource, reason] : reasons) {
    EXPECT_FALSE(reason.empty()) << resource;
    EXPECT_NE(reason, "matches the check's filter") << resource;
  }
}

}  // namespace
}  // namespace posture::bulk
