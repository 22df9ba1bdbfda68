// `posture report --framework` and `posture diff` as a user runs them: each
// bundled framework reported and parsed back, and the findings between two
// imports of a changed inventory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

TEST_F(BulkTest, EveryBundledFrameworkIsReported) {
  for (const char* fw : {"cis-azure-2.0.0", "cis-azure-3.0.0", "dutch-cloud-baseline"}) {
    Process r = run({"report", "--db", db_, "--framework", fw, "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << fw << ": " << r.err;
    json doc = json::parse(r.out);
    EXPECT_EQ(doc["framework"]["id"], fw);
    EXPECT_GT(doc["summary"]["requirements"].get<int>(), 0);
    EXPECT_TRUE(doc["summary"]["score"].is_number()) << fw;
    for (const json& q : doc["requirements"]) {
      bool assessed = !q["checks"].empty();
      EXPECT_EQ(q["status"] == "NOT_ASSESSED", !assessed) << q["id"];
      if (assessed) {
        const json& c = q["counts"];
        const int findings = c["pass"].get<int>() + c["fail"].get<int>() + c["error"].get<int>() +
                             c["muted"].get<int>();
        // The Defender for Cloud sections (2.1, 3.1) and the baseline judge the 16
        // subscriptions; the other requirements judge the sample's resources of
        // their checks' types (3 or 4 of each).
        const std::string id = q["id"];
        if (std::string(fw) == "dutch-cloud-baseline" || id.rfind("2.1.", 0) == 0 ||
            id.rfind("3.1.", 0) == 0)
          EXPECT_EQ(findings, 16) << fw << " " << id;
        else
          EXPECT_GT(findings, 0) << fw << " " << id;
      }
    }
  }
  Process table = run({"report", "--db", db_, "--framework", "cis-azure-2.0.0"});
  EXPECT_NE(table.out.find("2.1.19       FAIL"), std::string::npos) << table.out;
  // Section 2.1 in full (22, 17 assessed) and the 32 requirements of sections
  // 3 to 8 that a stored check assesses.
  EXPECT_NE(table.out.find("49 of 54 requirements assessed"), std::string::npos) << table.out;
}

TEST_F(BulkTest, ReportFailOnAndUnknownFrameworks) {
  EXPECT_EQ(
      run({"report", "--db", db_, "--framework", "cis-azure-3.0.0", "--fail-on", "high"}).exit_code,
      1);
  Process typo = run({"report", "--db", db_, "--framework", "cis-azure-2.0"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean `cis-azure-2.0.0`?"), std::string::npos) << typo.err;
  std::string path = (dir_ / "cis.csv").string();
  EXPECT_EQ(run({"report", "--db", db_, "--framework", "cis-azure-3.0.0", "--format", "csv",
                 "--output", path})
                .exit_code,
            0);
  EXPECT_EQ(slurp(path).rfind("framework,requirement,title,status,", 0), 0u);
}

TEST_F(BulkTest, DiffListsNewFixedAndStillFailingFindings) {
  // Scan 2: Contoso Legacy (04) turns its alert notifications on, Northwind
  // Archive (15) is gone.
  std::ifstream in(sample_path());
  std::string line, changed;
  while (std::getline(in, line)) {
    if (line.find("000000000015") != std::string::npos) continue;
    if (line.find("000000000004/providers") != std::string::npos)
      if (auto at = line.find("\"alertNotifications\":\"Off\""); at != std::string::npos)
        line.replace(at, 26, "\"alertNotifications\":\"On\"");
    changed += line + "\n";
  }
  ASSERT_EQ(run({"import", "--db", db_, write("changed.jsonl", changed)}).exit_code, 0);

  Process same = run({"diff", "--db", db_, "--from", "1", "--to", "1", "--format", "json"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(json::parse(same.out)["summary"]["new"], 0);

  Process forward = run({"diff", "--db", db_, "--from", "1", "--to", "2", "--format", "json"});
  EXPECT_EQ(forward.exit_code, 0) << "nothing new fails: " << forward.err;
  json doc = json::parse(forward.out);
  // 15 is gone from the 17 checks on subscriptions (4 on contacts, 13 on Defender
  // plans and integrations, all of which it failed); 04 is fixed in two.
  EXPECT_EQ(doc["summary"]["fixed"], 17 + 2) << "15 gone from 17 checks, 04 fixed in two";
  EXPECT_EQ(doc["summary"]["new"], 0);

  Process back = run({"diff", "--db", db_, "--from", "2", "--to", "1", "--check",
                      "azure-notify-alerts-high-severity"});
  EXPECT_EQ(back.exit_code, 1) << "going back, 04 and 15 fail again";
  EXPECT_NE(back.out.find("2 new, 0 fixed, 3 still failing"), std::string::npos) << back.out;

  Process missing = run({"diff", "--db", db_, "--from", "1", "--to", "9"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no scan 9"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace posture::bulk
