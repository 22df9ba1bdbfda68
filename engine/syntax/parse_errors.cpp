// Readable syntax errors: an ANTLR error strategy that words what was
// expected and what was found, and a listener that keeps the first error.
#include "engine/syntax/parse_errors.hpp"

#include <antlr4-runtime.h>

#include "GraphQLParser.h"
#include "engine/syntax/string_literals.hpp"

namespace posture::syntax::detail {

namespace {

using G = posture::grammar::GraphQLParser;

bool is_keyword(std::size_t type) {
  return type >= G::KW_QUERY && type <= G::KW_REPEATABLE;
}

// Tokens that can start a value: literals, names (enums), `[`, `{`, `$`.
bool starts_value(std::size_t type) {
  switch (type) {
    case G::INT:
    case G::FLOAT:
    case G::STRING:
    case G::BLOCK_STRING:
    case G::NAME:
    case G::LBRACKET:
    case G::LBRACE:
    case G::DOLLAR:
      return true;
    default:
      return is_keyword(type);
  }
}

// Tokens that can start a definition at the top of a document.
bool starts_definition(std::size_t type) {
  return type == G::LBRACE || type == G::STRING || type == G::BLOCK_STRING || is_keyword(type);
}

std::string token_type_name(const antlr4::dfa::Vocabulary& vocabulary, std::size_t type) {
  switch (type) {
    case antlr4::Token::EOF:
      return "end of input";
    case G::NAME:
      return "a name";
    case G::INT:
      return "an integer";
    case G::FLOAT:
      return "a number";
    case G::STRING:
    case G::BLOCK_STRING:
      return "a string";
    default:
      return vocabulary.getLiteralName(type);  // 'query', '}', ...
  }
}

// "a, b or c".
std::string join_alternatives(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

// Words for a set of expected tokens. Whole groups are named rather than
// listed: "a value", "a name" (keywords are names too), "a definition".
std::string describe_expected(const antlr4::dfa::Vocabulary& vocabulary,
                              const antlr4::misc::IntervalSet& expected) {
  auto has = [&](std::size_t t) { return expected.contains(t); };
  const bool value = has(G::INT) && has(G::FLOAT) && has(G::STRING);
  const bool name = has(G::NAME);
  const bool definition = !name && has(G::KW_QUERY) && has(G::KW_FRAGMENT) && has(G::KW_TYPE);
  const bool type_system = !name && !definition && has(G::KW_SCALAR) && has(G::KW_TYPE) &&
                           has(G::KW_INPUT);  // after a description
  std::vector<std::string> parts;
  if (definition) parts.push_back("a definition");
  if (type_system) parts.push_back("a type-system definition");
  if (value)
    parts.push_back("a value");
  else if (name)
    parts.push_back("a name");
  for (std::size_t type : expected.toList()) {
    if (type == antlr4::Token::EPSILON) continue;
    if (value && starts_value(type)) continue;
    if ((name || value) && (type == G::NAME || is_keyword(type))) continue;
    if ((definition || type_system) && starts_definition(type)) continue;
    if (type == antlr4::Token::EOF) continue;  // named last
    if (type == G::BLOCK_STRING && has(G::STRING)) continue;
    parts.push_back(token_type_name(vocabulary, type));
  }
  if (parts.size() > 8) {
    parts.resize(8);
    parts.push_back("...");
  }
  if (has(antlr4::Token::EOF)) parts.push_back("end of input");
  return join_alternatives(parts);
}

std::string closer_of(std::size_t opener_type) {
  switch (opener_type) {
    case G::LBRACE:
      return "'}'";
    case G::LBRACKET:
      return "']'";
    default:
      return "')'";
  }
}

std::size_t closer_type(std::size_t opener_type) {
  switch (opener_type) {
    case G::LBRACE:
      return G::RBRACE;
    case G::LBRACKET:
      return G::RBRACKET;
    default:
      return G::RPAREN;
  }
}

class ReadableErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ReadableErrorStrategy(const antlr4::Token* unclosed) : unclosed_(unclosed) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override {
    antlr4::Token* found = e.getOffendingToken();
    if (e.getStartToken() == found) return report(parser, found, parser->getExpectedTokens());
    // The decision looked several tokens ahead: name the token before too.
    std::string message = "unexpected " + describe_token(*found);
    if (found->getTokenIndex() > 0)
      message +=
          " after " + describe_token(*parser->getTokenStream()->get(found->getTokenIndex() - 1));
    parser->notifyErrorListeners(found, message, nullptr);
  }

  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override {
    report(parser, e.getOffendingToken(), e.getExpectedTokens());
  }

  void reportUnwantedToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
  }

  void reportMissingToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
  }

 private:
  void report(antlr4::Parser* parser, antlr4::Token* found,
              const antlr4::misc::IntervalSet& expected) {
    std::string message = "expected " + describe_expected(parser->getVocabulary(), expected) +
                          " but found " + describe_token(*found);
    if (expected.isEmpty()) message = "unexpected " + describe_token(*found);
    if (found->getType() == antlr4::Token::EOF && unclosed_ &&
        expected.contains(closer_type(unclosed_->getType()))) {
      message += "; the '" + unclosed_->getText() + "' at line " +
                 std::to_string(unclosed_->getLine()) + ", column " +
                 std::to_string(unclosed_->getCharPositionInLine() + 1) + " is never closed by " +
                 closer_of(unclosed_->getType());
    }
    parser->notifyErrorListeners(found, message, nullptr);
  }

  const antlr4::Token* unclosed_;
};

class ErrorCollector : public antlr4::BaseErrorListener {
 public:
  explicit ErrorCollector(std::vector<SyntaxError>& errors) : errors_(errors) {}

  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, std::size_t line,
                   std::size_t char_position, const std::string& message,
                   std::exception_ptr) override {
    errors_.push_back(SyntaxError{static_cast<int>(line), static_cast<int>(char_position) + 1,
                                  offending ? offending->getTokenIndex() : 0, message});
    throw antlr4::ParseCancellationException(message);
  }

 private:
  std::vector<SyntaxError>& errors_;
};

}  // namespace

std::shared_ptr<antlr4::ANTLRErrorStrategy> make_error_strategy(const antlr4::Token* unclosed) {
  return std::make_shared<ReadableErrorStrategy>(unclosed);
}

std::unique_ptr<antlr4::ANTLRErrorListener> make_error_collector(std::vector<SyntaxError>& errors) {
  return std::make_unique<ErrorCollector>(errors);
}

std::string describe_token(const antlr4::Token& token) {
  if (token.getType() == antlr4::Token::EOF) return "end of input";
  std::string text = token.getText();
  if (count_code_points(text) > 32) {
    std::size_t cut = 0, kept = 0;
    for (; cut < text.size(); ++cut)
      if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && kept++ == 29) break;
    text = text.substr(0, cut) + "...";
  }
  if (token.getType() == G::STRING || token.getType() == G::BLOCK_STRING)
    return "the string " + text;
  return "'" + text + "'";
}

}  // namespace posture::syntax::detail
