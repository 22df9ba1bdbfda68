// The token pre-scan: lexical errors with clear messages, the depth limit,
// and string escapes validated at their own column. See parse_tokens.hpp.
#include "engine/syntax/parse_tokens.hpp"

#include <antlr4-runtime.h>

#include <algorithm>
#include <cstdio>

#include "GraphQLLexer.h"
#include "engine/syntax/string_literals.hpp"

namespace posture::syntax::detail {

namespace {

using L = posture::grammar::GraphQLLexer;

Diagnostic error_at(std::string code, std::string message, std::string_view source,
                    const antlr4::Token& token, std::size_t column_offset = 0) {
  return Diagnostic::error(
      std::move(code), std::move(message),
      SourceLocation{std::string(source), static_cast<int>(token.getLine()),
                     static_cast<int>(token.getCharPositionInLine() + 1 + column_offset)});
}

// The code point of a one-character UTF-8 text.
char32_t code_point_of(const std::string& text) {
  if (text.empty()) return 0;
  unsigned char lead = static_cast<unsigned char>(text[0]);
  char32_t cp = lead < 0x80   ? lead
                : lead < 0xE0 ? lead & 0x1F
                : lead < 0xF0 ? lead & 0x0F
                              : lead & 0x07;
  for (std::size_t i = 1; i < text.size(); ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  return cp;
}

bool touches(const antlr4::Token& token, const antlr4::Token* next) {
  return next && next->getType() != antlr4::Token::EOF &&
         next->getStartIndex() == token.getStopIndex() + 1;
}

// "unexpected character '%'", with the code point for what cannot be shown,
// and a hint for the likely mistakes.
Diagnostic unknown_character(const antlr4::Token& token, const antlr4::Token* next,
                             std::string_view source) {
  const std::string text = token.getText();
  const char32_t cp = code_point_of(text);
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
  std::string shown = "'" + text + "'";
  if (cp < 0x20 || cp == 0x7F)
    shown = code;
  else if (cp >= 0x80)
    shown += std::string(" (") + code + ")";
  Diagnostic d = error_at("syntax", "unexpected character " + shown, source, token);
  if (text == "'") return std::move(d).hint("strings are written in double quotes: \"...\"");
  if (text == "." && touches(token, next) && (next->getType() == L::INT))
    return std::move(d).hint("a number starts with a digit: 0." + next->getText());
  if (text == ".")
    return std::move(d).hint("a fragment spread is written with three dots: ...Name");
  return d;
}

bool continues_number(const antlr4::Token& number, const antlr4::Token& next) {
  if (!touches(number, &next)) return false;
  std::string text = next.getText();
  if (text.empty()) return false;
  char c = text.front();
  return c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

std::optional<Diagnostic> check_string(const antlr4::Token& token, std::string_view source) {
  std::string text = token.getText();
  if (text.find('\\') == std::string::npos) return std::nullopt;
  std::string decoded;
  StringLiteralError error;
  if (decode_string_literal(text, decoded, error)) return std::nullopt;
  std::size_t offset = count_code_points(std::string_view(text).substr(0, error.offset));
  return error_at("syntax", error.message, source, token, offset);
}

bool opens(std::size_t type) {
  return type == L::LBRACE || type == L::LBRACKET || type == L::LPAREN;
}

bool closes(std::size_t type) {
  return type == L::RBRACE || type == L::RBRACKET || type == L::RPAREN;
}

}  // namespace

TokenScan scan_tokens(const std::vector<antlr4::Token*>& tokens, int max_depth,
                      std::string_view source) {
  TokenScan scan;
  std::vector<const antlr4::Token*> open;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const antlr4::Token& token = *tokens[i];
    const std::size_t type = token.getType();
    if (opens(type)) {
      open.push_back(&token);
      if (open.size() > static_cast<std::size_t>(std::max(max_depth, 0))) {
        scan.problem = error_at("too-deep",
                                "the document is nested more than " + std::to_string(max_depth) +
                                    " levels deep (selections, arguments, lists and objects)",
                                source, token);
        return scan;
      }
    } else if (closes(type)) {
      if (!open.empty()) open.pop_back();
    } else if (type == L::UNKNOWN_CHAR) {
      scan.problem =
          unknown_character(token, i + 1 < tokens.size() ? tokens[i + 1] : nullptr, source);
    } else if (type == L::UNTERMINATED_STRING) {
      scan.problem = error_at("syntax", "unterminated string", source, token);
    } else if (type == L::UNTERMINATED_BLOCK_STRING) {
      scan.problem = error_at("syntax", "unterminated block string", source, token);
    } else if (type == L::STRING) {
      scan.problem = check_string(token, source);
    } else if ((type == L::INT || type == L::FLOAT) && i + 1 < tokens.size() &&
               continues_number(token, *tokens[i + 1])) {
      scan.problem =
          error_at("syntax", "invalid number '" + token.getText() + tokens[i + 1]->getText() + "'",
                   source, token);
    }
    if (scan.problem) return scan;
  }
  if (!open.empty()) scan.unclosed = open.back();
  return scan;
}

}  // namespace posture::syntax::detail
