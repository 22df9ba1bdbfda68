// WriteQueue: the importer's store writes, run in order on a writer thread.
#include "collectors/snapshot/write_queue.hpp"

#include <exception>
#include <utility>

namespace posture::snapshot::internal {

namespace {

// Writes per batch, and batches the queue holds before the reader waits:
// at most kBatch * kBatches objects in flight.
constexpr size_t kBatch = 256;
constexpr size_t kBatches = 8;

// The diagnostic `d` as an import error at `where`, keeping its hints.
Diagnostic at(const SourceLocation& where, const Diagnostic& d) {
  Diagnostic out = Diagnostic::error("import", d.message, where);
  out.hints = d.hints;
  return out;
}

}  // namespace

WriteQueue::WriteQueue(store::ScanWriter& writer) : writer_(writer) {
  pending_.reserve(kBatch);
  thread_ = std::thread([this] { run(); });
}

WriteQueue::~WriteQueue() {
  (void)finish();
}

Status WriteQueue::add(store::Record&& record, const SourceLocation& where) {
  return push({std::move(record), where, {}});
}

Status WriteQueue::add_error(store::CollectionError&& error, const SourceLocation& where) {
  return push({std::move(error), where, {}});
}

Status WriteQueue::add_unmodelled(std::string id, std::string arm_type, std::string raw,
                                  const SourceLocation& where) {
  return push({Unmodelled{std::move(id), std::move(arm_type), std::move(raw)}, where, {}});
}

Status WriteQueue::mark_collected(const schema::ObjectType& type, const SourceLocation& where) {
  return push({&type, where, {}});
}

Status WriteQueue::push(Write&& write) {
  pending_.push_back(std::move(write));
  // The row's parameters are worked out here, on the reading thread, so
  // the writer thread (the slower of the two) only binds and steps.
  Write& queued = pending_.back();
  if (auto* record = std::get_if<store::Record>(&queued.what);
      record && writer_.uses_encoded_rows())
    encoder_.encode(*record, queued.row);
  if (pending_.size() < kBatch) return ok_status();
  flush();
  std::lock_guard<std::mutex> lock(mutex_);
  if (failed_) return Diagnostic::error("import", "an earlier write failed");
  return ok_status();
}

void WriteQueue::flush() {
  if (pending_.empty()) return;
  std::deque<std::vector<Write>> written;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return batches_.size() < kBatches || closed_; });
    batches_.push_back(std::move(pending_));
    written.swap(written_);
  }
  changed_.notify_all();
  // The written batches are destroyed here, on the thread that allocated
  // their records: freed by the writer thread, each of their blocks went
  // back to this thread's malloc arena under its lock, a fifth of the
  // writer thread's time (docs/performance.md, "Import against SQLite's own
  // load"). The first one's vector is the next pending batch.
  pending_.clear();
  if (!written.empty()) {
    written.front().clear();
    pending_.swap(written.front());
  }
  pending_.reserve(kBatch);
}

Status WriteQueue::finish() {
  if (!thread_.joinable()) return ok_status();
  flush();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (error_) return *error_;
  return ok_status();
}

void WriteQueue::run() {
  while (true) {
    std::vector<Write> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return !batches_.empty() || closed_; });
      if (batches_.empty()) return;  // closed, and every batch written
      batch = std::move(batches_.front());
      batches_.pop_front();
      changed_.notify_all();
      if (failed_) continue;  // drain without writing
    }
    bool ok = true;
    for (auto& write : batch) {
      Status s = apply(write);
      if (s) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      failed_ = true;
      error_ = s.errors().front();
      ok = false;
      break;
    }
    if (!ok) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    written_.push_back(std::move(batch));  // for the reading thread to free
  }
}

Status WriteQueue::apply(Write& write) {
  try {
    Status s = ok_status();
    if (auto* record = std::get_if<store::Record>(&write.what))
      s = write.row.type ? writer_.add(*record, write.row) : writer_.add(*record);
    else if (auto* error = std::get_if<store::CollectionError>(&write.what))
      s = writer_.add_error(*error);
    else if (auto* raw = std::get_if<Unmodelled>(&write.what))
      s = writer_.add_unmodelled(raw->id, raw->arm_type, raw->raw);
    else
      s = writer_.mark_collected(*std::get<const schema::ObjectType*>(write.what));
    if (!s) return at(write.where, s.errors().front());
    return ok_status();
  } catch (const std::exception& e) {
    return Diagnostic::error("import", std::string("import failed: ") + e.what());
  }
}

}  // namespace posture::snapshot::internal
