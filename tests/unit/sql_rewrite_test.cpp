// The IR rewrites of engine/sql/rewrite.hpp: what they merge and fold. (That
// they preserve meaning is the differential test's job.)
#include <gtest/gtest.h>

#include "engine/exec/engine.hpp"
#include "engine/sql/rewrite.hpp"

namespace posture {
namespace {

ir::Predicate where_of(const std::string& filter) {
  auto q = exec::Engine().compile("{ connectors(where: " + filter + ") { id } }");
  EXPECT_TRUE(q) << format(q.errors());
  return q ? q->query.roots.front().where : ir::Predicate::always(false);
}

std::string rewritten(const std::string& filter) {
  return ir::to_string(sql::rewrite(where_of(filter)));
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
  auto sql = sql::compile_matches(*schema::Schema::builtin().type("Connector"), where_of(seed));
  EXPECT_EQ(occurrences(sql.sql, "IN (SELECT"), 2u) << sql.sql;
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
