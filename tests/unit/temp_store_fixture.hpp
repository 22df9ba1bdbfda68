// Fixture for store-level unit tests: a fresh store file (db_, opened as
// store_) in a temporary directory of its own (dir_), removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "store/store.hpp"

namespace posture::testing {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "posture-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (std::filesystem::path(dir_) / "assets.db").string();
    auto store = store::Store::open(db_);
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
    std::ifstream in(db_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  std::string dir_, db_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace posture::testing
