// syntax::parse: GraphQL text to a syntax::Document.
//
// The steps: check the text is UTF-8; lex it (lexer.cpp: the grammar's lexer
// rules by hand, token for token what the generated lexer makes); scan
// the tokens for lexical errors and the depth limit (parse_tokens.cpp); parse
// with the generated parser, first with fast SLL prediction and the
// BailErrorStrategy, and only when that fails again with full LL prediction
// and readable error reporting (parse_errors.cpp); then build the AST from
// the parse tree (parse_tree_builder.cpp).
//
// A document is parsed by the grammar's rule `document` or, for the
// catalogue's shorthand, by `bareSelections`; its first tokens tell which
// (choose_rule below), so each document is parsed once and its errors are
// worded for what it is.
#include "engine/syntax/parser.hpp"

#include <antlr4-runtime.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "GraphQLParser.h"
#include "base/utf8.hpp"
#include "engine/syntax/lexer.hpp"
#include "engine/syntax/parse_errors.hpp"
#include "engine/syntax/parse_tokens.hpp"
#include "engine/syntax/parse_tree_builder.hpp"

namespace posture::syntax {

namespace {

using G = posture::grammar::GraphQLParser;

enum class Rule { Definitions, BareSelections };

// The deepest nesting parsed whatever ParseOptions::max_depth asks for. Each
// level costs ANTLR's recursive descent and the tree builder about 1 KB of
// stack in a debug build (a few KB under AddressSanitizer); 1000 levels stay
// well inside a thread's default 8 MB, and no real query comes near.
constexpr int kDeepestSupported = 1000;

// 1-based line and column (in code points) of a byte offset; a line ends at
// \n, \r\n or \r.
SourceLocation location_of(std::string_view text, std::size_t offset, std::string_view source) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != '\r') {
      ++column;
    }
  }
  return SourceLocation{std::string(source), line, column};
}

// ANTLR counts lines at \n only; a lone \r (old Mac line ends) becomes \n,
// which changes no value: strings cannot hold raw line terminators and block
// strings normalise them.
std::string normalise_line_ends(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\r' && (i + 1 >= out.size() || out[i + 1] != '\n')) out[i] = '\n';
  return out;
}

bool is_definition_keyword(std::size_t type) {
  switch (type) {
    case G::KW_QUERY:
    case G::KW_MUTATION:
    case G::KW_SUBSCRIPTION:
    case G::KW_FRAGMENT:
    case G::KW_SCHEMA:
    case G::KW_SCALAR:
    case G::KW_TYPE:
    case G::KW_INTERFACE:
    case G::KW_UNION:
    case G::KW_ENUM:
    case G::KW_INPUT:
    case G::KW_DIRECTIVE:
    case G::KW_EXTEND:
      return true;
    default:
      return false;
  }
}

// Which rule parses the document, from its first three tokens. A plain name,
// `...` or a keyword that starts no definition (`on`, `true`, ...) starts
// bare selections. A definition keyword starts a definition unless what
// follows it can only be a field's: an alias (`type: ...`), arguments
// (`type(where: ...)`; `query($v: ...)` has variables), a selection set or
// directives after a keyword that takes none (`type { ... }`). So a bare
// selection list may begin with a field named like a keyword only when that
// field has an alias, arguments, directives or a selection set.
Rule choose_rule(antlr4::CommonTokenStream& tokens) {
  const std::size_t first = tokens.get(0)->getType();
  if (first == G::NAME || first == G::SPREAD ||
      (first >= G::KW_QUERY && first <= G::KW_REPEATABLE && !is_definition_keyword(first)))
    return Rule::BareSelections;
  if (!is_definition_keyword(first)) return Rule::Definitions;
  const std::size_t second = tokens.get(1)->getType();
  const bool operation =
      first == G::KW_QUERY || first == G::KW_MUTATION || first == G::KW_SUBSCRIPTION;
  switch (second) {
    case G::COLON:
      return Rule::BareSelections;
    case G::LPAREN:
      return operation && tokens.get(2)->getType() == G::DOLLAR ? Rule::Definitions
                                                                : Rule::BareSelections;
    case G::LBRACE:
      return operation || first == G::KW_SCHEMA ? Rule::Definitions : Rule::BareSelections;
    case G::AT:
      return operation || first == G::KW_SCHEMA || first == G::KW_DIRECTIVE ? Rule::Definitions
                                                                            : Rule::BareSelections;
    default:
      return Rule::Definitions;
  }
}

// One parser over one token stream, run in either of the two stages.
class TwoStageParser {
 public:
  TwoStageParser(antlr4::CommonTokenStream& tokens, const antlr4::Token* unclosed,
                 std::string_view source)
      : unclosed_(unclosed), source_(source), parser_(&tokens) {
    parser_.removeErrorListeners();
  }

  // Parses with `rule`; on success builds the document, on a syntax error
  // returns nullopt and leaves the error in `last_error()`.
  std::optional<Result<Document>> parse(Rule rule) {
    if (auto* tree = run_sll(rule))
      return detail::build_document(*tree, rule == Rule::BareSelections, source_);
    if (auto* tree = run_ll(rule))
      return detail::build_document(*tree, rule == Rule::BareSelections, source_);
    return std::nullopt;
  }

  const detail::SyntaxError& last_error() const { return errors_.front(); }

 private:
  antlr4::ParserRuleContext* run(Rule rule) {
    if (rule == Rule::Definitions) return parser_.document();
    return parser_.bareSelections();
  }

  antlr4::ParserRuleContext* run_sll(Rule rule) {
    parser_.reset();
    parser_.removeErrorListeners();
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser_.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    try {
      return run(rule);
    } catch (const antlr4::ParseCancellationException&) {
      return nullptr;
    }
  }

  antlr4::ParserRuleContext* run_ll(Rule rule) {
    parser_.reset();
    errors_.clear();
    if (!collector_) collector_ = detail::make_error_collector(errors_);
    parser_.addErrorListener(collector_.get());
    parser_.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser_.setErrorHandler(detail::make_error_strategy(unclosed_));
    antlr4::ParserRuleContext* tree = nullptr;
    try {
      tree = run(rule);
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (errors_.empty() && tree) return tree;
    if (errors_.empty())  // cannot happen: a failed parse always reports
      errors_.push_back({1, 1, 0, "the document could not be parsed"});
    return nullptr;
  }

  const antlr4::Token* unclosed_;
  std::string_view source_;
  std::vector<detail::SyntaxError> errors_;
  std::unique_ptr<antlr4::ANTLRErrorListener> collector_;  // outlives parser_, which points at it
  G parser_;
};

Result<Document> parse_text(std::string_view text, std::string_view source,
                            const ParseOptions& options) {
  if (auto bad = find_invalid_utf8(text))
    return Diagnostic::error("syntax", "the text is not valid UTF-8",
                             location_of(text, *bad, source));

  detail::CodePointStream input(normalise_line_ends(text));
  detail::Lexer lexer(input);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();

  const int max_depth = std::min(options.max_depth, kDeepestSupported);
  detail::TokenScan scan = detail::scan_tokens(tokens.getTokens(), max_depth, source);
  if (scan.problem) return std::move(*scan.problem);
  if (tokens.get(0)->getType() == antlr4::Token::EOF) return Document{};

  TwoStageParser parser(tokens, scan.unclosed, source);
  if (auto result = parser.parse(choose_rule(tokens))) return std::move(*result);
  const detail::SyntaxError& error = parser.last_error();
  return Diagnostic::error("syntax", error.message,
                           SourceLocation{std::string(source), error.line, error.column});
}

}  // namespace

Result<Document> parse(std::string_view text, std::string_view source_name,
                       const ParseOptions& options) {
  try {
    return parse_text(text, source_name, options);
  } catch (const std::exception& e) {
    return Diagnostic::error("syntax", std::string("the parser failed: ") + e.what(),
                             SourceLocation{std::string(source_name), 0, 0});
  } catch (...) {
    return Diagnostic::error("syntax", "the parser failed",
                             SourceLocation{std::string(source_name), 0, 0});
  }
}

}  // namespace posture::syntax
