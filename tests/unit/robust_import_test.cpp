// Robustness of `posture import` against hostile files: NUL bytes (escaped and
// raw), invalid UTF-8, quotes and SQL in values, 1 MB strings, 100,000 levels
// of nesting, huge numbers. Each gives a correct import or a clear error at
// file:line:column, and a failed import leaves the store byte for byte as it
// was (the previous scan intact, nothing of the failed one).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "collectors/snapshot/importer.hpp"
#include "engine/schema/schema.hpp"
#include "unit/robust_support.hpp"

namespace posture::robust {
namespace {

namespace fs = std::filesystem;

const std::string kSub = "/subscriptions/00000000-0000-4000-8000-000000000001";

class RobustImport : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "posture-robust-import-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = store::Store::open(dir_ + "/assets.db", posture::schema::builtin());
    ASSERT_TRUE(store.ok());
    store_ = std::make_unique<store::Store>(std::move(store).value());
    // The previous complete scan every failed import must leave alone.
    auto first = snapshot::import_files(*store_, {write("first.jsonl", subscription(1, "first"))});
    ASSERT_TRUE(first.ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::string sql(const std::string& text) {
    auto cursor = store::Cursor::open(*store_, {text, {}, ""}, 0);
    if (!cursor) return "ERROR: " + format(cursor.errors());
    std::string out;
    while (true) {
      auto row = cursor->next();
      if (!row || !*row) break;
      out += (out.empty() ? "" : "\n") + std::string(cursor->text(0));
    }
    return out;
  }

  // The store holds exactly the first scan and its one row.
  void expect_unchanged() {
    EXPECT_EQ(sql("SELECT count(*) || '/' || group_concat(status) FROM _scans"), "1/complete");
    EXPECT_EQ(sql("SELECT count(*) FROM connector"), "1");
    EXPECT_EQ(sql("SELECT name FROM connector"), "first");
    EXPECT_EQ(sql("PRAGMA integrity_check"), "ok");
  }

  // Imports `bytes` and expects a refusal at line:column naming `what`.
  void expect_refused(const std::string& bytes, int line, int column, const std::string& what) {
    auto started = std::chrono::steady_clock::now();
    auto result = snapshot::import_files(*store_, {write("bad.json", bytes)});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_FALSE(result.ok());
    const Diagnostic& d = result.errors().front();
    EXPECT_EQ(d.code, "import");
    EXPECT_EQ(d.where.source, dir_ + "/bad.json");
    EXPECT_EQ(d.where.line, line) << d.message;
    if (column) {
      EXPECT_EQ(d.where.column, column) << d.message;
    }
    EXPECT_NE(d.message.find(what), std::string::npos) << d.message;
    EXPECT_LT(seconds, 10.0);
    EXPECT_TRUE(json::accept(exec::errors_response(result.errors())));
    expect_unchanged();
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RobustImport, EscapedNulIsStoredAndQueryable) {
  std::string name("a\0b", 3);
  auto result = snapshot::import_files(*store_, {write("nul.jsonl", subscription(2, name))});
  ASSERT_TRUE(result.ok()) << format(result.errors());
  EXPECT_EQ(sql("SELECT CAST(name AS BLOB) FROM connector WHERE _scan = 2"), name);
  MemoryStore m{std::move(*store_), result->scan_id};
  Outcome o = run_query(m, R"({ connectors(where: {name_STARTS_WITH: "a\u0000"}) { name } })");
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{name});
}

TEST_F(RobustImport, RawNulBytesAreMalformedJsonAtTheirPosition) {
  expect_refused(std::string("{\"id\": \"/subscriptions/x\",\0 \"a\": 1}\n", 37), 1, 27,
                 "malformed");
  std::string inside = "\n\n  {\"id\": \"/subscriptions/a" + std::string(1, '\0') + "b\"}";
  expect_refused(inside, 3, 0, "malformed");
}

TEST_F(RobustImport, InvalidUtf8IsRefusedAtItsPosition) {
  expect_refused("{\"id\": \"" + kSub + "\", \"subscriptionId\": \"x\xff\"}\n", 1, 0, "UTF-8");
  expect_refused("{\"id\": \"" + kSub + "\", \"displayName\": \"\xc3\x28\"}\n", 1, 0, "UTF-8");
  // an overlong encoding of '/'
  expect_refused("{\"id\": \"" + kSub + "\", \"displayName\": \"\xc0\xaf\"}\n", 1, 0, "UTF-8");
}

TEST_F(RobustImport, HundredThousandLevelsOfNestingAreRefused) {
  expect_refused(repeat("[", 100000), 1, 257, "nested deeper than 256");
  expect_refused("{\"id\": \"" + kSub + "\", \"x\": " + repeat("{\"a\": ", 100000) + "1" +
                     repeat("}", 100000) + "}",
                 1, 0, "nested deeper than 256");
  expect_refused("{\"value\": [" + repeat("[", 100000) + "]}", 1, 0, "nested");
}

TEST_F(RobustImport, QuotesAndSqlInValuesAreStoredVerbatim) {
  std::string hostile = "x'); DROP TABLE connector; -- \"quoted\" \\ `tick`";
  auto result = snapshot::import_files(*store_, {write("q.jsonl", subscription(2, hostile))});
  ASSERT_TRUE(result.ok()) << format(result.errors());
  EXPECT_EQ(sql("SELECT name FROM connector WHERE _scan = 2"), hostile);
  EXPECT_EQ(sql("SELECT count(*) FROM connector"), "2");
}

TEST_F(RobustImport, OneMegabyteStringsRoundTrip) {
  std::string big(1 << 20, 'm');
  big[12345] = '"';  // escaped in the file
  auto result = snapshot::import_files(*store_, {write("big.jsonl", subscription(2, big))});
  ASSERT_TRUE(result.ok()) << format(result.errors());
  EXPECT_EQ(sql("SELECT name FROM connector WHERE _scan = 2"), big);
  MemoryStore m{std::move(*store_), result->scan_id};
  Outcome o = run_query(m, "query Q($n: String) { connectors(where: {name: $n}) { name } }",
                        object_with("n", big));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{big});
}

TEST_F(RobustImport, HugeNumbersAreClearErrorsOrValues) {
  std::string text = "{\"id\": \"" + kSub + "\", \"subscriptionId\": \"s\", \"n\": 1e999}\n";
  auto result = snapshot::import_files(*store_, {write("n.json", text)});
  if (!result.ok()) {
    EXPECT_EQ(result.errors().front().where.line, 1);
    expect_unchanged();
  }
  std::string wrong_type = "{\"id\": \"" + kSub + "\", \"subscriptionId\": 12}\n";
  expect_refused(wrong_type, 1, 0, "subscriptionId");
}

TEST_F(RobustImport, WrongJsonTypesNameTheProperty) {
  std::string contact = "{\"id\": \"" + kSub +
                        "/providers/Microsoft.Security/securityContacts/default\", \"type\": "
                        "\"Microsoft.Security/securityContacts\", \"properties\": {\"emails\": "
                        "[\"a@b\"], \"isEnabled\": \"yes\"}}\n";
  expect_refused(subscription(2, "ok") + "\n" + contact, 2, 0, "properties.emails");
}

TEST_F(RobustImport, TruncatedFilesAreRefusedAtTheirEnd) {
  std::string text = subscription(2, "two") + "\n" + subscription(3, "three");
  expect_refused(text.substr(0, text.size() - 5), 2, 0, "malformed");
  expect_refused("[" + subscription(2, "two") + ",", 1, 0, "malformed");
}

TEST_F(RobustImport, MissingFilesAndDirectoriesAreRefused) {
  auto missing = snapshot::import_files(*store_, {dir_ + "/nope.json"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.errors().front().message.find("nope.json"), std::string::npos);
  auto directory = snapshot::import_files(*store_, {dir_});
  ASSERT_FALSE(directory.ok());
  expect_unchanged();
}

}  // namespace
}  // namespace posture::robust
