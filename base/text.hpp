// Small text helpers every layer shares: ASCII case folding (ARM ids, HTTP
// header names and check ids compare case-insensitively in ASCII only) and
// UTC timestamps as ISO 8601, counts with their noun.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace posture::text {

// `s` with A-Z turned into a-z; every other byte (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);
// The same into `out`, reusing its storage (a loop over many values).
void ascii_lower(std::string_view s, std::string& out);

// Whether none of the 8 bytes in `w` (loaded from text with memcpy) needs
// escaping in a JSON string: no '"', '\\' or control byte (below 0x20), and,
// with `ascii`, none of 0x80 and above (a writer that checks UTF-8 decodes
// those). The word tests "has a zero byte" and "has a byte less than n",
// exact for whether any byte does: writers skip 8 plain bytes at a time.
constexpr bool json_plain_word(uint64_t w, bool ascii) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const uint64_t special = has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) |
                           ((w - kOnes * 0x20) & ~w & kHighs) | (ascii ? w & kHighs : 0);
  return special == 0;
}

// Whether `s` is ASCII with nothing to escape in a JSON string: then its
// JSON text is `s` in quotes, whatever the writer.
bool json_plain(std::string_view s);

// "2026-11-23T16:37:00Z": `t` in UTC, to the second.
std::string iso_utc(std::time_t t);
inline std::string iso_utc(std::chrono::system_clock::time_point t) {
  return iso_utc(std::chrono::system_clock::to_time_t(t));
}
// The current time, as iso_utc writes it.
std::string utc_now();

// "1 check", "2 checks": `n` and the noun in the number it takes.
std::string counted(uint64_t n, std::string_view one, std::string_view many);

}  // namespace posture::text
