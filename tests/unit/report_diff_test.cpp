// Diffs of two scans: the sample, then the sample with one subscription gone,
// one fixed and one broken. New, fixed, still failing and changed findings are
// counted and listed; JSON and CSV parse back.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checks_fixture.hpp"
#include "engine/report/diff.hpp"

namespace posture::testing {
namespace {

using nlohmann::json;

constexpr const char* kProduction = "/subscriptions/c0ffee00-0000-4000-8000-000000000001";
constexpr const char* kLegacy = "/subscriptions/c0ffee00-0000-4000-8000-000000000004";
constexpr const char* kTailspinDev = "/subscriptions/c0ffee00-0000-4000-8000-000000000016";

// The sample with: Contoso Production's alert notifications off (new failures),
// Contoso Legacy's on (fixed), Tailspin Dev removed (fixed: gone).
std::string changed_sample(const fs::path& dir) {
  std::ifstream in(sample_path());
  std::string line, text;
  while (std::getline(in, line)) {
    if (line.find("000000000016") != std::string::npos) continue;
    auto replace = [&](const std::string& from, const std::string& to) {
      if (auto at = line.find(from); at != std::string::npos) line.replace(at, from.size(), to);
    };
    if (line.find("000000000001/providers") != std::string::npos)
      replace("\"alertNotifications\":\"On\"", "\"alertNotifications\":\"Off\"");
    if (line.find("000000000004/providers") != std::string::npos)
      replace("\"alertNotifications\":\"Off\"", "\"alertNotifications\":\"On\"");
    text += line + "\n";
  }
  std::string path = (dir / "changed.jsonl").string();
  std::ofstream(path) << text;
  return path;
}

struct TwoScans {
  StoreFixture fx;
  SharedWorkspace ws = load_workspace();
  Evaluation from, to;
  TwoScans() {
    int64_t a = fx.import_sample();
    auto store = store::Store::open(fx.db(), posture::schema::builtin());
    auto b = snapshot::import_files(*store, {changed_sample(fx.dir())});
    EXPECT_TRUE(b.ok());
    auto today = *checks::Date::parse("2025-01-01");
    from = evaluate(fx.db(), a, ws, today, 2, checks::Order::Key);
    to = evaluate(fx.db(), b->scan_id, ws, today, 2, checks::Order::Key);
  }
};

TEST(Diff, NewFixedAndStillFailing) {
  TwoScans s;
  std::ostringstream out;
  auto summary = report::write_diff(s.from.report, s.to.report, report::Format::Json, out);
  ASSERT_TRUE(summary.ok()) << format(summary.errors());
  json doc = json::parse(out.str());
  std::map<std::string, std::set<std::string>> by_change;  // change -> "check resource"
  for (const json& f : doc["findings"])
    by_change[f["change"]].insert(f["check"].get<std::string>() + " " +
                                  f["resource"].get<std::string>());
  using Set = std::set<std::string>;
  EXPECT_EQ(by_change["new"],
            (Set{std::string("azure-notify-alerts-high-severity ") + kProduction,
                 std::string("azure-security-contact-configured ") + kProduction}));
  EXPECT_EQ(by_change["fixed"],
            (Set{std::string("azure-additional-email-address ") + kTailspinDev,
                 std::string("azure-notify-alerts-high-severity ") + kLegacy,
                 std::string("azure-security-contact-configured ") + kLegacy,
                 std::string("azure-security-contact-configured ") + kTailspinDev}));
  EXPECT_EQ(by_change["still_failing"].size(), 19u);
  EXPECT_EQ(doc["summary"]["new"], 2);
  EXPECT_EQ(doc["summary"]["fixed"], 4);
  EXPECT_EQ(doc["summary"]["still_failing"], 19);
  EXPECT_EQ(summary->changes[0], 2u);
  for (const json& f : doc["findings"])
    if (f["resource"] == kTailspinDev) {
      EXPECT_EQ(f["to"], "ABSENT");
    }
}

TEST(Diff, CsvParsesBackAndTheTableSummarises) {
  TwoScans s;
  std::ostringstream csv, table;
  ASSERT_TRUE(report::write_diff(s.from.report, s.to.report, report::Format::Csv, csv).ok());
  std::istringstream lines(csv.str());
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.back(), '\r');
    ++rows;
  }
  EXPECT_EQ(rows, 1 + 2 + 4 + 19);
  report::WriteOptions options;
  options.max_rows = 2;
  ASSERT_TRUE(
      report::write_diff(s.from.report, s.to.report, report::Format::Table, table, options).ok());
  EXPECT_NE(table.str().find("2 new, 4 fixed, 19 still failing, 0 changed"), std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("more still_failing findings"), std::string::npos) << table.str();
}

TEST(Diff, NeedsBothEvaluationsInKeyOrder) {
  TwoScans s;
  auto today = *checks::Date::parse("2025-01-01");
  auto stored = evaluate(s.fx.db(), s.to.report.scan.id, s.ws, today, 1, checks::Order::Store);
  std::ostringstream out;
  EXPECT_FALSE(report::write_diff(s.from.report, stored.report, report::Format::Json, out).ok());
}

}  // namespace
}  // namespace posture::testing
