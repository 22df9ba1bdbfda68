// See text.hpp.
#include "base/text.hpp"

#include <cstring>

namespace posture::text {

bool json_plain(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if (!json_plain_word(w, true)) return false;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out;
  ascii_lower(s, out);
  return out;
}

void ascii_lower(std::string_view s, std::string& out) {
  out.assign(s);
  // Eight bytes at a time: 0x20 added to each byte in A-Z (a byte of 0x80
  // and above is never one: its bit 7 keeps it out).
  constexpr uint64_t kSevenBits = 0x7f7f7f7f7f7f7f7full, kHighs = 0x8080808080808080ull;
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  size_t i = 0;
  for (; i + 8 <= out.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, out.data() + i, sizeof w);
    const uint64_t low = w & kSevenBits;
    const uint64_t above_z = low + kOnes * (0x7f - 'Z');      // bit 7 set: above 'Z'
    const uint64_t from_a = low + kOnes * (0x80 - 'A');       // bit 7 set: 'A' or above
    const uint64_t upper = (from_a ^ above_z) & ~w & kHighs;  // 'A'..'Z', and ASCII
    w |= upper >> 2;
    std::memcpy(out.data() + i, &w, sizeof w);
  }
  for (; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
}

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string utc_now() {
  return iso_utc(std::time(nullptr));
}

std::string counted(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace posture::text
