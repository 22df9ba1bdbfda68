// Missing data never passes, through the real program: a scan with no subject
// of a check's type makes that check ERROR ("no connectors in this scan"); a
// resource gone from a partial scan because its collection failed is never
// "fixed" in a diff; the summary says a scan is partial, counts findings and
// checks with the right plurals, and reaches stderr when the report goes to a
// file.
#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "tests/integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

using nlohmann::json;

const char* const kArchive = "/subscriptions/c0ffee00-0000-4000-8000-000000000015";
const char* const kFirst = "/subscriptions/c0ffee00-0000-4000-8000-000000000001";

// Adds scan 2 to `db`: connector 01 alone, and a collection error (HTTP 403)
// for 15, which is therefore absent; committed as partial.
void write_partial_scan(const std::string& db) {
  auto store = store::Store::open(db, posture::schema::builtin());
  ASSERT_TRUE(store.ok()) << format(store.errors());
  auto writer = store::ScanWriter::begin(*store, "azure");
  ASSERT_TRUE(writer.ok()) << format(writer.errors());
  store::Record first;
  first.type = store->schema().type("Connector");
  ASSERT_NE(first.type, nullptr);
  first.id = kFirst;
  first.fields = {{"name", "Contoso Production"},
                  {"provider", "azure"},
                  {"subscriptionId", "c0ffee00-0000-4000-8000-000000000001"},
                  {"state", "Enabled"}};
  first.raw = R"({"id":"/subscriptions/c0ffee00-0000-4000-8000-000000000001"})";
  ASSERT_TRUE(writer->add(first).ok());
  ASSERT_TRUE(writer
                  ->add_error({kArchive, "Connector",
                               "HTTP 403 GET https://management.azure.com" + std::string(kArchive) +
                                   "/providers/Microsoft.Security/securityContacts",
                               403})
                  .ok());
  auto committed = writer->commit("partial", "1 subscription could not be read");
  ASSERT_TRUE(committed.ok()) << format(committed.errors());
  ASSERT_EQ(committed->id, 2);
}

TEST_F(BulkTest, AScanWithoutConnectorsMakesTheirChecksErrorsNotPasses) {
  {
    auto store = store::Store::open(db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    auto writer = store::ScanWriter::begin(*store, "import:empty.json");
    ASSERT_TRUE(writer.ok()) << format(writer.errors());
    auto committed = writer->commit("complete");
    ASSERT_TRUE(committed.ok()) << format(committed.errors());
    ASSERT_EQ(committed->id, 2);
  }
  Process table = run({"check", "--db", db_, "--scan", "2"});
  EXPECT_EQ(table.exit_code, 2) << "errors, never a pass: " << table.out << table.err;
  EXPECT_NE(table.out.find("no connectors in this scan"), std::string::npos) << table.out;
  // Every stored check: the 17 on subscriptions and the 54 on other resource types.
  EXPECT_NE(table.out.find(" checks: 0 passed, 0 failed, 71 with errors"), std::string::npos)
      << table.out;

  Process doc = run({"check", "--db", db_, "--scan", "2", "--format", "json"});
  json report = json::parse(doc.out);
  size_t errors = 0, per_connector = 0;
  for (const auto& check : report["checks"]) {
    EXPECT_NE(check["status"], "PASS") << check["id"];
    if (check["status"] != "ERROR") continue;
    ++errors;
    ASSERT_EQ(check["findings"].size(), 1u) << check["id"];
    EXPECT_EQ(check["findings"][0]["resource"], "");
    // "no connectors in this scan", "no storageAccounts in this scan", ...
    const std::string detail = check["findings"][0]["detail"];
    EXPECT_EQ(detail.rfind("no ", 0), 0u) << detail;
    EXPECT_NE(detail.find(" in this scan"), std::string::npos) << detail;
    per_connector += detail == "no connectors in this scan";
  }
  EXPECT_EQ(errors, 71u) << "every stored check";
  EXPECT_EQ(per_connector, 4u + 13u) << "the checks on subscriptions";

  // The framework report scores nothing as passed either.
  Process framework = run(
      {"report", "--db", db_, "--scan", "2", "--framework", "cis-azure-2.0.0", "--format", "json"});
  ASSERT_EQ(framework.exit_code, 0) << framework.err;
  EXPECT_EQ(framework.out.find("\"status\":\"PASS\""), std::string::npos) << framework.out;
}

TEST_F(BulkTest, AResourceWhoseCollectionFailedIsNeverFixedInADiff) {
  write_partial_scan(db_);
  // Exit 1: connector 01 has no contacts in scan 2, so some of its findings are new.
  Process diff = run({"diff", "--db", db_, "--from", "1", "--to", "2", "--format", "json"});
  ASSERT_EQ(diff.exit_code, 1) << diff.err;
  json doc = json::parse(diff.out);
  size_t archive_rows = 0;
  for (const auto& f : doc["findings"]) {
    if (f["resource"] != kArchive) continue;
    ++archive_rows;
    EXPECT_EQ(f["change"], "changed") << f.dump();
    EXPECT_EQ(f["to"], "ERROR") << f.dump();
    EXPECT_NE(f["detail"].get<std::string>().find("HTTP 403"), std::string::npos) << f.dump();
  }
  EXPECT_GT(archive_rows, 0u) << "15 fails in scan 1: " << diff.out;

  // The partial scan's summary says so.
  Process check = run({"check", "--db", db_, "--scan", "2"});
  EXPECT_NE(check.out.find("(scan 2 is partial: 1 subscription could not be read)"),
            std::string::npos)
      << check.out;
}

TEST_F(BulkTest, DiffHasAHeaderAndListsOneChangeWithOnly) {
  write_partial_scan(db_);
  Process all = run({"diff", "--db", db_, "--from", "1", "--to", "2"});
  ASSERT_EQ(all.exit_code, 1) << all.err;
  EXPECT_NE(all.out.find("CHANGE        CHECK  RESOURCE  NAME  FROM -> TO"), std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("  FIXED "), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("  CHANGED "), std::string::npos) << all.out;

  Process fixed = run({"diff", "--db", db_, "--from", "1", "--to", "2", "--only", "fixed"});
  ASSERT_EQ(fixed.exit_code, 1) << "the exit status counts every change: " << fixed.err;
  EXPECT_NE(fixed.out.find(", only fixed"), std::string::npos) << fixed.out;
  EXPECT_NE(fixed.out.find("  FIXED "), std::string::npos) << fixed.out;
  EXPECT_EQ(fixed.out.find("  CHANGED "), std::string::npos) << fixed.out;

  Process json_only = run(
      {"diff", "--db", db_, "--from", "1", "--to", "2", "--only", "changed", "--format", "json"});
  json doc = json::parse(json_only.out);
  ASSERT_FALSE(doc["findings"].empty());
  for (const auto& f : doc["findings"]) EXPECT_EQ(f["change"], "changed") << f.dump();
  EXPECT_GT(doc["summary"]["fixed"].get<int>(), 0) << "the totals count every change";

  Process bad = run({"diff", "--db", db_, "--from", "1", "--to", "2", "--only", "fixd"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--only"), std::string::npos) << bad.err;
}

TEST_F(BulkTest, TheSummaryCountsChecksAndFindingsWithPlurals) {
  Process one = run({"check", "--db", db_, "--check", "azure-notify-alerts-high-severity"});
  EXPECT_NE(one.out.find("\n1 check: 0 passed, 1 failed, 0 with errors, 0 muted; "),
            std::string::npos)
      << one.out;
  EXPECT_NE(one.out.find(" findings: "), std::string::npos) << one.out;

  Process all = run({"check", "--db", db_});
  EXPECT_NE(all.out.find(" checks: "), std::string::npos) << all.out;

  // With --output the report goes to the file and the summary line to stderr.
  std::string file = (dir_ / "report.json").string();
  Process to_file = run({"check", "--db", db_, "--format", "json", "--output", file});
  EXPECT_EQ(to_file.out, "");
  EXPECT_NE(to_file.err.find(" checks: "), std::string::npos) << to_file.err;
  EXPECT_NE(to_file.err.find(" findings: "), std::string::npos) << to_file.err;
  json report = json::parse(slurp(file), nullptr, false);
  EXPECT_TRUE(report.is_object() && report.contains("checks")) << slurp(file).substr(0, 200);
  Process quiet = run({"check", "--db", db_, "--format", "json", "--output", file, "-q"});
  EXPECT_EQ(quiet.err, "");

  // Muted findings are counted as such.
  std::string waivers =
      write("waivers.jsonl", R"({"check":"azure-notify-alerts-high-severity","resource":")" +
                                 std::string(kArchive) +
                                 R"(","owner":"ops","reason":"archived","expires":"2099-01-01"})"
                                 "\n");
  Process muted = run({"check", "--db", db_, "--check", "azure-notify-alerts-high-severity",
                       "--exceptions", waivers});
  EXPECT_NE(muted.out.find(", 1 muted\n"), std::string::npos) << muted.out;
}

// The public catalogue's queries list failing resources: `posture lint` says
// where one lets a resource without the property pass, file:line:column.
TEST_F(BulkTest, LintSaysWhereAMissingValuePassesACatalogueQuery) {
  std::string file = write(
      "q.json",
      R"({"query": "{ storageAccounts(where: {\n  publicNetworkAccess: \"Enabled\" }) { id } }"})");
  Process lint = run({"lint", file});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_NE(lint.err.find(file + ":2:3: warning: comparison of StorageAccount.publicNetworkAccess"),
            std::string::npos)
      << lint.err;
  EXPECT_NE(lint.err.find("[missing-passes]"), std::string::npos) << lint.err;
  EXPECT_NE(lint.out.find("1\twarning missing-passes"), std::string::npos) << lint.out;
  Process strict = run({"lint", "--strict", file});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
}

TEST_F(BulkTest, HelpShowsEveryDefaultOneWay) {
  for (const char* command : {"check", "report", "diff", "query", "import", "collect", "bench",
                              "generate", "scans", "explain", "lint", "schema"}) {
    Process help = run({command, "--help"});
    ASSERT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage: posture " + std::string(command)), std::string::npos)
        << help.out;
    // CLI11's own "[value]" rendering is never used; "default 50" without the colon neither.
    EXPECT_EQ(help.out.find(" default "), std::string::npos) << help.out;
    EXPECT_EQ(help.out.find("(default "), std::string::npos) << help.out;
  }
  Process check = run({"check", "--help"});
  EXPECT_NE(check.out.find("(default: table)"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("(default: 50)"), std::string::npos) << check.out;
  EXPECT_EQ(check.out.find("[50]"), std::string::npos) << check.out;
  EXPECT_EQ(check.out.find("[table]"), std::string::npos) << check.out;

  Process no_color = run({"check", "--db", db_, "--no-color"});
  EXPECT_EQ(no_color.exit_code, 1) << no_color.err;
  EXPECT_EQ(no_color.out.find("\033["), std::string::npos);
}

}  // namespace
}  // namespace posture::bulk
