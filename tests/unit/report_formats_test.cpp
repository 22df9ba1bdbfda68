// Every report format written and parsed back: JSON, SARIF and OCSF with
// nlohmann::json, CSV with a small RFC 4180 reader, JUnit XML with python3's
// xml module (a real parser) in a subprocess, and the table. The store holds a
// resource whose name has a comma, quotes, a newline, XML specials, a control
// character and an invalid UTF-8 byte, plus an ERROR and a MUTED finding.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <streambuf>
#include <thread>

#include <nlohmann/json.hpp>

#include "checks_fixture.hpp"

namespace posture::testing {
namespace {

using nlohmann::json;

// Evaluates the awkward scan with one waiver muting kBare for one check.
struct Written {
  StoreFixture fx;
  SharedWorkspace ws;
  Evaluation e;
  Written() {
    int64_t scan = fx.write_awkward_scan();
    ws = load_workspace(fx.write_file(
        "ex.jsonl", "{\"check\":\"azure-additional-email-address\",\"resource\":\"" + kBare +
                        "\",\"owner\":\"alice\",\"reason\":\"decommissioning, \\\"soon\\\"\","
                        "\"expires\":\"2025-01-20\",\"ticket\":\"SEC-9\"}\n"));
    e = evaluate(fx.db(), scan, ws, *checks::Date::parse("2025-01-01"), 2);
  }
  std::string as(report::Format format, report::WriteOptions options = {}) {
    std::ostringstream out;
    auto st = report::write(e.report, format, out, options);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : format_errors(st));
    return out.str();
  }
  static std::string format_errors(const Status& st) { return posture::format(st.errors()); }
};

// RFC 4180 records: fields split on commas, quoted fields may hold commas,
// CR/LF and "" for a quote; every record ends with CRLF.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      EXPECT_NE(c, '"') << "a quote inside an unquoted field at byte " << i;
      EXPECT_NE(c, '\n') << "a bare LF at byte " << i;
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(rows.back().empty() && field.empty()) << "the last record must end with CRLF";
  rows.pop_back();
  return rows;
}

// The checks' parts made by two workers, each on its own connection, are
// written in order: the report is the same, byte for byte, as one worker's.
TEST(ReportJson, TwoWorkersWriteTheSameReport) {
  Written w;
  report::WriteOptions two;
  two.jobs = 2;
  EXPECT_EQ(w.as(report::Format::Json, two), w.as(report::Format::Json));
}

// write_sections keeps the order of sections and of each one's pieces
// whether they wait in memory or, beyond `ahead` bytes, in temporary files;
// a section that fails stops the report with its error.
TEST(ReportSections, InOrderFromMemoryAndFilesAndStopAtAnError) {
  Written w;
  const size_t n = w.e.report.results.size();
  ASSERT_GE(n, 3u);
  auto pieces = [](size_t i) { return 50 + 40 * (i % 3); };
  auto maker = [&](const store::Store& store, size_t i, const checks::CheckResult& r,
                   report::SectionSink& sink) -> Status {
    EXPECT_EQ(&r, &w.e.report.results[i]);
    EXPECT_EQ(store.path(), w.e.report.store->path());
    for (size_t p = 0; p < pieces(i); ++p) {
      sink.text += "s" + std::to_string(i) + "p" + std::to_string(p) + ";";
      if (p % 7 == 0) sink.emit();
    }
    return ok_status();
  };
  std::string want;
  for (size_t i = 0; i < n; ++i)
    for (size_t p = 0; p < pieces(i); ++p)
      want += "s" + std::to_string(i) + "p" + std::to_string(p) + ";";
  for (unsigned jobs : {1u, 2u, 3u})
    for (size_t ahead : {size_t{0}, size_t{100}, report::kSectionsAhead}) {
      SCOPED_TRACE("jobs " + std::to_string(jobs) + ", ahead " + std::to_string(ahead));
      std::ostringstream out;
      auto st = report::write_sections(w.e.report, out, jobs, maker, ahead);
      ASSERT_TRUE(st.ok()) << Written::format_errors(st);
      EXPECT_EQ(out.str(), want);
    }
  auto failing = [&](const store::Store& store, size_t i, const checks::CheckResult& r,
                     report::SectionSink& sink) -> Status {
    if (i == 1) return Diagnostic::error("report", "section 1 failed");
    return maker(store, i, r, sink);
  };
  for (unsigned jobs : {1u, 2u}) {
    std::ostringstream out;
    auto st = report::write_sections(w.e.report, out, jobs, failing, 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.errors().front().message, "section 1 failed");
    EXPECT_EQ(out.str().find("s2p"), std::string::npos);
  }
}

// The section being written is made no further ahead of the writer than the
// budget: its worker waits rather than heaping pieces in memory when the
// output is slower than the workers (a 10M report's sections are hundreds
// of MB each).
TEST(ReportSections, TheSectionBeingWrittenWaitsForTheWriterPastTheBudget) {
  Written w;
  ASSERT_GE(w.e.report.results.size(), 2u);
  // An output that takes a millisecond per write and counts what it took.
  struct Slow : std::streambuf {
    std::atomic<size_t> written{0};
    std::streamsize xsputn(const char*, std::streamsize n) override {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      written += static_cast<size_t>(n);
      return n;
    }
    int_type overflow(int_type c) override {
      ++written;
      return c;
    }
  } slow;
  std::ostream out(&slow);
  constexpr size_t kAhead = size_t{1} << 20, kSection = size_t{8} << 20;
  std::atomic<size_t> most{0};  // of section 0: made and not yet written, at most
  auto maker = [&](const store::Store&, size_t i, const checks::CheckResult&,
                   report::SectionSink& sink) -> Status {
    size_t total = 0;
    while (total < (i == 0 ? kSection : report::SectionSink::kPiece)) {
      sink.text.append(1000, 'x');
      total += 1000;
      sink.emit_if_large();
      if (i == 0) most = std::max<size_t>(most, total - sink.text.size() - slow.written);
    }
    return ok_status();
  };
  auto st = report::write_sections(w.e.report, out, 2, maker, kAhead);
  ASSERT_TRUE(st.ok()) << Written::format_errors(st);
  auto made = [](size_t least) { return (least + 999) / 1000 * 1000; };  // in steps of 1000
  EXPECT_EQ(slow.written,
            made(kSection) + (w.e.report.results.size() - 1) * made(report::SectionSink::kPiece));
  // The budget, the piece being written and the one that waits for room.
  EXPECT_LE(most, kAhead + 2 * (report::SectionSink::kPiece + 1000));
  EXPECT_GT(most, kAhead / 2);  // the output was slower: the budget was used
}

TEST(ReportJson, ParsesBackWithTheContractAndItsExtensions) {
  Written w;
  json doc = json::parse(w.as(report::Format::Json));
  ASSERT_EQ(doc["checks"].size(), 4u);
  EXPECT_EQ(doc["today"], "2025-01-01");
  EXPECT_EQ(doc["summary"]["findings"]["pass"].get<int>() +
                doc["summary"]["findings"]["fail"].get<int>() +
                doc["summary"]["findings"]["error"].get<int>() +
                doc["summary"]["findings"]["muted"].get<int>(),
            12);
  for (const json& c : doc["checks"]) {
    ASSERT_EQ(c["findings"].size(), 3u) << c["id"];
    std::map<std::string, json> by_resource;
    for (const json& f : c["findings"]) by_resource[f["resource"]] = f;
    EXPECT_EQ(by_resource[kWeird]["status"], "PASS");
    EXPECT_EQ(by_resource[kWeird]["name"],
              "Weird, \"quoted\"\nname <&> \xC3\xA9t\xC3\xA9 \x01 \xEF\xBF\xBD")
        << "the invalid byte becomes U+FFFD, the control character is escaped";
    EXPECT_EQ(by_resource[kBroken]["status"], "ERROR");
    EXPECT_EQ(by_resource[kBroken]["detail"], "collection failed: HTTP 403: no access");
    if (c["id"] == "azure-additional-email-address") {
      EXPECT_EQ(by_resource[kBare]["status"], "MUTED");
      EXPECT_EQ(by_resource[kBare]["exception"]["owner"], "alice");
      EXPECT_EQ(by_resource[kBare]["exception"]["expires"], "2025-01-20");
      EXPECT_EQ(by_resource[kBare]["exception"]["ticket"], "SEC-9");
      EXPECT_EQ(by_resource[kBare]["exception"]["expired"], false);
      EXPECT_EQ(c["status"], "ERROR");
    } else {
      EXPECT_EQ(by_resource[kBare]["status"], "FAIL");
      EXPECT_EQ(c["status"], "FAIL");
    }
  }
  ASSERT_EQ(doc["expiring_exceptions"].size(), 1u);
  EXPECT_EQ(doc["expiring_exceptions"][0]["days_left"], 19);
  EXPECT_EQ(doc["expiring_exceptions"][0]["findings"], 1);
  EXPECT_EQ(doc["exceptions"][0]["state"], "expiring");
}

TEST(ReportCsv, ParsesBackAsRfc4180WithOneRowPerFinding) {
  Written w;
  auto rows = read_csv(w.as(report::Format::Csv));
  ASSERT_EQ(rows.size(), 1u + 12u);
  const auto& header = rows[0];
  EXPECT_EQ(header[0], "check");
  EXPECT_EQ(header[4], "resource");
  EXPECT_EQ(header[6], "status");
  for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());
  int weird = 0, muted = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][4] == kWeird) {
      ++weird;
      EXPECT_EQ(rows[i][5], "Weird, \"quoted\"\nname <&> \xC3\xA9t\xC3\xA9 \x01 \xEF\xBF\xBD");
    }
    if (rows[i][6] == "MUTED") {
      ++muted;
      EXPECT_EQ(rows[i][8], "alice");
      EXPECT_EQ(rows[i][9], "decommissioning, \"soon\"");
      EXPECT_EQ(rows[i][10], "2025-01-20");
      EXPECT_EQ(rows[i][11], "SEC-9");
    }
  }
  EXPECT_EQ(weird, 4);
  EXPECT_EQ(muted, 1);
}

TEST(ReportSarif, ParsesBackAsSarif210WithARulePerCheckAndAResultPerNonPassingFinding) {
  Written w;
  json doc = json::parse(w.as(report::Format::Sarif));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& run = doc["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 4u);
  const json& results = run["results"];
  EXPECT_EQ(results.size(), 8u) << "kBroken (ERROR) and kBare (FAIL or MUTED) for each check";
  for (const json& r : results) {
    size_t index = r["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], r["ruleId"]);
    const json& loc = r["locations"][0]["logicalLocations"][0];
    EXPECT_EQ(loc["kind"], "resource");
    std::string fqn = loc["fullyQualifiedName"];
    EXPECT_TRUE(fqn == kBroken || fqn == kBare) << fqn;
    if (fqn == kBroken) {
      EXPECT_EQ(r["kind"], "review");
    }
    if (fqn == kBare) {
      EXPECT_EQ(r["kind"], "fail");
    }
    bool muted = r["properties"]["status"] == "MUTED";
    EXPECT_EQ(r.contains("suppressions"), muted);
    if (muted) {
      EXPECT_EQ(r["suppressions"][0]["status"], "accepted");
    }
  }
  for (const json& rule : rules) {
    EXPECT_TRUE(rule["shortDescription"]["text"].is_string());
    EXPECT_TRUE(rule["properties"]["security-severity"].is_string());
  }
}

TEST(ReportOcsf, ParsesBackAsJsonLinesOfDetectionFindings) {
  Written w;
  std::istringstream lines(w.as(report::Format::Ocsf));
  std::string line;
  int n = 0, suppressed = 0;
  while (std::getline(lines, line)) {
    json f = json::parse(line);
    ++n;
    EXPECT_EQ(f["class_uid"], 2004);
    EXPECT_EQ(f["category_uid"], 2);
    EXPECT_EQ(f["activity_id"], 1);
    EXPECT_EQ(f["type_uid"], 200401);
    EXPECT_TRUE(f["time"].is_number_integer());
    EXPECT_TRUE(f["severity_id"].get<int>() >= 1 && f["severity_id"].get<int>() <= 5);
    EXPECT_TRUE(f["finding_info"]["uid"].is_string());
    EXPECT_TRUE(f["finding_info"]["title"].is_string());
    EXPECT_EQ(f["metadata"]["version"], "1.1.0");
    EXPECT_EQ(f["metadata"]["product"]["name"], "Posture");
    std::string uid = f["resources"][0]["uid"];
    EXPECT_TRUE(uid == kBroken || uid == kBare) << uid;
    EXPECT_EQ(f["cloud"]["account"]["uid"], uid.substr(15));
    suppressed += f["status_id"] == 3;
  }
  EXPECT_EQ(n, 8);
  EXPECT_EQ(suppressed, 1);
}

// Runs python3's XML parser on `xml`; returns its summary or the parse error.
std::string python_junit_summary(const std::string& xml, const fs::path& dir) {
  fs::path file = dir / "junit.xml";
  std::ofstream(file, std::ios::binary) << xml;
  std::string command =
      "python3 -c \"import sys, xml.etree.ElementTree as E\n"
      "r = E.parse(sys.argv[1]).getroot()\n"
      "cases = r.findall('testsuite/testcase')\n"
      "print(r.tag, r.get('tests'), r.get('failures'), r.get('errors'), r.get('skipped'), "
      "len(cases), len(r.findall('testsuite/testcase/failure')), "
      "len(r.findall('testsuite/testcase/error')), len(r.findall('testsuite/testcase/skipped')), "
      "sum(1 for c in cases if c.get('name').startswith('" +
      kWeird + " (Weird, \\\"quoted\\\"\\nname <&>')))\" " + file.string() + " 2>&1";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

TEST(ReportJunit, ParsesBackAsXmlWithOneTestcasePerCheckAndResource) {
  Written w;
  std::string xml = w.as(report::Format::Junit);
  EXPECT_EQ(python_junit_summary(xml, w.fx.dir()), "testsuites 12 3 4 1 12 3 4 1 4\n")
      << "tests failures errors skipped; testcases, <failure>, <error>, <skipped>; the awkward "
         "name survives";
}

TEST(ReportTable, ListsNonPassingFindingsAndExpiringExceptionsWithoutColourUnlessAsked) {
  Written w;
  std::string plain = w.as(report::Format::Table);
  EXPECT_EQ(plain.find("\033["), std::string::npos);
  EXPECT_NE(plain.find("ERROR  " + kBroken), std::string::npos) << plain;
  EXPECT_NE(plain.find("MUTED  " + kBare), std::string::npos) << plain;
  EXPECT_NE(plain.find("Exceptions expiring within 30 days:"), std::string::npos) << plain;
  EXPECT_NE(plain.find("2025-01-20 (19 days left)"), std::string::npos) << plain;
  report::WriteOptions color;
  color.color = true;
  EXPECT_NE(w.as(report::Format::Table, color).find("\033[31mFAIL\033[0m"), std::string::npos);
  report::WriteOptions one;
  one.max_rows = 1;
  EXPECT_NE(w.as(report::Format::Table, one).find("... and 1 more"), std::string::npos);
}

// The table lists the first --max-rows non-passing findings of each check in
// the evaluation's order (it stops reading there) and counts the rest.
TEST(ReportTable, ListsTheFirstNonPassingFindingsInOrderAndCountsTheRest) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  auto e = evaluate(fx.db(), scan, ws, *checks::Date::parse("2025-01-01"), 1);
  for (uint64_t max_rows : {0u, 1u, 3u, 100u}) {
    report::WriteOptions options;
    options.max_rows = max_rows;
    std::ostringstream out;
    ASSERT_TRUE(report::write(e.report, report::Format::Table, out, options).ok());
    const std::string table = out.str();
    for (const auto& r : e.report.results) {
      SCOPED_TRACE(r.check->id + ", --max-rows " + std::to_string(max_rows));
      std::vector<std::string> failing;
      ASSERT_TRUE(report::for_each_finding(e.report, r, [&](const report::Finding& f) {
                    if (f.status != checks::Verdict::Pass) failing.emplace_back(f.resource);
                  }).ok());
      ASSERT_GE(failing.size(), 4u);
      size_t shown = max_rows ? std::min<size_t>(max_rows, failing.size()) : failing.size();
      // This check's section: from its heading to the next blank line.
      size_t begin = table.find("\n" + r.check->id + ": ");
      ASSERT_NE(begin, std::string::npos);
      std::string section = table.substr(begin + 1, table.find("\n\n", begin + 1) - begin);
      std::vector<std::string> listed;
      std::istringstream lines(section);
      for (std::string line; std::getline(lines, line);)
        if (line.rfind("  FAIL ", 0) == 0) listed.push_back(line.substr(9, line.find("  ", 9) - 9));
      EXPECT_EQ(listed, std::vector<std::string>(failing.begin(), failing.begin() + shown));
      std::string more = "... and " + std::to_string(failing.size() - shown) + " more";
      EXPECT_EQ(section.find(more) != std::string::npos, shown < failing.size()) << section;
    }
  }
}

}  // namespace
}  // namespace posture::testing
