// Writeback (store/writeback.hpp): an import has the OS start writing the
// store's pages to disk as it goes, so the commit's fdatasync finds little
// left to write, and it does so through SQLite's own descriptors, never
// dropping the writer's locks. The pages' state is read with cachestat(2)
// (Linux 6.5 and later; skipped where the kernel lacks it).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "store/store.hpp"
#include "store/writeback.hpp"
#include "unit/temp_store_fixture.hpp"

using posture::store::Record;
using posture::store::ScanWriter;
using posture::store::internal::Writeback;

namespace {

#ifndef __NR_cachestat
#define __NR_cachestat 451  // the same on every architecture
#endif

struct CacheStat {
  uint64_t cached = 0, dirty = 0, writeback = 0, evicted = 0, recently_evicted = 0;
};

// The page-cache state of the whole file open as `fd`; nullopt when the
// kernel has no cachestat.
std::optional<CacheStat> cache_stat(int fd) {
  struct {
    uint64_t off, len;
  } range{0, 0};  // len 0: to the end of the file
  CacheStat out;
  if (syscall(__NR_cachestat, fd, &range, &out, 0) != 0) return std::nullopt;
  return out;
}

// Writes `mib` MiB to `fd`; false when a write falls short.
bool write_mib(int fd, int mib) {
  std::string block(1 << 20, 'x');
  for (int i = 0; i < mib; ++i)
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) return false;
  return true;
}

// Whether files in `dir` have dirty pages at all after a write: not so on
// tmpfs, where nothing is written back.
bool keeps_dirty_pages(const std::string& dir) {
  std::string path = dir + "/probe.bin";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool written = write_mib(fd, 1);
  auto stat = cache_stat(fd);
  close(fd);
  std::filesystem::remove(path);
  return written && stat && stat->dirty > 0;
}

class WritebackTest : public posture::testing::TempStoreTest {
 protected:
  // Whether the page tests can run here (they skip when not).
  bool pages_observable() {
    if (keeps_dirty_pages(dir_)) return true;
    std::cerr << "no cachestat(2) on this kernel, or " << dir_
              << " is on a file system without dirty pages (tmpfs)\n";
    return false;
  }
  void TearDown() override {
    store_.reset();  // before closing fd_: its close drops the process's locks on the file
    if (fd_ >= 0) close(fd_);
    TempStoreTest::TearDown();
  }
  int fd_ = -1;
};

TEST_F(WritebackTest, StartsTheWriteOutOfTheFileWithoutWaiting) {
  if (!pages_observable()) GTEST_SKIP();
  std::string path = dir_ + "/data.bin";
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd_, 0);
  ASSERT_TRUE(write_mib(fd_, 16));
  auto before = cache_stat(fd_);
  ASSERT_TRUE(before);
  if (before->dirty < 2048) GTEST_SKIP() << "the kernel wrote the file back on its own already";
  Writeback(path).start();
  auto after = cache_stat(fd_);
  ASSERT_TRUE(after);
  // Every dirty page is now being written or written (none dirtied again).
  EXPECT_LT(after->dirty, before->dirty / 10)
      << "before: " << before->dirty << " dirty pages; after: " << after->dirty;
}

// The writer's transaction holds the store's lock through the whole start:
// nothing was opened and closed on the file (which would release it). Another
// process tries to write (SQLite shares locks between connections of one
// process in memory, so only another process sees the file's own locks).
TEST_F(WritebackTest, StartKeepsTheWritersLock) {
  auto w = ScanWriter::begin(*store_, "test");
  ASSERT_TRUE(w.ok()) << posture::format(w.errors());
  Writeback(db_).start();
  auto other = posture::testing::run_process("/usr/bin/sqlite3", {db_, "BEGIN IMMEDIATE;"}, {});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.err.find("locked"), std::string::npos) << other.err;
  EXPECT_TRUE(w->commit().ok());
  auto after = posture::testing::run_process("/usr/bin/sqlite3", {db_, "BEGIN IMMEDIATE;"}, {});
  EXPECT_EQ(after.exit_code, 0) << after.err;  // the lock was what refused it
}

// A scan larger than the writer's page cache (64 MiB) plus kStartEvery:
// before the commit, most of what SQLite wrote to the file is already on
// its way to disk rather than dirty in memory.
TEST_F(WritebackTest, AScanStartsWritingItsPagesBeforeItCommits) {
  if (!pages_observable()) GTEST_SKIP();
  fd_ = open(db_.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd_, 0);
  auto w = ScanWriter::begin(*store_, "test");
  ASSERT_TRUE(w.ok()) << posture::format(w.errors());
  const auto* connector = store_->schema().type("Connector");
  std::string padding(6000, 'p');
  for (int i = 0; i < 24000; ++i) {
    Record r;
    r.type = connector;
    r.id = "/subscriptions/s" + std::to_string(i);
    r.fields = {{"id", r.id}, {"name", "n" + std::to_string(i)}};
    r.raw = "{\"id\":\"" + r.id + "\",\"padding\":\"" + padding + "\"}";
    ASSERT_TRUE(w->add(r).ok());
  }
  auto before_commit = cache_stat(fd_);
  ASSERT_TRUE(before_commit);
  uint64_t size_pages = std::filesystem::file_size(db_) / 4096;
  ASSERT_GT(size_pages, uint64_t{(64 + 32) << 8}) << "SQLite spilled less than expected";
  EXPECT_LT(before_commit->dirty, size_pages / 2)
      << before_commit->dirty << " of " << size_pages << " pages still dirty";
  auto info = w->commit();
  ASSERT_TRUE(info.ok()) << posture::format(info.errors());
  EXPECT_EQ(info->objects, 24000);
}

}  // namespace
