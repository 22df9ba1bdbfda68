#include "base/utf8.hpp"

namespace posture {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = c >= 0xC2 && c <= 0xDF   ? 2
                         : c >= 0xE0 && c <= 0xEF ? 3
                         : c >= 0xF0 && c <= 0xF4 ? 4
                                                  : 0;
    if (length == 0 || i + length > text.size()) return i;
    unsigned char second = static_cast<unsigned char>(text[i + 1]);
    unsigned char low = 0x80, high = 0xBF;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
    if (second < low || second > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::nullopt;
}

std::u32string code_points(std::string_view text) {
  std::u32string out(text.size(), U'\0');  // at most one code point per byte
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto byte = [&](std::size_t k) {
      return static_cast<char32_t>(static_cast<unsigned char>(text[k]));
    };
    char32_t c = byte(i);
    if (c < 0x80) {
      ++i;
    } else if (c < 0xE0) {
      c = (c & 0x1F) << 6 | (byte(i + 1) & 0x3F);
      i += 2;
    } else if (c < 0xF0) {
      c = (c & 0x0F) << 12 | (byte(i + 1) & 0x3F) << 6 | (byte(i + 2) & 0x3F);
      i += 3;
    } else {
      c = (c & 0x07) << 18 | (byte(i + 1) & 0x3F) << 12 | (byte(i + 2) & 0x3F) << 6 |
          (byte(i + 3) & 0x3F);
      i += 4;
    }
    out[n++] = c;
  }
  out.resize(n);
  return out;
}

}  // namespace posture
