// The optimizer stage (engine/optimizer): what its rewrites merge and fold, and
// that a compiled query keeps both IRs and builds its SQL from the optimised
// one. (That the rewrites preserve meaning is the differential test's job.)
#include <gtest/gtest.h>

#include "engine/exec/engine.hpp"
#include "engine/optimizer/optimizer.hpp"

namespace posture {
namespace {

ir::Predicate where_of(const std::string& filter) {
  auto q = exec::Engine().compile("{ connectors(where: " + filter + ") { id } }");
  EXPECT_TRUE(q) << format(q.errors());
  return q ? q->analysed.roots.front().where : ir::Predicate::always(false);
}

std::string rewritten(const std::string& filter) {
  return ir::to_string(optimizer::rewrite(where_of(filter)));
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Rewrite, SomeQuantifiersOnOneRelationshipUnderOrBecomeOneSubquery) {
  std::string seed =
      R"({ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: null } },
                                 { securityContacts_SOME: { email: { eq: "" } } }] })";
  std::string text = rewritten(seed);
  // `rel_SOME: null` is NOT(some TRUE) and stays apart; the other two merge.
  EXPECT_EQ(occurrences(text, "securityContacts some"), 2u) << text;
  auto sql = sql::compile_matches(*schema::builtin().type("Connector"),
                                  optimizer::rewrite(where_of(seed)));
  // Two related sets: two row sets, each read once.
  EXPECT_EQ(sql.sets.size(), 2u) << sql.sql;
  EXPECT_EQ(occurrences(sql.sql, "posture_in(:set"), 2u) << sql.sql;
}

TEST(Optimizer, ACompiledQueryKeepsBothIrsAndItsSqlIsTheOptimisedOnes) {
  std::string text = R"({ connectors(where: { OR: [{ securityContacts_SOME: { email: null } },
      { securityContacts_SOME: { email: { eq: "" } } }] }) { id
      securityContacts(where: { NOT: { NOT: { email: "a" } } }) { id } } })";
  auto q = exec::Engine().compile(text);
  ASSERT_TRUE(q) << format(q.errors());
  const auto& analysed = q->analysed.roots.front();
  const auto& optimised = q->optimised.roots.front();
  EXPECT_EQ(occurrences(ir::to_string(analysed.where), "securityContacts some"), 2u);
  EXPECT_EQ(occurrences(ir::to_string(optimised.where), "securityContacts some"), 1u);
  EXPECT_EQ(ir::to_string(optimised.where), ir::to_string(optimizer::rewrite(analysed.where)));
  // A nested selection's own filter is optimised too: the double NOT is gone.
  EXPECT_EQ(occurrences(ir::to_string(analysed.selections.at(1).where), "NOT"), 2u);
  EXPECT_EQ(occurrences(ir::to_string(optimised.selections.at(1).where), "NOT"), 0u);
  // The statement is the optimised IR's: one subquery for the merged OR.
  EXPECT_EQ(q->statements.at(0).sql, sql::compile_root(optimised).sql);
  EXPECT_NE(q->statements.at(0).sql, sql::compile_root(analysed).sql);
}

TEST(Rewrite, NegatedExistentialsUnderAndMerge) {
  std::string text = rewritten(
      R"({ securityContacts_NONE: { phone: "" }, NOT: { securityContacts_SOME: { email: "" } } })");
  EXPECT_EQ(occurrences(text, "securityContacts some"), 1u) << text;
  EXPECT_EQ(text.rfind("NOT", 0), 0u) << text;
}

TEST(Rewrite, ConstantsFoldAndNegationsCancel) {
  EXPECT_EQ(rewritten("{ OR: [] }"), "FALSE\n");
  EXPECT_EQ(rewritten("{ AND: [] }"), "TRUE\n");
  EXPECT_EQ(rewritten("{ OR: [{ AND: [] }, { name: \"x\" }] }"), "TRUE\n");
  EXPECT_EQ(rewritten("{ NOT: { NOT: { name: \"x\" } } }"), "name eq \"x\"\n");
  EXPECT_EQ(rewritten("{ AND: [{ name: \"x\" }, { AND: [{ state: \"y\" }] }] }"),
            "AND\n  name eq \"x\"\n  state eq \"y\"\n");
}

TEST(Rewrite, DifferentRelationshipsOrQuantifiersAreLeftAlone) {
  std::string text = rewritten(
      R"({ OR: [{ securityContacts_ALL: { email: "" } }, { securityContacts_SOME: { phone: "" } }] })");
  EXPECT_EQ(occurrences(text, "securityContacts all"), 1u) << text;
  EXPECT_EQ(occurrences(text, "securityContacts some"), 1u) << text;
}

}  // namespace
}  // namespace posture
