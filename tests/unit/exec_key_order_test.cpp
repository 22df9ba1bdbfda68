// KeyOrder (engine/exec/key_order.hpp): the executor's sort of a root
// field's objects by key, in memory and, beyond its budget, through sorted
// runs in temporary files. Its order must be SQLite's BINARY collation
// (bytes, a prefix first), stable for equal keys, whatever the batch shares.
#include "engine/exec/key_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using posture::exec::KeyOrder;
using Row = std::pair<std::string, std::string>;  // key, text

// Keys like the store's: a long shared prefix, then bytes that differ in
// length and value, NUL and high bytes among them, some repeated.
std::vector<Row> rows_of(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    std::string key = "/subscriptions/";
    size_t tail = random() % 12;
    for (size_t j = 0; j < tail; ++j) {
      static const char bytes[] = {'\0', '\x01', '0', '7', 'a', 'f', '-', '\x7f', '\x80', '\xff'};
      key += bytes[random() % sizeof bytes];
    }
    if (i % 17 == 3 && !rows.empty()) key = rows[random() % rows.size()].first;  // a repeat
    rows.emplace_back(key, "{\"n\":" + std::to_string(i) + "}");
  }
  return rows;
}

std::vector<std::string> sorted_texts(std::vector<Row> rows) {
  // std::string compares as unsigned bytes (char_traits<char>::compare is memcmp).
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(std::move(r.second));
  return out;
}

std::vector<std::string> through(KeyOrder& order, const std::vector<Row>& rows) {
  for (const auto& [key, text] : rows) EXPECT_TRUE(order.add(key, text).ok());
  std::vector<std::string> out;
  EXPECT_TRUE(order.drain([&](std::string_view text) { out.emplace_back(text); }).ok());
  return out;
}

TEST(KeyOrder, SortsInMemoryByBytesAPrefixFirstKeepingEqualKeysInTheirOrder) {
  auto rows = rows_of(5000, 1);
  KeyOrder order;
  EXPECT_EQ(through(order, rows), sorted_texts(rows));
  EXPECT_EQ(order.runs(), 0u);
}

TEST(KeyOrder, BeyondItsBudgetMergesSortedRunsToTheSameOrder) {
  auto rows = rows_of(5000, 2);
  KeyOrder order(4096);
  for (const auto& [key, text] : rows) ASSERT_TRUE(order.add(key, text).ok());
  EXPECT_GT(order.runs(), 20u) << "a small budget spills";
  std::vector<std::string> out;
  ASSERT_TRUE(order.drain([&](std::string_view text) { out.emplace_back(text); }).ok());
  EXPECT_EQ(out, sorted_texts(rows));
  // Drained: it is empty and can be used again.
  EXPECT_EQ(order.runs(), 0u);
  auto again = rows_of(300, 3);
  EXPECT_EQ(through(order, again), sorted_texts(again));
}

// Heads that tie in long runs (a subscription's resources share the 8 bytes
// after the prefix), decided by the rest of the key: 20 000 rows, one batch.
TEST(KeyOrder, RowsWhoseHeadsTieAreOrderedByTheRestOfTheKey) {
  std::mt19937 random(4);
  std::vector<Row> rows;
  for (size_t i = 0; i < 20000; ++i) {
    std::string key = "/subscriptions/" + std::string(8, "abc"[random() % 3]) + "/r";
    for (size_t j = random() % 6; j > 0; --j) key += "0\x80z"[random() % 3];
    rows.emplace_back(key, std::to_string(i));
  }
  KeyOrder order;
  EXPECT_EQ(through(order, rows), sorted_texts(rows));
}

TEST(KeyOrder, KeysWithNoCommonPrefixAndEmptyOnesSortToo) {
  std::vector<Row> rows{{"b", "1"}, {"", "2"}, {"a\xff", "3"}, {"a", "4"}, {"", "5"}, {"ab", "6"}};
  KeyOrder order;
  EXPECT_EQ(through(order, rows), (std::vector<std::string>{"2", "5", "4", "6", "3", "1"}));
  KeyOrder nothing;
  EXPECT_TRUE(through(nothing, {}).empty());
}

// Several orders drained together (a root field read in parts by workers):
// the rows of all in key order, equal keys in the order of the orders, then
// as added; in memory, and when some have spilled runs.
TEST(KeyOrder, OrdersDrainedTogetherMergeAsOneOrderWould) {
  for (size_t budget : {KeyOrder::kDefaultBudget, size_t{4096}}) {
    auto rows = rows_of(6000, 5);
    std::vector<std::unique_ptr<KeyOrder>> orders;
    for (int k = 0; k < 3; ++k)
      orders.push_back(std::make_unique<KeyOrder>(k == 1 ? budget : KeyOrder::kDefaultBudget));
    // Consecutive thirds, as parts of a rowid range are.
    for (size_t i = 0; i < rows.size(); ++i)
      ASSERT_TRUE(orders[i * 3 / rows.size()]->add(rows[i].first, rows[i].second).ok());
    ASSERT_TRUE(orders[0]->finish().ok());  // ended early by its worker
    if (budget == 4096) {
      EXPECT_GT(orders[1]->runs(), 5u);
    }
    std::vector<std::string> out;
    ASSERT_TRUE(
        KeyOrder::drain(orders, [&](std::string_view text) { out.emplace_back(text); }).ok());
    EXPECT_EQ(out, sorted_texts(rows)) << "budget " << budget;
    for (auto& o : orders) EXPECT_EQ(o->runs(), 0u);
  }
}

}  // namespace
