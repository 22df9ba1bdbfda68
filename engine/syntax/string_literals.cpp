// Decoding of GraphQL string literals: escapes and block-string dedent.
// See string_literals.hpp for what each function promises.
#include "engine/syntax/string_literals.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace posture::syntax::detail {

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::size_t count_code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_high_surrogate(char32_t cp) {
  return cp >= 0xD800 && cp <= 0xDBFF;
}
bool is_low_surrogate(char32_t cp) {
  return cp >= 0xDC00 && cp <= 0xDFFF;
}

// Reads the escape `\u...` that starts at text[pos] (the backslash): either
// four hex digits or `{` hex digits `}`. Returns the code point (which may be
// a surrogate) and sets `length` to the escape's length; nullopt if malformed.
std::optional<char32_t> read_unicode_escape(std::string_view text, std::size_t pos,
                                            std::size_t& length) {
  std::size_t i = pos + 2;  // past `\u`
  char32_t value = 0;
  if (i < text.size() && text[i] == '{') {
    std::size_t digits = 0;
    for (++i; i < text.size() && text[i] != '}'; ++i, ++digits) {
      int d = hex_digit(text[i]);
      if (d < 0 || value > 0x10FFFF) return std::nullopt;
      value = value * 16 + static_cast<char32_t>(d);
    }
    if (i >= text.size() || digits == 0 || value > 0x10FFFF) return std::nullopt;
    length = i + 1 - pos;
    return value;
  }
  for (std::size_t k = 0; k < 4; ++k, ++i) {
    int d = i < text.size() ? hex_digit(text[i]) : -1;
    if (d < 0) return std::nullopt;
    value = value * 16 + static_cast<char32_t>(d);
  }
  length = 6;
  return value;
}

// The escape as written, for messages: `\u12G4`, `\q`. Stops at the closing
// quote and at most 10 bytes.
std::string escape_text(std::string_view literal, std::size_t pos) {
  std::size_t end = pos + 1;
  if (end < literal.size() - 1) ++end;  // the character after the backslash
  if (literal[pos + 1] == 'u')
    while (end < literal.size() - 1 && end - pos < 10 && literal[end] != '\\' &&
           literal[end] != ' ' && literal[end] != '"')
      ++end;
  return std::string(literal.substr(pos, end - pos));
}

// Decodes the \u escape at literal[pos], combining a surrogate pair.
// Returns the number of bytes consumed, 0 on error.
std::size_t decode_unicode(std::string_view literal, std::size_t pos, std::string& out,
                           StringLiteralError& error) {
  std::size_t length = 0;
  auto cp = read_unicode_escape(literal, pos, length);
  if (!cp) {
    error = {pos, "invalid Unicode escape sequence '" + escape_text(literal, pos) + "'"};
    return 0;
  }
  if (is_high_surrogate(*cp)) {
    std::size_t next = pos + length, low_length = 0;
    std::optional<char32_t> low;
    if (literal.substr(next, 2) == "\\u") low = read_unicode_escape(literal, next, low_length);
    if (low && is_low_surrogate(*low)) {
      append_utf8(out, 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00));
      return length + low_length;
    }
  }
  if (is_high_surrogate(*cp) || is_low_surrogate(*cp)) {
    error = {pos, "invalid Unicode escape sequence '" + escape_text(literal, pos) +
                      "': an unpaired surrogate"};
    return 0;
  }
  append_utf8(out, *cp);
  return length;
}

}  // namespace

bool decode_string_literal(std::string_view literal, std::string& out, StringLiteralError& error) {
  out.clear();
  if (literal.size() < 2) return true;
  const std::size_t end = literal.size() - 1;  // the closing quote
  out.reserve(end);
  for (std::size_t i = 1; i < end;) {
    char c = literal[i];
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    char e = i + 1 < end ? literal[i + 1] : '\0';
    const char* simple = nullptr;
    switch (e) {
      case '"':
        simple = "\"";
        break;
      case '\\':
        simple = "\\";
        break;
      case '/':
        simple = "/";
        break;
      case 'b':
        simple = "\b";
        break;
      case 'f':
        simple = "\f";
        break;
      case 'n':
        simple = "\n";
        break;
      case 'r':
        simple = "\r";
        break;
      case 't':
        simple = "\t";
        break;
      default:
        break;
    }
    if (simple) {
      out += simple;
      i += 2;
    } else if (e == 'u') {
      std::size_t used = decode_unicode(literal, i, out, error);
      if (used == 0) return false;
      i += used;
    } else {
      error = {i, "invalid escape sequence '" + escape_text(literal, i) + "'"};
      return false;
    }
  }
  return true;
}

std::string decode_block_string_literal(std::string_view literal) {
  if (literal.size() < 6) return {};
  std::string_view body = literal.substr(3, literal.size() - 6);
  std::string raw;
  raw.reserve(body.size());
  for (std::size_t i = 0; i < body.size();) {
    if (body.compare(i, 4, "\\\"\"\"") == 0) {
      raw += "\"\"\"";
      i += 4;
    } else {
      raw += body[i++];
    }
  }
  return block_string_value(raw);
}

namespace {

std::vector<std::string_view> split_lines(std::string_view raw) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n' && raw[i] != '\r') continue;
    lines.push_back(raw.substr(start, i - start));
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    start = i + 1;
  }
  lines.push_back(raw.substr(start));
  return lines;
}

std::size_t leading_whitespace(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

}  // namespace

std::string block_string_value(std::string_view raw) {
  std::vector<std::string_view> lines = split_lines(raw);
  std::optional<std::size_t> common_indent;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::size_t indent = leading_whitespace(lines[i]);
    if (indent < lines[i].size() && (!common_indent || indent < *common_indent))
      common_indent = indent;
  }
  if (common_indent && *common_indent > 0)
    for (std::size_t i = 1; i < lines.size(); ++i)
      lines[i].remove_prefix(std::min(*common_indent, lines[i].size()));

  auto blank = [](std::string_view line) { return leading_whitespace(line) == line.size(); };
  std::size_t first = 0, last = lines.size();
  while (first < last && blank(lines[first])) ++first;
  while (last > first && blank(lines[last - 1])) --last;

  std::string value;
  for (std::size_t i = first; i < last; ++i) {
    if (i > first) value += '\n';
    value += lines[i];
  }
  return value;
}

}  // namespace posture::syntax::detail
