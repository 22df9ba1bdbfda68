// Turns ANTLR's parse tree into the syntax tree of ast.hpp (private to the
// parser). It reads the generated context classes directly, so no
// antlrcpp::Any is involved, and nothing after it sees ANTLR.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "engine/syntax/ast.hpp"

namespace antlr4 {
class ParserRuleContext;
}

namespace posture::syntax::detail {

// `tree` is the result of the grammar's rule `document`, or of rule
// `bareSelections` when `bare` is true (one anonymous query operation is
// made of it). Fails on what the grammar accepts but the specification does
// not: variables in default values, unknown directive locations, extensions
// that add nothing, schema definitions without root operation types.
Result<Document> build_document(antlr4::ParserRuleContext& tree, bool bare,
                                std::string_view source_name);

}  // namespace posture::syntax::detail
