// Store::open: the file's mode, the pragmas, the tables and indexes derived
// from the schema, the format and schema checks, read-only opening, and the
// posture_regexp SQL function every connection gets.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"

// Defined in store/regexp.cpp for tests: the patterns posture_regexp compiled.
namespace posture::store::internal {
uint64_t regexp_compilations_for_tests();
}

namespace fs = std::filesystem;
using posture::store::OpenMode;
using posture::store::Store;

namespace {

class StoreOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "posture-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (fs::path(dir_) / "assets.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  Store open(OpenMode mode = OpenMode::ReadWrite) {
    auto store = Store::open(path_, posture::schema::builtin(), mode);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : posture::format(store.errors()));
    return std::move(store).value();
  }

  // Runs `sql` on the store's file itself, as another program would change it.
  void change_file(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  // A read-only open of the store is refused: it must be opened read-write first.
  void expect_read_only_refused(
      const posture::schema::Schema& schema = posture::schema::builtin()) {
    auto read_only = Store::open(path_, schema, OpenMode::ReadOnly);
    ASSERT_FALSE(read_only.ok());
    EXPECT_NE(read_only.errors()[0].message.find("read-write"), std::string::npos);
  }

  std::string dir_, path_;
};

// Runs a one-value query through a store::Cursor; "NULL" for NULL, "ERROR:
// msg" (SQLite's message) for an error.
std::string scalar(const Store& store, const std::string& sql,
                   std::vector<posture::store::Value> params = {}) {
  auto cursor = posture::store::Cursor::open(store, {sql, std::move(params), ""}, 0);
  auto why = [](const posture::Diagnostics& d) {
    const std::string& m = d.front().message;
    size_t at = m.find("failed: ");
    return "ERROR: " + (at == std::string::npos ? m : m.substr(at + 8));
  };
  if (!cursor) return why(cursor.errors());
  auto row = cursor->next();
  if (!row) return why(row.errors());
  if (!*row) return "";
  return cursor->is_null(0) ? "NULL" : std::string(cursor->text(0));
}

// The columns of `table`, generated ones included: name -> declared type.
std::map<std::string, std::string> columns(const Store& store, const std::string& table) {
  std::map<std::string, std::string> out;
  auto cursor = posture::store::Cursor::open(
      store, {"SELECT name, type FROM pragma_table_xinfo(?1)", {table}, ""}, 0);
  EXPECT_TRUE(cursor.ok());
  while (cursor.ok() && cursor->next().value())
    out[std::string(cursor->text(0))] = std::string(cursor->text(1));
  return out;
}

// The indexes of `table`: their columns, comma-separated ("unique:" before a unique one's).
std::set<std::string> indexes(const Store& store, const std::string& table) {
  std::set<std::string> out;
  auto cursor = posture::store::Cursor::open(
      store,
      {"SELECT il.\"unique\", group_concat(ii.name, ',') FROM pragma_index_list(?1) "
       "AS il, pragma_index_info(il.name) AS ii GROUP BY il.name",
       {table},
       ""},
      0);
  EXPECT_TRUE(cursor.ok());
  while (cursor.ok() && cursor->next().value())
    out.insert(std::string(cursor->integer(0) ? "unique:" : "") + std::string(cursor->text(1)));
  return out;
}

int file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

}  // namespace

TEST_F(StoreOpenTest, CreatesTheFileReadableOnlyByItsOwner) {
  mode_t old = ::umask(0);  // even a permissive umask must not widen it
  {
    Store store = open();
    ::umask(old);
    EXPECT_EQ(file_mode(path_), 0600);
    // The first scan of a new store goes through a rollback journal, the
    // next ones through the WAL.
    for (const char* journal : {"-journal", "-wal"}) {
      auto writer = posture::store::ScanWriter::begin(store, "test");
      ASSERT_TRUE(writer.ok());
      EXPECT_EQ(file_mode(path_ + journal), 0600) << journal;
      ASSERT_TRUE(writer->commit().ok());
    }
    EXPECT_EQ(file_mode(path_ + "-wal"), 0600);
    EXPECT_EQ(file_mode(path_ + "-shm"), 0600);
  }
  ::umask(old);
}

TEST_F(StoreOpenTest, SetsThePragmas) {
  Store store = open();
  // A new store's first scan writes each page once, through a rollback
  // journal (which holds only the pages the file had before); then WAL.
  EXPECT_EQ(scalar(store, "PRAGMA journal_mode"), "delete");
  {
    auto writer = posture::store::ScanWriter::begin(store, "test");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->commit().ok());
  }
  EXPECT_EQ(scalar(store, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(open(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(store, "PRAGMA synchronous"), "1");  // NORMAL
  // A writer's temporary tables (the references awaiting their links) in a
  // file, so that they do not grow its memory.
  EXPECT_EQ(scalar(store, "PRAGMA temp_store"), "1");  // FILE
  EXPECT_EQ(scalar(store, "PRAGMA cache_size"), "-65536");
  EXPECT_NE(scalar(store, "PRAGMA busy_timeout"), "0");
  Store reader = open(OpenMode::ReadOnly);
  EXPECT_EQ(scalar(reader, "PRAGMA temp_store"), "2");  // MEMORY
  EXPECT_EQ(scalar(reader, "PRAGMA cache_size"), "-2048");
  EXPECT_EQ(scalar(reader, "PRAGMA query_only"), "1");
}

TEST_F(StoreOpenTest, ANewStoreHasPagesOf32KiBAndAnOlderStoreKeepsItsOwn) {
  // A scan reads a table with one read(2) per page (docs/performance.md,
  // "Page size").
  EXPECT_EQ(scalar(open(), "PRAGMA page_size"), "32768");
  // A store made with SQLite's default pages (as stores were before) opens
  // and is written as it is.
  change_file("PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM;");
  {
    Store store = open();
    EXPECT_EQ(scalar(store, "PRAGMA page_size"), "4096");
    auto writer = posture::store::ScanWriter::begin(store, "test");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->commit().ok());
  }
  EXPECT_EQ(scalar(open(OpenMode::ReadOnly), "PRAGMA page_size"), "4096");
}

TEST_F(StoreOpenTest, MakesOneStrictTablePerTypeFromTheSchema) {
  Store store = open();
  const auto& schema = store.schema();
  ASSERT_FALSE(schema.types().empty());
  for (const auto& type : schema.types()) {
    SCOPED_TRACE(type.table);
    auto cols = columns(store, type.table);
    EXPECT_EQ(cols["_rid"], "INTEGER");
    EXPECT_EQ(cols["_scan"], "INTEGER");
    EXPECT_EQ(cols["_key"], "TEXT");
    size_t expected = 3;
    auto raw = columns(store, posture::store::raw_table(type.table));
    EXPECT_EQ(raw["_rid"], "INTEGER");
    EXPECT_EQ(raw["_raw"], "TEXT");
    EXPECT_EQ(raw.size(), 2u);
    for (const auto& f : type.fields) {
      std::string want = f.list ? "TEXT"
                         : f.scalar == posture::schema::ScalarType::Int ||
                                 f.scalar == posture::schema::ScalarType::Boolean
                             ? "INTEGER"
                         : f.scalar == posture::schema::ScalarType::Float ? "REAL"
                                                                          : "TEXT";
      EXPECT_EQ(cols[f.column], want) << f.name;
      ++expected;
    }
    auto idx = indexes(store, type.table);
    EXPECT_TRUE(idx.count("unique:_scan,_key"));
    for (const auto* rel : schema.relationships_into(type.name)) {
      EXPECT_EQ(cols[rel->fk_column], "INTEGER");
      EXPECT_EQ(cols[rel->key_column], "TEXT");
      EXPECT_TRUE(idx.count(rel->fk_column));
      expected += 2;
    }
    for (const auto& rel : type.relationships)  // links held by the owner's row
      if (rel.in_owner && !rel.inverse) {
        EXPECT_EQ(cols[rel.fk_column], "INTEGER");
        EXPECT_TRUE(idx.count(rel.fk_column));
        ++expected;
      }
    EXPECT_EQ(cols.size(), expected);
    std::string sql =
        scalar(store, "SELECT sql FROM sqlite_master WHERE name = '" + type.table + "'");
    EXPECT_NE(sql.find("STRICT"), std::string::npos);
  }
  // The builtin schema: contacts point at their connector.
  auto contact = columns(store, "security_contact");
  EXPECT_EQ(contact["emails"], "TEXT");
  EXPECT_EQ(contact["alertNotifications"], "INTEGER");
  EXPECT_EQ(contact["_has_security_contact_rid"], "INTEGER");
}

// docs/data-model.md, "Column order": the links and short values a check's
// scan reads come first in each row, long identifiers last.
TEST_F(StoreOpenTest, PutsLinksAndShortValuesBeforeLongIdentifiers) {
  Store store = open();
  const auto& schema = store.schema();
  for (const auto& type : schema.types()) {
    SCOPED_TRACE(type.table);
    std::vector<std::string> order;
    auto cursor = posture::store::Cursor::open(
        store, {"SELECT name FROM pragma_table_xinfo(?1) ORDER BY cid", {type.table}, ""}, 0);
    ASSERT_TRUE(cursor.ok());
    while (cursor->next().value()) order.emplace_back(cursor->text(0));
    auto at = [&](const std::string& column) {
      auto it = std::find(order.begin(), order.end(), column);
      EXPECT_NE(it, order.end()) << column;
      return it - order.begin();
    };
    ASSERT_GE(order.size(), 3u);
    EXPECT_EQ(order[0], "_rid");
    EXPECT_EQ(order[1], "_scan");
    auto key = at("_key");
    for (const auto& f : type.fields) {
      EXPECT_LT(at(f.column), key) << f.name;
      for (const auto& g : type.fields) {
        bool short_before_long = !f.list && f.scalar != posture::schema::ScalarType::ID &&
                                 (g.list || g.scalar == posture::schema::ScalarType::ID);
        if (short_before_long) {
          EXPECT_LT(at(f.column), at(g.column)) << f.name << " " << g.name;
        }
      }
    }
    std::vector<std::string> links;
    for (const auto* rel : schema.relationships_into(type.name)) {
      links.push_back(rel->fk_column);
      EXPECT_GT(at(rel->key_column), key);
    }
    for (const auto& rel : type.relationships)
      if (rel.in_owner && !rel.inverse) links.push_back(rel.fk_column);
    for (const auto& link : links)
      for (const auto& f : type.fields) EXPECT_LT(at(link), at(f.column)) << link << " " << f.name;
  }
  // The contacts' filter columns come before their ids and keys.
  auto cursor = posture::store::Cursor::open(store,
                                             {"SELECT group_concat(name, ' ') FROM (SELECT name "
                                              "FROM pragma_table_xinfo('security_contact') "
                                              "ORDER BY cid)",
                                              {},
                                              ""},
                                             0);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(cursor->next().value());
  std::string all(cursor->text(0));
  EXPECT_EQ(all.find("_rid _scan _has_security_contact_rid "), 0u) << all;
  EXPECT_LT(all.find(" email "), all.find(" id "));
  EXPECT_LT(all.find(" alertNotifications "), all.find(" email "));
  EXPECT_EQ(all.rfind(" _key _has_security_contact_key"),
            all.size() - std::string(" _key _has_security_contact_key").size());
}

TEST_F(StoreOpenTest, MakesTheReservedTables) {
  Store store = open();
  auto scans = columns(store, "_scans");
  for (const char* c : {"id", "source", "started_at", "ended_at", "status", "objects", "message"})
    EXPECT_TRUE(scans.count(c)) << c;
  auto errors = columns(store, "_collection_errors");
  for (const char* c :
       {"scan", "resource_key", "resource", "type", "http_status", "message", "child_type"})
    EXPECT_TRUE(errors.count(c)) << c;
  auto types = columns(store, "_scan_types");
  EXPECT_EQ(types["scan"], "INTEGER");
  EXPECT_EQ(types["type"], "TEXT");
  auto raw = columns(store, "_unmodelled");
  for (const char* c : {"scan", "id", "arm_type", "raw"}) EXPECT_TRUE(raw.count(c)) << c;
  EXPECT_EQ(scalar(store, "SELECT value FROM _meta WHERE key = 'format'"), "3");
}

TEST_F(StoreOpenTest, ReopeningChangesNothing) {
  auto state = [&] {
    Store store = open();
    return scalar(store,
                  "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY "
                  "name)") +
           "\n" +
           scalar(store,
                  "SELECT group_concat(key || '=' || value, ';') FROM (SELECT * FROM _meta "
                  "ORDER BY key)");
  };
  ASSERT_FALSE(fs::exists(path_));
  std::string created = state();  // the open that creates the store: before any reopen
  ASSERT_NE(created.find("CREATE TABLE"), std::string::npos) << created;
  ASSERT_NE(created.find("format=3"), std::string::npos) << created;
  EXPECT_EQ(state(), created) << "the first reopen changed the store";
  EXPECT_EQ(state(), created) << "a later reopen changed the store";
}

TEST_F(StoreOpenTest, RefusesAFileThatIsNotAPostureStore) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE songs(title TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  auto store = Store::open(path_, posture::schema::builtin());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.errors()[0].code, "store");
  EXPECT_NE(store.errors()[0].message.find(path_), std::string::npos);
  EXPECT_NE(store.errors()[0].message.find("not a Posture store"), std::string::npos);
}

// _meta keeps a digest of the statements the schema needs ('schema'): an
// open that finds the same digest skips the check of every table (a PRAGMA
// each); without it (a store from before the digest, or of another schema)
// the tables are checked, and a read-write open completes them and writes it.
TEST_F(StoreOpenTest, TheSchemaDigestIsKeptAndAStoreWithoutItIsCheckedAndCompleted) {
  std::string digest;
  {
    Store store = open();
    digest = scalar(store, "SELECT value FROM _meta WHERE key = 'schema'");
  }
  EXPECT_EQ(digest.size(), 16u) << digest;
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << digest;
  ASSERT_TRUE(Store::open(path_, posture::schema::builtin(), OpenMode::ReadOnly).ok());
  change_file("ALTER TABLE connector DROP COLUMN tenantId; DELETE FROM _meta WHERE key = 'schema'");
  expect_read_only_refused();
  Store store = open();
  EXPECT_EQ(columns(store, "connector")["tenantId"], "TEXT");
  EXPECT_EQ(scalar(store, "SELECT value FROM _meta WHERE key = 'schema'"), digest);
  // Another schema has another digest.
  std::string sdl(posture::schema::builtin_sdl());
  size_t at = sdl.find("tenantId: String");
  ASSERT_NE(at, std::string::npos);
  sdl.insert(at, "offerType: String\n  ");
  auto grown = posture::schema::parse(sdl, "grown.graphql");
  ASSERT_TRUE(grown.ok());
  auto reopened = Store::open(path_, *grown, OpenMode::ReadWrite);
  ASSERT_TRUE(reopened.ok()) << posture::format(reopened.errors());
  EXPECT_NE(scalar(*reopened, "SELECT value FROM _meta WHERE key = 'schema'"), digest);
}

TEST_F(StoreOpenTest, RefusesAnotherStoreFormat) {
  { Store store = open(); }
  change_file("UPDATE _meta SET value = '99' WHERE key = 'format'");
  auto store = Store::open(path_, posture::schema::builtin());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.errors()[0].message.find("format `99`"), std::string::npos)
      << store.errors()[0].message;
}

TEST_F(StoreOpenTest, RefusesASchemaThatChangesAColumnsType) {
  { Store store = open(); }
  std::string sdl(posture::schema::builtin_sdl());
  size_t at = sdl.find("state: String");
  ASSERT_NE(at, std::string::npos);
  sdl.replace(at, 13, "state: Int");
  auto schema = posture::schema::parse(sdl, "changed.graphql");
  ASSERT_TRUE(schema.ok()) << posture::format(schema.errors());
  auto store = Store::open(path_, *schema, OpenMode::ReadWrite);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.errors()[0].message.find("incompatible schema: column connector.state"),
            std::string::npos)
      << store.errors()[0].message;
}

TEST_F(StoreOpenTest, AddsTheColumnsOfANewFieldWhenOpenedReadWrite) {
  { Store store = open(); }
  std::string sdl(posture::schema::builtin_sdl());
  size_t at = sdl.find("tenantId: String");
  ASSERT_NE(at, std::string::npos);
  sdl.insert(at, "offerType: String\n  ");
  auto schema = posture::schema::parse(sdl, "grown.graphql");
  ASSERT_TRUE(schema.ok()) << posture::format(schema.errors());
  expect_read_only_refused(*schema);
  auto store = Store::open(path_, *schema, OpenMode::ReadWrite);
  ASSERT_TRUE(store.ok()) << posture::format(store.errors());
  EXPECT_EQ(columns(*store, "connector")["offerType"], "TEXT");
}

// A store made before scans recorded their collected types, kept objects not
// modelled and errors of child types: opened read-write once, it gains them,
// and its scans (no record) are read as before.
TEST_F(StoreOpenTest, AStoreFromBeforeCollectedTypesGainsThemWhenOpenedReadWrite) {
  int64_t scan = 0;
  {
    Store store = open();
    auto w = posture::store::ScanWriter::begin(store, "old");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->add_error({"/subscriptions/s1", "Connector", "HTTP 403", 403}).ok());
    ASSERT_TRUE(w->commit("partial").ok());
    scan = w->scan_id();
  }
  // A store from then has no schema digest either.
  change_file(
      "DROP TABLE _scan_types; DROP TABLE _unmodelled; ALTER TABLE _collection_errors DROP COLUMN "
      "child_type; ALTER TABLE _scans DROP COLUMN _tenant; DELETE FROM _meta WHERE key = 'schema'");
  expect_read_only_refused();
  Store store = open();
  EXPECT_EQ(columns(store, "_collection_errors")["child_type"], "TEXT");
  auto types = store.collected_types(scan);
  ASSERT_TRUE(types.ok()) << posture::format(types.errors());
  EXPECT_FALSE(types->has_value());
  auto errors = store.collection_errors(scan);
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].child_type, "") << "NULL in an older row: the resource itself";
  EXPECT_TRUE(store.unmodelled_counts(scan)->empty());
  // Scans from before tenants are of no tenant ("").
  EXPECT_EQ(columns(store, "_scans")["_tenant"], "TEXT");
  EXPECT_EQ(store.scan(scan).value()->tenant, "");
  EXPECT_EQ(store.tenants().value(), std::vector<std::string>{""});
}

TEST_F(StoreOpenTest, ReadOnlyOpensAnExistingStoreAndCannotWrite) {
  auto missing = Store::open(path_, posture::schema::builtin(), OpenMode::ReadOnly);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.errors()[0].message.find("does not exist"), std::string::npos);
  EXPECT_FALSE(fs::exists(path_));
  { Store store = open(); }
  Store reader = open(OpenMode::ReadOnly);
  auto scans = reader.scans();
  ASSERT_TRUE(scans.ok());
  EXPECT_TRUE(scans->empty());
  auto writer = posture::store::ScanWriter::begin(reader, "test");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.errors()[0].code, "store");
  EXPECT_NE(writer.errors()[0].message.find(path_), std::string::npos);
  EXPECT_EQ(scalar(reader, "SELECT posture_regexp('a+', 'aaa')"), "1");
}

// A new store's first scan writes through a rollback journal: a process
// killed in it leaves pages of the scan in the file and their undo in the
// journal. A reader must see the store as it was before, not those pages.
TEST_F(StoreOpenTest, AReaderPlaysBackTheJournalAKilledFirstScanLeft) {
  open();  // a new store: its tables, no scan, journal mode DELETE
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A small cache, so that the scan's pages go to the file before it ends.
    sqlite3* db = nullptr;
    if (sqlite3_open(path_.c_str(), &db) != SQLITE_OK) ::_exit(3);
    std::string sql = "PRAGMA cache_size = 10; BEGIN IMMEDIATE;";
    for (int i = 0; i < 2000; ++i)
      sql += "INSERT INTO _scans(source, started_at, status, objects) VALUES ('killed " +
             std::to_string(i) + std::string(200, 'x') + "', '2026-01-01', 'running', 0);";
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(4);
    ::_exit(0);  // no COMMIT, no close: as a killed process leaves it
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_TRUE(fs::exists(path_ + "-journal"));
  ASSERT_GT(fs::file_size(path_ + "-journal"), 0u);
  auto reader = Store::open(path_, posture::schema::builtin(), OpenMode::ReadOnly);
  ASSERT_TRUE(reader.ok()) << posture::format(reader.errors());
  auto scans = reader->scans();
  ASSERT_TRUE(scans.ok());
  EXPECT_TRUE(scans->empty()) << scans->size() << " scans, the first " << scans->front().source;
  EXPECT_FALSE(fs::exists(path_ + "-journal") && fs::file_size(path_ + "-journal") > 0);
}

TEST_F(StoreOpenTest, ErrorsNameTheStoreAndSQLitesMessage) {
  std::string bad = (fs::path(dir_) / "no" / "such" / "dir.db").string();
  auto store = Store::open(bad, posture::schema::builtin());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.errors()[0].code, "store");
  EXPECT_NE(store.errors()[0].message.find(bad), std::string::npos);
  EXPECT_NE(store.errors()[0].message.find("No such file"), std::string::npos)
      << store.errors()[0].message;
}

TEST_F(StoreOpenTest, RegexpIsAFullMatch) {
  Store store = open();
  const Store& db = store;
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('a.c', 'abc')"), "1");
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('b', 'abc')"), "0");   // no partial match
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('ab', 'abc')"), "0");  // anchored at the end
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('.*@contoso\\.com', 'x@contoso.com')"), "1");
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('a|ab', 'ab')"), "1");  // whole value, any branch
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('(?i)ON', 'On')"), "1");
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('é+', 'ééé')"), "1");  // UTF-8
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('.', 'é')"), "1");     // one code point
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('a', NULL)"), "NULL");
  EXPECT_EQ(scalar(db, "SELECT posture_regexp('1[0-9]', 12)"), "1");  // numbers as text
  std::string bad = scalar(db, "SELECT posture_regexp('(unclosed', 'x')");
  EXPECT_EQ(bad.rfind("ERROR: invalid regular expression `(unclosed`: missing )", 0), 0) << bad;
}

TEST_F(StoreOpenTest, RegexpCachesThePatternAcrossRows) {
  Store store = open();
  const Store& db = store;
  uint64_t before = posture::store::internal::regexp_compilations_for_tests();
  EXPECT_EQ(scalar(db,
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                   "10000) SELECT sum(posture_regexp('[0-9]*7', i)) FROM n"),
            "1000");
  // One constant pattern over 10,000 rows: compiled once, not once per row.
  EXPECT_EQ(posture::store::internal::regexp_compilations_for_tests() - before, 1u);
  // A pattern that differs per row is compiled per row, still correct.
  before = posture::store::internal::regexp_compilations_for_tests();
  EXPECT_EQ(scalar(db,
                   "WITH v(p, s) AS (VALUES ('a+', 'aa'), ('b+', 'aa'), ('a?', '')) "
                   "SELECT group_concat(posture_regexp(p, s), ',') FROM v"),
            "1,0,1");
  EXPECT_EQ(posture::store::internal::regexp_compilations_for_tests() - before, 3u);
}
