// The grammar's lexer rules by hand; see lexer.hpp. Each function says which
// rules it stands for. ANTLR's choice among rules is the longest match, and
// on equal length the rule written first in the grammar.
#include "engine/syntax/lexer.hpp"

#include <array>

#include "GraphQLLexer.h"

namespace posture::syntax::detail {

namespace {

using L = posture::grammar::GraphQLLexer;

constexpr size_t kIgnored = 0;  // no token type is 0

bool is_name_start(char32_t c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_name_char(char32_t c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char32_t c) {
  return c >= '0' && c <= '9';
}

// IGNORED : [ \t\r\n,\uFEFF]+
bool is_ignored(char32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == 0xFEFF;
}

// The keyword rules come before NAME, so a name spelled like a keyword is one.
size_t keyword_or_name(std::u32string_view name) {
  struct Keyword {
    std::u32string_view text;
    size_t type;
  };
  static constexpr std::array<Keyword, 19> keywords{{
      {U"query", L::KW_QUERY},
      {U"mutation", L::KW_MUTATION},
      {U"subscription", L::KW_SUBSCRIPTION},
      {U"fragment", L::KW_FRAGMENT},
      {U"on", L::KW_ON},
      {U"true", L::KW_TRUE},
      {U"false", L::KW_FALSE},
      {U"null", L::KW_NULL},
      {U"schema", L::KW_SCHEMA},
      {U"scalar", L::KW_SCALAR},
      {U"type", L::KW_TYPE},
      {U"interface", L::KW_INTERFACE},
      {U"implements", L::KW_IMPLEMENTS},
      {U"union", L::KW_UNION},
      {U"enum", L::KW_ENUM},
      {U"input", L::KW_INPUT},
      {U"directive", L::KW_DIRECTIVE},
      {U"extend", L::KW_EXTEND},
      {U"repeatable", L::KW_REPEATABLE},
  }};
  if (name.size() > 12) return L::NAME;
  for (const auto& k : keywords)
    if (k.text == name) return k.type;
  return L::NAME;
}

size_t punctuator(char32_t c) {
  switch (c) {
    case '!':
      return L::BANG;
    case '$':
      return L::DOLLAR;
    case '&':
      return L::AMP;
    case '(':
      return L::LPAREN;
    case ')':
      return L::RPAREN;
    case ':':
      return L::COLON;
    case '=':
      return L::EQUALS;
    case '@':
      return L::AT;
    case '[':
      return L::LBRACKET;
    case ']':
      return L::RBRACKET;
    case '{':
      return L::LBRACE;
    case '|':
      return L::PIPE;
    case '}':
      return L::RBRACE;
    default:
      return kIgnored;
  }
}

}  // namespace

antlr4::TokenFactory<antlr4::CommonToken>* Lexer::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

void Lexer::advance(size_t end) {
  for (; pos_ < end; ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
  }
}

std::unique_ptr<antlr4::Token> Lexer::nextToken() {
  while (pos_ < text_.size()) {
    auto [type, end] = match();
    if (type == kIgnored) {
      advance(end);
      continue;
    }
    const size_t start = pos_, line = line_, column = column_;
    advance(end);
    return getTokenFactory()->create({this, &input_}, type, "", antlr4::Token::DEFAULT_CHANNEL,
                                     start, end - 1, line, column);
  }
  // As ANTLR's Lexer::emitEOF: an empty token just past the end.
  return getTokenFactory()->create({this, &input_}, antlr4::Token::EOF, "",
                                   antlr4::Token::DEFAULT_CHANNEL, pos_, pos_ - 1, line_, column_);
}

std::pair<size_t, size_t> Lexer::match() const {
  const size_t n = text_.size();
  const char32_t c = text_[pos_];
  if (is_ignored(c)) {  // IGNORED
    size_t end = pos_ + 1;
    while (end < n && is_ignored(text_[end])) ++end;
    return {kIgnored, end};
  }
  if (c == '#') {  // COMMENT : '#' ~[\r\n]*
    size_t end = pos_ + 1;
    while (end < n && text_[end] != '\r' && text_[end] != '\n') ++end;
    return {kIgnored, end};
  }
  if (is_name_start(c)) {  // the keywords, NAME
    size_t end = pos_ + 1;
    while (end < n && is_name_char(text_[end])) ++end;
    return {keyword_or_name(std::u32string_view(text_).substr(pos_, end - pos_)), end};
  }
  if (c == '-' || is_digit(c)) {
    if (auto number = match_number(); number.first != kIgnored) return number;
  }
  if (c == '"') return match_string();
  if (c == '.' && pos_ + 2 < n && text_[pos_ + 1] == '.' && text_[pos_ + 2] == '.')
    return {L::SPREAD, pos_ + 3};
  if (size_t type = punctuator(c)) return {type, pos_ + 1};
  return {L::UNKNOWN_CHAR, pos_ + 1};  // UNKNOWN_CHAR : .
}

// INT   : INTEGER_PART;
// FLOAT : INTEGER_PART (FRACTION EXPONENT? | EXPONENT);
// INTEGER_PART : '-'? ('0' | [1-9] [0-9]*);  FRACTION : '.' [0-9]+;
// EXPONENT : [eE] [+-]? [0-9]+
// A fraction or exponent that is cut short is left out (`1.` is INT 1, then
// `.`); a '-' without a digit is no number (type 0).
std::pair<size_t, size_t> Lexer::match_number() const {
  const size_t n = text_.size();
  size_t i = pos_;
  if (text_[i] == '-') ++i;
  if (i >= n || !is_digit(text_[i])) return {kIgnored, 0};
  if (text_[i++] != '0')
    while (i < n && is_digit(text_[i])) ++i;
  auto digits_from = [&](size_t j) {  // the end of a run of digits at j, or 0 if none
    if (j >= n || !is_digit(text_[j])) return size_t{0};
    while (j < n && is_digit(text_[j])) ++j;
    return j;
  };
  auto exponent_from = [&](size_t j) {  // the end of an exponent at j, or 0 if none
    if (j >= n || (text_[j] != 'e' && text_[j] != 'E')) return size_t{0};
    ++j;
    if (j < n && (text_[j] == '+' || text_[j] == '-')) ++j;
    return digits_from(j);
  };
  if (i < n && text_[i] == '.') {
    if (size_t fraction = digits_from(i + 1)) {
      size_t exponent = exponent_from(fraction);
      return {L::FLOAT, exponent ? exponent : fraction};
    }
  }
  if (size_t exponent = exponent_from(i)) return {L::FLOAT, exponent};
  return {L::INT, i};
}

// STRING : '"' STRING_CHAR* '"';  STRING_CHAR : ~["\\\r\n] | '\\' ~[\r\n];
// UNTERMINATED_STRING : '"' STRING_CHAR* '\\'?  (the longest, when STRING fails);
// and the block strings when the text opens with three quotes.
std::pair<size_t, size_t> Lexer::match_string() const {
  const size_t n = text_.size();
  if (pos_ + 2 < n && text_[pos_ + 1] == '"' && text_[pos_ + 2] == '"') return match_block_string();
  size_t i = pos_ + 1;
  while (i < n) {
    const char32_t c = text_[i];
    if (c == '"') return {L::STRING, i + 1};
    if (c == '\r' || c == '\n') break;
    if (c == '\\') {
      if (i + 1 >= n || text_[i + 1] == '\r' || text_[i + 1] == '\n')
        return {L::UNTERMINATED_STRING, i + 1};  // with its trailing backslash
      i += 2;
      continue;
    }
    ++i;
  }
  return {L::UNTERMINATED_STRING, i};
}

// UNTERMINATED_BLOCK_STRING : '"""' BLOCK_UNIT* ('"' | '""')?;
// BLOCK_STRING : '"""' BLOCK_UNIT* '"""';
// BLOCK_UNIT : ('"' | '""')? (~["\\] | '\\"""' | '\\');
// An escape `\"""` may also be read as the unit `\` and the closing quotes, so
// the rules are matched as the automaton ANTLR builds from them: a set of
// states advanced together, remembering where each rule last accepted. The
// longest wins; on a tie the unterminated rule, which is written first.
std::pair<size_t, size_t> Lexer::match_block_string() const {
  enum State : unsigned {
    kUnit = 1,      // between units (UNTERMINATED accepts)
    kQuote1 = 2,    // one quote of a unit's prefix (UNTERMINATED accepts)
    kQuote2 = 4,    // two quotes of a unit's prefix (UNTERMINATED accepts)
    kEscape1 = 8,   // `\` of `\"""`
    kEscape2 = 16,  // `\"`
    kEscape3 = 32,  // `\""`
    kClose1 = 64,   // one closing quote
    kClose2 = 128,  // two closing quotes
  };
  const size_t n = text_.size();
  size_t i = pos_ + 3;
  unsigned states = kUnit;
  size_t unterminated = i, terminated = 0;
  for (; states && i < n; ++i) {
    const char32_t c = text_[i];
    unsigned next = 0;
    if (states & (kUnit | kQuote1 | kQuote2)) {
      if (c == '\\')
        next |= kUnit | kEscape1;
      else if (c != '"')
        next |= kUnit;
    }
    if (c == '"') {
      if (states & kUnit) next |= kQuote1 | kClose1;
      if (states & kQuote1) next |= kQuote2;
      if (states & kEscape1) next |= kEscape2;
      if (states & kEscape2) next |= kEscape3;
      if (states & kEscape3) next |= kUnit;
      if (states & kClose1) next |= kClose2;
      if (states & kClose2) terminated = i + 1;
    }
    states = next;
    if (states & (kUnit | kQuote1 | kQuote2)) unterminated = i + 1;
  }
  if (terminated > unterminated) return {L::BLOCK_STRING, terminated};
  return {L::UNTERMINATED_BLOCK_STRING, unterminated};
}

}  // namespace posture::syntax::detail
