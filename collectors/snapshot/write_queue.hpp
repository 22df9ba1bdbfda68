// The importer's writer thread (private to collectors/snapshot). `posture
// import` reads, parses and normalises on the calling thread and hands each
// store write to a WriteQueue, which runs the writes in order on a thread of
// its own, so parsing the next objects overlaps SQLite storing the last ones.
// Writes travel in batches through a bounded queue: memory stays flat. The
// first write that fails stops the rest; its error carries the location of the
// object it came from, as if it had been written at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "store/store.hpp"

namespace posture::snapshot::internal {

class WriteQueue {
 public:
  // Starts the writer thread on `writer`, which only that thread touches
  // until finish() returns.
  explicit WriteQueue(store::ScanWriter& writer);
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;
  ~WriteQueue();  // finish(), ignoring its result

  // Each queues one write of the object at `where`. An error means an
  // earlier write failed: stop, and take the error from finish().
  Status add(store::Record&& record, const SourceLocation& where);
  Status add_error(store::CollectionError&& error, const SourceLocation& where);
  Status add_unmodelled(std::string id, std::string arm_type, std::string raw,
                        const SourceLocation& where);
  Status mark_collected(const schema::ObjectType& type, const SourceLocation& where);

  // Runs every queued write and stops the thread; the first failed write's
  // error ("import" at its object's location), or ok.
  Status finish();

 private:
  struct Unmodelled {
    std::string id, arm_type, raw;
  };
  struct Write {
    std::variant<store::Record, store::CollectionError, Unmodelled, const schema::ObjectType*> what;
    SourceLocation where;
    store::EncodedRow row;  // a record's, encoded on the reading thread
  };
  Status push(Write&& write);
  void flush();  // hands the pending batch to the writer thread
  void run();    // the writer thread
  Status apply(Write& write);

  store::ScanWriter& writer_;
  store::RowEncoder encoder_;   // the reading thread's
  std::vector<Write> pending_;  // the caller's batch being filled
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<Write>> batches_;  // guarded by mutex_
  // Batches written, which flush() frees on the reading thread.
  std::deque<std::vector<Write>> written_;  // guarded by mutex_
  bool closed_ = false;                     // guarded by mutex_
  bool failed_ = false;                     // guarded by mutex_
  std::optional<Diagnostic> error_;         // guarded by mutex_
  std::thread thread_;
};

}  // namespace posture::snapshot::internal
