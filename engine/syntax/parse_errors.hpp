// Syntax errors in words a person understands (private to the parser).
// ANTLR's defaults say "mismatched input '}' expecting {NAME, 'query', ...}";
// the strategy made here says "expected a name or ')' but found '}'", and the
// collector keeps the first error and stops the parse there.
// ANTLR types are only forward-declared: its headers stay in .cpp files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace antlr4 {
class ANTLRErrorListener;
class ANTLRErrorStrategy;
class Token;
}  // namespace antlr4

namespace posture::syntax::detail {

// One syntax error: 1-based line and column (in characters), the offending
// token's index (to compare how far two parses of the same input got), and
// the message.
struct SyntaxError {
  int line = 0;
  int column = 0;
  std::size_t token_index = 0;
  std::string message;
};

// ANTLR's default error strategy (single-token insertion and deletion) with
// readable messages. `unclosed`, when not null, is the innermost bracket the
// input never closes: an error at the end of the input then names it.
std::shared_ptr<antlr4::ANTLRErrorStrategy> make_error_strategy(const antlr4::Token* unclosed);

// An error listener that appends each error to `errors` and stops the parse
// after the first one (by throwing antlr4::ParseCancellationException, which
// the caller catches). `errors` must outlive the listener.
std::unique_ptr<antlr4::ANTLRErrorListener> make_error_collector(std::vector<SyntaxError>& errors);

// How a token is quoted in a message: 'connectors', '}', "a string",
// end of input. Long texts are shortened.
std::string describe_token(const antlr4::Token& token);

}  // namespace posture::syntax::detail
