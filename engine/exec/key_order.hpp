// Rows put in key order by the executor: (key, text) pairs held in memory up
// to a budget, sorted there, and beyond it written out as sorted runs to
// temporary files and merged at the end, so a root field of millions of
// objects is put in order in bounded memory (docs/performance.md, "The query
// path"). Keys compare as SQLite's BINARY collation does: byte by byte,
// a prefix first.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace posture::exec {

class KeyOrder {
 public:
  static constexpr size_t kDefaultBudget = size_t{96} << 20;  // bytes of keys, texts and entries

  explicit KeyOrder(size_t budget = kDefaultBudget) : budget_(budget) {}
  KeyOrder(const KeyOrder&) = delete;
  KeyOrder& operator=(const KeyOrder&) = delete;
  ~KeyOrder();

  // Adds a row. Errors: a temporary file that could not be written.
  Status add(std::string_view key, std::string_view text);
  // Ends the adding: the rows held sorted, or a run written, ready for
  // drain (which does it otherwise). A worker that filled this order ends it
  // on its own thread, so that the sorts of several run at once.
  Status finish();
  // Calls `emit` with every row's text in key order (rows of equal keys in
  // the order they were added), then forgets them.
  Status drain(const std::function<void(std::string_view)>& emit);
  // The rows of all `orders` as drain gives one order's: in key order, rows
  // of equal keys in the order of `orders`, then as added.
  static Status drain(const std::vector<std::unique_ptr<KeyOrder>>& orders,
                      const std::function<void(std::string_view)>& emit);
  // How many sorted runs went to temporary files so far.
  size_t runs() const { return runs_.size(); }

 private:
  // drain over orders held by pointer or by unique_ptr.
  template <class Orders>
  static Status drain_orders(const Orders& orders,
                             const std::function<void(std::string_view)>& emit);
  struct Entry {
    uint64_t head;    // 8 key bytes after the batch's common prefix, big-endian, 0-padded
    const char* key;  // the key, then the text, in a block
    uint32_t key_size;
    uint32_t text_size;
    uint32_t seq;
  };
  static constexpr size_t kBlock = size_t{1} << 20;
  void sort_batch();
  Status spill();
  void clear();

  size_t budget_;
  // The batch's keys and texts in blocks that never move (a growing string
  // would copy them and touch twice the memory).
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;  // in the last block
  size_t bytes_ = 0;       // of all blocks
  std::vector<Entry> entries_;
  uint32_t seq_ = 0;
  bool sorted_ = false;  // entries_ sorted since the last add
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::vector<std::unique_ptr<std::FILE, FileCloser>> runs_;
};

}  // namespace posture::exec
