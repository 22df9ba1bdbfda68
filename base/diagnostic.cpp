// Formatting of diagnostics and the edit-distance helper behind "did you mean".
#include "base/diagnostic.hpp"

#include <algorithm>
#include <cctype>

namespace posture {

Diagnostic Diagnostic::error(std::string code, std::string message, SourceLocation where) {
  return Diagnostic{std::move(code), Level::Error, std::move(message), std::move(where), {}};
}

Diagnostic Diagnostic::warning(std::string code, std::string message, SourceLocation where) {
  return Diagnostic{std::move(code), Level::Warning, std::move(message), std::move(where), {}};
}

Diagnostic&& Diagnostic::hint(std::string text) && {
  hints.push_back(std::move(text));
  return std::move(*this);
}

std::string format(const Diagnostic& d) {
  std::string out;
  if (!d.where.source.empty()) out += d.where.source + ":";
  if (d.where.line > 0)
    out += std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ":";
  if (!out.empty()) out += " ";
  out += d.level == Level::Error     ? "error: "
         : d.level == Level::Warning ? "warning: "
                                           : "note: ";
  out += d.message;
  if (!d.code.empty()) out += " [" + d.code + "]";
  for (const auto& h : d.hints) out += "\n  hint: " + h;
  return out;
}

std::string format(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += format(d) + "\n";
  return out;
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best;
}

}  // namespace posture
