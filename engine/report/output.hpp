// Where a report goes: standard output, or a file given with --output. A file
// is written under a temporary name beside it and renamed into place only when
// the whole report was written, so a failed run never leaves half a report
// where a pipeline expects a complete one. Both use a large buffer.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "base/result.hpp"

namespace posture::report {

class Output {
 public:
  // Opens `path` ("" or "-": standard output).
  static Result<Output> open(const std::string& path);
  Output(Output&&) noexcept;
  Output& operator=(Output&&) = delete;
  ~Output();  // an uncommitted file is removed

  std::ostream& stream();
  bool is_stdout() const { return path_.empty(); }
  // Flushes; a file is renamed to its final name. Errors name the path.
  Status commit();

 private:
  Output() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace posture::report
