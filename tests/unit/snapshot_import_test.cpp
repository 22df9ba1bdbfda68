// The snapshot importer: JSON Lines and JSON documents of every shape (envelope,
// bare array, single object, nested envelopes), verbatim raw text, parent
// linking, duplicates, unknown kinds, standard input, and errors that point at
// file:line and leave the store exactly as it was.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "collectors/snapshot/importer.hpp"
#include "unit/temp_store_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using posture::snapshot::import_files;
using posture::store::Store;

namespace {

const std::string kData = std::string(POSTURE_SOURCE_DIR) + "/tests/data/import/";
const std::string kS1 = "/subscriptions/11111111-0000-4000-8000-000000000001";
const std::string kS2 = "/subscriptions/11111111-0000-4000-8000-000000000002";

class SnapshotImportTest : public posture::testing::TempStoreTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (fs::path(dir_) / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  posture::snapshot::ImportSummary import_ok(const std::vector<std::string>& paths) {
    auto summary = import_files(*store_, paths);
    EXPECT_TRUE(summary.ok()) << (summary.ok() ? "" : posture::format(summary.errors()));
    return summary.ok() ? *summary : posture::snapshot::ImportSummary{};
  }

  // The import's single error, formatted ("file:line:col: error: ... [import]").
  std::string import_error(const std::vector<std::string>& paths) {
    auto summary = import_files(*store_, paths);
    EXPECT_FALSE(summary.ok());
    if (summary.ok()) return "";
    EXPECT_EQ(summary.errors()[0].code, "import");
    return posture::format(summary.errors()[0]);
  }
};

}  // namespace

TEST_F(SnapshotImportTest, JsonLinesOfEveryShape) {
  auto s = import_ok({kData + "mixed.jsonl"});
  EXPECT_EQ(s.subscriptions, 2u);
  EXPECT_EQ(s.contacts, 4u);
  EXPECT_EQ(s.skipped, 1u);  // the resource group
  EXPECT_EQ(s.bytes, fs::file_size(kData + "mixed.jsonl"));
  EXPECT_GT(s.scan_id, 0);
  auto scan = store_->scan(s.scan_id);
  ASSERT_TRUE(scan.ok() && scan->has_value());
  EXPECT_EQ((*scan)->status, "complete");
  EXPECT_EQ((*scan)->objects, 6);
  EXPECT_EQ((*scan)->source, "import:" + kData + "mixed.jsonl");
  EXPECT_EQ(query("SELECT c.name, c.apiVersion, p.name FROM security_contact c LEFT JOIN connector "
                  "p ON p._rid = c._has_security_contact_rid ORDER BY c._key"),
            "default1|2017-08-01-preview|Contoso Production\n"
            "default2|2017-08-01-preview|Contoso Production\n"
            "default|2020-01-01-preview|Contoso Staging\n"
            "default|2023-12-01-preview|NULL");  // its subscription is not in the import
  EXPECT_EQ(query("SELECT emails, alertMinimalSeverity, attackPathMinimalRiskLevel FROM "
                  "security_contact WHERE apiVersion = '2023-12-01-preview'"),
            "[\"team@example.com\"]|Medium|Critical");
}

TEST_F(SnapshotImportTest, KeepsEachObjectsTextVerbatim) {
  import_ok({kData + "mixed.jsonl", kData + "subscriptions.json"});
  // A JSON Lines object: its line as written (with the spaces json.dumps puts).
  std::ifstream in(kData + "mixed.jsonl");
  std::string line;
  for (int i = 0; i < 5; ++i) std::getline(in, line);
  EXPECT_EQ(query("SELECT r._raw FROM security_contact JOIN security_contact_raw AS r USING (_rid) "
                  "WHERE apiVersion = '2023-12-01-preview'"),
            line);
  // An element of a pretty-printed document keeps its indentation.
  std::string raw = query(
      "SELECT r._raw FROM connector JOIN connector_raw AS r USING (_rid) WHERE name = 'Contoso "
      "Sandbox'");
  EXPECT_EQ(raw.rfind("{\n      \"id\": ", 0), 0u) << raw;
  EXPECT_EQ(json::parse(raw)["displayName"], "Contoso Sandbox");
}

// `posture import --no-raw`: the same summary and rows, no original JSON.
TEST_F(SnapshotImportTest, WithoutRawTheScanHasTheSameRowsAndNoOriginalJson) {
  posture::snapshot::ImportOptions lean;
  lean.keep_raw = false;
  auto kept = import_ok({kData + "mixed.jsonl"});
  auto none = import_files(*store_, {kData + "mixed.jsonl"}, lean);
  ASSERT_TRUE(none.ok()) << posture::format(none.errors());
  EXPECT_EQ(none->subscriptions, kept.subscriptions);
  EXPECT_EQ(none->contacts, kept.contacts);
  EXPECT_EQ(none->skipped, kept.skipped);
  EXPECT_EQ(none->stored_by_type, kept.stored_by_type);
  EXPECT_GT(kept.raw_bytes, 500u);
  EXPECT_EQ(none->raw_bytes, 0u);
  auto rows = [&](int64_t scan) {
    return query(
        "SELECT c.id, c.email, c.emails, c.alertNotifications, c.apiVersion, p.name FROM "
        "security_contact c LEFT JOIN connector p ON p._rid = c._has_security_contact_rid WHERE "
        "c._scan = " +
        std::to_string(scan) + " ORDER BY c._key");
  };
  EXPECT_EQ(rows(none->scan_id), rows(kept.scan_id));
  EXPECT_NE(rows(kept.scan_id), "");
  for (const std::string table : {"connector", "security_contact"}) {
    EXPECT_EQ(query("SELECT count(*) > 0 FROM " + table + "_raw JOIN " + table +
                    " USING (_rid) WHERE _scan = " + std::to_string(kept.scan_id)),
              "1");
    EXPECT_EQ(query("SELECT count(*) FROM " + table + "_raw JOIN " + table +
                    " USING (_rid) WHERE _scan = " + std::to_string(none->scan_id)),
              "0");
  }
  EXPECT_EQ(query("SELECT count(*) FROM _unmodelled WHERE scan = " + std::to_string(none->scan_id)),
            "0");
}

TEST_F(SnapshotImportTest, DocumentsEnvelopeAndBareArray) {
  auto s = import_ok({kData + "subscriptions.json", kData + "contacts-2020.json"});
  EXPECT_EQ(s.subscriptions, 3u);  // the envelope's `count` object is not an item
  EXPECT_EQ(s.contacts, 1u);
  EXPECT_EQ(s.skipped, 0u);
  EXPECT_EQ(query("SELECT p.name FROM security_contact c JOIN connector p ON p._rid = "
                  "c._has_security_contact_rid"),
            "Contoso Staging");
  auto scan = store_->scan(s.scan_id);
  EXPECT_EQ((*scan)->source,
            "import:" + kData + "subscriptions.json," + kData + "contacts-2020.json");
}

TEST_F(SnapshotImportTest, NestedEnvelopesAndArraysOnOneLine) {
  json sub = {{"id", kS1}, {"subscriptionId", "1"}, {"displayName", "A"}};
  json sub2 = {{"id", kS2}, {"subscriptionId", "2"}, {"displayName", "B"}};
  json contact = {{"id", kS1 + "/providers/Microsoft.Security/securityContacts/default"},
                  {"properties", {{"emails", "x@example.com"}}}};
  std::string text = json::array({json{{"value", {sub}}}, json::array({sub2})}).dump() + "\n" +
                     json{{"value", {json{{"value", {contact}}}}}}.dump() + "\n";
  auto s = import_ok({write("nested.jsonl", text)});
  EXPECT_EQ(s.subscriptions, 2u);
  EXPECT_EQ(s.contacts, 1u);
}

TEST_F(SnapshotImportTest, MalformedLineThreeFailsWithFileAndLineAndStoresNothing) {
  std::string before = file_bytes();
  std::string path = kData + "malformed-line3.jsonl";
  std::string error = import_error({path});
  EXPECT_EQ(error.rfind(path + ":3:", 0), 0u) << error;
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  EXPECT_EQ(file_bytes(), before);
  EXPECT_TRUE(store_->scans()->empty());
}

TEST_F(SnapshotImportTest, ATruncatedLineIsReportedOnItsOwnLine) {
  json sub = {{"id", kS1}, {"subscriptionId", "1"}};
  std::string text =
      sub.dump() + "\n" + sub.dump() + "\n{\"id\": \"/subscriptions/2\",\n" + sub.dump() + "\n";
  std::string path = write("truncated.jsonl", text);
  std::string error = import_error({path});
  EXPECT_EQ(error.rfind(path + ":3:", 0), 0u) << error;
}

TEST_F(SnapshotImportTest, AnInvalidObjectNamesItsLineAndProperty) {
  json sub = {{"id", kS1}, {"subscriptionId", "1"}};
  json bad = {{"id", kS1 + "/providers/Microsoft.Security/securityContacts/default"},
              {"properties", {{"email", 42}}}};
  std::string path = write("bad.jsonl", sub.dump() + "\n" + bad.dump() + "\n");
  std::string error = import_error({path});
  EXPECT_EQ(error.rfind(path + ":2:1: error: ", 0), 0u) << error;
  EXPECT_NE(error.find("property `properties.email` must be a string, got number"),
            std::string::npos)
      << error;
}

TEST_F(SnapshotImportTest, AnErrorInADocumentPointsAtItsLine) {
  std::string text = "[\n  {\"id\": \"" + kS1 + "\", \"subscriptionId\": \"1\"},\n" +
                     "  {\"id\": \"" + kS2 + "\", \"subscriptionId\": 2}\n]\n";
  std::string path = write("doc.json", text);
  std::string error = import_error({path});
  EXPECT_EQ(error.rfind(path + ":3:3: error: ", 0), 0u) << error;  // where the element starts
  EXPECT_NE(error.find("`subscriptionId` must be a string"), std::string::npos) << error;
  std::string cut = write("cut.json", "[\n  {\"id\": \"" + kS1 + "\",\n");
  error = import_error({cut});
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  EXPECT_EQ(error.rfind(cut + ":", 0), 0u) << error;
}

TEST_F(SnapshotImportTest, AFailedImportKeepsTheOldScanReadable) {
  auto first = import_ok({kData + "mixed.jsonl"});
  std::string before = file_bytes();
  // The good file first, then the bad one: nothing of either is stored.
  import_error({kData + "subscriptions.json", kData + "malformed-line3.jsonl"});
  EXPECT_EQ(file_bytes(), before);
  auto latest = store_->latest_complete_scan();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, first.scan_id);
  EXPECT_EQ(store_->scans()->size(), 1u);
  EXPECT_EQ(query("SELECT count(*) FROM connector"), "2");
}

TEST_F(SnapshotImportTest, DuplicateIdsLaterWins) {
  json a = {{"id", kS1}, {"subscriptionId", "1"}, {"displayName", "Old"}};
  json b = {{"id", "/SUBSCRIPTIONS/11111111-0000-4000-8000-000000000001"},
            {"subscriptionId", "1"},
            {"displayName", "New"}};
  auto s = import_ok({write("dup.jsonl", a.dump() + "\n" + b.dump() + "\n")});
  EXPECT_EQ(s.subscriptions, 1u);
  EXPECT_EQ(query("SELECT name FROM connector"), "New");
}

TEST_F(SnapshotImportTest, NothingRecognisedIsAnError) {
  std::string before = file_bytes();
  std::string error = import_error({write("empty.jsonl", "\n\n")});
  EXPECT_NE(error.find("found no subscriptions or security contacts"), std::string::npos);
  error = import_error({write("rg.jsonl", "{\"id\": \"/subscriptions/1/resourceGroups/x\"}\n")});
  EXPECT_NE(error.find("1 objects of other kinds were skipped"), std::string::npos) << error;
  EXPECT_EQ(file_bytes(), before);
}

TEST_F(SnapshotImportTest, ScalarsAndTrailingDataAreErrors) {
  std::string path = write("scalar.jsonl", "42\n");
  EXPECT_NE(import_error({path}).find(path + ":1:"), std::string::npos);
  json sub = {{"id", kS1}, {"subscriptionId", "1"}};
  path = write("two.jsonl", sub.dump() + "\n" + sub.dump() + " " + sub.dump() + "\n");
  std::string error = import_error({path});
  EXPECT_EQ(error.rfind(path + ":2:", 0), 0u) << error;
  EXPECT_NE(error.find("one value per line"), std::string::npos) << error;
}

TEST_F(SnapshotImportTest, AMissingFileIsNamed) {
  std::string error = import_error({kData + "mixed.jsonl", dir_ + "/nope.json"});
  EXPECT_NE(error.find(dir_ + "/nope.json"), std::string::npos) << error;
  EXPECT_TRUE(store_->scans()->empty());
}

TEST_F(SnapshotImportTest, ReadsStandardInput) {
  int file = ::open((kData + "contacts-2020.json").c_str(), O_RDONLY);
  ASSERT_GE(file, 0);
  int saved = ::dup(0);
  ::dup2(file, 0);
  auto summary = import_files(*store_, {"-"});
  ::dup2(saved, 0);
  ::close(saved);
  ::close(file);
  ASSERT_TRUE(summary.ok()) << posture::format(summary.errors());
  EXPECT_EQ(summary->contacts, 1u);
}

TEST_F(SnapshotImportTest, AcceptsAByteOrderMarkAndCrlf) {
  json sub = {{"id", kS1}, {"subscriptionId", "1"}};
  auto s =
      import_ok({write("bom.jsonl", "\xEF\xBB\xBF" + sub.dump() + "\r\n" + sub.dump() + "\r\n")});
  EXPECT_EQ(s.subscriptions, 1u);
}

// Azure Resource Graph results: the REST API's {"totalRecords", "count",
// "data": [...], "$skipToken"} and `az graph query`'s {"count", "data": [...],
// "skip_token", "total_records"}, as a document or a line, with ARG's
// lower-case types. Each object is routed by its type; one of a type not
// modelled is kept raw.
TEST_F(SnapshotImportTest, ResourceGraphResultsOfTheRestApiAndTheCli) {
  const std::string account =
      kS1 + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/";
  json st1 = {{"id", account + "st1"},
              {"name", "st1"},
              {"type", "microsoft.storage/storageaccounts"},
              {"properties", {{"minimumTlsVersion", "TLS1_2"}}}};
  json st2 = {
      {"id", account + "st2"}, {"name", "st2"}, {"type", "microsoft.storage/storageaccounts"}};
  json other = {{"id", kS1 + "/resourceGroups/rg/providers/Microsoft.Foo/bars/b1"},
                {"type", "microsoft.foo/bars"}};
  json rest = {{"totalRecords", 3},          {"count", 2},
               {"data", {st1, other}},       {"facets", json::array()},
               {"resultTruncated", "false"}, {"$skipToken", "ew0KIC"}};
  json cli = {{"count", 1}, {"data", {st2}}, {"skip_token", nullptr}, {"total_records", 1}};
  auto s = import_ok({write("arg.json", rest.dump(2)), write("cli.jsonl", cli.dump() + "\n")});
  EXPECT_EQ(query("SELECT group_concat(name || ':' || coalesce(minimumTlsVersion, '-'), ',') "
                  "FROM (SELECT * FROM storage_account ORDER BY name)"),
            "st1:TLS1_2,st2:TLS1_0");  // st2 omits it: the documented default
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.skipped_by_type["microsoft.foo/bars"], 1u);
}
