// Diagnostics: the one error/warning type every stage of Posture returns.
// A diagnostic has a stable code (for machines), a message (for people), where
// it happened, and optional hints such as "did you mean `securityContacts`?".
// Only the CLI turns diagnostics into text and exit codes.
#pragma once

#include <string>
#include <vector>

namespace posture {

// A position in some source: a file (or "<query>"), 1-based line and column.
// line == 0 means "no position known" (e.g. an HTTP response as a whole).
struct SourceLocation {
  std::string source;
  int line = 0;
  int column = 0;
};

// How serious a diagnostic is (a check's severity is checks::Severity).
enum class Level { Error, Warning, Note };

struct Diagnostic {
  std::string code;  // stable, kebab-case: "syntax", "unknown-field", "type-mismatch", ...
  Level level = Level::Error;
  std::string message;
  SourceLocation where;
  std::vector<std::string> hints;

  static Diagnostic error(std::string code, std::string message, SourceLocation where = {});
  static Diagnostic warning(std::string code, std::string message, SourceLocation where = {});
  Diagnostic&& hint(std::string text) &&;
};

using Diagnostics = std::vector<Diagnostic>;

// "source:line:column: error: message [code]" followed by "  hint: ..." lines.
std::string format(const Diagnostic& d);
std::string format(const Diagnostics& ds);

// The closest candidate to `name` by edit distance, or "" when none is close
// enough to be a plausible misspelling. Used for "did you mean" hints.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace posture
