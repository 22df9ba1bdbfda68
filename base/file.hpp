// Reading whole text files, and turning a byte offset into a line number for
// diagnostics that point into them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace posture::file {

// The file's bytes. An error (code "io") names the file and says why, e.g.
// "cannot read the file: No such file or directory".
Result<std::string> read(const std::string& path);

// The 1-based line of `text` that byte `offset` is on (past the end: the last).
int line_at(std::string_view text, size_t offset);

}  // namespace posture::file
