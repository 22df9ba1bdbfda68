// `posture check` as a user runs it: the same report whatever --jobs is (on
// the sample and on a generated inventory), every --format written with
// --output and parsed back, selection flags, --fail-on exit statuses, and a
// failed scan refused.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "integration/bulk_harness.hpp"
#include "store/store.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

TEST_F(BulkTest, JobsOneAndFourGiveIdenticalJsonOnTheSample) {
  Process one = run({"check", "--db", db_, "--format", "json", "--jobs", "1"});
  Process four = run({"check", "--db", db_, "--format", "json", "--jobs", "4"});
  EXPECT_EQ(one.exit_code, 1) << one.err;
  EXPECT_EQ(four.exit_code, 1) << four.err;
  EXPECT_FALSE(one.out.empty());
  EXPECT_EQ(one.out, four.out);
}

TEST_F(BulkTest, JobsOneAndFourGiveIdenticalReportsOnAGeneratedInventory) {
  std::string inventory = (dir_ / "gen.jsonl").string();
  std::string db = (dir_ / "gen.db").string();
  ASSERT_EQ(run({"generate", "--connectors", "5000", "--seed", "7", "--out", inventory}).exit_code,
            0);
  Process import = run({"import", "--db", db, inventory});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  for (const char* format : {"json", "csv", "sarif"}) {
    Process one = run({"check", "--db", db, "--format", format, "--jobs", "1"});
    Process four = run({"check", "--db", db, "--format", format, "--jobs", "4"});
    ASSERT_EQ(one.exit_code, 1) << one.err;
    EXPECT_EQ(one.out, four.out) << format;
  }
  // The generator writes subscriptions and their contacts only, and the import
  // records that it collected those two types: the contact checks have a
  // finding for each subscription; the checks reading any other type (the
  // Defender plans and integrations of the subscriptions too) have nothing to
  // judge, hence one check-level ERROR finding ("storageAccounts were not
  // collected in scan 1: ...").
  json report = json::parse(run({"check", "--db", db, "--format", "json"}).out);
  size_t on_subscriptions = 0;
  for (const json& c : report["checks"]) {
    if (c["findings"].size() == 1u && c["findings"][0]["resource"] == "") {
      EXPECT_EQ(c["status"], "ERROR") << c["id"];
      EXPECT_NE(c["findings"][0]["detail"].get<std::string>().find(" were not collected in scan "),
                std::string::npos)
          << c.dump();
      continue;
    }
    ++on_subscriptions;
    EXPECT_EQ(c["findings"].size(), 5000u) << c["id"];
  }
  EXPECT_EQ(on_subscriptions, 4u) << "the security contact checks";
}

TEST_F(BulkTest, EveryFormatIsWrittenToOutputAndParsesBack) {
  for (const char* format : {"table", "json", "csv", "junit", "sarif", "ocsf"}) {
    std::string path = (dir_ / (std::string("report.") + format)).string();
    Process r = run({"check", "--db", db_, "--format", format, "--output", path});
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << format << ": the report goes to the file";
    std::string text = slurp(path);
    ASSERT_FALSE(text.empty()) << format;
    std::string f = format;
    if (f == "json" || f == "sarif") {
      json doc = json::parse(text);
      // The sample's numbers (collectors/samples/README.md): 71 stored checks,
      // 454 findings of which 304 FAIL: 23 on security contacts, 183 on Defender
      // plans and integrations (13 checks x 16 subscriptions, 25 pass), 98 on
      // the other resource types.
      if (f == "json") {
        EXPECT_EQ(doc["checks"].size(), 71u);
      }
      if (f == "sarif") {
        EXPECT_EQ(doc["runs"][0]["results"].size(), 23u + 183u + 98u);
      }
    } else if (f == "ocsf") {
      std::istringstream lines(text);
      std::string line;
      size_t n = 0;
      while (std::getline(lines, line)) n += json::parse(line)["class_uid"] == 2004;
      EXPECT_EQ(n, 304u);
    } else if (f == "csv") {
      std::istringstream lines(text);
      std::string line;
      size_t n = 0;
      while (std::getline(lines, line)) {
        EXPECT_EQ(line.back(), '\r');
        ++n;
      }
      EXPECT_EQ(n, 1u + 454u);  // the header and one record per finding
    } else if (f == "junit") {
      std::string command =
          "python3 -c \"import sys, xml.etree.ElementTree as E; r = "
          "E.parse(sys.argv[1]).getroot(); print(len(r.findall('.//testcase')), "
          "r.get('failures'))\" " +
          path;
      std::string out;
      if (FILE* p = popen(command.c_str(), "r")) {
        char buf[256];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
      }
      EXPECT_EQ(out, "454 304\n");
    } else {
      EXPECT_NE(text.find("71 checks: 0 passed, 71 failed"), std::string::npos) << text;
      EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour in a file";
    }
  }
}

TEST_F(BulkTest, ColourOnATerminalUnlessNoColor) {
  // script(1) gives the program a pseudo-terminal as its standard output.
  if (std::system("command -v script > /dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  auto on_tty = [&](const std::string& env) {
    std::string command = env + " script -q -c '" + std::string(POSTURE_BINARY) + " check --db " +
                          db_ + " --max-rows 1' /dev/null";
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
      char buf[512];
      while (fgets(buf, sizeof buf, p)) out += buf;
      pclose(p);
    }
    return out;
  };
  std::string coloured = on_tty("env -u NO_COLOR");
  EXPECT_NE(coloured.find("\033[31mFAIL\033[0m"), std::string::npos) << coloured;
  std::string plain = on_tty("NO_COLOR=1");
  EXPECT_NE(plain.find("FAIL"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("\033["), std::string::npos) << plain;
  EXPECT_EQ(run({"check", "--db", db_}, {{"NO_COLOR", ""}}).out.find("\033["), std::string::npos)
      << "no colour into a pipe or file";
}

std::vector<std::string> check_ids(const std::string& text) {
  std::vector<std::string> ids;
  json doc = json::parse(text);
  for (const json& c : doc["checks"]) ids.push_back(c["id"]);
  return ids;
}

TEST_F(BulkTest, SelectionFlags) {
  using V = std::vector<std::string>;
  // --severity high: the two high security-contact checks and the 21 high
  // checks on other types (queries/*.graphql), and nothing else.
  json high =
      json::parse(run({"check", "--db", db_, "--format", "json", "--severity", "high"}).out);
  EXPECT_EQ(high["checks"].size(), 23u);
  for (const json& c : high["checks"]) EXPECT_EQ(c["severity"], "high") << c["id"];
  V high_ids = check_ids(high.dump());
  for (const char* id : {"azure-notify-alerts-high-severity", "azure-security-contact-configured"})
    EXPECT_NE(std::find(high_ids.begin(), high_ids.end(), id), high_ids.end()) << id;
  EXPECT_EQ(check_ids(run({"check", "--db", db_, "--format", "json", "--framework",
                           "dutch-cloud-baseline"})
                          .out),
            V{"azure-security-contact-configured"});
  EXPECT_EQ(check_ids(run({"check", "--db", db_, "--format", "json", "--check",
                           "azure-security-alert-emails-owners", "--check",
                           "azure-additional-email-address", "--provider", "azure"})
                          .out),
            (V{"azure-additional-email-address", "azure-security-alert-emails-owners"}));
  Process none = run({"check", "--db", db_, "--provider", "aws"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no stored check matches the selection"), std::string::npos);
  Process typo = run({"check", "--db", db_, "--check", "azure-additional-email-adress"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean `azure-additional-email-address`?"), std::string::npos)
      << typo.err;
}

TEST_F(BulkTest, FailOnDecidesTheExitStatus) {
  EXPECT_EQ(run({"check", "--db", db_}).exit_code, 1) << "default: any FAIL";
  EXPECT_EQ(run({"check", "--db", db_, "--fail-on", "critical"}).exit_code, 0)
      << "no critical check exists";
  EXPECT_EQ(run({"check", "--db", db_, "--fail-on", "high"}).exit_code, 1);
  EXPECT_EQ(
      run({"check", "--db", db_, "--fail-on", "HIGH", "--check", "azure-additional-email-address"})
          .exit_code,
      0)
      << "a medium check fails, below the threshold";
  EXPECT_EQ(run({"check", "--db", db_, "--fail-on", "medium", "--check",
                 "azure-additional-email-address"})
                .exit_code,
            1);
  EXPECT_EQ(run({"check", "--db", db_, "--fail-on", "urgent"}).exit_code, 2);
}

// Missing data never passes: a failed collection's scan (no assets) is an
// error to evaluate, naming the scan, its status, why, and the scan to use.
TEST_F(BulkTest, CheckingAFailedScanIsAnError) {
  {
    auto store = store::Store::open(db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    auto writer = store::ScanWriter::begin(*store, "azure");
    ASSERT_TRUE(writer.ok()) << format(writer.errors());
    ASSERT_TRUE(writer->fail("collection aborted: HTTP 401").ok());
    ASSERT_EQ(writer->scan_id(), 2);
  }
  Process failed = run({"check", "--db", db_, "--scan", "2"});
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_EQ(failed.out, "");
  EXPECT_EQ(failed.err, db_ +
                            ": error: scan 2 has status `failed` (collection aborted: HTTP 401): "
                            "a failed scan holds no data and is never evaluated [failed-scan]\n"
                            "  hint: the latest complete scan is 1\n");
  EXPECT_EQ(run({"check", "--db", db_}).exit_code, 1) << "scan 1 is still the one checked";
  Process diff = run({"diff", "--db", db_, "--from", "1", "--to", "2"});
  EXPECT_EQ(diff.exit_code, 2);
  EXPECT_NE(diff.err.find("[failed-scan]"), std::string::npos) << diff.err;
}

}  // namespace
}  // namespace posture::bulk
