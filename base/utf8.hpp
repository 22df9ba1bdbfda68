// UTF-8 validity, checked wherever text from outside must be written back as
// JSON or read as code points (queries, variables).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace posture {

// The byte offset of the first invalid UTF-8 sequence, if any (overlong
// forms, surrogates and code points above U+10FFFF are invalid too).
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The code points of `text`, which must be valid UTF-8 (find_invalid_utf8).
std::u32string code_points(std::string_view text);

}  // namespace posture
