// The lexer the parser reads from: the lexer rules of grammar/GraphQL.g4
// written out by hand (private to the parser).
//
// ANTLR's generated lexer simulates its DFA one code point at a time, taking
// a lock for every step; on a check file (1.5 KB, most of it the rationale's
// block strings) that was more than half of the whole compile. This one makes
// the same tokens (type, start and stop index, line, column, channel) with
// plain loops: tests/unit/syntax_lexer_test.cpp holds it to the generated
// lexer on every query, document and semantics case we have and on random
// and mutated texts, and the query fuzzer compares the two on every input.
// The grammar stays the one definition of the language; a change to its lexer
// rules must be made here too, and those tests say where they disagree.
#pragma once

#include <antlr4-runtime.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/utf8.hpp"

namespace posture::syntax::detail {

// ANTLR's input stream (UTF-32 code points), with its code points readable.
// Both lexers read code points: only valid UTF-8 (find_invalid_utf8) may
// reach them. It decodes as ANTLRInputStream::load does (a leading byte order
// mark dropped), but in one pass: the runtime's decoder grows its string per
// code point, a tenth of a query's start-up on the 80 KB built-in schema.
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  explicit CodePointStream(std::string_view utf8) {
    if (utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.remove_prefix(3);
    _data = posture::code_points(utf8);
    p = 0;
  }
  const std::u32string& code_points() const { return _data; }
};

class Lexer final : public antlr4::TokenSource {
 public:
  explicit Lexer(CodePointStream& input) : input_(input), text_(input.code_points()) {}

  // The next token the grammar's lexer would emit; EOF (again) at the end.
  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() override { return column_; }
  antlr4::CharStream* getInputStream() override { return &input_; }
  std::string getSourceName() override { return input_.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  // The token type and the end (exclusive) of the longest token at pos_, as
  // ANTLR picks it (longest match, then the rule written first); type 0 for
  // ignored text (whitespace, commas, byte order marks, comments).
  std::pair<size_t, size_t> match() const;
  std::pair<size_t, size_t> match_number() const;
  std::pair<size_t, size_t> match_string() const;
  std::pair<size_t, size_t> match_block_string() const;
  void advance(size_t end);  // moves pos_ to end, counting lines as ANTLR does (at \n only)

  CodePointStream& input_;
  const std::u32string& text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t column_ = 0;
};

}  // namespace posture::syntax::detail
