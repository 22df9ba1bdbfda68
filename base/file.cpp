// See file.hpp.
#include "base/file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace posture::file {

Result<std::string> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Diagnostic::error("io", std::string("cannot read the file: ") + std::strerror(errno),
                             {path, 0, 0});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Diagnostic::error("io", "cannot read the file", {path, 0, 0});
  return text.str();
}

int line_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace posture::file
