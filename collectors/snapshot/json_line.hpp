// The fast path of the importer's JSON Lines reader (private to
// collectors/snapshot): one whole line parsed by simdjson instead of
// nlohmann's per-character SAX. It takes the lines that are common and plain
// (an object, a list envelope of objects, an array of objects, nothing
// unusual inside) and gives every other line back untouched to the SAX reader
// (json_stream.cpp), which then reads it exactly as before: same elements,
// same verbatim text, same errors at the same file:line:column.
#pragma once

#include <memory>

#include "base/result.hpp"
#include "collectors/snapshot/json_stream.hpp"

namespace posture::snapshot::internal {

class LineParser {
 public:
  LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;
  ~LineParser();

  // Reads the line at `reader`'s position (its first byte not a space) and
  // passes its elements to `parsed` (when set), and those it does not take
  // to `sink`: true when it did (the line is consumed up to its newline; a
  // sink error is returned as is), false when the line is not one it takes
  // (nothing consumed, nothing passed).
  Result<bool> read(ByteReader& reader, const ElementSink& sink,
                    const ParsedSink& parsed = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace posture::snapshot::internal
