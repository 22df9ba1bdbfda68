// base/text.hpp: ascii_lower turns A-Z into a-z and leaves every other byte
// as it was, at any place of a text (it works 8 bytes at a time), and
// json_plain_word says a word is plain exactly when each of its bytes is, and
// json_plain a text of any length.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "base/text.hpp"

namespace posture::text {
namespace {

char lower_byte(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

TEST(BaseText, AsciiLowerChangesOnlyAToZAtEveryPlace) {
  EXPECT_EQ(ascii_lower("/Subscriptions/ABC-def/ResourceGroups/RG\xC3\x89"),
            "/subscriptions/abc-def/resourcegroups/rg\xC3\x89");
  EXPECT_EQ(ascii_lower(""), "");
  for (const std::string& filler : {std::string(19, 'Q'), std::string("@AZ[`az{\x80\xc1\xda\xff"
                                                                      "@AZ[`az{\x80\xc1\xda")})
    for (int b = 0; b < 256; ++b)
      for (size_t at = 0; at < filler.size(); ++at) {
        std::string text = filler;
        text[at] = static_cast<char>(b);
        std::string want = text;
        for (char& c : want) c = lower_byte(c);
        std::string got = "reused";
        ascii_lower(text, got);
        ASSERT_EQ(got, want) << "byte " << b << " at " << at;
      }
}

TEST(BaseText, JsonPlainWordIsPlainExactlyWhenEachByteIs) {
  auto plain_byte = [](unsigned char c, bool ascii) {
    return c >= 0x20 && c != '"' && c != '\\' && (!ascii || c < 0x80);
  };
  for (bool ascii : {false, true})
    for (int b = 0; b < 256; ++b)
      for (size_t at = 0; at < 8; ++at)
        for (unsigned char fill : {'a', ' ', '~', '\x7f', '\x80', '\xff', '!', ']'}) {
          unsigned char bytes[8];
          std::memset(bytes, fill, sizeof bytes);
          bytes[at] = static_cast<unsigned char>(b);
          uint64_t w;
          std::memcpy(&w, bytes, sizeof w);
          bool want = true;
          for (unsigned char c : bytes) want = want && plain_byte(c, ascii);
          ASSERT_EQ(json_plain_word(w, ascii), want)
              << "byte " << b << " at " << at << " among " << int(fill) << " ascii " << ascii;
        }
}

TEST(BaseText, JsonPlainIsPlainExactlyWhenEachByteIs) {
  EXPECT_TRUE(json_plain(""));
  for (size_t size : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{23}})
    for (int b = 0; b < 256; ++b)
      for (size_t at = 0; at < size; ++at) {
        std::string text(size, 'x');
        text[at] = static_cast<char>(b);
        const bool want = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
        ASSERT_EQ(json_plain(text), want) << "byte " << b << " at " << at << " of " << size;
      }
}

}  // namespace
}  // namespace posture::text
