// Parsing GraphQL text into a syntax::Document.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::syntax {

struct ParseOptions {
  // Refuse documents nested deeper than this (selections, lists, objects) with
  // a "too-deep" diagnostic instead of exhausting the stack.
  int max_depth = 256;
};

// Parses `text` (an executable document, SDL, or the bare-selection shorthand).
// `source_name` is used in diagnostics ("queries/x.graphql", "<query>").
// Errors are "syntax" diagnostics with the line and column of the offending token.
// An empty document (only comments/whitespace) parses to an empty Document.
Result<Document> parse(std::string_view text, std::string_view source_name = "<query>",
                       const ParseOptions& options = {});

}  // namespace posture::syntax
