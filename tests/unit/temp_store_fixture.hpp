// Fixture for store-level unit tests: a fresh store file (db_, opened as
// store_) in a temporary directory of its own (dir_), removed afterwards, and
// helpers to read it back.
#pragma once

#include <gtest/gtest.h>
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

  // Checkpoints the WAL into the database and returns the file's bytes.
  std::string file_bytes() {
    sqlite3_wal_checkpoint_v2(store_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    return slurp(db_);
  }

  // The rows of `sql`, one line each, columns separated by '|' (NULL for
  // null), or "ERROR: ..." when the statement cannot be prepared.
  std::string query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(store_->db(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return std::string("ERROR: ") + sqlite3_errmsg(store_->db());
    std::string out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (!out.empty()) out += "\n";
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        auto* t = sqlite3_column_text(stmt, i);
        out += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::string dir_, db_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace posture::testing
