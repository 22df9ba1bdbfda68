// Framework reports: per-requirement counts (worst status per resource across
// a requirement's checks), NOT_ASSESSED requirements, the score, and the JSON
// and CSV forms parsed back.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "checks_fixture.hpp"
#include "engine/report/framework_report.hpp"

namespace posture::testing {
namespace {

using nlohmann::json;

TEST(FrameworkReport, CountsScoresAndUnassessedRequirements) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  std::vector<const checks::Check*> all;  // every bundled check, not only those on contacts
  for (const auto& c : ws->catalog.checks()) all.push_back(&c);
  auto e =
      evaluate(fx.db(), scan, ws, *checks::Date::parse("2025-01-01"), 1, checks::Order::Store, all);
  const checks::Framework* cis = ws->frameworks.find("cis-azure-3.0.0");
  ASSERT_TRUE(cis);
  report::FrameworkResult r = report::summarize(*cis, e.report.results);
  ASSERT_EQ(r.requirements.size(), cis->requirements.size());
  size_t assessed = 0;
  for (const auto& req : r.requirements) {
    if (req.checks.empty()) {
      EXPECT_EQ(req.status, "NOT_ASSESSED") << req.requirement->id;
      EXPECT_FALSE(req.score.has_value());
      continue;
    }
    ++assessed;
    // Section 3.1 judges the 16 subscriptions; the requirements of sections 3.3
    // to 8 judge the sample's 3 or 4 resources of their checks' type.
    const size_t findings = req.counts[0] + req.counts[1] + req.counts[2] + req.counts[3];
    if (req.requirement->id.rfind("3.1.", 0) == 0)
      EXPECT_EQ(findings, 16u) << req.requirement->id;
    else
      EXPECT_TRUE(findings == 3u || findings == 4u) << req.requirement->id << ": " << findings;
  }
  // 16 of section 3.1 (the 3 on security contacts, 13 on Defender plans and
  // integrations) and 38 requirements of sections 3.3 to 8.
  EXPECT_EQ(assessed, 16u + 38u);
  // 3.1.13 (additional email): 12 pass, 4 fail on the sample.
  const auto& email = *std::find_if(r.requirements.begin(), r.requirements.end(),
                                    [](const auto& q) { return q.requirement->id == "3.1.13"; });
  EXPECT_EQ(email.status, "FAIL");
  EXPECT_EQ(email.counts[0], 12u);
  EXPECT_EQ(email.counts[3], 4u);
  EXPECT_DOUBLE_EQ(*email.score, 75.0);
  // Overall: 124 passing of the 390 findings of the 54 assessed requirements
  // (the three on contacts alone: 12 + 11 + 12 of 48), every one failing somewhere.
  EXPECT_NEAR(*r.score, 100.0 * 124 / 390, 1e-9);
  EXPECT_EQ(r.by_status[3], 54u);
  EXPECT_EQ(r.by_status[4], cis->requirements.size() - 54);
}

TEST(FrameworkReport, ARequirementCombinesItsChecksPerResource) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  auto e = evaluate(fx.db(), scan, ws, *checks::Date::parse("2025-01-01"));
  checks::Framework fw;
  fw.id = "combined";
  fw.title = "Combined";
  fw.requirements.push_back(
      {"all",
       "every check at once",
       "",
       {"azure-additional-email-address", "azure-notify-alerts-high-severity",
        "azure-security-alert-emails-owners", "azure-security-contact-configured"}});
  report::FrameworkResult r = report::summarize(fw, e.report.results);
  ASSERT_EQ(r.requirements.size(), 1u);
  // A subscription passes only if it passes all four: 01, 06, 10 and 11 do.
  EXPECT_EQ(r.requirements[0].counts[0], 4u);
  EXPECT_EQ(r.requirements[0].counts[3], 12u);
}

TEST(FrameworkReport, JsonAndCsvParseBack) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  auto e = evaluate(fx.db(), scan, ws, *checks::Date::parse("2025-01-01"));
  const checks::Framework* dutch = ws->frameworks.find("dutch-cloud-baseline");
  ASSERT_TRUE(dutch);
  auto r = report::summarize(*dutch, e.report.results);
  std::ostringstream j, c, t;
  ASSERT_TRUE(report::write_framework(e.report, r, report::Format::Json, j).ok());
  json doc = json::parse(j.str());
  EXPECT_EQ(doc["framework"]["id"], "dutch-cloud-baseline");
  EXPECT_EQ(doc["summary"]["requirements"], 1);
  EXPECT_EQ(doc["summary"]["fail"], 1);
  EXPECT_DOUBLE_EQ(doc["summary"]["score"].get<double>(), 37.5);
  EXPECT_EQ(doc["requirements"][0]["counts"]["fail"], 10);
  EXPECT_EQ(doc["requirements"][0]["checks"][0]["id"], "azure-security-contact-configured");
  ASSERT_TRUE(report::write_framework(e.report, r, report::Format::Csv, c).ok());
  EXPECT_EQ(c.str(),
            "framework,requirement,title,status,checks,pass,fail,error,muted,score\r\n"
            "dutch-cloud-baseline,security-contact,\"" +
                dutch->requirements[0].title +
                "\",FAIL,azure-security-contact-configured,6,10,0,0,37.50\r\n");
  ASSERT_TRUE(report::write_framework(e.report, r, report::Format::Table, t).ok());
  EXPECT_NE(t.str().find("Score: 37.5%"), std::string::npos) << t.str();
  std::ostringstream sarif;
  EXPECT_FALSE(report::write_framework(e.report, r, report::Format::Sarif, sarif).ok());
}

}  // namespace
}  // namespace posture::testing
