#include "base/utf8.hpp"

namespace posture {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  uint32_t cp = 0;
  for (std::size_t i = 0, n = 0; i < text.size(); i += n)
    if ((n = utf8_sequence(text, i, cp)) == 0) return i;
  return std::nullopt;
}

std::u32string code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());  // at most one code point per byte
  for (std::size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    std::size_t n = utf8_sequence(text, i, cp);
    out.push_back(n ? cp : 0xFFFD);  // (invalid only if the caller broke the contract)
    i += n ? n : 1;
  }
  return out;
}

}  // namespace posture
