// KeyOrder: a batch sorted in memory on an 8-byte integer head of each key
// (read after the prefix every key of the batch shares, "/subscriptions/"
// for most), which settles nearly every comparison without a memcmp; full
// batches written as sorted runs of (key size, text size, key, text) to
// temporary files (tmpfile(): gone when closed), then merged.
#include "engine/exec/key_order.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

namespace posture::exec {

namespace {

Diagnostic sort_error(const char* what) {
  return Diagnostic::error(
      "io", std::string("cannot ") + what +
                " a temporary file to put the rows in key order: " + std::strerror(errno));
}

// One row of a run being merged.
struct RunRow {
  std::string key;
  std::string text;
  size_t run = 0;
};

// Reads the next row of `f` into `row`: false at the end of the run.
bool read_row(std::FILE* f, RunRow& row) {
  uint32_t sizes[2];
  if (std::fread(sizes, sizeof sizes, 1, f) != 1) return false;
  row.key.resize(sizes[0]);
  row.text.resize(sizes[1]);
  return (sizes[0] == 0 || std::fread(row.key.data(), sizes[0], 1, f) == 1) &&
         (sizes[1] == 0 || std::fread(row.text.data(), sizes[1], 1, f) == 1);
}

}  // namespace

KeyOrder::~KeyOrder() = default;

Status KeyOrder::add(std::string_view key, std::string_view text) {
  const size_t size = key.size() + text.size();
  if (size > UINT32_MAX) return Diagnostic::error("io", "a row of over 4 GiB cannot be sorted");
  if (!entries_.empty() && bytes_ + entries_.size() * sizeof(Entry) + size > budget_)
    if (auto st = spill(); !st) return st;
  if (blocks_.empty() || block_used_ + size > kBlock) {
    const size_t block = std::max(kBlock, size);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
    bytes_ += block;
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  std::memcpy(at, key.data(), key.size());
  std::memcpy(at + key.size(), text.data(), text.size());
  block_used_ += size;
  entries_.push_back(
      {0, at, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(text.size()), seq_++});
  sorted_ = false;
  return ok_status();
}

void KeyOrder::clear() {
  sorted_ = false;
  entries_.clear();
  blocks_.clear();
  block_used_ = 0;
  bytes_ = 0;
}

void KeyOrder::sort_batch() {
  if (entries_.empty() || sorted_) return;
  sorted_ = true;
  auto key_of = [](const Entry& e) { return std::string_view(e.key, e.key_size); };
  // The prefix all keys of the batch share: comparisons start after it.
  std::string_view first = key_of(entries_.front());
  size_t common = first.size();
  for (const Entry& e : entries_) {
    std::string_view k = key_of(e);
    size_t n = std::min(common, k.size()), i = 0;
    while (i < n && k[i] == first[i]) ++i;
    common = i;
    if (common == 0) break;
  }
  for (Entry& e : entries_) {
    uint64_t head = 0;
    for (size_t i = 0; i < 8; ++i) {
      size_t at = common + i;
      head = (head << 8) | (at < e.key_size ? static_cast<unsigned char>(e.key[at]) : 0U);
    }
    e.head = head;
  }
  // Heads, 0-padded, order keys as the keys do, so unequal heads decide.
  std::sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
    if (a.head != b.head) return a.head < b.head;
    int c = key_of(a).substr(common).compare(key_of(b).substr(common));
    return c != 0 ? c < 0 : a.seq < b.seq;
  });
}

Status KeyOrder::spill() {
  sort_batch();
  std::unique_ptr<std::FILE, FileCloser> f(std::tmpfile());
  if (!f) return sort_error("create");
  for (const Entry& e : entries_) {
    const uint32_t sizes[2] = {e.key_size, e.text_size};
    if (std::fwrite(sizes, sizeof sizes, 1, f.get()) != 1 ||
        std::fwrite(e.key, 1, e.key_size + e.text_size, f.get()) != e.key_size + e.text_size)
      return sort_error("write");
  }
  if (std::fflush(f.get()) != 0) return sort_error("write");
  std::rewind(f.get());
  runs_.push_back(std::move(f));
  clear();
  return ok_status();
}

Status KeyOrder::finish() {
  if (runs_.empty() || entries_.empty()) {
    sort_batch();
    return ok_status();
  }
  return spill();
}

Status KeyOrder::drain(const std::function<void(std::string_view)>& emit) {
  KeyOrder* const self[] = {this};
  return drain_orders(self, emit);
}

Status KeyOrder::drain(const std::vector<std::unique_ptr<KeyOrder>>& orders,
                       const std::function<void(std::string_view)>& emit) {
  return drain_orders(orders, emit);
}

template <class Orders>
Status KeyOrder::drain_orders(const Orders& orders,
                              const std::function<void(std::string_view)>& emit) {
  bool spilled = false;
  for (const auto& o : orders) spilled = spilled || !o->runs_.empty();
  auto forget = [&] {
    for (const auto& o : orders) {
      o->clear();
      o->runs_.clear();
      o->seq_ = 0;
    }
  };
  if (!spilled) {
    // Each batch sorted, then merged by whole keys (each batch's heads
    // start after its own common prefix); on equal keys the earlier order.
    std::vector<std::pair<const Entry*, const Entry*>> next;  // (at, end) of each batch
    for (const auto& o : orders) {
      o->sort_batch();
      if (!o->entries_.empty())
        next.emplace_back(o->entries_.data(), o->entries_.data() + o->entries_.size());
    }
    auto key_of = [](const Entry* e) { return std::string_view(e->key, e->key_size); };
    while (!next.empty()) {
      size_t least = 0;
      for (size_t i = 1; i < next.size(); ++i)
        if (key_of(next[i].first) < key_of(next[least].first)) least = i;
      const Entry* e = next[least].first;
      emit(std::string_view(e->key + e->key_size, e->text_size));
      if (++next[least].first == next[least].second) next.erase(next.begin() + least);
    }
    forget();
    return ok_status();
  }
  // Every batch a run, then a k-way merge; runs were written in the order
  // rows were added, and are numbered in the order of `orders`, so on equal
  // keys the lower run comes first.
  std::vector<std::FILE*> runs;
  for (const auto& o : orders) {
    if (!o->entries_.empty())
      if (auto st = o->spill(); !st) return st;
    for (const auto& f : o->runs_) runs.push_back(f.get());
  }
  auto later = [](const RunRow* a, const RunRow* b) {
    int c = a->key.compare(b->key);
    return c != 0 ? c > 0 : a->run > b->run;
  };
  std::vector<RunRow> rows(runs.size());
  std::priority_queue<RunRow*, std::vector<RunRow*>, decltype(later)> heads(later);
  for (size_t i = 0; i < runs.size(); ++i) {
    rows[i].run = i;
    if (read_row(runs[i], rows[i])) heads.push(&rows[i]);
  }
  while (!heads.empty()) {
    RunRow* row = heads.top();
    heads.pop();
    emit(row->text);
    if (read_row(runs[row->run], *row)) heads.push(row);
  }
  for (std::FILE* f : runs)
    if (std::ferror(f)) return sort_error("read");
  forget();
  return ok_status();
}

}  // namespace posture::exec
