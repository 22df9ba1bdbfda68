// Robustness of the query pipeline against hostile and oversized queries:
// every limit of docs/robustness.md gives a clear diagnostic with a position
// (never a crash, a hang or a SQL error at execution), and hostile values
// (quotes, NUL, invalid UTF-8, 1 MiB strings, non-ASCII) give correct answers.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "unit/robust_support.hpp"

namespace posture::robust {
namespace {

class RobustQuery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new MemoryStore(memory_store({
        subscription(1, "plain"),
        subscription(2, "it's \"quoted\" \\ back`tick"),
        subscription(3, std::string("nul\0inside", 10)),
        subscription(4, "Ünïcødé ✓ 𝄞"),
        subscription(5, std::string(1 << 20, 'x')),
        subscription(6, ""),
        subscription(7, "%_*?[]"),
    }));
  }
  static void TearDownTestSuite() { delete store_; }
  static MemoryStore* store_;
};

MemoryStore* RobustQuery::store_ = nullptr;

std::string names_where(const std::string& filter) {
  return "{ connectors(where: " + filter + ") { name } }";
}

// --- nesting ---------------------------------------------------------------

TEST_F(RobustQuery, HundredThousandBracketsAreTooDeepAtTheirPosition) {
  std::string query = "{ connectors(where: {name_IN: " + repeat("[", 100000) + "}) { id } }";
  Outcome o = run_query(*store_, query);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-deep");
  EXPECT_EQ(o.first().where.line, 1);
  EXPECT_GT(o.first().where.column, 30);  // at the first bracket over the limit
}

TEST_F(RobustQuery, FiftyNestedNotsAreRefusedAtCompileTimeNotBySqlite) {
  // fuzz_query's first finding: this compiled, then overflowed SQLite's parser stack.
  Outcome o =
      run_query(*store_, names_where(repeat("{NOT: ", 50) + "{name: \"x\"}" + repeat("}", 50)));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-deep") << o.errors_response;
  EXPECT_GT(o.first().where.column, 20);
}

TEST_F(RobustQuery, DeepFilterThroughAVariableIsRefusedAtCompileTime) {
  json w = {{"name", "plain"}};
  for (int i = 0; i < 100; ++i) w = {{"NOT", w}};
  Outcome o = run_query(*store_, "query Q($w: ConnectorWhere) { connectors(where: $w) { id } }",
                        {{"w", w}});
  ASSERT_FALSE(o.ok);
  EXPECT_TRUE(o.has_code("too-deep")) << o.errors_response;
}

TEST_F(RobustQuery, VariablesNestedHundredThousandLevelsAreRefused) {
  Outcome o =
      run_query(*store_, "query Q($n: [String]) { connectors(where: {name_IN: $n}) { id } }",
                object_with("n", nested_arrays(100000)));
  ASSERT_FALSE(o.ok);
  EXPECT_TRUE(o.has_code("too-deep")) << o.errors_response;
  EXPECT_NE(o.first().message.find("$n"), std::string::npos) << o.first().message;
}

// A variable the operation does not declare is refused by its name, without
// walking its value.
TEST_F(RobustQuery, UndeclaredDeepVariablesAreRefusedByName) {
  Outcome o =
      run_query(*store_, names_where("{name: \"plain\"}"), object_with("x", nested_arrays(100000)));
  ASSERT_FALSE(o.ok);
  EXPECT_TRUE(o.has_code("unknown-variable")) << o.errors_response;
  EXPECT_NE(o.first().message.find("$x"), std::string::npos) << o.first().message;
}

// --- sizes -----------------------------------------------------------------

TEST_F(RobustQuery, TwoThousandAlternativesInOneOrAnswerCorrectly) {
  std::string alternatives;
  for (int i = 0; i < 2000; ++i) alternatives += "{name: \"n" + std::to_string(i) + "\"} ";
  Outcome o = run_query(*store_, names_where("{OR: [" + alternatives + "{name: \"plain\"}]}"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{"plain"});
}

TEST_F(RobustQuery, TenThousandInItemsAnswerCorrectly) {
  json names = json::array();
  for (int i = 0; i < 9999; ++i) names.push_back("n" + std::to_string(i));
  names.push_back("plain");
  Outcome o = run_query(*store_, names_where("{name_IN: " + names.dump() + "}"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{"plain"});
}

TEST_F(RobustQuery, MoreThanTenThousandInItemsAreRefusedWithPosition) {
  json names = json::array();
  for (int i = 0; i < 40000; ++i) names.push_back("n" + std::to_string(i));
  Outcome o = run_query(*store_, names_where("{name_IN: " + names.dump() + "}"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large") << o.errors_response;
  EXPECT_EQ(o.first().where.line, 1);
  EXPECT_EQ(o.first().where.column, 31);  // the list
}

TEST_F(RobustQuery, MoreThanTenThousandInItemsThroughAVariableAreRefused) {
  json names = json::array();
  for (int i = 0; i < 40000; ++i) names.push_back("n" + std::to_string(i));
  Outcome o = run_query(
      *store_, "query Q($n: [String]) { connectors(where: {name_IN: $n}) { id } }", {{"n", names}});
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large") << o.errors_response;
}

TEST_F(RobustQuery, MoreThanTenThousandFilterNodesAreRefused) {
  std::string parts;
  for (int i = 0; i < 12000; ++i) parts += "{name: \"n" + std::to_string(i) + "\"} ";
  Outcome o = run_query(*store_, names_where("{AND: [" + parts + "]}"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large") << o.errors_response;
  EXPECT_GT(o.first().where.line, 0);
}

TEST_F(RobustQuery, OneMebibyteStringMatchesExactly) {
  std::string big(1 << 20, 'x');
  Outcome o = run_query(*store_, names_where("{name: \"" + big + "\"}"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{big});
  Outcome shorter = run_query(*store_, names_where("{name: \"" + big.substr(1) + "\"}"));
  ASSERT_TRUE(shorter.ok);
  EXPECT_TRUE(column(shorter, "connectors").empty());
}

TEST_F(RobustQuery, StringsOverOneMebibyteAreRefusedWithPosition) {
  std::string big((1 << 20) + 1, 'y');
  Outcome o = run_query(*store_, names_where("{name_CONTAINS: \"" + big + "\"}"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large") << o.first().message;
  EXPECT_EQ(o.first().where.column, 37);  // the string
  Outcome v = run_query(*store_, "query Q($s: String) { connectors(where: {name: $s}) { id } }",
                        {{"s", big}});
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.first().code, "too-large");
}

TEST_F(RobustQuery, ExponentialFragmentsAreRefusedQuickly) {
  // F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^40 fields once expanded.
  std::string query = "{ connectors { ...F0 } }\n";
  for (int i = 0; i < 40; ++i)
    query += "fragment F" + std::to_string(i) + " on Connector { ...F" + std::to_string(i + 1) +
             " ...F" + std::to_string(i + 1) + " }\n";
  query += "fragment F40 on Connector { id }\n";
  // In a child process with an alarm, so that a regression fails instead of hanging.
  EXPECT_EXIT(
      {
        ::alarm(20);
        Outcome o = run_query(*store_, query);
        std::fprintf(stderr, "%s", o.errors_response.c_str());
        std::_Exit(!o.ok && o.first().code == "too-large" && o.seconds < 5 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(RobustQuery, HundredAliasesOfOneFieldAnswerCorrectly) {
  std::string fields;
  for (int i = 0; i < 100; ++i) fields += " a" + std::to_string(i) + ": name";
  Outcome o = run_query(*store_, "{ connectors(where: {name: \"plain\"}) {" + fields + " } }");
  ASSERT_TRUE(o.ok) << o.errors_response;
  ASSERT_EQ(o.response["data"]["connectors"].size(), 1u);
  EXPECT_EQ(o.response["data"]["connectors"][0].size(), 100u);
  EXPECT_EQ(o.response["data"]["connectors"][0]["a99"], "plain");
}

// --- hostile values ---------------------------------------------------------

TEST_F(RobustQuery, QuotesAndBackslashesAreValuesNotSql) {
  Outcome o = run_query(*store_, names_where(R"({name: "it's \"quoted\" \\ back`tick"})"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{"it's \"quoted\" \\ back`tick"});
  Outcome injection = run_query(*store_, names_where(R"({name: "x' OR '1'='1"})"));
  ASSERT_TRUE(injection.ok);
  EXPECT_TRUE(column(injection, "connectors").empty());
}

TEST_F(RobustQuery, LikeAndGlobCharactersAreLiteral) {
  Outcome o = run_query(*store_, names_where(R"({name_CONTAINS: "_*?"})"));
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{"%_*?[]"});
  Outcome starts = run_query(*store_, names_where(R"({name_STARTS_WITH: "%"})"));
  ASSERT_TRUE(starts.ok);
  EXPECT_EQ(column(starts, "connectors"), std::vector<std::string>{"%_*?[]"});
}

TEST_F(RobustQuery, NulInsideValuesComparesByEveryOperator) {
  const std::string stored("nul\0inside", 10);
  for (const char* filter :
       {R"({name: "nul\u0000inside"})", R"({name_STARTS_WITH: "nul\u0000in"})",
        R"({name_ENDS_WITH: "\u0000inside"})", R"({name_ENDS_WITH: "inside"})",
        R"({name_CONTAINS: "\u0000"})", R"({name: {caseInsensitive: {eq: "NUL\u0000INSIDE"}}})",
        R"({name: {caseInsensitive: {endsWith: "INSIDE"}}})", R"({name_IN: ["nul\u0000inside"]})",
        R"({name_MATCHES: "nul\\x00inside"})"}) {
    Outcome o = run_query(*store_, names_where(filter));
    ASSERT_TRUE(o.ok) << filter << ": " << o.errors_response;
    EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{stored}) << filter;
  }
  for (const char* filter :
       {R"({name: "nul"})", R"({name_STARTS_WITH: "nul\u0000x"})", R"({name_ENDS_WITH: "nul"})"}) {
    Outcome o = run_query(*store_, names_where(filter));
    ASSERT_TRUE(o.ok) << filter;
    EXPECT_TRUE(column(o, "connectors").empty()) << filter;
  }
}

TEST_F(RobustQuery, NulAndNonAsciiRoundTripThroughTheResponse) {
  Outcome o = run_query(*store_, "{ connectors(sort: {name: ASC}) { name } }");
  ASSERT_TRUE(o.ok) << o.errors_response;
  std::vector<std::string> names = column(o, "connectors");
  EXPECT_NE(std::find(names.begin(), names.end(), std::string("nul\0inside", 10)), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "Ünïcødé ✓ 𝄞"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), ""), names.end());
}

TEST_F(RobustQuery, NonAsciiComparesByCodePoints) {
  Outcome o = run_query(*store_, names_where(R"({name_ENDS_WITH: "✓ 𝄞"})"));
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{"Ünïcødé ✓ 𝄞"});
  Outcome escaped = run_query(*store_, names_where(R"({name_CONTAINS: "\u00dcn\uD834\uDD1E"})"));
  ASSERT_TRUE(escaped.ok);
  EXPECT_TRUE(column(escaped, "connectors").empty());
  Outcome pair = run_query(*store_, names_where(R"({name_ENDS_WITH: "\uD834\uDD1E"})"));
  ASSERT_TRUE(pair.ok);
  EXPECT_EQ(column(pair, "connectors"), std::vector<std::string>{"Ünïcødé ✓ 𝄞"});
}

TEST_F(RobustQuery, InvalidUtf8InTheQueryIsASyntaxErrorAtItsPosition) {
  Outcome o = run_query(*store_, "{ connectors(where: {name: \"ab\xff\"}) { id } }");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "syntax");
  EXPECT_EQ(o.first().where.line, 1);
  EXPECT_EQ(o.first().where.column, 31);
  // A raw NUL outside a string is an unexpected character at its position.
  Outcome stray = run_query(*store_, "{ connectors" + std::string(1, '\0') + " { id } }");
  ASSERT_FALSE(stray.ok);
  EXPECT_EQ(stray.first().code, "syntax");
  EXPECT_EQ(stray.first().where.column, 13);
}

TEST_F(RobustQuery, RawNulInsideAStringLiteralIsPartOfTheValue) {
  // GraphQL (October 2021) lets a string hold any character but `"`, `\` and line ends.
  Outcome o = run_query(*store_, names_where("{name: \"nul" + std::string(1, '\0') + "inside\"}"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_EQ(column(o, "connectors"), std::vector<std::string>{std::string("nul\0inside", 10)});
}

TEST_F(RobustQuery, UnpairedSurrogateEscapesAreRefused) {
  Outcome o = run_query(*store_, names_where(R"({name: "\uD800"})"));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "syntax");
}

TEST_F(RobustQuery, ErrorMessagesQuotingValuesStayValidUtf8) {
  // A value quoted in a message is cut at 40 bytes: never inside a character.
  std::string value = std::string(39, 'a') + "é";
  Outcome o = run_query(*store_, "{ connectors(where: {securityContactsAggregate: {count_GT: \"" +
                                     value + "\"}}) { id } }");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "type-mismatch");
  json parsed = json::parse(o.errors_response, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
}

TEST_F(RobustQuery, InvalidUtf8InAVariableIsRefused) {
  // `posture query --var s=<bytes>` passes a value that is not JSON as a raw string.
  for (const char* query :
       {"query Q($s: String) { connectors(where: {name: $s}) { id } }",
        "query Q($s: Int) { connectors(where: {securityContactsAggregate: {count: $s}}) { id } }",
        "query Q($s: String) { securityContacts(where: {notificationRoles: [$s]}) { id } }"}) {
    Outcome o = run_query(*store_, query, object_with("s", "ab\xff"));
    ASSERT_FALSE(o.ok) << query;
    EXPECT_EQ(o.first().code, "invalid-utf8") << query;
    EXPECT_NE(o.first().message.find("$s"), std::string::npos);
  }
  json key = json::object();
  key["na\xffme"] = "plain";
  Outcome o = run_query(*store_, "query Q($w: ConnectorWhere) { connectors(where: $w) { id } }",
                        object_with("w", std::move(key)));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "invalid-utf8");
}

TEST_F(RobustQuery, VariablesLargerThanTheLimitAreRefused) {
  json names = json::array();
  for (int i = 0; i < 9000; ++i) names.push_back(std::string(2000, 'n'));
  Outcome o =
      run_query(*store_, "query Q($n: [String]) { connectors(where: {name_IN: $n}) { id } }",
                object_with("n", std::move(names)));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large") << o.first().message;
}

TEST_F(RobustQuery, MoreThanTenThousandSelectedFieldsAreRefused) {
  std::string fields;
  for (int i = 0; i < 10001; ++i) fields += " a" + std::to_string(i) + ": id";
  Outcome o = run_query(*store_, "{ connectors {" + fields + " } }");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-large");
  EXPECT_EQ(o.first().where.line, 1);
}

TEST_F(RobustQuery, FragmentChainsDeeperThanTheLimitAreRefused) {
  std::string query = "{ connectors { ...F0 } }\n";
  for (int i = 0; i < 5000; ++i)
    query +=
        "fragment F" + std::to_string(i) + " on Connector { ...F" + std::to_string(i + 1) + " }\n";
  query += "fragment F5000 on Connector { id }\n";
  Outcome o = run_query(*store_, query);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.first().code, "too-deep");
}

TEST_F(RobustQuery, HugeNumbersAreTypeErrorsNotOverflow) {
  for (const char* filter : {"{securityContactsAggregate: {count_GT: 99999999999999999999999}}",
                             "{securityContactsAggregate: {count: -99999999999999999999999}}"}) {
    Outcome o = run_query(*store_, names_where(filter));
    ASSERT_FALSE(o.ok) << filter;
    EXPECT_EQ(o.first().code, "type-mismatch") << filter;
  }
  // A limit beyond 64 bits is as good as none: every connector, or a type error.
  Outcome limit = run_query(*store_, "{ connectors(limit: 99999999999999999999) { id } }");
  if (limit.ok) {
    EXPECT_EQ(limit.response["data"]["connectors"].size(), 7u);
  } else {
    EXPECT_EQ(limit.first().code, "type-mismatch");
  }
}

TEST_F(RobustQuery, CatastrophicRegexRunsInLinearTime) {
  Outcome o = run_query(*store_, names_where(R"({name_MATCHES: "(x+x+)+y"})"));
  ASSERT_TRUE(o.ok) << o.errors_response;
  EXPECT_TRUE(column(o, "connectors").empty());
  EXPECT_LT(o.seconds, 5.0);
}

}  // namespace
}  // namespace posture::robust
