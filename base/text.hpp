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
