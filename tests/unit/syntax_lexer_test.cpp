// The hand-written lexer (engine/syntax/lexer.cpp) against the lexer ANTLR
// generates from grammar/GraphQL.g4: on every text given, the two must make
// the same tokens, field for field (type, channel, start and stop index,
// line, column, text), up to and including EOF. Texts: the grc-cms queries
// and their files, our checks, the schema, the semantics cases, the docs,
// hand-picked edge cases of every lexer rule, random texts built from the
// pieces that decide between rules, and corpus queries with such pieces
// inserted and spans deleted.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "GraphQLLexer.h"
#include "engine/syntax/lexer.hpp"

namespace posture::syntax::detail {
namespace {

namespace fs = std::filesystem;

struct Lexed {
  size_t type, channel, start, stop, line, column;
  std::string text;
  bool operator==(const Lexed&) const = default;
};

std::string describe(const Lexed& t) {
  antlr4::ANTLRInputStream empty("");
  posture::grammar::GraphQLLexer lexer(&empty);
  std::string name = t.type == antlr4::Token::EOF
                         ? "EOF"
                         : std::string(lexer.getVocabulary().getSymbolicName(t.type));
  return name + " [" + std::to_string(t.start) + ".." + std::to_string(t.stop) + "] " +
         std::to_string(t.line) + ":" + std::to_string(t.column) + " ch" +
         std::to_string(t.channel) + " " + nlohmann::json(t.text).dump();
}

template <typename Source>
std::vector<Lexed> tokens_of(Source& source) {
  std::vector<Lexed> out;
  while (true) {
    std::unique_ptr<antlr4::Token> t = source.nextToken();
    out.push_back({t->getType(), t->getChannel(), t->getStartIndex(), t->getStopIndex(),
                   t->getLine(), t->getCharPositionInLine(), t->getText()});
    if (t->getType() == antlr4::Token::EOF) return out;
  }
}

std::vector<Lexed> generated(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  posture::grammar::GraphQLLexer lexer(&input);
  lexer.removeErrorListeners();
  return tokens_of(lexer);
}

std::vector<Lexed> hand_written(const std::string& text) {
  CodePointStream input(text);
  Lexer lexer(input);
  return tokens_of(lexer);
}

// Both lexers on `text`; on a difference, the first differing token.
::testing::AssertionResult same_tokens(const std::string& text) {
  std::vector<Lexed> want = generated(text), got = hand_written(text);
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  if (i == want.size() && i == got.size()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "text " << nlohmann::json(text).dump() << "\ntoken " << i << ": generated "
          << (i < want.size() ? describe(want[i]) : "(none)") << ", hand-written "
          << (i < got.size() ? describe(got[i]) : "(none)");
  return failure;
}

bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();  // throws on invalid UTF-8
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> corpus_queries() {
  std::vector<std::string> out;
  for (const auto& path : files_in(fs::path(POSTURE_CORPUS_DIR) / "queries", ".json")) {
    auto json = nlohmann::json::parse(read_file(path), nullptr, false);
    if (json.is_object() && json.contains("query") && json["query"].is_string())
      out.push_back(json["query"].get<std::string>());
  }
  return out;
}

// Pieces that decide between the lexer rules.
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p{"\"",
                                          "\"\"",
                                          "\"\"\"",
                                          "\\",
                                          "\\\"\"\"",
                                          "\\\"",
                                          "\n",
                                          "\r",
                                          "\r\n",
                                          ".",
                                          "..",
                                          "...",
                                          "-",
                                          "0",
                                          "1",
                                          "9",
                                          "e",
                                          "E",
                                          "+",
                                          "a",
                                          "_",
                                          "query",
                                          "on",
                                          "true",
                                          "null",
                                          " ",
                                          ",",
                                          "#",
                                          "\t",
                                          "\xEF\xBB\xBF",
                                          "é",
                                          "\xF0\x9F\x98\x80",
                                          "%",
                                          "{",
                                          "}",
                                          "(",
                                          ")",
                                          "[",
                                          "]",
                                          ":",
                                          "$",
                                          "@",
                                          "!",
                                          "=",
                                          "|",
                                          "&",
                                          "'",
                                          "x9",
                                          "fragmentx",
                                          "\\u00e9",
                                          "\\n",
                                          "1.5",
                                          "1e",
                                          "-0",
                                          "00",
                                          "2E-3",
                                          "\x7F",
                                          "\x01",
                                          std::string(1, '\0')};
  return p;
}

std::string random_text(std::mt19937& rng, size_t max_pieces) {
  std::uniform_int_distribution<size_t> count(0, max_pieces), which(0, pieces().size() - 1);
  std::string out;
  for (size_t n = count(rng); n > 0; --n) out += pieces()[which(rng)];
  return out;
}

// Byte offsets of code point starts in a valid UTF-8 text.
std::vector<size_t> boundaries(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  return out;
}

TEST(syntax_lexer, AgreesOnTheCatalogueQueriesAndFiles) {
  std::vector<std::string> queries = corpus_queries();
  ASSERT_GE(queries.size(), 600u) << "grc-cms corpus missing at " << POSTURE_CORPUS_DIR;
  for (const auto& q : queries) ASSERT_TRUE(same_tokens(q));
  size_t files = 0;
  for (const auto& path : files_in(fs::path(POSTURE_CORPUS_DIR) / "queries", ".json")) {
    ASSERT_TRUE(same_tokens(read_file(path))) << path;
    ++files;
  }
  EXPECT_GE(files, 600u);
}

TEST(syntax_lexer, AgreesOnOurChecksSchemaSemanticsCasesAndDocs) {
  const fs::path root = POSTURE_SOURCE_DIR;
  std::vector<fs::path> paths = files_in(root / "queries", ".graphql");
  ASSERT_GE(paths.size(), 4u);
  for (const auto& p : files_in(root / "tests" / "semantics", ".test")) paths.push_back(p);
  for (const auto& p : files_in(root / "tests" / "semantics" / "errors", ".test"))
    paths.push_back(p);
  for (const auto& p : files_in(root / "docs", ".md")) paths.push_back(p);
  paths.push_back(root / "engine" / "schema" / "assets.graphql");
  paths.push_back(root / "README.md");
  paths.push_back(root / "grammar" / "GraphQL.g4");
  ASSERT_GE(paths.size(), 40u);
  for (const auto& path : paths) {
    std::string text = read_file(path);
    ASSERT_FALSE(text.empty()) << path;
    ASSERT_TRUE(same_tokens(text)) << path;
  }
}

TEST(syntax_lexer, AgreesOnTheEdgesOfEveryRule) {
  const std::vector<std::string> cases{
      "",
      " ",
      "query",
      "queryX",
      "Query",
      "on",
      "onion",
      "repeatable",
      "_x9",
      "9x",
      "0123",
      "00",
      "-",
      "--1",
      "-a",
      "-0",
      "-01",
      "1.",
      "1.e5",
      "1.5",
      "1.5e",
      "1.5e+",
      "1.5e+3",
      "1e3",
      "1E-3",
      "1e",
      "0.0.0",
      "1..2",
      ".",
      "..",
      "...",
      "....",
      ". . .",
      "\"\"",
      "\"a\"",
      "\"a",
      "\"a\\",
      "\"a\\\n\"",
      "\"a\\\"",
      "\"a\\\"b\"",
      "\"a\nb\"",
      "\"a\rb\"",
      "\"\\u00e9\"",
      "\"\"\"",
      "\"\"\"\"",
      "\"\"\"\"\"",
      "\"\"\"\"\"\"",
      "\"\"\"\"\"\"\"",
      "\"\"\"a\"\"\"",
      "\"\"\"a\"\"",
      "\"\"\"a\"",
      "\"\"\"a\\\"\"\"",
      "\"\"\"a\\\"\"\"\"\"\"",
      "\"\"\"a\\\"\"\" b\"\"\"",
      "\"\"\"a\\\"\"\" b\"\"",
      "\"\"\"a\"\"\"\"b\"\"\"",
      "\"\"\"\\\"\"\"",
      "\"\"\"\\\"\"",
      "\"\"\"\\\\\"\"\"",
      "\"\"\"a\"\"b\"\"\"",
      "\"\"\"a\"\"\\\"\"\"\"\"\"",
      "\"\"\"\n  multi\n  line\n\"\"\" x",
      "# comment\nquery",
      "#\r\n#",
      "a,b\tc\rd\r\ne\xEF\xBB\xBF"
      "f",
      "%^'~`;<>?/*",
      "é",
      "\xF0\x9F\x98\x80 x",
      // A leading byte order mark is dropped before the first code point;
      // code points of one to four bytes at the edges of each length.
      "\xEF\xBB\xBF\xEF\xBB\xBF\"\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\" "
      "\"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"",
      std::string("a\0b", 3),
      "{ connectors(where: { NOT: { securityContacts_SOME: { email_IN: [null, \"\"] } } }) { id } "
      "}",
  };
  for (const auto& text : cases) EXPECT_TRUE(same_tokens(text));
}

TEST(syntax_lexer, AgreesOnRandomTexts) {
  std::mt19937 rng(20261123);
  for (int i = 0; i < 20000; ++i) {
    std::string text = random_text(rng, i < 10000 ? 6 : 40);
    ASSERT_TRUE(same_tokens(text)) << "random text " << i;
  }
}

TEST(syntax_lexer, AgreesOnMutatedCatalogueQueries) {
  std::vector<std::string> queries = corpus_queries();
  ASSERT_FALSE(queries.empty());
  std::mt19937 rng(42);
  for (size_t q = 0; q < queries.size(); q += 3) {
    for (int m = 0; m < 10; ++m) {
      std::string text = queries[q];
      std::vector<size_t> at = boundaries(text);
      std::uniform_int_distribution<size_t> pick(0, at.size() - 1);
      size_t a = at[pick(rng)], b = at[pick(rng)];
      if (a > b) std::swap(a, b);
      if (m % 2 == 0)
        text.insert(a, random_text(rng, 3));
      else
        text.erase(a, std::min<size_t>(b - a, 12));
      ASSERT_TRUE(valid_utf8(text));
      ASSERT_TRUE(same_tokens(text)) << "query " << q << ", mutation " << m;
    }
  }
}

}  // namespace
}  // namespace posture::syntax::detail
