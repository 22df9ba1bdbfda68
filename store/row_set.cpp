// RowSet and posture_in (row_set.hpp).
#include "store/row_set.hpp"

#include <algorithm>

#include "store/store_internal.hpp"

namespace posture::store::internal {

namespace {

// A bitmap may span at most this many words per member (4: 256 rowids per
// member, 32 bytes each where a sorted vector takes 8), and any set at
// least kSmallWords.
constexpr size_t kWordsPerMember = 4;
constexpr size_t kSmallWords = size_t{1} << 14;  // 128 KiB

bool fits(uint64_t span_words, size_t members) {
  return span_words <= std::max(kSmallWords, kWordsPerMember * members);
}

void posture_in(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2) return sqlite3_result_error(ctx, "posture_in takes 2 arguments", -1);
  const auto* set = static_cast<const RowSet*>(sqlite3_value_pointer(argv[0], kRowSetPointer));
  if (!set) return sqlite3_result_error(ctx, "posture_in: no row set is bound", -1);
  if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER) return sqlite3_result_int(ctx, 0);
  sqlite3_result_int(ctx, set->contains(sqlite3_value_int64(argv[1])) ? 1 : 0);
}

}  // namespace

void RowSet::add(int64_t rowid) {
  ++size_;
  if (is_sparse_) {
    sparse_.push_back(rowid);
    return;
  }
  const int64_t word = rowid >> 6;  // arithmetic: floor division by 64
  if (words_.empty()) {
    base_ = word;
    words_.assign(1, 0);
  } else if (word < base_ || word - base_ >= static_cast<int64_t>(words_.size())) {
    const int64_t last = base_ + static_cast<int64_t>(words_.size()) - 1;
    const int64_t lo = std::min(base_, word), hi = std::max(last, word);
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    if (!fits(span, size_)) {
      make_sparse();
      sparse_.push_back(rowid);
      return;
    }
    // Grown by half again at least (amortised), within what fits.
    const uint64_t grown =
        std::min<uint64_t>(std::max<uint64_t>(span, words_.size() + words_.size() / 2),
                           std::max(kSmallWords, kWordsPerMember * size_));
    if (word < base_) {
      const auto front = static_cast<int64_t>(grown - words_.size());
      words_.insert(words_.begin(), static_cast<size_t>(front), 0);
      base_ -= front;
    } else {
      words_.resize(grown, 0);
    }
  }
  words_[static_cast<size_t>(word - base_)] |= uint64_t{1} << (rowid & 63);
}

void RowSet::make_sparse() {
  for (size_t w = 0; w < words_.size(); ++w)
    for (uint64_t bits = words_[w]; bits; bits &= bits - 1)
      sparse_.push_back(((base_ + static_cast<int64_t>(w)) << 6) | __builtin_ctzll(bits));
  words_ = {};
  is_sparse_ = true;
}

void RowSet::finish() {
  if (!is_sparse_) return;
  std::sort(sparse_.begin(), sparse_.end());
  sparse_.erase(std::unique(sparse_.begin(), sparse_.end()), sparse_.end());
}

bool RowSet::contains(int64_t rowid) const {
  if (is_sparse_) return std::binary_search(sparse_.begin(), sparse_.end(), rowid);
  const int64_t word = (rowid >> 6) - base_;
  if (word < 0 || word >= static_cast<int64_t>(words_.size())) return false;
  return (words_[static_cast<size_t>(word)] >> (rowid & 63)) & 1;
}

Status register_row_sets(sqlite3* db, const std::string& path) {
  if (sqlite3_create_function_v2(db, "posture_in", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                 posture_in, nullptr, nullptr, nullptr) != SQLITE_OK)
    return sqlite_error(path, db, "registering posture_in");
  return ok_status();
}

}  // namespace posture::store::internal
