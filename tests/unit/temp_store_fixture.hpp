// Fixture for store-level unit tests: a fresh store file (db_, opened as
// store_) in a temporary directory of its own (dir_), removed afterwards, and
// helpers to read it back.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/schema/schema.hpp"
#include "store/store.hpp"
#include "tests/support/process.hpp"

namespace posture::testing {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "posture-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (std::filesystem::path(dir_) / "assets.db").string();
    auto store = store::Store::open(db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << posture::format(store.errors());
    store_ = std::make_unique<store::Store>(std::move(store).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Checkpoints the WAL into the database (through a connection of its own
  // to the file) and returns the file's bytes.
  std::string file_bytes() {
    sqlite3* db = nullptr;
    if (sqlite3_open(db_.c_str(), &db) == SQLITE_OK)
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_close(db);
    return slurp(db_);
  }

  // The rows of `sql` (through a store::Cursor), one line each, columns
  // separated by '|' (NULL for null), or "ERROR: ..." when it fails.
  std::string query(const std::string& sql) {
    auto cursor = store::Cursor::open(*store_, {sql, {}, ""}, 0);
    if (!cursor) return "ERROR: " + posture::format(cursor.errors());
    std::string out;
    while (true) {
      auto row = cursor->next();
      if (!row) return "ERROR: " + posture::format(row.errors());
      if (!*row) break;
      if (!out.empty()) out += "\n";
      for (int i = 0; i < cursor->columns(); ++i)
        out += (i ? "|" : "") + (cursor->is_null(i) ? std::string("NULL")
                                                     : std::string(cursor->text(i)));
    }
    return out;
  }

  std::string dir_, db_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace posture::testing
