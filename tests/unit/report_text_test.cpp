// JSON strings in the reports (engine/report/text.hpp): plain ASCII in one
// piece, escapes for quotes, backslashes and control characters, UTF-8 kept,
// invalid bytes replaced; the stream and the string forms write the same.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "engine/report/text.hpp"

namespace posture::report::text {
namespace {

std::string to_stream(std::string_view s) {
  std::ostringstream out;
  json_string(out, s);
  return out.str();
}

std::string to_string(std::string_view s) {
  std::string out = "x";  // appended to what is there
  json_string(out, s);
  return out.substr(1);
}

TEST(ReportText, JsonStringsEscapeWhatJsonNeedsAndReplaceInvalidUtf8) {
  const std::pair<std::string, std::string> cases[] = {
      {"", R"("")"},
      {"/subscriptions/0000-aa", R"("/subscriptions/0000-aa")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"a\\b", R"("a\\b")"},
      {"line\nnext\r\tend", R"("line\nnext\r\tend")"},
      {std::string("nul\0x\x01\x1f", 7), R"("nul\u0000x\u0001\u001f")"},
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92",
       "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92\""},
      {"bad \xFF byte", "\"bad \xEF\xBF\xBD byte\""},
      {"cut \xE2\x82", "\"cut \xEF\xBF\xBD\xEF\xBF\xBD\""},
      {"\x7F del", "\"\x7F del\""},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(to_stream(in), want);
    EXPECT_EQ(to_string(in), want);
    EXPECT_EQ(json_quoted(in), want);
  }
}

// Every byte at every place of texts longer than the 8 bytes the writer
// skips at once: the text written is the plain bytes around that byte's own
// escape (or its replacement when it is not UTF-8 by itself).
TEST(ReportText, EachByteAnywhereInALongTextIsWrittenAsOnItsOwn) {
  for (const std::string& filler : {std::string(17, 'x'), std::string("a ~!#[]{}\x7f/:-_.,09")})
    for (int b = 0; b < 256; ++b)
      for (size_t at = 0; at < filler.size(); ++at) {
        std::string text = filler;
        text[at] = static_cast<char>(b);
        const std::string alone = json_quoted(std::string(1, static_cast<char>(b)));
        const std::string want = "\"" + filler.substr(0, at) + alone.substr(1, alone.size() - 2) +
                                 filler.substr(at + 1) + "\"";
        ASSERT_EQ(to_string(text), want) << "byte " << b << " at " << at;
        ASSERT_EQ(to_stream(text), want) << "byte " << b << " at " << at;
      }
}

}  // namespace
}  // namespace posture::report::text
