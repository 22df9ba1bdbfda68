// The store's read API: a Cursor binds the scan by name and each literal by
// the number its parameter's name ends in; count_rows, query_plan, the
// bulk-read mode (its pragmas really change), and read_only_statement, which
// refuses a user's file that would write, hold two statements or use other
// parameters.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unit/temp_store_fixture.hpp"

namespace {

using posture::store::Cursor;
using posture::store::OpenMode;
using posture::store::Record;
using posture::store::ScanWriter;
using posture::store::Statement;
using posture::store::Store;

class StoreReadTest : public posture::testing::TempStoreTest {
 protected:
  // Writes a complete scan of connectors named `names` (contacts under the first).
  int64_t scan_of(const std::vector<std::string>& names) {
    auto w = ScanWriter::begin(*store_, "test");
    EXPECT_TRUE(w.ok());
    for (const auto& name : names) {
      Record r;
      r.type = store_->schema().type("Connector");
      r.id = "/subscriptions/" + name + std::to_string(++made_);
      r.fields = {{"id", r.id}, {"name", name}};
      r.raw = nlohmann::json{{"id", r.id}}.dump();
      EXPECT_TRUE(w->add(r).ok());
    }
    auto info = w->commit();
    EXPECT_TRUE(info.ok());
    return info->id;
  }

  // Column 0 of every row of `statement` on `store` for `scan`, or "ERROR: ...".
  static std::vector<std::string> rows(const Store& store, const Statement& statement,
                                       int64_t scan) {
    auto cursor = Cursor::open(store, statement, scan);
    if (!cursor) return {"ERROR: " + posture::format(cursor.errors())};
    std::vector<std::string> out;
    while (true) {
      auto row = cursor->next();
      if (!row) return {"ERROR: " + posture::format(row.errors())};
      if (!*row) return out;
      out.emplace_back(cursor->text(0));
    }
  }

  std::string one(const std::string& sql) {
    auto r = rows(*store_, {sql, {}, ""}, 0);
    return r.empty() ? "" : r.front();
  }

  int made_ = 0;
};

TEST_F(StoreReadTest, ACursorBindsTheScanByNameAndLiteralsByNumber) {
  int64_t first = scan_of({"a", "b", "c"});
  int64_t second = scan_of({"b", "d"});
  Statement st{
      "SELECT name FROM connector WHERE _scan = :scan AND name IN (:p1, :p2) ORDER BY name",
      {std::string("b"), std::string("c")},
      ":scan"};
  EXPECT_EQ(rows(*store_, st, first), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(rows(*store_, st, second), (std::vector<std::string>{"b"}));
  // Whatever the order the parameters appear in, and however often.
  Statement reordered{
      "SELECT :p2 || name FROM connector WHERE name = :p1 AND _scan = :scan AND :scan > 0",
      {std::string("b"), std::string("x-")},
      ":scan"};
  EXPECT_EQ(rows(*store_, reordered, second), (std::vector<std::string>{"x-b"}));
  // A baseline's `?1` can be the scan's name too.
  EXPECT_EQ(rows(*store_, {"SELECT count(*) FROM connector WHERE _scan = ?1", {}, "?1"}, first),
            (std::vector<std::string>{"3"}));
}

TEST_F(StoreReadTest, AParameterWithoutAValueIsRefusedNamingTheStoreNotTheSQL) {
  scan_of({"a"});
  auto cursor = Cursor::open(*store_,
                             {"SELECT name FROM connector WHERE name = :p2 AND _scan = :scan",
                              {std::string("a")},
                              ":scan"},
                             1);
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(cursor.errors()[0].code, "store");
  EXPECT_NE(cursor.errors()[0].message.find(db_), std::string::npos);
  EXPECT_NE(cursor.errors()[0].message.find(":p2"), std::string::npos);
  EXPECT_EQ(cursor.errors()[0].message.find("SELECT"), std::string::npos);
  auto bad = Cursor::open(*store_, {"SELECT nonsense FROM connector", {}, ""}, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errors()[0].message.find("SELECT"), std::string::npos);
}

TEST_F(StoreReadTest, CountsTheRowsOfATypeInAScan) {
  int64_t first = scan_of({"a", "b", "c"});
  int64_t second = scan_of({"d"});
  const auto& connector = *store_->schema().type("Connector");
  EXPECT_EQ(store_->count_rows(connector, first).value(), 3u);
  EXPECT_EQ(store_->count_rows(connector, second).value(), 1u);
  EXPECT_EQ(store_->count_rows(connector, second + 1).value(), 0u);
  EXPECT_EQ(store_->count_rows(*store_->schema().type("SecurityContact"), first).value(), 0u);
}

TEST_F(StoreReadTest, APlanIsOneLinePerStepIndentedByLevel) {
  Statement st{
      "SELECT id FROM connector AS c WHERE c._scan = :scan AND c._rid IN "
      "(SELECT s._has_security_contact_rid FROM security_contact AS s WHERE s.email = :p1)",
      {std::string("a")},
      ":scan"};
  auto plan = store_->query_plan(st);
  ASSERT_TRUE(plan.ok()) << posture::format(plan.errors());
  ASSERT_GE(plan->size(), 2u);
  bool nested = false, reads = false;
  for (const auto& line : *plan) {
    nested |= line.rfind("  ", 0) == 0;
    reads |= line.find("SCAN") != std::string::npos || line.find("SEARCH") != std::string::npos;
  }
  EXPECT_TRUE(nested) << "the subquery's steps are indented under it";
  EXPECT_TRUE(reads) << "a step reads a table";
  auto bad = store_->query_plan({"SELECT nonsense", {}, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors()[0].message.find(db_), std::string::npos);
}

// docs/performance.md, "Reading the store": readers read through a small
// page cache without a map; bulk read mode gives a writer's connection the same.
TEST_F(StoreReadTest, ReadersReadUnmappedThroughASmallCacheAndBulkModeGivesAWriterTheSame) {
  auto pragma = [&](const Store& store, const char* name) {
    auto r = rows(store, {std::string("PRAGMA ") + name, {}, ""}, 0);
    return r.empty() ? "" : r.front();
  };
  EXPECT_EQ(pragma(*store_, "mmap_size"), "0");
  EXPECT_EQ(pragma(*store_, "cache_size"), "-65536");
  ASSERT_TRUE(store_->use_bulk_read_mode().ok());
  EXPECT_EQ(pragma(*store_, "mmap_size"), "0");
  EXPECT_EQ(pragma(*store_, "cache_size"), "-2048");
  store_.reset();
  auto reader = Store::open(db_, posture::schema::builtin(), OpenMode::ReadOnly);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(pragma(*reader, "mmap_size"), "0");
  EXPECT_EQ(pragma(*reader, "cache_size"), "-2048");
  ASSERT_TRUE(reader->use_bulk_read_mode().ok());
  EXPECT_EQ(pragma(*reader, "cache_size"), "-2048");
}

TEST_F(StoreReadTest, AReadOnlyStatementIsCheckedBeforeItRuns) {
  int64_t scan = scan_of({"a", "b"});
  auto ok = store_->read_only_statement(
      "-- a baseline\nSELECT id FROM connector WHERE _scan = :scan; -- done\n", "b.sql");
  ASSERT_TRUE(ok.ok()) << posture::format(ok.errors());
  EXPECT_EQ(ok->scan, ":scan");
  EXPECT_EQ(rows(*store_, *ok, scan).size(), 2u);
  auto numbered = store_->read_only_statement("SELECT id FROM connector WHERE _scan = ?1", "n.sql");
  ASSERT_TRUE(numbered.ok());
  EXPECT_EQ(numbered->scan, "?1");
  EXPECT_EQ(rows(*store_, *numbered, scan).size(), 2u);

  auto refused = [&](const std::string& sql, const std::string& why) {
    auto st = store_->read_only_statement(sql, "bad.sql");
    ASSERT_FALSE(st.ok()) << sql;
    EXPECT_EQ(st.errors()[0].code, "store");
    EXPECT_NE(st.errors()[0].message.find("bad.sql"), std::string::npos);
    EXPECT_NE(st.errors()[0].message.find(why), std::string::npos) << st.errors()[0].message;
  };
  refused("DELETE FROM connector WHERE _scan = :scan", "is not a read-only statement");
  refused("UPDATE connector SET name = 'x' WHERE _scan = :scan", "is not a read-only statement");
  refused("SELECT 1 WHERE :scan; DELETE FROM connector", "more than one SQL statement");
  refused("SELECT id FROM connector", "exactly one parameter");
  refused("SELECT id FROM connector WHERE _scan = :scan AND name = :name", "exactly one parameter");
  refused("-- nothing\n", "holds no SQL statement");
  refused("SELEC id", "cannot be prepared");
  EXPECT_EQ(one("SELECT count(*) FROM connector"), "2");  // nothing ran
}

TEST_F(StoreReadTest, NamesTheEngineVersion) {
  EXPECT_FALSE(posture::store::engine_version().empty());
  EXPECT_EQ(posture::store::engine_version().substr(0, 2), "3.");
}

}  // namespace

// The executor writes a root field's objects itself (engine/exec): each value
// must be the bytes SQLite's json_quote() writes for it, so a response is the
// same as when json_object() built it. Every byte as text, text mixing them
// with UTF-8, integers and reals at their edges, NULL.
TEST_F(StoreReadTest, AppendJsonWritesEachValueAsSqliteJsonQuoteDoes) {
  scan_of({"a"});
  std::vector<posture::store::Value> values{
      std::monostate{},
      int64_t{0},
      int64_t{-1},
      int64_t{INT64_MAX},
      int64_t{INT64_MIN},
      0.0,
      -0.0,
      3.0,
      0.1,
      -2.5e-7,
      1e20,
      1e300,
      123456789012345678.0,
      1.0 / 3.0,
      std::string(),
      std::string("Contoso \"SOC\" \\ r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac /x\x7f"),
      std::string("tab\there\nline\r\f\b\x01\x1f end")};
  for (int b = 1; b < 256; ++b) values.push_back(std::string(1, static_cast<char>(b)));
  // Each byte at each place of texts longer than the 8 bytes append_json
  // tests at once, among plain bytes and among bytes beside the ones escaped
  // (0x20, 0x21, 0x5b, 0x7f, 0x80, 0xff).
  for (const std::string& filler :
       {std::string(17, 'x'), std::string("\x20\x21\x5b\x7f\x80\xff\xc3\xa9"
                                          "\x20\x21\x5b\x7f\x80\xff\xc3\xa9\x23")})
    for (int b = 1; b < 256; ++b)
      for (size_t at = 0; at < filler.size(); ++at) {
        std::string text = filler;
        text[at] = static_cast<char>(b);
        values.push_back(text);
      }
  for (const posture::store::Value& v : values) {
    auto cursor = Cursor::open(*store_, {"SELECT :p1, json_quote(:p1)", {v}, ""}, 0);
    ASSERT_TRUE(cursor.ok()) << posture::format(cursor.errors());
    ASSERT_TRUE(cursor->next().value());
    std::string mine;
    cursor->append_json(0, mine);
    EXPECT_EQ(mine, cursor->is_null(1) ? "null" : std::string(cursor->text(1)))
        << "value index " << (&v - values.data());
  }
}
