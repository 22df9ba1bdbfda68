// Waivers through the CLI: muting before the expiry date (set with --today
// or $POSTURE_TODAY), reported as expired after it, listed when expiring
// within 30 days, and malformed files rejected with file:line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

constexpr const char* kOwners = "azure-security-alert-emails-owners";

// Mutes the four subscriptions failing the owners check (05, 07, 13, 15): two
// exact entries, one glob for 13 and one for 15 (in upper case).
constexpr const char* kExceptions = R"([
  {"check": "azure-security-alert-emails-owners",
   "resource": "/subscriptions/c0ffee00-0000-4000-8000-000000000005",
   "owner": "research-lead@example.com", "reason": "owners notified by a SIEM rule instead",
   "expires": "2025-03-31", "ticket": "RISK-12"},
  {"check": "azure-security-alert-emails-owners",
   "resource": "/subscriptions/c0ffee00-0000-4000-8000-000000000007",
   "owner": "data@example.com", "reason": "role migration", "expires": "2025-03-31"},
  {"check": "azure-*", "resource": "/subscriptions/c0ffee00-0000-4000-8000-00000000001?",
   "owner": "platform@example.com", "reason": "tailspin and northwind are being retired",
   "expires": "2025-06-30"}
])";

std::map<std::string, json> owners_findings(const std::string& text) {
  std::map<std::string, json> out;
  json doc = json::parse(text);
  for (const json& c : doc["checks"])
    if (c["id"] == kOwners)
      for (const json& f : c["findings"]) out[f["resource"]] = f;
  return out;
}

const std::string kSub = "/subscriptions/c0ffee00-0000-4000-8000-0000000000";

TEST_F(BulkTest, ExceptionsMuteBeforeTheirExpiryAndNotAfter) {
  std::string file = write("exceptions.json", kExceptions);
  auto check = [&](const std::vector<std::string>& extra,
                   const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args{"check",        "--db", db_,        "--check", kOwners,
                                  "--exceptions", file,   "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, env);
  };
  Process before = check({"--today", "2025-03-31"});
  EXPECT_EQ(before.exit_code, 0) << "every failure is muted: " << before.err;
  auto f = owners_findings(before.out);
  for (const char* n : {"05", "07", "13", "15"}) EXPECT_EQ(f[kSub + n]["status"], "MUTED") << n;
  EXPECT_EQ(f[kSub + "05"]["exception"]["owner"], "research-lead@example.com");
  EXPECT_EQ(f[kSub + "05"]["exception"]["ticket"], "RISK-12");
  EXPECT_EQ(f[kSub + "05"]["exception"]["source"], file + ":2");
  EXPECT_EQ(json::parse(before.out)["checks"][0]["status"], "MUTED");

  Process after = check({}, {{"POSTURE_TODAY", "2025-04-01"}});
  EXPECT_EQ(after.exit_code, 1) << "two exceptions expired: " << after.err;
  f = owners_findings(after.out);
  EXPECT_EQ(f[kSub + "05"]["status"], "FAIL");
  EXPECT_EQ(f[kSub + "05"]["detail"],
            "exception expired on 2025-03-31 (owner research-lead@example.com, ticket RISK-12): "
            "owners notified by a SIEM rule instead");
  EXPECT_EQ(f[kSub + "05"]["exception"]["expired"], true);
  EXPECT_EQ(f[kSub + "13"]["status"], "MUTED") << "the glob runs to 2025-06-30";
  EXPECT_EQ(f[kSub + "15"]["status"], "MUTED");

  Process overridden = check({"--today", "2025-03-01"}, {{"POSTURE_TODAY", "2030-01-01"}});
  EXPECT_EQ(overridden.exit_code, 0) << "--today wins over the environment";
}

TEST_F(BulkTest, TheReportListsExceptionsExpiringWithinThirtyDays) {
  std::string file = write("exceptions.json", kExceptions);
  Process table = run({"check", "--db", db_, "--exceptions", file, "--today", "2025-06-05"});
  EXPECT_NE(table.out.find("Exceptions expiring within 30 days:\n  2025-06-30 (25 days left)  "
                           "azure-*"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("Expired exceptions (no longer muting):"), std::string::npos);
  Process j = run(
      {"check", "--db", db_, "--exceptions", file, "--today", "2025-06-05", "--format", "json"});
  json doc = json::parse(j.out);
  ASSERT_EQ(doc["expiring_exceptions"].size(), 1u);
  EXPECT_EQ(doc["expiring_exceptions"][0]["owner"], "platform@example.com");
  EXPECT_EQ(doc["expiring_exceptions"][0]["days_left"], 25);
  EXPECT_GT(doc["expiring_exceptions"][0]["findings"].get<int>(), 0);
  EXPECT_EQ(doc["exceptions"].size(), 3u);
  Process early = run(
      {"check", "--db", db_, "--exceptions", file, "--today", "2025-01-01", "--format", "json"});
  EXPECT_TRUE(json::parse(early.out)["expiring_exceptions"].empty());
}

TEST_F(BulkTest, MalformedExceptionFilesAreErrorsWithFileAndLine) {
  std::string file = write("bad.jsonl",
                           "# comment\n"
                           "{\"check\":\"azure-security-alert-emails-owners\",\"resource\":\"*\","
                           "\"owner\":\"o\",\"reason\":\"r\",\"expires\":\"2025-13-01\"}\n"
                           "{\"check\":\"azure-security-alert-email-owners\",\"resource\":\"*\","
                           "\"owner\":\"o\",\"reason\":\"r\",\"expires\":\"2025-01-01\"}\n");
  Process r = run({"check", "--db", db_, "--exceptions", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find(file + ":2:1: error: `expires` must be a date YYYY-MM-DD"),
            std::string::npos)
      << r.err;
  std::string unknown = write("unknown.jsonl",
                              "{\"check\":\"azure-security-alert-email-owners\",\"resource\":\"*\","
                              "\"owner\":\"o\",\"reason\":\"r\",\"expires\":\"2025-01-01\"}\n");
  r = run({"check", "--db", db_, "--exceptions", unknown});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(unknown + ":1:1: error: no stored check"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean `azure-security-alert-emails-owners`?"), std::string::npos);
  r = run({"check", "--db", db_, "--exceptions", (dir_ / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  r = run({"check", "--db", db_, "--today", "01-01-2025"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--today must be a date YYYY-MM-DD"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace posture::bulk
