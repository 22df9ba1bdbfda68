// posture bench compares its sides' ids by their 128-bit digests
// (engine/bench/measure.hpp): as multisets, naming examples read again from
// the sides only when they differ.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/bench/measure.hpp"

namespace posture::bench {
namespace {

// A side that selects `ids` (in that order), counting how often it was read.
Side side_of(std::vector<std::string> ids, int* reads) {
  Side side;
  side.run = [ids] { return Result<uint64_t>(ids.size()); };
  side.each_id = [ids, reads](const IdVisitor& visit) -> Status {
    ++*reads;
    for (const auto& id : ids) visit(id);
    return ok_status();
  };
  return side;
}

std::vector<IdDigest> digests_of(const Side& side) {
  std::vector<IdDigest> out;
  EXPECT_TRUE(side.each_id([&](std::string_view id) { out.push_back(id_digest(id)); }).ok());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BenchCompare, EqualIdsHaveEqualDigestsAndOthersDoNot) {
  EXPECT_EQ(id_digest("/subscriptions/a"), id_digest(std::string("/subscriptions/") + "a"));
  EXPECT_NE(id_digest("/subscriptions/a"), id_digest("/subscriptions/b"));
  EXPECT_NE(id_digest("/subscriptions/a"), id_digest("/Subscriptions/a"));  // bytes, not keys
  EXPECT_NE(id_digest(""), id_digest(std::string(1, '\0')));
  // Neither half alone decides: ids differing only past the first byte too.
  std::vector<IdDigest> many;
  for (int i = 0; i < 100000; ++i) many.push_back(id_digest("/subscriptions/" + std::to_string(i)));
  std::sort(many.begin(), many.end());
  EXPECT_EQ(std::adjacent_find(many.begin(), many.end()), many.end());
}

TEST(BenchCompare, SidesCompareAsMultisetsAndNameTheirDifferences) {
  int side_reads = 0, reference_reads = 0;
  Side side = side_of({"c", "a", "b", "a"}, &side_reads);
  Side reference = side_of({"d", "c", "a"}, &reference_reads);
  IdDiff diff;
  auto same = compare_ids(side, digests_of(side), reference, digests_of(reference), diff);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(*same);
  EXPECT_EQ(diff.only_side, 2u);  // "b", and the second "a"
  EXPECT_EQ(diff.only_reference, 1u);
  EXPECT_EQ(diff.side_examples, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(diff.reference_examples, (std::vector<std::string>{"d"}));

  side_reads = reference_reads = 0;
  Side again = side_of({"a", "c", "d"}, &side_reads);
  same = compare_ids(again, digests_of(again), reference, digests_of(reference), diff);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(*same);
  EXPECT_EQ(diff.only_side + diff.only_reference, 0u);
  EXPECT_TRUE(diff.side_examples.empty() && diff.reference_examples.empty());
  // Equal sides are not read again for examples.
  EXPECT_EQ(side_reads, 1);
  EXPECT_EQ(reference_reads, 1);
}

TEST(BenchCompare, AtMostTenExamplesInByteOrder) {
  int reads = 0;
  std::vector<std::string> ids;
  for (int i = 30; i > 0; --i) ids.push_back("id-" + std::to_string(i));
  Side side = side_of(ids, &reads);
  Side empty = side_of({}, &reads);
  IdDiff diff;
  auto same = compare_ids(side, digests_of(side), empty, digests_of(empty), diff);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(*same);
  EXPECT_EQ(diff.only_side, 30u);
  ASSERT_EQ(diff.side_examples.size(), 10u);
  EXPECT_EQ(diff.side_examples.front(), "id-1");
  EXPECT_EQ(diff.side_examples[1], "id-10");
  EXPECT_TRUE(std::is_sorted(diff.side_examples.begin(), diff.side_examples.end()));
}

}  // namespace
}  // namespace posture::bench
