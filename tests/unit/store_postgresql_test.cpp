// The PostgreSQL store through the public API, on a throwaway PostgreSQL 15
// (tests/support/postgres.hpp): a scan's lifecycle (running, complete,
// failed), rollback leaving the last scan as it was, the upsert by
// case-insensitive ARM id (last record wins, first position kept), parent
// linking, collection errors, collected types and unmodelled objects; and the
// redaction of passwords in every name the store shows.
#include <gtest/gtest.h>

#include <string>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "tests/support/postgres.hpp"

using nlohmann::json;
using posture::store::Cursor;
using posture::store::Record;
using posture::store::ScanWriter;
using posture::store::Store;
namespace pg = posture::testing::postgres;

namespace {

TEST(PostgresqlUri, OnlyPostgresqlUrisSelectTheServer) {
  EXPECT_TRUE(posture::store::is_postgres_uri("postgresql://host/db"));
  EXPECT_TRUE(posture::store::is_postgres_uri("postgres:///db?host=/tmp"));
  EXPECT_FALSE(posture::store::is_postgres_uri("store.db"));
  EXPECT_FALSE(posture::store::is_postgres_uri("./postgresql://x"));
}

TEST(PostgresqlUri, PasswordsAreRedacted) {
  using posture::store::display_name;
  EXPECT_EQ(display_name("postgresql://alice:pw@db.example:5432/posture?sslmode=require"),
            "postgresql://alice:***@db.example:5432/posture?sslmode=require");
  EXPECT_EQ(display_name("postgresql:///posture?host=/run&password=pw&user=alice"),
            "postgresql:///posture?host=/run&password=***&user=alice");
  EXPECT_EQ(display_name("postgresql://alice@db/posture"), "postgresql://alice@db/posture");
  EXPECT_EQ(display_name("postgresql://db/posture?password=pw"),
            "postgresql://db/posture?password=***");
  EXPECT_EQ(display_name("plain/path.db"), "plain/path.db");
}

class PostgresqlStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::unavailable().empty()) GTEST_SKIP() << pg::unavailable();
    uri_ = pg::uri(pg::unique("store_test"));
    auto opened = Store::open(uri_, posture::schema::builtin());
    ASSERT_TRUE(opened.ok()) << posture::format(opened.errors());
    store_ = std::make_unique<Store>(std::move(opened).value());
  }

  const posture::schema::ObjectType* type(const char* name) { return store_->schema().type(name); }

  Record connector(const std::string& id, const std::string& name) {
    Record r;
    r.type = type("Connector");
    r.id = id;
    r.fields = {{"id", id}, {"name", name}, {"provider", "azure"}};
    r.raw = json{{"id", id}, {"displayName", name}}.dump();
    return r;
  }

  Record contact(const std::string& id, const std::string& parent, const std::string& email) {
    Record r;
    r.type = type("SecurityContact");
    r.id = id;
    r.fields = {{"id", id}, {"email", email}, {"notificationRoles", {"Owner", "tab\there"}}};
    r.raw = json{{"id", id}, {"note", "back\\slash\nnewline"}}.dump();
    r.relationship = store_->schema().relationships_into("SecurityContact").at(0);
    r.parent_id = parent;
    return r;
  }

  // (id, name, contact emails by parent) of scan `scan`'s connectors, by rowid.
  std::vector<std::string> rows(const char* sql, int64_t scan) {
    auto cursor = Cursor::open(*store_, {sql, {}, "$1"}, scan);
    EXPECT_TRUE(cursor.ok()) << posture::format(cursor.errors());
    std::vector<std::string> out;
    while (cursor.ok()) {
      auto row = cursor->next();
      if (!row.ok() || !*row) break;
      std::string line;
      for (int i = 0; i < cursor->columns(); ++i)
        line += (i ? "|" : "") + std::string(cursor->is_null(i) ? "NULL" : cursor->text(i));
      out.push_back(line);
    }
    return out;
  }

  std::string uri_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresqlStore, AScanIsWrittenInOneTransactionAndReadBack) {
  auto w = ScanWriter::begin(*store_, "test");
  ASSERT_TRUE(w.ok()) << posture::format(w.errors());
  int64_t scan = w->scan_id();
  ASSERT_TRUE(w->add(connector("/subscriptions/B", "second")).ok());
  ASSERT_TRUE(w->add(connector("/subscriptions/A", "first")).ok());
  // A contact before and after its parent; a later record with the same id
  // (another case) replaces the first one's values, keeping its position.
  ASSERT_TRUE(w->add(contact("/subscriptions/A/c/1", "/subscriptions/a", "old@x")).ok());
  ASSERT_TRUE(w->add(connector("/SUBSCRIPTIONS/b", "second, renamed")).ok());
  ASSERT_TRUE(w->add(contact("/subscriptions/A/C/1", "/subscriptions/A", "new@x")).ok());
  ASSERT_TRUE(w->add_error({"/subscriptions/B", "Connector", "HTTP 403", 403}).ok());
  ASSERT_TRUE(w->add_unmodelled("/x/1", "Microsoft.Foo/bars", "{\"a\":1}").ok());
  ASSERT_TRUE(w->mark_collected(*type("Connector")).ok());
  // Not visible to another connection before commit.
  auto other = Store::open(uri_, posture::schema::builtin(), posture::store::OpenMode::ReadOnly);
  ASSERT_TRUE(other.ok()) << posture::format(other.errors());
  EXPECT_FALSE(other->scan(scan).value().has_value());
  auto info = w->commit();
  ASSERT_TRUE(info.ok()) << posture::format(info.errors());
  EXPECT_EQ(info->objects, 3);
  EXPECT_EQ(info->status, "complete");
  EXPECT_EQ(other->latest_complete_scan().value()->id, scan);
  EXPECT_EQ(
      rows("SELECT id, name FROM connector WHERE _scan = $1 ORDER BY _rid", scan),
      (std::vector<std::string>{"/SUBSCRIPTIONS/b|second, renamed", "/subscriptions/A|first"}));
  std::string fk = store_->schema().relationships_into("SecurityContact").at(0)->fk_column;
  std::string contacts =
      "SELECT c.email, c.\"notificationRoles\", p.name, r._raw FROM security_contact c JOIN "
      "connector p ON p._rid = c.\"" +
      fk + "\" JOIN security_contact_raw r ON r._rid = c._rid WHERE c._scan = $1";
  EXPECT_EQ(rows(contacts.c_str(), scan),
            (std::vector<std::string>{
                "new@x|[\"Owner\",\"tab\\there\"]|first|" +
                json{{"id", "/subscriptions/A/C/1"}, {"note", "back\\slash\nnewline"}}.dump()}));
  auto errors = store_->collection_errors(scan).value();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].http_status, 403);
  EXPECT_EQ(store_->collected_types(scan).value().value(),
            (std::vector<std::string>{"Connector", "SecurityContact"}));
  auto unmodelled = store_->unmodelled_counts(scan).value();
  ASSERT_EQ(unmodelled.size(), 1u);
  EXPECT_EQ(unmodelled[0].first, "Microsoft.Foo/bars");
  EXPECT_EQ(unmodelled[0].second, (std::pair<uint64_t, uint64_t>{1, 7}));
  EXPECT_EQ(store_->count_rows(*type("Connector"), scan).value(), 2u);
  EXPECT_TRUE(store_->has_rows(*type("SecurityContact"), scan).value());
}

// A committed import leaves statistics on the tables it wrote rows to (the
// planner would guess otherwise, and never learns them for a foreign table),
// and only on those: ANALYZE sets pg_class.reltuples, -1 until then.
TEST_F(PostgresqlStore, ACommittedScanAnalysesTheTablesItWrote) {
  auto w = ScanWriter::begin(*store_, "test");
  ASSERT_TRUE(w.ok()) << posture::format(w.errors());
  int64_t scan = w->scan_id();
  ASSERT_TRUE(w->add(connector("/subscriptions/A", "first")).ok());
  ASSERT_TRUE(w->add(connector("/subscriptions/B", "second")).ok());
  ASSERT_TRUE(w->add(contact("/subscriptions/A/c/1", "/subscriptions/A", "a@x")).ok());
  const char* sql =
      "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN ('connector', "
      "'security_contact', 'storage_account') AND relnamespace = current_schema()::regnamespace "
      "AND $1::bigint > 0 ORDER BY relname";
  EXPECT_EQ(rows(sql, scan), (std::vector<std::string>{"connector|-1", "security_contact|-1",
                                                       "storage_account|-1"}));
  ASSERT_TRUE(w->commit().ok());
  EXPECT_EQ(rows(sql, scan),
            (std::vector<std::string>{"connector|2", "security_contact|1", "storage_account|-1"}));
}

// Records of one ARM id (in any case) are one row: the last record's values
// under the first one's row id, and the references of every record are the
// row's (as the SQLite writer's upsert does).
TEST_F(PostgresqlStore, RecordsOfOneIdAreOneRowThatKeepsEveryReference) {
  const auto* vm = type("VirtualMachine");
  const auto* nic = type("NetworkInterface");
  const posture::schema::Relationship* nics = nullptr;
  for (const auto& rel : vm->relationships)
    if (rel.name == "networkInterfaces") nics = &rel;
  ASSERT_NE(nics, nullptr);
  auto record = [&](const posture::schema::ObjectType* t, const std::string& id,
                    const std::string& name) {
    Record r;
    r.type = t;
    r.id = id;
    r.fields = {{"id", id}, {"name", name}};
    r.raw = json{{"id", id}}.dump();
    return r;
  };
  auto w = ScanWriter::begin(*store_, "test");
  ASSERT_TRUE(w.ok()) << posture::format(w.errors());
  int64_t scan = w->scan_id();
  Record first = record(vm, "/subscriptions/s/vm/One", "first");
  first.references.emplace_back(nics, "/subscriptions/s/nic/1");
  ASSERT_TRUE(w->add(first).ok());
  ASSERT_TRUE(w->add(record(vm, "/subscriptions/s/vm/Two", "other")).ok());
  ASSERT_TRUE(w->add(record(nic, "/subscriptions/s/nic/1", "nic1")).ok());
  ASSERT_TRUE(w->add(record(nic, "/subscriptions/s/nic/2", "nic2")).ok());
  Record again = record(vm, "/SUBSCRIPTIONS/s/vm/one", "second");
  again.references.emplace_back(nics, "/subscriptions/s/nic/2");
  ASSERT_TRUE(w->add(again).ok());
  auto info = w->commit();
  ASSERT_TRUE(info.ok()) << posture::format(info.errors());
  EXPECT_EQ(info->objects, 4);
  EXPECT_EQ(rows("SELECT id, name FROM virtual_machine WHERE _scan = $1 ORDER BY _rid", scan),
            (std::vector<std::string>{"/SUBSCRIPTIONS/s/vm/one|second",
                                      "/subscriptions/s/vm/Two|other"}));
  std::string linked =
      "SELECT n.name, v.name FROM network_interface AS n JOIN virtual_machine "
      "AS v ON v._rid = n.\"" +
      nics->fk_column + "\" WHERE n._scan = $1 ORDER BY n.name";
  EXPECT_EQ(rows(linked.c_str(), scan), (std::vector<std::string>{"nic1|second", "nic2|second"}));
  EXPECT_EQ(rows("SELECT count(*) FROM virtual_machine_raw AS r JOIN virtual_machine AS v ON "
                 "v._rid = r._rid WHERE v._scan = $1",
                 scan),
            (std::vector<std::string>{"2"}));
}

// As on SQLite: without the original JSON a scan has the same rows, linked
// the same way, and no <table>_raw row or object of a type not modelled.
TEST_F(PostgresqlStore, WithoutTheOriginalJsonTheRowsStayAndNothingRawIsKept) {
  std::string fk = store_->schema().relationships_into("SecurityContact").at(0)->fk_column;
  std::string linked =
      "SELECT p.id, p.name, c.email FROM security_contact c JOIN connector p ON "
      "p._rid = c.\"" +
      fk + "\" WHERE c._scan = $1";
  std::vector<std::vector<std::string>> seen;
  for (bool keep : {true, false}) {
    auto w = ScanWriter::begin(*store_, "test");
    ASSERT_TRUE(w.ok()) << posture::format(w.errors());
    w->keep_original_json(keep);
    int64_t scan = w->scan_id();
    ASSERT_TRUE(w->add(connector("/subscriptions/A", "first")).ok());
    ASSERT_TRUE(w->add(contact("/subscriptions/A/c/1", "/subscriptions/a", "a@x")).ok());
    ASSERT_TRUE(w->add(connector("/SUBSCRIPTIONS/a", "renamed")).ok());
    ASSERT_TRUE(w->add_unmodelled("/x/1", "Microsoft.Foo/bars", "{\"a\":1}").ok());
    auto info = w->commit();
    ASSERT_TRUE(info.ok()) << posture::format(info.errors());
    seen.push_back(rows(linked.c_str(), scan));
    const std::string n = keep ? "1" : "0";
    EXPECT_EQ(rows("SELECT count(*) FROM connector_raw r JOIN connector c ON c._rid = r._rid "
                   "WHERE c._scan = $1",
                   scan),
              (std::vector<std::string>{n}));
    EXPECT_EQ(rows("SELECT count(*) FROM security_contact_raw r JOIN security_contact c ON "
                   "c._rid = r._rid WHERE c._scan = $1",
                   scan),
              (std::vector<std::string>{n}));
    EXPECT_EQ(store_->unmodelled_counts(scan).value().size(), keep ? 1u : 0u);
  }
  EXPECT_EQ(seen[0], (std::vector<std::string>{"/SUBSCRIPTIONS/a|renamed|a@x"}));
  EXPECT_EQ(seen[1], seen[0]);
}

// Each connection plans cursors for all their rows and never JIT-compiles
// (docs/postgresql.md says why), read-write and read-only alike.
TEST_F(PostgresqlStore, ConnectionsReadWholeResultsWithoutJit) {
  const char* sql =
      "SELECT current_setting('cursor_tuple_fraction'), current_setting('jit') WHERE $1::bigint "
      "= 0";
  EXPECT_EQ(rows(sql, 0), (std::vector<std::string>{"1|off"}));
  auto opened = Store::open(uri_, posture::schema::builtin(), posture::store::OpenMode::ReadOnly);
  ASSERT_TRUE(opened.ok()) << posture::format(opened.errors());
  store_ = std::make_unique<Store>(std::move(opened).value());
  EXPECT_EQ(rows(sql, 0), (std::vector<std::string>{"1|off"}));
}

TEST_F(PostgresqlStore, RollbackAndFailureLeaveTheLastCompleteScan) {
  auto first = ScanWriter::begin(*store_, "first");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->add(connector("/subscriptions/keep", "kept")).ok());
  int64_t kept = first->commit().value().id;
  {
    auto dropped = ScanWriter::begin(*store_, "dropped");
    ASSERT_TRUE(dropped.ok());
    EXPECT_EQ(dropped->scan_id(), kept + 1);
    ASSERT_TRUE(dropped->add(connector("/subscriptions/gone", "gone")).ok());
  }  // destroyed uncommitted: rolled back
  EXPECT_EQ(store_->latest_complete_scan().value()->id, kept);
  EXPECT_FALSE(store_->scan(kept + 1).value().has_value());
  auto failed = ScanWriter::begin(*store_, "failed");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->scan_id(), kept + 1) << "a rolled-back scan leaves no gap";
  ASSERT_TRUE(failed->add(connector("/subscriptions/gone", "gone")).ok());
  ASSERT_TRUE(failed->add_error({"/subscriptions/gone", "Connector", "HTTP 500", 500}).ok());
  ASSERT_TRUE(failed->fail("the API gave up").ok());
  auto scan = store_->scan(kept + 1).value();
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(scan->status, "failed");
  EXPECT_EQ(scan->message, "the API gave up");
  EXPECT_FALSE(scan->ended_at.empty());
  EXPECT_EQ(store_->collection_errors(kept + 1).value().size(), 1u);
  EXPECT_EQ(store_->count_rows(*type("Connector"), kept + 1).value(), 0u);
  EXPECT_EQ(store_->latest_complete_scan().value()->id, kept);
}

TEST_F(PostgresqlStore, ARecordThatPostgresqlCannotHoldFailsTheAdd) {
  auto w = ScanWriter::begin(*store_, "nul");
  ASSERT_TRUE(w.ok());
  Record r = connector("/subscriptions/nul", std::string("a\0b", 3));
  auto added = w->add(r);
  ASSERT_FALSE(added.ok());
  EXPECT_NE(posture::format(added.errors()).find("NUL"), std::string::npos);
}

TEST_F(PostgresqlStore, AnEmptyDatabaseIsRefusedReadOnly) {
  std::string empty = pg::uri(pg::unique("store_test_empty"));
  auto opened = Store::open(empty, posture::schema::builtin(), posture::store::OpenMode::ReadOnly);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(posture::format(opened.errors()).find("not a Posture store"), std::string::npos);
}

}  // namespace
