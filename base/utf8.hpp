// UTF-8 validity, checked wherever text from outside must be written back as
// JSON or read as code points (queries, variables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace posture {

// The length (1..4) of the valid UTF-8 sequence at s[i], with its code point
// in `cp`; 0 when it is invalid (overlong forms, surrogates, code points
// above U+10FFFF, a truncated sequence). Inline: the report writers call it
// per character.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, uint32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  cp = c & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr uint32_t kMinFor[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinFor[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// The byte offset of the first invalid UTF-8 sequence, if any (overlong
// forms, surrogates and code points above U+10FFFF are invalid too).
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The code points of `text`, which must be valid UTF-8 (find_invalid_utf8);
// an invalid byte would read as U+FFFD.
std::u32string code_points(std::string_view text);

}  // namespace posture
