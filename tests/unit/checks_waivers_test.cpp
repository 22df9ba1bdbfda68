// Waivers: dates, globs, both file shapes, every malformed entry reported
// with file:line, and which waiver covers a finding before and after expiry.
#include <gtest/gtest.h>

#include "engine/checks/catalog.hpp"
#include "engine/checks/waivers.hpp"

namespace posture::checks {
namespace {

Date day(const char* text) {
  auto d = Date::parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date{});
}

TEST(Dates, ParseOnlyRealDays) {
  EXPECT_EQ(day("2024-02-29").str(), "2024-02-29");
  for (const char* bad : {"2025-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-1-01",
                          "25-01-01", "2025/01/01", "2025-01-01T00:00", "", "tomorrow"})
    EXPECT_FALSE(Date::parse(bad).has_value()) << bad;
}

TEST(Dates, DaysAreConsecutiveAcrossMonthsAndYears) {
  EXPECT_EQ(day("1970-01-01").days(), 0);
  EXPECT_EQ(day("2000-03-01").days() - day("2000-02-28").days(), 2);  // 2000 is a leap year
  EXPECT_EQ(day("1900-03-01").days() - day("1900-02-28").days(), 1);  // 1900 is not
  EXPECT_EQ(day("2026-01-01").days() - day("2025-12-31").days(), 1);
  EXPECT_LT(day("2025-06-30"), day("2025-07-01"));
}

TEST(Dates, ResolvePrefersTheOptionThenTheEnvironment) {
  EXPECT_EQ(Date::resolve("2025-01-02", "2030-01-01")->str(), "2025-01-02");
  EXPECT_EQ(Date::resolve("", "2030-01-01")->str(), "2030-01-01");
  EXPECT_TRUE(Date::resolve("", nullptr).ok());
  auto bad = Date::resolve("31-12-2025", nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors().front().message.find("--today"), std::string::npos);
}

TEST(Globs, StarAndQuestionMark) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("/subscriptions/*", "/subscriptions/abc"));
  EXPECT_TRUE(glob_match("/subscriptions/abc", "/subscriptions/abc"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_TRUE(glob_match("*b*d", "abcbd"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_FALSE(glob_match("/subscriptions/*/x", "/subscriptions/abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
}

constexpr const char* kLines = R"(# accepted risks
{"check":"azure-additional-email-address","resource":"/subscriptions/AAA","owner":"alice","reason":"migrating","expires":"2025-06-30","ticket":"SEC-1"}

{"check":"azure-*","resource":"/subscriptions/b*","owner":"bob","reason":"archive","expires":"2025-01-31"}
{"check":"azure-additional-email-address","resource":"/subscriptions/b1","owner":"carol","reason":"renewed","expires":"2025-12-31"}
)";

TEST(ExceptionFiles, JsonLinesWithCommentsAndBlankLines) {
  auto list = WaiverList::parse(kLines, "ex.jsonl");
  ASSERT_TRUE(list.ok()) << format(list.errors());
  ASSERT_EQ(list->entries().size(), 3u);
  const Waiver& first = list->entries()[0];
  EXPECT_EQ(first.owner, "alice");
  EXPECT_EQ(first.ticket, "SEC-1");
  EXPECT_EQ(first.expires.str(), "2025-06-30");
  EXPECT_EQ(first.where.source, "ex.jsonl");
  EXPECT_EQ(first.where.line, 2);
  EXPECT_EQ(list->entries()[1].where.line, 4);
  EXPECT_EQ(list->entries()[2].where.line, 5);
}

TEST(ExceptionFiles, JsonArrayEntriesKnowTheirLines) {
  const char* text = R"([
  {"check": "c1", "resource": "r1", "owner": "o", "reason": "r",
   "expires": "2025-01-01"},

  {"check": "c2", "resource": "r2", "owner": "o", "reason": "[not, a, list]", "expires": "2025-01-01"}
])";
  auto list = WaiverList::parse(text, "ex.json");
  ASSERT_TRUE(list.ok()) << format(list.errors());
  ASSERT_EQ(list->entries().size(), 2u);
  EXPECT_EQ(list->entries()[0].where.line, 2);
  EXPECT_EQ(list->entries()[1].where.line, 5);
}

TEST(ExceptionFiles, EveryMalformedEntryIsReportedWithFileAndLine) {
  const char* text =
      "{\"check\":\"c\",\"resource\":\"r\",\"owner\":\"o\",\"reason\":\"r\",\"expires\":\"2025-02-"
      "29\"}\n"
      "{\"check\":\"c\",\"resource\":\"r\",\"owner\":\"o\",\"reason\":\"r\",\"expiry\":\"2025-01-"
      "01\"}\n"
      "not json\n"
      "[1, 2]\n"
      "{\"check\":\"c\",\"resource\":\"r\",\"owner\":\"\",\"reason\":7,\"expires\":\"2025-01-01\"}"
      "\n";
  auto list = WaiverList::parse(text, "bad.jsonl");
  ASSERT_FALSE(list.ok());
  std::string all = format(list.errors());
  EXPECT_NE(all.find("bad.jsonl:1:1: error: `expires` must be a date"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.jsonl:2:1: error: unknown key `expiry`"), std::string::npos) << all;
  EXPECT_NE(all.find("did you mean `expires`?"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.jsonl:2:1: error: missing `expires`"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.jsonl:3:"), std::string::npos) << all;
  EXPECT_NE(all.find("not valid JSON"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.jsonl:4:1: error: an exception is a JSON object"), std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.jsonl:5:1: error: `owner` must be a non-empty string"), std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.jsonl:5:1: error: `reason` must be a non-empty string"),
            std::string::npos)
      << all;
}

TEST(ExceptionFiles, ABrokenArrayPointsAtTheLineOfTheError) {
  auto list = WaiverList::parse("[\n {\"check\": \"c\"},\n {\"check\" \"c\"}\n]\n", "a.json");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.errors().front().where.line, 3) << format(list.errors());
}

TEST(ExceptionFiles, UnknownChecksAreErrorsWithSuggestions) {
  auto catalog = Catalog::load(std::string(POSTURE_SOURCE_DIR) + "/queries");
  ASSERT_TRUE(catalog.ok()) << format(catalog.errors());
  auto list = WaiverList::parse(
      "{\"check\":\"azure-additional-email-adress\",\"resource\":\"*\",\"owner\":\"o\","
      "\"reason\":\"r\",\"expires\":\"2025-01-01\"}\n"
      "{\"check\":\"azure-*\",\"resource\":\"*\",\"owner\":\"o\",\"reason\":\"r\","
      "\"expires\":\"2025-01-01\"}\n",
      "ex.jsonl");
  ASSERT_TRUE(list.ok());
  auto st = list->validate(*catalog);
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.errors().size(), 1u) << "a glob is not checked against the catalog";
  EXPECT_EQ(st.errors().front().where.line, 1);
  EXPECT_NE(format(st.errors()).find("did you mean `azure-additional-email-address`?"),
            std::string::npos);
}

TEST(ExceptionMatching, ResourcesMatchCaseInsensitivelyAndChecksExactlyOrByGlob) {
  auto list = WaiverList::parse(kLines, "ex.jsonl");
  ASSERT_TRUE(list.ok());
  Date before = day("2025-01-15");
  EXPECT_EQ(list->match("azure-additional-email-address", "/SUBSCRIPTIONS/aaa", before), 0u);
  EXPECT_FALSE(list->match("azure-additional-email-address", "/subscriptions/aaaa", before));
  EXPECT_FALSE(list->match("azure-notify-alerts-high-severity", "/subscriptions/aaa", before));
  EXPECT_EQ(list->match("azure-notify-alerts-high-severity", "/subscriptions/B7", before), 1u);
  EXPECT_FALSE(list->match("other-check", "/subscriptions/b7", before));
}

TEST(ExceptionMatching, ActiveBeatsExpiredAndTheLastDayStillCounts) {
  auto list = WaiverList::parse(kLines, "ex.jsonl");
  ASSERT_TRUE(list.ok());
  const auto& e = list->entries();
  // /subscriptions/b1 is covered by bob's glob (to 2025-01-31) and carol's (to 2025-12-31).
  EXPECT_EQ(list->match("azure-additional-email-address", "/subscriptions/b1", day("2025-01-31")),
            1u)
      << "both active: the first in the file";
  EXPECT_EQ(list->match("azure-additional-email-address", "/subscriptions/b1", day("2025-02-01")),
            2u)
      << "bob's expired: carol's still active";
  // Only bob's covers b2: on its last day it mutes, the day after it is reported as expired.
  auto last = list->match("azure-additional-email-address", "/subscriptions/b2", day("2025-01-31"));
  ASSERT_TRUE(last);
  EXPECT_FALSE(e[*last].expired(day("2025-01-31")));
  auto after =
      list->match("azure-additional-email-address", "/subscriptions/b2", day("2025-02-01"));
  ASSERT_TRUE(after);
  EXPECT_TRUE(e[*after].expired(day("2025-02-01")));
}

TEST(ExceptionMatching, ExpiringWithinThirtyDays) {
  auto list = WaiverList::parse(kLines, "ex.jsonl");
  ASSERT_TRUE(list.ok());
  const Waiver& alice = list->entries()[0];  // expires 2025-06-30
  EXPECT_FALSE(alice.expiring(day("2025-05-30")));
  EXPECT_TRUE(alice.expiring(day("2025-05-31")));
  EXPECT_EQ(alice.days_left(day("2025-05-31")), 30);
  EXPECT_TRUE(alice.expiring(day("2025-06-30")));
  EXPECT_FALSE(alice.expiring(day("2025-07-01")));
  EXPECT_TRUE(alice.expired(day("2025-07-01")));
}

}  // namespace
}  // namespace posture::checks
