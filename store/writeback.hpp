// Writeback: has the OS start writing a store's file to disk while an
// import is still writing it (private to store/*.cpp). Linux keeps written
// pages in memory until 10% of it is dirty or 30 s have passed, so without
// it the commit's fdatasync wrote the whole file at once: at 1M resources,
// 1.5 GB and 1.0-1.5 s of waiting at the end against 0.2 s with it
// (docs/performance.md, "Writing to disk while importing"). PostgreSQL's
// *_flush_after settings do the same with the same call.
#pragma once

#include <cstdint>
#include <string>

namespace posture::store::internal {

class Writeback {
 public:
  // For the store file at `path` and its write-ahead log (`path`-wal),
  // which this process's SQLite connection holds open.
  explicit Writeback(std::string path) : path_(std::move(path)) {}

  // Counts one row written; every kCheckEvery rows, when the files have
  // grown by kStartEvery bytes since the last start, starts their
  // write-out. Never waits for the disk, never fails: it only moves work
  // the commit would do earlier.
  void row_written();
  // Starts the files' write-out now (after a bulk step such as an index build).
  void start();

  static constexpr int kCheckEvery = 1024;
  static constexpr int64_t kStartEvery = int64_t{32} << 20;

 private:
  // Starts the write-out when the files have grown by `bytes` since the
  // last start (their sizes and inodes read once).
  void start_once_grown(int64_t bytes);
  std::string path_;
  int rows_ = 0;
  int64_t started_at_ = 0;  // the files' size at the last start
};

}  // namespace posture::store::internal
