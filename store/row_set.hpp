// A row set: the rowids a quantifier's related rows name, computed once
// before the statement that reads them runs (store::Statement::sets), and
// posture_in(set, rowid), the SQL function that tests membership. A set is
// a bitmap over the span of its rowids (a scan's rows are one rowid range,
// so its related sets are dense there); a set too sparse for a bitmap of
// at most a few words per member is a sorted vector instead. A membership
// test is a shift and a mask where SQLite's `IN (subquery)` is a B-tree
// seek in a temporary index it first fills (docs/performance.md, "Row sets").
// Internal to store/: include only from store/*.cpp.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace posture::store::internal {

class RowSet {
 public:
  void add(int64_t rowid);
  // After the last add(): ready for contains().
  void finish();
  bool contains(int64_t rowid) const;
  size_t size() const { return size_; }

 private:
  void make_sparse();

  int64_t base_ = 0;             // the word index (rowid >> 6) of words_[0]
  std::vector<uint64_t> words_;  // bit r & 63 of word (r >> 6) - base_: r is in
  std::vector<int64_t> sparse_;  // or the rowids, sorted by finish(), when sparse
  bool is_sparse_ = false;
  size_t size_ = 0;  // adds (duplicates included)
};

// The pointer type name sqlite3_bind_pointer and posture_in agree on.
inline constexpr const char* kRowSetPointer = "posture_row_set";

// Registers posture_in(set, rowid) on `db`: 1 when the integer `rowid` is in
// the bound RowSet, 0 otherwise (NULL is in no set); an error when no set is
// bound. Always 0 or 1, so [NOT] posture_in(...) stays two-valued.
Status register_row_sets(sqlite3* db, const std::string& path);

}  // namespace posture::store::internal
