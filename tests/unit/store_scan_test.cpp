// ScanWriter and the scan queries: the lifecycle of a scan (running, complete,
// partial, failed), rollback leaving the file byte-for-byte as it was, upserts
// by case-insensitive ARM id, parent linking, value conversion and collection
// errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "base/text.hpp"
#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "unit/temp_store_fixture.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using posture::store::Record;
using posture::store::ScanWriter;
using posture::store::Store;

namespace {

class StoreScanTest : public posture::testing::TempStoreTest {
 protected:
  const posture::schema::ObjectType* type(const char* name) { return store_->schema().type(name); }

  Record connector(const std::string& id, const std::string& name) {
    Record r;
    r.type = type("Connector");
    r.id = id;
    r.fields = {{"id", id}, {"name", name}, {"provider", "azure"}};
    r.raw = json{{"id", id}, {"displayName", name}}.dump();
    return r;
  }

  Record contact(const std::string& id, const std::string& parent) {
    Record r;
    r.type = type("SecurityContact");
    r.id = id;
    r.fields = {{"id", id}, {"email", "a@example.com"}};
    r.raw = json{{"id", id}}.dump();
    r.relationship = store_->schema().relationships_into("SecurityContact").at(0);
    r.parent_id = parent;
    return r;
  }

  // The rows of scan `scan` in one text, in rowid order, with their parents'
  // ids (not rowids): what two scans of the same records must both hold.
  // The scan's rows; with `raw`, each connector's original JSON and the
  // count of original JSON left without its row.
  std::string scan_rows(const std::string& fk, int64_t scan, bool raw = true) {
    std::string id = std::to_string(scan);
    if (!raw)
      return query("SELECT c.id, c.name FROM connector AS c WHERE c._scan = " + id +
                   " ORDER BY c._rid") +
             "\n" +
             query(
                 "SELECT c.id, c.email, p.id, c._has_security_contact_key FROM security_contact "
                 "AS c LEFT JOIN connector AS p ON p._rid = c.\"" +
                 fk + "\" WHERE c._scan = " + id + " ORDER BY c._rid");
    return query(
               "SELECT c.id, c.name, r._raw FROM connector AS c LEFT JOIN connector_raw AS r ON "
               "r._rid = c._rid WHERE c._scan = " +
               id + " ORDER BY c._rid") +
           "\n" +
           query(
               "SELECT count(*) FROM connector_raw WHERE _rid NOT IN (SELECT _rid FROM "
               "connector)") +
           "\n" +
           query(
               "SELECT c.id, c.email, p.id, c._has_security_contact_key FROM security_contact "
               "AS c LEFT JOIN connector AS p ON p._rid = c.\"" +
               fk + "\" WHERE c._scan = " + id + " ORDER BY c._rid");
  }

  // A first scan that drops its key indexes from its first row: 2,000
  // contacts, each written before its subscription, whose last write is s7
  // again. Whether every write succeeded.
  // With `pad`, each subscription's original JSON has that many bytes more.
  bool write_first_scan(ScanWriter& w, size_t pad = 0) {
    w.defer_key_index(0);
    for (int i = 0; i < 2000; ++i) {
      std::string sub = "/subscriptions/s" + std::to_string(i);
      if (!w.add(contact(sub + "/providers/Microsoft.Security/securityContacts/default", sub)))
        return false;
      Record c = connector(i == 1999 ? "/SUBSCRIPTIONS/S7" : sub, "S");
      if (pad) c.raw = json{{"id", c.id}, {"tags", {{"pad", std::string(pad, 'x')}}}}.dump();
      if (!w.add(c)) return false;
    }
    return true;
  }

  // What write_first_scan leaves once committed: 1 scan, 1,999
  // subscriptions (the second write of s7 merged into the first) and 2,000
  // contacts, each under its subscription but the one of s1999, never written.
  std::string first_scan_counts() {
    return query(
        "SELECT (SELECT count(*) FROM _scans), (SELECT count(*) FROM connector), (SELECT "
        "count(*) FROM security_contact), (SELECT count(*) FROM security_contact AS c JOIN "
        "connector AS p ON p._rid = c.\"" +
        store_->schema().relationships_into("SecurityContact").at(0)->fk_column + "\")");
  }

  // Opens (or creates) the store at `path` as store_; whether it opened.
  bool open_store(const std::string& path) {
    store_.reset();
    auto opened = Store::open(path, posture::schema::builtin());
    EXPECT_TRUE(opened.ok()) << posture::format(opened.errors());
    if (opened) store_ = std::make_unique<Store>(std::move(opened).value());
    return store_ != nullptr;
  }

  ScanWriter begin() {
    auto w = ScanWriter::begin(*store_, "test");
    EXPECT_TRUE(w.ok()) << (w.ok() ? "" : posture::format(w.errors()));
    return std::move(w).value();
  }
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

TEST_F(StoreScanTest, AScanIsRunningThenComplete) {
  ScanWriter w = begin();
  EXPECT_GT(w.scan_id(), 0);
  auto running = store_->scan(w.scan_id());
  ASSERT_TRUE(running.ok());
  ASSERT_TRUE(running->has_value());
  EXPECT_EQ((*running)->status, "running");
  EXPECT_EQ((*running)->source, "test");
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  ASSERT_TRUE(
      w.add(contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/default",
                    "/subscriptions/s1"))
          .ok());
  auto info = w.commit();
  ASSERT_TRUE(info.ok()) << posture::format(info.errors());
  EXPECT_EQ(info->status, "complete");
  EXPECT_EQ(info->objects, 2);
  EXPECT_FALSE(info->ended_at.empty());
  EXPECT_EQ(info->started_at.size(), 20u);  // 2026-11-23T11:33:41Z
  auto latest = store_->latest_complete_scan();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, w.scan_id());
  EXPECT_EQ((*latest)->objects, 2);
  EXPECT_FALSE(w.add(connector("/subscriptions/s2", "Two")).ok());  // closed
}

TEST_F(StoreScanTest, LatestCompleteScanSkipsFailedAndRunningOnes) {
  {
    ScanWriter w = begin();
    ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
    ASSERT_TRUE(w.commit("partial", "2 subscriptions unreadable").ok());
  }
  int64_t partial = store_->scans()->back().id;
  {
    ScanWriter w = begin();
    ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
    ASSERT_TRUE(w.fail("token expired").ok());
  }
  auto scans = store_->scans();
  ASSERT_TRUE(scans.ok());
  ASSERT_EQ(scans->size(), 2u);
  EXPECT_EQ((*scans)[0].status, "partial");
  EXPECT_EQ((*scans)[0].message, "2 subscriptions unreadable");
  EXPECT_EQ((*scans)[1].status, "failed");
  EXPECT_EQ((*scans)[1].message, "token expired");
  EXPECT_EQ((*scans)[1].objects, 0);
  EXPECT_EQ((*store_->latest_complete_scan())->id, partial);
  EXPECT_FALSE(store_->scan(999)->has_value());
}

TEST_F(StoreScanTest, CommitRefusesAnUnknownStatus) {
  ScanWriter w = begin();
  auto info = w.commit("done");
  ASSERT_FALSE(info.ok());
  EXPECT_TRUE(w.commit().ok());  // still open after the refusal
}

TEST_F(StoreScanTest, RollbackLeavesTheFileByteForByteAsItWas) {
  {
    ScanWriter w = begin();
    ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
    ASSERT_TRUE(w.commit().ok());
  }
  std::string before = file_bytes();
  {
    ScanWriter w = begin();
    for (int i = 0; i < 5000; ++i)
      ASSERT_TRUE(w.add(connector("/subscriptions/x" + std::to_string(i), "X")).ok());
    w.rollback();
    EXPECT_FALSE(w.add(connector("/subscriptions/y", "Y")).ok());
  }
  EXPECT_EQ(file_bytes(), before);
  {
    ScanWriter w = begin();  // destroyed uncommitted: rolls back
    ASSERT_TRUE(w.add(connector("/subscriptions/z", "Z")).ok());
  }
  EXPECT_EQ(file_bytes(), before);
  EXPECT_EQ(store_->scans()->size(), 1u);
  EXPECT_EQ(query("SELECT count(*) FROM connector"), "1");
}

TEST_F(StoreScanTest, FailDiscardsTheAssetsButRecordsTheScanAndItsErrors) {
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  ASSERT_TRUE(w.add_error({"/subscriptions/s2", "Connector", "HTTP 403: no access", 403}).ok());
  ASSERT_TRUE(w.fail("collection aborted: HTTP 401").ok());
  EXPECT_EQ(query("SELECT count(*) FROM connector"), "0");
  auto scan = store_->scan(w.scan_id());
  ASSERT_TRUE(scan.ok() && scan->has_value());
  EXPECT_EQ((*scan)->status, "failed");
  EXPECT_EQ((*scan)->message, "collection aborted: HTTP 401");
  EXPECT_FALSE((*scan)->ended_at.empty());
  auto errors = store_->collection_errors(w.scan_id());
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].http_status, 403);
  EXPECT_FALSE(store_->latest_complete_scan()->has_value());
}

TEST_F(StoreScanTest, CollectionErrorsAreKeptWithTheirScan) {
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/S1", "One")).ok());
  ASSERT_TRUE(w.add_error({"/subscriptions/S1", "Connector", "HTTP 403: no access", 403}).ok());
  ASSERT_TRUE(w.commit("partial").ok());
  auto errors = store_->collection_errors(w.scan_id());
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].resource, "/subscriptions/S1");
  EXPECT_EQ((*errors)[0].type, "Connector");
  EXPECT_EQ((*errors)[0].message, "HTTP 403: no access");
  EXPECT_EQ(query("SELECT resource_key FROM _collection_errors"), "/subscriptions/s1");
  EXPECT_TRUE(store_->collection_errors(w.scan_id() + 1)->empty());
}

TEST_F(StoreScanTest, UpsertsByCaseInsensitiveId) {
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/ABC", "First")).ok());
  ASSERT_TRUE(w.add(connector("/subscriptions/abc", "Second")).ok());
  auto info = w.commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->objects, 1);
  EXPECT_EQ(query("SELECT _key, id, name FROM connector"),
            "/subscriptions/abc|/subscriptions/abc|Second");
}

// The key is not stored in the row: a virtual column, the id in lower case
// (ASCII letters only, as arm_key folds them), kept in the (_scan, _key)
// index alone. The id is the record's, whatever its fields say.
TEST_F(StoreScanTest, TheKeyIsGeneratedFromTheRecordsIdAndStoredInTheIndexOnly) {
  ScanWriter w = begin();
  Record r = connector("/subscriptions/MiXeD-\xc3\x89t\xc3\xa9", "One");
  r.fields["id"] = "/subscriptions/something-else";
  ASSERT_TRUE(w.add(r).ok());
  ASSERT_TRUE(w.add(contact("/subscriptions/MiXeD-\xc3\x89t\xc3\xa9/providers/"
                            "Microsoft.Security/securityContacts/Default",
                            "/SUBSCRIPTIONS/mixed-\xc3\x89t\xc3\xa9"))
                  .ok());
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT id, _key FROM connector"),
            "/subscriptions/MiXeD-\xc3\x89t\xc3\xa9|/subscriptions/mixed-\xc3\x89t\xc3\xa9");
  EXPECT_EQ(query("SELECT count(*) FROM security_contact WHERE _has_security_contact_rid = "
                  "(SELECT _rid FROM connector)"),
            "1");
  for (const auto& type : store_->schema().types()) {
    SCOPED_TRACE(type.table);
    EXPECT_EQ(
        query("SELECT hidden FROM pragma_table_xinfo('" + type.table + "') WHERE name = '_key'"),
        "2")
        << "a virtual generated column";
    EXPECT_EQ(query("SELECT count(*) FROM pragma_index_xinfo('" + type.table +
                    "_scan_key') WHERE name = '_key'"),
              "1");
  }
}

TEST_F(StoreScanTest, LinksChildrenToParentsCaseInsensitivelyWithinTheScan) {
  const std::string c1 = "/subscriptions/S1/providers/Microsoft.Security/securityContacts/default";
  const std::string orphan =
      "/subscriptions/S9/providers/Microsoft.Security/securityContacts/default";
  for (int scan = 0; scan < 2; ++scan) {
    ScanWriter w = begin();
    // The child may come before its parent; linking happens at commit.
    ASSERT_TRUE(w.add(contact(c1, "/SUBSCRIPTIONS/s1")).ok());
    ASSERT_TRUE(w.add(connector("/subscriptions/S1", "One")).ok());
    ASSERT_TRUE(w.add(contact(orphan, "/subscriptions/S9")).ok());
    ASSERT_TRUE(w.commit().ok());
  }
  // A linked row keeps its parent's rowid, not its key (docs/data-model.md).
  EXPECT_EQ(query("SELECT c._scan, p._scan, p._key, c._has_security_contact_key IS NULL FROM "
                  "security_contact c JOIN connector p ON p._rid = c._has_security_contact_rid "
                  "ORDER BY c._scan"),
            "1|1|/subscriptions/s1|1\n2|2|/subscriptions/s1|1");
  EXPECT_EQ(query("SELECT count(*) FROM security_contact WHERE _has_security_contact_rid IS NULL "
                  "AND _has_security_contact_key = '/subscriptions/s9'"),
            "2");
}

// A row linked when written stores its parent's rowid and no key; adopting
// orphans gives a key only to rows without a parent (docs/data-model.md).
TEST_F(StoreScanTest, ALinkedRowKeepsNoParentKeyAndAdoptionLeavesItAlone) {
  const std::string linked =
      "/subscriptions/s1/providers/Microsoft.Security/securityContacts/default";
  const std::string orphan =
      "/subscriptions/s2/providers/Microsoft.Security/securityContacts/default";
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  ASSERT_TRUE(w.add(contact(linked, "/subscriptions/s1")).ok());
  ASSERT_TRUE(w.add(contact(orphan, "")).ok());
  EXPECT_EQ(
      query("SELECT _key, _has_security_contact_rid IS NOT NULL, "
            "coalesce(_has_security_contact_key, 'none') FROM security_contact ORDER BY _rid"),
      posture::text::ascii_lower(linked) + "|1|none\n" + posture::text::ascii_lower(orphan) +
          "|0|none");
  const auto* rel = store_->schema().relationships_into("SecurityContact").at(0);
  ASSERT_TRUE(w.adopt_orphans(*rel, "/subscriptions/S2").ok());
  ASSERT_TRUE(w.add(connector("/subscriptions/s2", "Two")).ok());
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT c._key, p._key, coalesce(c._has_security_contact_key, 'none') FROM "
                  "security_contact c JOIN connector p ON p._rid = c._has_security_contact_rid "
                  "ORDER BY c._rid"),
            posture::text::ascii_lower(linked) + "|/subscriptions/s1|none\n" +
                posture::text::ascii_lower(orphan) + "|/subscriptions/s2|none");
}

// A child written soon after its parent takes the parent's rowid from the
// writer's last rows, others by an index seek; a parent written again (an
// upsert) keeps its rowid. Every child must end under its own parent.
TEST_F(StoreScanTest, ChildrenAreLinkedToTheirParentsWrittenRecentlyOrLongBefore) {
  ScanWriter w = begin();
  auto sub = [](int i) { return "/subscriptions/S" + std::to_string(i); };
  auto child = [&](int i) {
    return contact(sub(i) + "/providers/Microsoft.Security/securityContacts/default",
                   "/SUBSCRIPTIONS/s" + std::to_string(i));
  };
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(w.add(connector(sub(i), "n" + std::to_string(i))).ok());
    if (i % 2 == 0) {
      ASSERT_TRUE(w.add(child(i)).ok());  // right after its parent
    }
  }
  ASSERT_TRUE(w.add(connector(sub(3), "again")).ok());  // the same row, its rowid kept
  for (int i = 1; i < 100; i += 2) ASSERT_TRUE(w.add(child(i)).ok());  // long after
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT count(*), sum(c._key = p._key || "
                  "'/providers/microsoft.security/securitycontacts/default') FROM "
                  "security_contact c JOIN connector p ON p._rid = c._has_security_contact_rid"),
            "100|100");
  EXPECT_EQ(query("SELECT count(*) FROM connector"), "100");
  EXPECT_EQ(query("SELECT p.name FROM security_contact c JOIN connector p ON p._rid = "
                  "c._has_security_contact_rid WHERE c._key LIKE '/subscriptions/s3/%'"),
            "again");
}

TEST_F(StoreScanTest, ConvertsFieldValuesToColumns) {
  ScanWriter w = begin();
  Record r = contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/default",
                     "/subscriptions/s1");
  r.fields = {{"email", "a@x.com;b@x.com"},         {"emails", {"a@x.com", "b@x.com"}},
              {"alertNotifications", true},         {"isEnabled", false},
              {"notificationRoles", json::array()}, {"phone", nullptr},
              {"notInTheSchema", "ignored"}};
  ASSERT_TRUE(w.add(r).ok());
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT id, email, emails, alertNotifications, isEnabled, notificationRoles, "
                  "phone, alertMinimalSeverity, typeof(alertNotifications), r._raw "
                  "FROM security_contact JOIN security_contact_raw AS r USING (_rid)"),
            "/subscriptions/s1/providers/Microsoft.Security/securityContacts/default|"
            "a@x.com;b@x.com|[\"a@x.com\",\"b@x.com\"]|1|0|[]|NULL|NULL|integer|" +
                r.raw);
}

TEST_F(StoreScanTest, RefusesValuesOfTheWrongType) {
  ScanWriter w = begin();
  Record r = connector("/subscriptions/s1", "One");
  r.fields["state"] = 3;
  auto s = w.add(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.errors()[0].code, "invalid-record");
  EXPECT_NE(s.errors()[0].message.find("field `state` must be String, got number"),
            std::string::npos)
      << s.errors()[0].message;
  Record list = contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/d",
                        "/subscriptions/s1");
  list.fields["emails"] = "a@x.com";
  ASSERT_FALSE(w.add(list).ok());
  Record no_id = connector("", "None");
  ASSERT_FALSE(w.add(no_id).ok());
  EXPECT_TRUE(w.add(connector("/subscriptions/s2", "Two")).ok());  // the writer is still usable
}

TEST_F(StoreScanTest, RowsEncodedOnAnotherThreadAreStoredAsTheRecordsThemselves) {
  // The importer encodes its rows on its reading thread (RowEncoder) and its
  // writer thread adds them: the rows must be those add(record) writes.
  Record parent = connector("/subscriptions/s1", "One");
  parent.fields["state"] = "Enabled";
  Record child = contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/default",
                         "/SUBSCRIPTIONS/S1");
  child.fields = {{"email", "a@x.com;b@x.com"},         {"emails", {"a@x.com", "b@x.com"}},
                  {"alertNotifications", true},         {"isEnabled", false},
                  {"notificationRoles", json::array()}, {"phone", nullptr},
                  {"notInTheSchema", "ignored"},        {"id", "not the record's id"}};
  // Encoded for a type of the same name whose fields are in another order
  // (another Schema's): the writer encodes it again for its own.
  posture::schema::ObjectType reordered = *type("SecurityContact");
  std::reverse(reordered.fields.begin(), reordered.fields.end());
  Record other = contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/second",
                         "/subscriptions/s1");
  other.fields = child.fields;
  Record wrong = connector("/subscriptions/s2", "Two");
  wrong.fields["state"] = 3;
  posture::store::EncodedRow rows[4];
  std::thread reader([&] {
    posture::store::RowEncoder encoder;
    encoder.encode(parent, rows[0]);
    encoder.encode(child, rows[1]);
    encoder.encode(other, rows[2], &reordered);
    encoder.encode(wrong, rows[3]);
  });
  reader.join();
  EXPECT_EQ(rows[1].key, "/subscriptions/s1/providers/microsoft.security/securitycontacts/default");
  EXPECT_EQ(rows[1].parent_key, "/subscriptions/s1");
  ASSERT_TRUE(rows[3].error.has_value());
  ScanWriter w = begin();
  ASSERT_TRUE(w.uses_encoded_rows());
  ASSERT_TRUE(w.add(parent, rows[0]).ok());
  ASSERT_TRUE(w.add(child, rows[1]).ok());
  ASSERT_TRUE(w.add(other, rows[2]).ok());
  auto refused = w.add(wrong, rows[3]);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.errors()[0].message.find("field `state` must be String, got number"),
            std::string::npos)
      << refused.errors()[0].message;
  ASSERT_TRUE(w.commit().ok());
  const std::string fk = store_->schema().relationships_into("SecurityContact").at(0)->fk_column;
  EXPECT_EQ(query("SELECT c.id, c.email, c.emails, c.alertNotifications, c.isEnabled, "
                  "c.notificationRoles, c.phone, c.\"" +
                  fk +
                  "\" = p._rid, p.state "
                  "FROM security_contact AS c, connector AS p ORDER BY c._rid"),
            "/subscriptions/s1/providers/Microsoft.Security/securityContacts/default|"
            "a@x.com;b@x.com|[\"a@x.com\",\"b@x.com\"]|1|0|[]|NULL|1|Enabled\n"
            "/subscriptions/s1/providers/Microsoft.Security/securityContacts/second|"
            "a@x.com;b@x.com|[\"a@x.com\",\"b@x.com\"]|1|0|[]|NULL|1|Enabled");
}

TEST_F(StoreScanTest, AFirstScanIndexesItsKeysAtCommitAndMergesDuplicatesThen) {
  // A scan that writes many rows into tables that were empty drops their
  // (_scan, _key) indexes and builds them at commit; meanwhile a key written
  // twice has two rows, which commit merges, and a child whose parent is not
  // among the recent rows is linked by commit. Whether it does, and when,
  // the rows stored must be the same.
  const std::string fk = store_->schema().relationships_into("SecurityContact").at(0)->fk_column;
  auto write = [&](ScanWriter& w) {
    ASSERT_TRUE(w.add(connector("/subscriptions/a", "A")).ok());
    Record early = contact("/subscriptions/b/providers/Microsoft.Security/securityContacts/x",
                           "/subscriptions/b");  // before its parent
    ASSERT_TRUE(w.add(early).ok());
    for (int i = 0; i < 40; ++i)  // enough for A to leave the writer's recent rows
      ASSERT_TRUE(w.add(connector("/subscriptions/n" + std::to_string(i), "N")).ok());
    ASSERT_TRUE(w.add(connector("/subscriptions/b", "B")).ok());
    ASSERT_TRUE(w.add(contact("/subscriptions/a/providers/Microsoft.Security/securityContacts/d",
                              "/subscriptions/a"))
                    .ok());
    ASSERT_TRUE(w.add(connector("/SUBSCRIPTIONS/A", "A again")).ok());  // the same key
    for (int i = 0; i < 40; ++i)
      ASSERT_TRUE(w.add(connector("/subscriptions/m" + std::to_string(i), "M")).ok());
    Record again = contact("/subscriptions/A/providers/Microsoft.Security/securityContacts/D",
                           "/subscriptions/a");
    again.fields["email"] = "again@example.com";
    ASSERT_TRUE(w.add(again).ok());
    ASSERT_TRUE(w.add(contact("/subscriptions/gone/providers/Microsoft.Security/securityContacts/g",
                              "/subscriptions/gone"))
                    .ok());        // a parent never written
    for (int i = 0; i < 800; ++i)  // more rows than the page cache's first pages
      ASSERT_TRUE(w.add(connector("/subscriptions/z" + std::to_string(i), "Z")).ok());
  };
  // Each case on a store of its own (a new file unless `again`): when the
  // indexes are dropped (after how many rows into tables that were empty),
  // and whether the connectors' index is missing once the rows are written.
  // Without original JSON (`import --no-raw`) the merge keeps no row of it.
  struct Case {
    const char* what;
    bool again;
    int64_t after_rows;
    const char* without_index;
    bool raw = true;
  };
  const Case cases[] = {
      {"dropped before the first row", false, 0, "1"},
      {"dropped after the first row", false, 1, "1"},
      {"dropped midway, after 60 rows of either table", false, 60, "1"},
      {"kept: the table held rows", true, 0, "0"},
      {"kept: fewer rows than the default 200,000", false, 200000, "0"},
      {"no original JSON, dropped before the first row", false, 0, "1", false},
      {"no original JSON, kept", false, 200000, "0", false},
  };
  std::string first, without_raw;
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    if (!c.again) {
      ASSERT_TRUE(open_store(db_ + "." + std::to_string(n++)));
    }
    ScanWriter w = begin();
    w.defer_key_index(c.after_rows);
    w.keep_original_json(c.raw);
    write(w);
    if (HasFatalFailure()) return;
    EXPECT_EQ(query("SELECT count(*) = 0 FROM sqlite_master WHERE name = 'connector_scan_key'"),
              c.without_index);
    // An index built midway sorts with a small page cache, then the writer
    // has its own again (docs/performance.md, "The index build's sort runs").
    EXPECT_EQ(query("PRAGMA cache_size"), "-65536");
    auto info = w.commit();
    ASSERT_TRUE(info.ok()) << posture::format(info.errors());
    EXPECT_EQ(query("PRAGMA cache_size"), "-65536");
    EXPECT_EQ(info->objects, 885);
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name IN ('connector_scan_key', "
                    "'security_contact_scan_key')"),
              "2");
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
    if (without_raw.empty()) without_raw = scan_rows(fk, info->id, false);
    EXPECT_EQ(scan_rows(fk, info->id, false), without_raw);
    if (!c.raw) {
      EXPECT_EQ(query("SELECT count(*) FROM connector_raw"), "0");
      EXPECT_EQ(query("SELECT count(*) FROM security_contact_raw"), "0");
      continue;
    }
    std::string rows = scan_rows(fk, info->id);
    if (first.empty()) first = rows;
    EXPECT_EQ(rows, first);
  }
  // The second contact replaced the first (its id too, as an upsert does),
  // under a parent written 40 rows before it.
  EXPECT_NE(first.find("/SUBSCRIPTIONS/A|A again|{\"displayName\":\"A again\",\"id\":\"/"
                       "SUBSCRIPTIONS/A\"}\n"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("\n0\n"), std::string::npos) << first;  // no original JSON without its row
  EXPECT_NE(first.find("/subscriptions/A/providers/Microsoft.Security/securityContacts/D|"
                       "again@example.com|/SUBSCRIPTIONS/A|NULL"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("securityContacts/x|a@example.com|/subscriptions/b|NULL"), std::string::npos)
      << first;
  EXPECT_NE(first.find("securityContacts/g|a@example.com|NULL|/subscriptions/gone"),
            std::string::npos)
      << first;
}

// A row written more than once while the indexes are dropped keeps the references
// (@ref) and children each of its writes had: commit points them all at
// the one row it keeps.
TEST_F(StoreScanTest, MergedDuplicatesKeepTheirReferencesAndChildren) {
  const std::string rg = "/subscriptions/s/resourceGroups/r/providers/";
  auto rel = [&](const char* owner, const char* name) {
    for (const auto& r : type(owner)->relationships)
      if (r.name == name) return &r;
    ADD_FAILURE() << owner << "." << name;
    return static_cast<const posture::schema::Relationship*>(nullptr);
  };
  auto record = [&](const char* type_name, const std::string& id, const std::string& name) {
    Record r;
    r.type = type(type_name);
    r.id = id;
    r.fields = {{"id", id}, {"name", name}};
    r.raw = json{{"id", id}, {"name", name}}.dump();
    return r;
  };
  const auto* nics = rel("VirtualMachine", "networkInterfaces");
  const auto* disks = rel("VirtualMachine", "diskAttachments");
  const auto* groups = rel("NetworkInterface", "securityGroups");
  ASSERT_TRUE(nics && disks && groups && groups->in_owner && !nics->in_owner);
  const std::string vm = rg + "Microsoft.Compute/virtualMachines/vm1";
  auto nic = [&](const std::string& name, const std::string& group) {
    Record r = record("NetworkInterface", rg + "Microsoft.Network/networkInterfaces/" + name, name);
    if (!group.empty())
      r.references = {{groups, rg + "Microsoft.Network/networkSecurityGroups/" + group}};
    return r;
  };
  // A VM written with the interface it names, then one of its disks.
  auto vm_and_disk = [&](ScanWriter& w, const std::string& id, const char* name,
                         const char* interface, const char* disk) {
    Record v = record("VirtualMachine", id, name);
    v.references = {{nics, rg + "Microsoft.Network/networkInterfaces/" + interface}};
    ASSERT_TRUE(w.add(v).ok());
    Record a = record("DiskAttachment", vm + "/" + disk, disk);
    a.relationship = disks;
    a.parent_id = vm;
    ASSERT_TRUE(w.add(a).ok());  // linked to the write just before it
  };
  auto write = [&](ScanWriter& w) {
    vm_and_disk(w, vm, "first", "nic1", "os");
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_TRUE(w.add(nic("nic1", "nsg1")).ok());
    ASSERT_TRUE(w.add(nic("nic2", "")).ok());
    for (int i = 0; i < 20; ++i)  // enough for vm1 to leave the writer's recent rows
      ASSERT_TRUE(w.add(record("VirtualMachine", vm + "-" + std::to_string(i), "other")).ok());
    vm_and_disk(w, rg + "Microsoft.Compute/virtualMachines/VM1", "again", "nic2", "data");
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_TRUE(w.add(nic("NIC2", "nsg2")).ok());
    ASSERT_TRUE(w.add(nic("Nic2", "")).ok());  // a third write, naming no group
    for (const char* g : {"nsg1", "nsg2"})
      ASSERT_TRUE(
          w.add(record("SecurityGroup", rg + "Microsoft.Network/networkSecurityGroups/" + g, g))
              .ok());
  };
  const std::string rows =
      "SELECT v.name, (SELECT count(*) FROM virtual_machine), (SELECT count(*) FROM "
      "virtual_machine_raw), n.name, g.name, (SELECT group_concat(a.name) FROM disk_attachment "
      "AS a WHERE a.\"" +
      disks->fk_column +
      "\" = v._rid) FROM network_interface AS n JOIN virtual_machine AS v ON "
      "v._rid = n.\"" +
      nics->fk_column + "\" LEFT JOIN security_group AS g ON g._rid = n.\"" + groups->fk_column +
      "\" ORDER BY n._rid";
  std::string kept;
  int n = 0;
  for (int64_t after_rows : {int64_t{200000}, int64_t{0}, int64_t{3}}) {
    SCOPED_TRACE(after_rows);
    ASSERT_TRUE(open_store(db_ + "." + std::to_string(n++)));
    ScanWriter w = begin();
    w.defer_key_index(after_rows);
    write(w);
    if (HasFatalFailure()) return;
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name IN ('virtual_machine_scan_key', "
                    "'network_interface_scan_key')"),
              after_rows == 200000 ? "2" : "0");
    ASSERT_TRUE(w.commit().ok());
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name IN ('virtual_machine_scan_key', "
                    "'network_interface_scan_key')"),
              "2");
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name = 'posture_merge'"), "0");
    std::string got = query(rows);
    if (kept.empty()) kept = got;
    EXPECT_EQ(got, kept);
  }
  // One VM row, its second write's fields, both interfaces and both disks;
  // the interface written three times has its last write's fields and the
  // group its second write named.
  EXPECT_EQ(kept,
            "again|21|21|nic1|nsg1|os,data\n"
            "again|21|21|Nic2|nsg2|os,data");
}

TEST_F(StoreScanTest, ARolledBackFirstScanLeavesItsKeyIndexAsItWas) {
  std::string before = file_bytes();
  std::string schema = query("SELECT name, sql FROM sqlite_master ORDER BY name");
  {
    ScanWriter w = begin();
    w.defer_key_index(1);
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(w.add(connector("/subscriptions/x" + std::to_string(i), "X")).ok());
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name = 'connector_scan_key'"), "0");
    w.rollback();
  }
  EXPECT_EQ(file_bytes(), before);
  EXPECT_EQ(query("SELECT name, sql FROM sqlite_master ORDER BY name"), schema);
  EXPECT_NE(schema.find("connector_scan_key"), std::string::npos);
}

namespace {

// What the progress handler does at step g_stop_at (never when negative) of
// an armed connection: SIGKILL the process (in a forked child), or interrupt
// the statement, which fails. g_steps counts the armed steps.
enum class Stop { kKill, kInterrupt };
Stop g_stop = Stop::kKill;
int64_t g_stop_at = -1;
int64_t g_steps = 0;
bool g_armed = false;

int stop_when_due(void*) {
  if (!g_armed || ++g_steps != g_stop_at) return 0;
  if (g_stop == Stop::kKill) ::raise(SIGKILL);
  return 1;
}

// Every connection opened after sqlite3_auto_extension(count_steps) counts its steps.
int count_steps(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_progress_handler(db, 50, stop_when_due, nullptr);
  return SQLITE_OK;
}
void (*const kCountSteps)() = reinterpret_cast<void (*)()>(count_steps);

// Commits `w` with g_steps counting from zero and the handler armed.
bool commit_counted(ScanWriter& w, std::string* error = nullptr) {
  g_steps = 0;
  g_armed = true;
  auto committed = w.commit();
  g_armed = false;
  if (error && !committed) *error = posture::format(committed.errors());
  return committed.ok();
}

}  // namespace

// A first import into a new store killed (SIGKILL) at points spread over
// the statements of its commit, which builds the key indexes the scan
// dropped (with a page cache of 8 MiB, so that the scan's 17 MB of pages
// spill into the file), merges a key written twice and links children
// written before their parents: the journal it leaves is played back and
// the store is as it was, every index there, no scan, no row, integrity.
// Then the same scan commits. The final COMMIT's own write is out of the
// progress handler's reach (robust_crash_test kills it by time).
TEST_F(StoreScanTest, AFirstScanKilledDuringItsCommitLeavesTheStoreAsItWas) {
  const std::string schema = query("SELECT name, sql FROM sqlite_master ORDER BY name");
  ASSERT_NE(schema.find("connector_scan_key"), std::string::npos);
  ASSERT_NE(schema.find("security_contact_scan_key"), std::string::npos);
  store_.reset();  // a connection is not carried across fork: each side opens its own
  auto remove_store = [](const std::string& path) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix);
  };
  // Creates the store at `path` and writes the scan in a child killed after
  // `kill_after` steps of its commit; returns the child's wait status, and
  // the commit's steps in `path`.steps when it was not killed.
  auto run = [&](const std::string& path, int64_t kill_after) {
    remove_store(path);
    pid_t pid = ::fork();
    if (pid == 0) {
      try {
        g_stop = Stop::kKill;
        g_stop_at = kill_after;
        sqlite3_auto_extension(kCountSteps);
        if (!open_store(path)) ::_exit(2);
        auto begun = ScanWriter::begin(*store_, "killed");
        if (!begun) ::_exit(3);
        ScanWriter w = std::move(begun).value();
        if (!write_first_scan(w, 8192)) ::_exit(4);
        bool committed = commit_counted(w);
        std::ofstream(path + ".steps") << g_steps;
        ::_exit(committed ? 0 : 5);
      } catch (...) {
        ::_exit(6);  // never on into the rest of the suite
      }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  };
  const std::string count = db_ + ".count";
  int status = run(count, -1);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  int64_t steps = std::stoll(posture::testing::slurp(count + ".steps"));
  ASSERT_GT(steps, 20);
  // The file as a new store holds it: its tables, no scan.
  ASSERT_TRUE(open_store(count + ".new"));
  store_.reset();
  const std::string created = posture::testing::slurp(count + ".new");
  int spilled = 0;
  for (int k = 1; k <= 9; ++k) {
    int64_t at = steps * k / 10;
    SCOPED_TRACE("killed at step " + std::to_string(at) + " of " + std::to_string(steps));
    status = run(db_, at);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    // Pages of the scan in the file, which only the journal can undo.
    bool in_file = fs::exists(db_ + "-journal") && posture::testing::slurp(db_) != created;
    std::cout << "killed at step " << at << " of " << steps << ": "
              << (in_file ? "pages of the scan in the file" : "the file as created") << std::endl;
    spilled += in_file;
    ASSERT_TRUE(open_store(db_));
    EXPECT_FALSE(fs::exists(db_ + "-journal"));
    EXPECT_EQ(query("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(query("SELECT name, sql FROM sqlite_master ORDER BY name"), schema);
    EXPECT_EQ(query("SELECT (SELECT count(*) FROM _scans) + (SELECT count(*) FROM connector) + "
                    "(SELECT count(*) FROM security_contact) + (SELECT count(*) FROM "
                    "connector_raw)"),
              "0");
    store_.reset();
  }
  EXPECT_GE(spilled, 6);
  status = run(db_, -1);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_TRUE(open_store(db_));
  EXPECT_EQ(query("SELECT name, sql FROM sqlite_master ORDER BY name"), schema);
  EXPECT_EQ(first_scan_counts(), "1|1999|2000|1999");
}

// A first scan's commit interrupted (an error) at points spread over it:
// in the index builds, the merge of the key written twice, the links, the
// commit itself. Each time the commit reports the error, and the store
// keeps the same bytes, every index and the writer's page cache (the index
// builds sort with a smaller one); then the same scan commits.
TEST_F(StoreScanTest, AFirstScanWhoseCommitFailsAnywhereLeavesTheStoreAsItWas) {
  store_.reset();
  sqlite3_auto_extension(kCountSteps);
  struct Cancel {
    ~Cancel() { sqlite3_cancel_auto_extension(kCountSteps); }
  } cancel;
  g_stop = Stop::kInterrupt;
  // The commit's steps, counted on a store of its own.
  ASSERT_TRUE(open_store(db_ + ".count"));
  g_stop_at = -1;
  {
    ScanWriter w = begin();
    ASSERT_TRUE(write_first_scan(w));
    ASSERT_TRUE(commit_counted(w));
  }
  const int64_t steps = g_steps;
  ASSERT_GT(steps, 20);
  ASSERT_TRUE(open_store(db_));
  const std::string bytes = file_bytes();
  const std::string schema = query("SELECT name, sql FROM sqlite_master ORDER BY name");
  for (int k = 1; k <= 9; ++k) {
    g_stop_at = steps * k / 10;
    SCOPED_TRACE("interrupted at step " + std::to_string(g_stop_at) + " of " +
                 std::to_string(steps));
    ScanWriter w = begin();
    ASSERT_TRUE(write_first_scan(w));
    std::string error;
    EXPECT_FALSE(commit_counted(w, &error));
    EXPECT_NE(error.find("interrupt"), std::string::npos) << error;
    EXPECT_EQ(file_bytes(), bytes);
    EXPECT_EQ(query("SELECT name, sql FROM sqlite_master ORDER BY name"), schema);
    EXPECT_EQ(query("PRAGMA cache_size"), "-65536");
  }
  g_stop_at = -1;
  ScanWriter w = begin();
  ASSERT_TRUE(write_first_scan(w));
  ASSERT_TRUE(commit_counted(w));
  EXPECT_EQ(first_scan_counts(), "1|1999|2000|1999");
}

TEST_F(StoreScanTest, ASecondWriterWaitsOrFailsButNeverCorrupts) {
  ScanWriter w = begin();
  auto other = Store::open(db_, posture::schema::builtin());
  ASSERT_TRUE(other.ok()) << posture::format(other.errors());
  auto wait = posture::store::Cursor::open(*other, {"PRAGMA busy_timeout = 50", {}, ""}, 0);
  ASSERT_TRUE(wait.ok() && wait->next().ok());
  auto second = ScanWriter::begin(*other, "second");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.errors()[0].message.find("locked"), std::string::npos)
      << second.errors()[0].message;
  ASSERT_TRUE(w.commit().ok());
}

// Not a timed test: run with --gtest_also_run_disabled_tests to print rows/s.
TEST_F(StoreScanTest, DISABLED_Throughput) {
  const int n = std::getenv("POSTURE_ROWS") ? std::atoi(std::getenv("POSTURE_ROWS")) : 1000000;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = cpu_seconds();
  ScanWriter w = begin();
  for (int i = 0; i < n; ++i) {
    std::string sub = "/subscriptions/" + std::to_string(i);
    ASSERT_TRUE(w.add(connector(sub, "S")).ok());
    ASSERT_TRUE(
        w.add(contact(sub + "/providers/Microsoft.Security/securityContacts/default", sub)).ok());
  }
  auto added = std::chrono::steady_clock::now();
  ASSERT_TRUE(w.commit().ok());
  auto end = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(end - start).count();
  double c = std::chrono::duration<double>(end - added).count();
  double cpu = cpu_seconds() - cpu_start;
  std::printf(
      "%d rows in %.2f s (commit %.2f s), %.2f s of CPU: %.0f rows/s, %.0f rows per CPU-s\n", 2 * n,
      s, c, cpu, 2 * n / s, 2 * n / cpu);
}

TEST_F(StoreScanTest, InvalidUtf8InAListIsReplacedNotThrown) {
  ScanWriter w = begin();
  Record r = contact("/subscriptions/s1/providers/Microsoft.Security/securityContacts/default",
                     "/subscriptions/s1");
  r.fields["emails"] = json::array({std::string("a\xff@x.com")});
  ASSERT_TRUE(w.add(r).ok());
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT emails FROM security_contact"), "[\"a\xEF\xBF\xBD@x.com\"]");
}

TEST_F(StoreScanTest, AScanRecordsTheTypesItCollectedOnlyWhenAskedTo) {
  {
    ScanWriter w = begin();
    ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
    ASSERT_TRUE(w.commit().ok());
    auto types = store_->collected_types(w.scan_id());
    ASSERT_TRUE(types.ok());
    EXPECT_FALSE(types->has_value()) << "a writer that never marks a type keeps no record";
  }
  ScanWriter w = begin();
  ASSERT_TRUE(w.mark_collected(*type("SecurityGroup")).ok());
  // Written after the record started: collected too.
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  ASSERT_TRUE(w.commit().ok());
  auto types = store_->collected_types(w.scan_id());
  ASSERT_TRUE(types.ok());
  ASSERT_TRUE(types->has_value());
  // SecurityRule: the elements of a security group, read from the same JSON.
  EXPECT_EQ(**types, (std::vector<std::string>{"Connector", "SecurityGroup", "SecurityRule"}));
  EXPECT_EQ(query("SELECT count(*) FROM _scan_types WHERE type = 'SecurityContact'"), "0");
}

TEST_F(StoreScanTest, ARolledBackScanRecordsNoTypesAndKeepsNothingRaw) {
  {
    ScanWriter w = begin();
    ASSERT_TRUE(w.mark_collected(*type("Connector")).ok());
    ASSERT_TRUE(w.add_unmodelled("/x", "Microsoft.Foo/bars", R"({"id":"/x"})").ok());
  }  // destroyed uncommitted: rolled back
  EXPECT_EQ(query("SELECT count(*) FROM _scan_types"), "0");
  EXPECT_EQ(query("SELECT count(*) FROM _unmodelled"), "0");
}

TEST_F(StoreScanTest, ObjectsNotModelledAreKeptRawAndCountedPerType) {
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  const std::string vm = R"({"id":"/a","type":"Microsoft.Foo/bars","x":"é"})";
  ASSERT_TRUE(w.add_unmodelled("/a", "Microsoft.Foo/bars", vm).ok());
  ASSERT_TRUE(w.add_unmodelled("/b", "Microsoft.Foo/bars", "{}").ok());
  ASSERT_TRUE(w.add_unmodelled("", "", "[1]").ok());
  ASSERT_TRUE(w.commit().ok());
  EXPECT_EQ(query("SELECT raw FROM _unmodelled WHERE id = '/a'"), vm);
  auto counts = store_->unmodelled_counts(w.scan_id());
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].first, "");
  EXPECT_EQ((*counts)[1].first, "Microsoft.Foo/bars");
  EXPECT_EQ((*counts)[1].second.first, 2u);
  EXPECT_EQ((*counts)[1].second.second, vm.size() + 2) << "bytes of JSON, UTF-8";
  EXPECT_TRUE(store_->unmodelled_counts(w.scan_id() + 1)->empty());
}

// Without the original JSON a scan has the same rows, linked the same way;
// it keeps no <table>_raw row and no object of a type not modelled.
TEST_F(StoreScanTest, WithoutTheOriginalJsonTheRowsStayAndNothingRawIsKept) {
  int64_t scans[2] = {0, 0};
  for (bool keep : {true, false}) {
    ScanWriter w = begin();
    w.keep_original_json(keep);
    ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
    ASSERT_TRUE(w.add(connector("/subscriptions/S1", "One again")).ok());  // the same id
    ASSERT_TRUE(w.add(contact("/subscriptions/s1/c/default", "/subscriptions/s1")).ok());
    ASSERT_TRUE(w.add_unmodelled("/a", "Microsoft.Foo/bars", R"({"id":"/a"})").ok());
    ASSERT_TRUE(w.commit().ok());
    EXPECT_FALSE(w.add_unmodelled("/b", "Microsoft.Foo/bars", "{}").ok()) << "committed";
    scans[keep ? 0 : 1] = w.scan_id();
  }
  auto rows = [&](int64_t scan) {
    std::string s = std::to_string(scan);
    return query(
               "SELECT p.id, p.name, c.id, c.email FROM security_contact c JOIN connector p ON "
               "p._rid = c._has_security_contact_rid WHERE c._scan = " +
               s) +
           "/" + query("SELECT count(*) FROM connector WHERE _scan = " + s);
  };
  EXPECT_EQ(rows(scans[0]),
            "/subscriptions/S1|One again|/subscriptions/s1/c/default|a@example.com/1");
  EXPECT_EQ(rows(scans[1]), rows(scans[0]));
  auto raw_rows = [&](const std::string& table, int64_t scan) {
    return query("SELECT count(*) FROM " + table + "_raw JOIN " + table +
                 " USING (_rid) WHERE _scan = " + std::to_string(scan));
  };
  EXPECT_EQ(raw_rows("connector", scans[0]), "1");
  EXPECT_EQ(raw_rows("security_contact", scans[0]), "1");
  EXPECT_EQ(raw_rows("connector", scans[1]), "0");
  EXPECT_EQ(raw_rows("security_contact", scans[1]), "0");
  EXPECT_EQ(query("SELECT scan FROM _unmodelled"), std::to_string(scans[0]));
}

TEST_F(StoreScanTest, ACollectionErrorKeepsTheChildTypeThatCouldNotBeRead) {
  ScanWriter w = begin();
  ASSERT_TRUE(w.add(connector("/subscriptions/s1", "One")).ok());
  ASSERT_TRUE(
      w.add_error({"/subscriptions/s1", "Connector", "HTTP 403", 403, "SecurityContact"}).ok());
  ASSERT_TRUE(w.add_error({"/subscriptions/s2", "Connector", "HTTP 404", 404}).ok());
  ASSERT_TRUE(w.commit("partial").ok());
  auto errors = store_->collection_errors(w.scan_id());
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].child_type, "SecurityContact");
  EXPECT_EQ((*errors)[1].child_type, "");
}
