// Checks on the token stream before it is parsed (private to the parser):
// what the grammar leaves to code (lexical error tokens, numbers that run into
// names, string escapes) and the nesting depth, which must be refused before
// ANTLR's recursive descent can exhaust the stack. It is one loop over the
// tokens, with no recursion.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"

namespace antlr4 {
class Token;
}

namespace posture::syntax::detail {

struct TokenScan {
  // The first problem found, in source order: a "syntax" or "too-deep" error.
  std::optional<Diagnostic> problem;
  // The innermost `{`, `[` or `(` that is never closed, or null.
  const antlr4::Token* unclosed = nullptr;
};

// Scans `tokens` (the whole stream, ending with EOF). Brackets nested deeper
// than `max_depth` are a "too-deep" error at the first bracket over the limit.
TokenScan scan_tokens(const std::vector<antlr4::Token*>& tokens, int max_depth,
                      std::string_view source_name);

}  // namespace posture::syntax::detail
