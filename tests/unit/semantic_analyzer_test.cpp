// Unit tests of the semantic stage (engine/semantic/analyzer.hpp). The codes,
// line:column and "did you mean" hints of its diagnostics are data files,
// tests/semantics/errors/*.test; here: what those cannot express (the source
// name, every mistake reported); variables and their defaults; fragments,
// @include/@skip and aliases; the typed IR it builds (literal types, null in
// lists, the relationship null forms); and that an error never yields a
// partial query nor crashes, whatever the text.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/semantic/analyzer.hpp"
#include "engine/syntax/parser.hpp"
#include "tests/reference/inventory.hpp"

namespace {

using nlohmann::json;
using posture::Diagnostic;
using posture::Diagnostics;
using posture::Result;
using posture::ir::Predicate;
using posture::ir::Query;
using PKind = posture::ir::Predicate::Kind;
using SKind = posture::ir::Selection::Kind;

Result<Query> analyze(std::string_view text, json variables = json::object(),
                      std::string operation = "",
                      const posture::schema::Schema& schema = posture::schema::builtin()) {
  auto doc = posture::syntax::parse(text, "q.graphql");
  if (!doc) return doc.take_errors();
  posture::semantic::AnalyzeOptions options;
  options.variables = std::move(variables);
  options.operation_name = std::move(operation);
  options.source_name = "q.graphql";
  return posture::semantic::analyze(*doc, schema, options);
}

// The first diagnostic with `code`, or a failure listing what there was.
const Diagnostic* find(const Result<Query>& r, const std::string& code) {
  if (r.ok()) {
    ADD_FAILURE() << "expected a " << code << " error, but the query analysed";
    return nullptr;
  }
  for (const auto& d : r.errors())
    if (d.code == code) return &d;
  ADD_FAILURE() << "no " << code << " error among:\n" << posture::format(r.errors());
  return nullptr;
}

// The root's filter; a False predicate (and a failure) when analysis failed.
const Predicate& where(const Result<Query>& r) {
  static const Predicate failed = Predicate::always(false);
  if (!r.ok() || r->roots.empty()) {
    ADD_FAILURE() << (r.ok() ? "no root field" : posture::format(r.errors()));
    return failed;
  }
  return r->roots.front().where;
}

// --- diagnostics ------------------------------------------------------------

// The diagnostics' codes, line:column, messages and hints for each kind of
// mistake are data: tests/semantics/errors/*.test (run by semantics_test).
// Here what the data files cannot say: the source name, the number of
// diagnostics, and the IR of the operation chosen.

TEST(AnalyzerDiagnostics, NameTheSourceAndAreErrors) {
  auto r = analyze("{ connectors(where: { nmae: \"a\" }) { id } }");
  if (const Diagnostic* d = find(r, "unknown-field")) {
    EXPECT_EQ(d->where.source, "q.graphql");
    EXPECT_EQ(d->level, posture::Level::Error);
  }
}

TEST(AnalyzerDiagnostics, EveryMistakeIsReportedAndNoQueryIsReturned) {
  auto r = analyze("{ connectors(where: { nmae: \"a\", state: 3, name_CONTAINS: null }) { idd } }");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors().size(), 4u) << posture::format(r.errors());
  for (const auto& d : r.errors()) {
    EXPECT_FALSE(d.code.empty());
    EXPECT_FALSE(d.message.empty());
    EXPECT_EQ(d.where.line, 1);
    EXPECT_GT(d.where.column, 0);
  }
}

TEST(AnalyzerDiagnostics, TheNamedOperationIsAnalysed) {
  auto r = analyze("query A { connectors { id } } query B { securityContacts { id } }", {}, "B");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(r->operation_name, "B");
  EXPECT_EQ(r->roots.at(0).type->name, "SecurityContact");
}

// --- variables ------------------------------------------------------------------

// The single literal of a Compare predicate.
const posture::ir::Literal& literal(const Predicate& p) {
  EXPECT_EQ(p.kind, PKind::Compare) << posture::ir::to_string(p);
  return p.values.at(0);
}

TEST(AnalyzerVariables, DefaultsAreUsedUnlessAValueIsGiven) {
  const char* text = "query Q($n: String = \"dflt\") { connectors(where: { name: $n }) { id } }";
  auto r = analyze(text);
  EXPECT_EQ(std::get<std::string>(literal(where(r))), "dflt");
  r = analyze(text, {{"n", "given"}});
  EXPECT_EQ(std::get<std::string>(literal(where(r))), "given");
  r = analyze(text, {{"n", nullptr}});
  EXPECT_EQ(where(r).kind, PKind::IsNull) << "an explicit null is the literal null";
}

TEST(AnalyzerVariables, StructuredValuesBuildTheFilter) {
  auto r = analyze("query Q($w: ConnectorWhere) { connectors(where: $w) { id } }",
                   {{"w", {{"OR", json::array({{{"name", "a"}}, {{"state", nullptr}}})}}}});
  const Predicate& p = where(r);
  ASSERT_EQ(p.kind, PKind::Or) << posture::ir::to_string(p);
  ASSERT_EQ(p.children.size(), 2u);
  EXPECT_EQ(p.children[1].kind, PKind::IsNull);
  r = analyze("query Q($l: Int = 2, $o: Int) { connectors(limit: $l, offset: $o) { id } }",
              {{"o", 3}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->roots[0].limit, 2);
  EXPECT_EQ(r->roots[0].offset, 3);
}

// --- fragments, directives, aliases ---------------------------------------------

std::vector<std::string> keys(const std::vector<posture::ir::Selection>& selections) {
  std::vector<std::string> out;
  for (const auto& s : selections) out.push_back(s.response_key);
  return out;
}

using Keys = std::vector<std::string>;

TEST(AnalyzerSelections, FragmentsNamedInlineAndBuiltIn) {
  auto r = analyze(R"(
    query { connectors { ...Names ... on Connector { state } ... on SecurityContact { email } } }
    fragment Names on Connector { id ...More }
    fragment More on Connector { name }
  )");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"id", "name", "state"}));
  r = analyze("{ securityContacts { ...AssetFragment } }");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"id", "name", "provider"}));
  r = analyze("{ connectors { ... on Asset { id } } }");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"id"}));
}

TEST(AnalyzerSelections, IncludeAndSkip) {
  const char* text = R"(query Q($on: Boolean = true) {
      connectors {
        id @include(if: $on)
        name @skip(if: $on)
        state @include(if: true) @skip(if: false)
        ... @include(if: false) { tenantId }
      }
      securityContacts @skip(if: true) { id }
    })";
  auto r = analyze(text);
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  ASSERT_EQ(r->roots.size(), 1u);
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"id", "state"}));
  r = analyze(text, {{"on", false}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"name", "state"}));
}

TEST(AnalyzerSelections, AliasesTypenameAndNestedRelationships) {
  auto r = analyze(R"({
      enabled: connectors(where: { state: "Enabled" }) { key: id, kind: __typename }
      others: connectors(where: { state_NOT: "Enabled" }) {
        id
        contacts: securityContacts(where: { email_NOT: null }, limit: 1) { email }
        securityContactsAggregate { n: count }
      }
      total: connectorsAggregate(where: {}) { count }
    })");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  ASSERT_EQ(r->roots.size(), 3u);
  EXPECT_EQ(r->roots[0].response_key, "enabled");
  EXPECT_EQ(keys(r->roots[0].selections), (Keys{"key", "kind"}));
  EXPECT_EQ(r->roots[0].selections[1].kind, SKind::Typename);
  const auto& contacts = r->roots[1].selections.at(1);
  EXPECT_EQ(contacts.response_key, "contacts");
  EXPECT_EQ(contacts.kind, SKind::Related);
  EXPECT_EQ(contacts.type->name, "SecurityContact");
  EXPECT_EQ(contacts.limit, 1);
  EXPECT_EQ(contacts.where.kind, PKind::Not) << posture::ir::to_string(contacts.where);
  EXPECT_EQ(r->roots[1].selections.at(2).kind, SKind::RelatedAggregate);
  EXPECT_TRUE(r->roots[2].aggregate);
  EXPECT_EQ(r->roots[2].type->name, "Connector");
}

TEST(AnalyzerSelections, PagingAndSortInBothForms) {
  auto r =
      analyze("{ connectors(limit: 5, offset: 2, sort: [{ name: DESC }, { id: ASC }]) { id } }");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(r->roots[0].limit, 5);
  EXPECT_EQ(r->roots[0].offset, 2);
  ASSERT_EQ(r->roots[0].sort.size(), 2u);
  EXPECT_EQ(r->roots[0].sort[0].field->name, "name");
  EXPECT_EQ(r->roots[0].sort[0].direction, posture::ir::SortDirection::Desc);
  r = analyze("{ connectors(options: { limit: 1, offset: 4, sort: { state: ASC } }) { id } }");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(r->roots[0].limit, 1);
  EXPECT_EQ(r->roots[0].offset, 4);
  EXPECT_EQ(r->roots[0].sort.at(0).field->name, "state");
}

TEST(AnalyzerSelections, BareSelectionShorthand) {
  auto r = analyze("connectors(where: { securityContacts_SOME: {} }) { id }");
  ASSERT_TRUE(r.ok()) << posture::format(r.errors());
  EXPECT_EQ(r->roots.at(0).type->name, "Connector");
}

// --- the IR ---------------------------------------------------------------------

TEST(AnalyzerIr, LiteralsTakeTheFieldsType) {
  const auto& test = posture::reference::test_schema();
  auto r = analyze("{ accounts(where: { ratio: 2 }) { id } }", {}, "", test);
  EXPECT_EQ(std::get<double>(literal(where(r))), 2.0) << "an Int literal for a Float is a double";
  r = analyze("{ accounts(where: { score: -7 }) { id } }", {}, "", test);
  EXPECT_EQ(std::get<int64_t>(literal(where(r))), -7);
  r = analyze("{ accounts(where: { id: 42 }) { id } }", {}, "", test);
  EXPECT_EQ(std::get<std::string>(literal(where(r))), "42") << "an Int literal for an ID";
  r = analyze("{ securityContacts(where: { isEnabled: false }) { id } }");
  EXPECT_EQ(std::get<bool>(literal(where(r))), false);
  r = analyze("{ securityContacts(where: { emails: [\"a\", \"b\"] }) { id } }");
  EXPECT_EQ(json::parse(std::get<std::string>(literal(where(r)))), json::array({"a", "b"}));
}

TEST(AnalyzerIr, NullInAListBecomesIsNull) {
  auto r = analyze("{ connectors(where: { name_IN: [\"a\", null] }) { id } }");
  const Predicate& p = where(r);
  ASSERT_EQ(p.kind, PKind::Or) << posture::ir::to_string(p);
  bool missing = false, listed = false;
  for (const auto& c : p.children) {
    missing = missing || c.kind == PKind::IsNull;
    if (c.kind == PKind::Compare) {
      listed = c.op == posture::ir::CompareOp::In && c.values.size() == 1;
      for (const auto& v : c.values) EXPECT_FALSE(std::holds_alternative<std::monostate>(v));
    }
  }
  EXPECT_TRUE(missing && listed) << posture::ir::to_string(p);
}

TEST(AnalyzerIr, NegationsAndQuantifiers) {
  auto r = analyze("{ connectors(where: { name_NOT: \"a\" }) { id } }");
  ASSERT_EQ(where(r).kind, PKind::Not);
  EXPECT_EQ(where(r).children.at(0).kind, PKind::Compare);
  r = analyze("{ connectors(where: { securityContacts: { single: { email: \"a\" } } }) { id } }");
  ASSERT_EQ(where(r).kind, PKind::Related);
  EXPECT_EQ(where(r).quantifier, posture::ir::Quantifier::Single);
  EXPECT_EQ(where(r).target->name, "SecurityContact");
  r = analyze("{ connectors(where: { securityContactsAggregate: { count_GTE: 2 } }) { id } }");
  ASSERT_EQ(where(r).kind, PKind::Count);
  EXPECT_EQ(where(r).count_op, posture::ir::CountOp::Gte);
  EXPECT_EQ(where(r).count, 2);
  r = analyze("{ connectors(where: { name: { caseInsensitive: { contains: \"A\" } } }) { id } }");
  EXPECT_TRUE(where(r).case_insensitive);
  EXPECT_EQ(where(r).op, posture::ir::CompareOp::Contains);
}

// --- robustness -------------------------------------------------------------------

// Every prefix of a query that uses most of the language analyses or fails
// with well-formed diagnostics: never a crash, never a partial query.
TEST(AnalyzerRobustness, EveryPrefixOfAQueryIsHandled) {
  const std::string text = R"(query Q($n: String = "a", $on: Boolean!) {
  c: connectors(where: { OR: [{ name_IN: [$n, null] }, { NOT: { state: "x" } }],
                         securityContacts: { all: { emails_INCLUDES: "a@b" } },
                         securityContactsAggregate: { count_GT: 0 } },
                options: { limit: 3, sort: [{ name: ASC }] }) {
    ...F @include(if: $on)
    securityContacts(where: { email: { caseInsensitive: { matches: "a.*" } } }) { email }
  }
}
fragment F on Connector { id name __typename }
)";
  int analysed = 0;
  for (size_t n = 0; n <= text.size(); ++n) {
    auto r = analyze(text.substr(0, n), {{"on", true}});
    if (r.ok()) {
      ++analysed;
      EXPECT_FALSE(r->roots.empty());
      continue;
    }
    for (const auto& d : r.errors()) {
      EXPECT_FALSE(d.code.empty()) << n;
      EXPECT_FALSE(d.message.empty()) << n;
    }
  }
  EXPECT_GE(analysed, 1) << "the whole query must analyse";
}

}  // namespace
