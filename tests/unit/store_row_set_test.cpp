// Row sets (store/row_set.hpp, store/statement.hpp): a RowSet answers as a
// std::set of the same rowids does, dense or sparse, whatever order they came
// in; a Cursor runs a statement's sets first, in order, binds each to its
// `:set<i>` parameter (a set may read the sets before it), counts their steps,
// binds them again after reset(), and refuses a parameter naming a set not
// yet computed; posture_in is 0 for NULL and an error without a set.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/row_set.hpp"
#include "unit/temp_store_fixture.hpp"

namespace {

using posture::store::Cursor;
using posture::store::Statement;
using posture::store::internal::RowSet;

// Adds `rowids` to a RowSet and checks it against a std::set of them: every
// member, its neighbours, and the extremes.
void expect_same(const std::vector<int64_t>& rowids) {
  RowSet set;
  std::set<int64_t> want(rowids.begin(), rowids.end());
  for (int64_t r : rowids) set.add(r);
  set.finish();
  EXPECT_EQ(set.size(), rowids.size());
  std::vector<int64_t> probes{
      0, 1, -1, 63, 64, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (int64_t r : want) {
    probes.push_back(r);
    if (r > std::numeric_limits<int64_t>::min()) probes.push_back(r - 1);
    if (r < std::numeric_limits<int64_t>::max()) probes.push_back(r + 1);
  }
  for (int64_t p : probes) ASSERT_EQ(set.contains(p), want.count(p) == 1) << "rowid " << p;
}

TEST(RowSet, AnswersAsASetOfTheSameRowidsDoes) {
  expect_same({});
  expect_same({42});
  expect_same({0, 63, 64, 127, 128});
  expect_same({-5, -64, -65, 3});
  expect_same({std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()});
  expect_same({7, 7, 7, 8});  // duplicates
  std::mt19937_64 random(20261204);
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Dense in a scan's range (the usual set), written forwards, backwards
    // (the bitmap grows at its front) or shuffled; sparse over a wide range;
    // dense with a few far outliers (the set turns sparse midway).
    std::vector<int64_t> rowids;
    const int64_t base = static_cast<int64_t>(random() % 1000000) - 500000;
    const int n = 1 + static_cast<int>(random() % 5000);
    switch (round % 4) {
      case 0:
        for (int i = 0; i < n; ++i)
          if (random() % 3) rowids.push_back(base + i);
        break;
      case 1:
        for (int i = n; i-- > 0;)
          if (random() % 2) rowids.push_back(base + i);
        break;
      case 2:
        for (int i = 0; i < n; ++i) rowids.push_back(static_cast<int64_t>(random() >> 2));
        break;
      case 3:
        for (int i = 0; i < n; ++i) rowids.push_back(base + static_cast<int64_t>(random() % 9000));
        for (int i = 0; i < 3; ++i)
          rowids.insert(rowids.begin() + static_cast<std::ptrdiff_t>(random() % rowids.size()),
                        static_cast<int64_t>(random() >> 3) - (int64_t{1} << 59));
        break;
    }
    std::shuffle(rowids.begin(), rowids.end() - static_cast<std::ptrdiff_t>(rowids.size() / 2),
                 random);
    expect_same(rowids);
  }
}

class StoreRowSetTest : public posture::testing::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    auto w = posture::store::ScanWriter::begin(*store_, "test");
    ASSERT_TRUE(w.ok());
    for (const char* name : {"a", "b", "c", "d", "e"}) {
      posture::store::Record r;
      r.type = store_->schema().type("Connector");
      r.id = std::string("/subscriptions/") + name;
      r.fields = {{"id", r.id}, {"name", name}};
      r.raw = nlohmann::json{{"id", r.id}}.dump();
      ASSERT_TRUE(w->add(r).ok());
    }
    auto info = w->commit();
    ASSERT_TRUE(info.ok());
    scan_ = info->id;
  }

  // Column 0 of each row, joined by ','; "ERROR: ..." when it fails.
  std::string names(Cursor& cursor) {
    std::string out;
    while (true) {
      auto row = cursor.next();
      if (!row) return "ERROR: " + posture::format(row.errors());
      if (!*row) return out;
      out += (out.empty() ? "" : ",") + std::string(cursor.text(0));
    }
  }
  std::string names(const Statement& st) {
    auto cursor = Cursor::open(*store_, st, scan_);
    if (!cursor) return "ERROR: " + posture::format(cursor.errors());
    return names(*cursor);
  }

  int64_t scan_ = 0;
};

TEST_F(StoreRowSetTest, ACursorComputesEachSetBeforeTheStatementAndBindsItByName) {
  Statement st{
      "SELECT name FROM connector WHERE _scan = :scan AND posture_in(:set1, _rid) "
      "ORDER BY _rid",
      {std::string("b"), std::string("d")},
      ":scan",
      {"SELECT _rid FROM connector WHERE _scan = :scan AND name IN (:p1, :p2)"}};
  EXPECT_EQ(names(st), "b,d");
  // NOT posture_in: the complement, NULL never in a set.
  st.sql =
      "SELECT name FROM connector WHERE NOT posture_in(:set1, _rid) AND posture_in(:set1, NULL) = "
      "0 "
      "ORDER BY _rid";
  EXPECT_EQ(names(st), "a,c,e");
  // A set reads the sets before it; the statement reads any of them.
  st.sets.push_back("SELECT _rid FROM connector WHERE NOT posture_in(:set1, _rid) AND name <> 'e'");
  st.sql = "SELECT name FROM connector WHERE posture_in(:set2, _rid) OR name = :p1 ORDER BY _rid";
  EXPECT_EQ(names(st), "a,b,c");
  // A NULL the set's statement selects is in no set (the compiler leaves
  // out `fk IS NOT NULL` for a row set).
  Statement nulls{"SELECT name FROM connector WHERE NOT posture_in(:set1, _rid) ORDER BY _rid",
                  {},
                  "",
                  {"SELECT CASE WHEN name = 'b' THEN NULL ELSE _rid END FROM connector"}};
  EXPECT_EQ(names(nulls), "b");
}

// One statement fills several sets from one read of the table: a column
// per set, named set<N>, 1 for the rows in it; a statement of one column
// fills the lowest set not yet filled.
TEST_F(StoreRowSetTest, OneStatementFillsTheSetsItsColumnsName) {
  Statement st{
      "SELECT name FROM connector WHERE posture_in(:set1, _rid) AND NOT posture_in(:set3, _rid) "
      "OR posture_in(:set2, _rid) ORDER BY _rid",
      {},
      ":scan",
      {"SELECT _rid, CASE WHEN name IN ('a', 'b', 'c') THEN 1 END AS \"set1\", "
       "CASE WHEN name = 'b' THEN 1 ELSE 0 END AS \"set3\" FROM connector WHERE _scan = :scan",
       "SELECT _rid FROM connector WHERE name = 'e' AND NOT posture_in(:set3, _rid)"}};
  EXPECT_EQ(posture::store::row_set_numbers(st.sets),
            (std::vector<std::vector<size_t>>{{1, 3}, {2}}));
  EXPECT_EQ(posture::store::row_set_names({1, 3}), ":set1, :set3");
  EXPECT_EQ(names(st), "a,c,e");
  auto plan = store_->query_plan(st);
  ASSERT_TRUE(plan.ok()) << posture::format(plan.errors());
  EXPECT_EQ(plan->front(), "ROW SET :set1, :set3");
  // Columns that do not name the sets, and a set read before it is filled.
  Statement unnamed{"SELECT name FROM connector", {}, "", {"SELECT _rid, 1, 0 FROM connector"}};
  EXPECT_NE(names(unnamed).find("do not name its sets"), std::string::npos) << names(unnamed);
  Statement early{"SELECT name FROM connector",
                  {},
                  "",
                  {"SELECT _rid, 1 AS \"set2\" FROM connector WHERE posture_in(:set1, _rid)",
                   "SELECT _rid FROM connector"}};
  EXPECT_NE(names(early).find(":set1 names no row set before it"), std::string::npos)
      << names(early);
}

TEST_F(StoreRowSetTest, StepsCountTheSetsAndResetBindsThemAgain) {
  Statement plain{"SELECT name FROM connector WHERE name <> 'c' ORDER BY _rid", {}, ""};
  Statement with_set{"SELECT name FROM connector WHERE NOT posture_in(:set1, _rid) ORDER BY _rid",
                     {},
                     "",
                     {"SELECT _rid FROM connector WHERE name = 'c'"}};
  auto a = Cursor::open(*store_, plain, scan_);
  auto b = Cursor::open(*store_, with_set, scan_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(names(*a), names(*b));
  // The set's statement read the five rows as well.
  EXPECT_GT(b->steps(), a->steps());
  b->reset();
  EXPECT_EQ(names(*b), "a,b,d,e");
}

TEST_F(StoreRowSetTest, AParameterOfASetNotYetComputedOrAnUnboundSetIsAnError) {
  Statement later{"SELECT name FROM connector WHERE posture_in(:set2, _rid)",
                  {},
                  "",
                  {"SELECT _rid FROM connector"}};
  EXPECT_NE(names(later).find(":set2 names no row set before it"), std::string::npos)
      << names(later);
  Statement itself{"SELECT name FROM connector",
                   {},
                   "",
                   {"SELECT _rid FROM connector WHERE posture_in(:set1, _rid)"}};
  EXPECT_NE(names(itself).find(":set1 names no row set before it"), std::string::npos);
  // A value that is not a set (a literal bound to a set's place) reads as none.
  Statement literal{"SELECT name FROM connector WHERE posture_in(:p1, _rid)", {int64_t{1}}, ""};
  EXPECT_NE(names(literal).find("posture_in: no row set is bound"), std::string::npos)
      << names(literal);
}

}  // namespace
