// Decoding of GraphQL string literals (private to the parser): escape
// sequences of "..." strings resolved to UTF-8, and """block strings"""
// dedented by the specification's BlockStringValue algorithm. No ANTLR here,
// so the rules can be tested on their own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace posture::syntax::detail {

// Why a string literal could not be decoded, and where: `offset` is the byte
// offset of the offending escape within the literal (quotes included).
struct StringLiteralError {
  std::size_t offset = 0;
  std::string message;
};

// Decodes a quoted literal `"..."` (quotes included) into `out`: resolves
// \" \\ \/ \b \f \n \r \t, \uXXXX (surrogate pairs combined) and \u{X...}.
// Returns false, with `error` set, on an unknown escape, a malformed or
// out-of-range \u escape, or an unpaired surrogate.
bool decode_string_literal(std::string_view literal, std::string& out, StringLiteralError& error);

// Decodes a block string literal `"""..."""` (quotes included): `\"""`
// becomes `"""`, then block_string_value() is applied. Block strings have no
// other escapes, so this cannot fail.
std::string decode_block_string_literal(std::string_view literal);

// The specification's BlockStringValue(rawValue): splits on line terminators,
// removes the common indentation of all lines but the first, drops leading
// and trailing blank lines and joins the rest with "\n".
std::string block_string_value(std::string_view raw);

// Appends the UTF-8 encoding of `code_point` (which must be a scalar value).
void append_utf8(std::string& out, char32_t code_point);

// The number of code points in a valid UTF-8 text (continuation bytes are not
// counted), i.e. how many columns a user sees it take.
std::size_t count_code_points(std::string_view utf8);

}  // namespace posture::syntax::detail
