// Streaming reader of ARM JSON files for the snapshot importer (private to
// collectors/snapshot). A file is JSON Lines (one value per line) or JSON
// documents; every value is parsed with nlohmann's SAX interface (a plain JSON
// Lines line with simdjson instead, json_line.hpp, to the same result) and
// split into elements (the items of an array or of a list envelope's `value`,
// or a lone object), which are handed to a sink one at a time, so memory does
// not grow with the file. Each element comes with its verbatim text and the
// line and column where it starts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace posture::snapshot::internal {

// A buffered reader of a file (or of standard input for "-") that counts lines
// and columns and can capture the bytes of the value being read.
class ByteReader {
 public:
  // Opens `path` ("-" = standard input). Errors (code "import") name the file.
  static Result<std::unique_ptr<ByteReader>> open(const std::string& path);
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;
  ~ByteReader();

  // The next byte (0..255) without consuming it, or -1 at the end (or on a
  // read error, then error() is set).
  int peek() {
    if (pos_ < len_) return static_cast<unsigned char>(buf_[pos_]);
    return fill() ? static_cast<unsigned char>(buf_[pos_]) : -1;
  }
  // Consumes and returns the next byte, or -1 at the end.
  int get() {
    int c = peek();
    if (c < 0) return c;
    ++pos_;
    ++consumed_;
    if (c == '\n')
      ++line_, column_ = 0;
    else
      ++column_;
    return c;
  }
  // Reads ahead as far as the buffer allows and returns the unread bytes.
  std::string_view lookahead();
  // The unread bytes up to the next newline (excluded) or the end, without
  // consuming them; nullopt when the line is longer than the buffer.
  std::optional<std::string_view> rest_of_line();
  // Consumes `n` bytes the caller saw (rest_of_line) and that hold no newline.
  void skip(size_t n) { pos_ += n, consumed_ += n, column_ += static_cast<int>(n); }
  // Bytes consumed on the current line so far (its first byte is column 1).
  int consumed_on_line() const { return column_; }
  // Skips a UTF-8 byte order mark at the current position.
  void skip_bom();

  // Starts recording at the byte consumed last (a value's `{` or `[`).
  void start_capture();
  void cancel_capture() { capturing_ = false, capture_.clear(); }
  // Stops recording and returns the bytes from start_capture to the last consumed.
  std::string end_capture();

  const std::string& name() const { return name_; }  // the path, or "<stdin>"
  int line() const { return line_; }                 // 1-based, of the last consumed byte
  int column() const { return column_ > 0 ? column_ : 1; }
  uint64_t consumed() const { return consumed_; }
  uint64_t size() const { return size_; }  // 0 when unknown (a pipe)
  const std::string& error() const { return error_; }

 private:
  ByteReader() = default;
  bool fill();

  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  uint64_t consumed_ = 0, size_ = 0;
  int line_ = 1, column_ = 0;
  bool capturing_ = false;
  size_t capture_start_ = 0;
  std::string capture_;
  std::string error_;
};

// Receives one element: the parsed value, its verbatim text, where it starts,
// and, for an item streamed out of a top-level list envelope, the envelope's
// `@odata.context` when it came before `value` (as Microsoft Graph writes it;
// "" otherwise). An error stops the reading and is returned by read_elements.
using ElementSink = std::function<Status(nlohmann::json&& value, std::string&& raw,
                                         const SourceLocation& where, const std::string& context)>;

// Offered each element of a plain JSON Lines line (json_line.hpp) as simdjson
// parsed it, before it is made an nlohmann value: true when it took the
// element (which then does not reach the ElementSink; it may take `raw`),
// false to leave it to the sink (`raw` untouched). Its nesting is within
// what the SAX reader takes.
using ParsedSink = std::function<Result<bool>(const simdjson::dom::element& value, std::string& raw,
                                              const SourceLocation& where)>;

// Reads all of `reader`, JSON Lines or JSON documents (detected from the start
// of the file), and passes every element to `sink`, or first to `parsed`
// when it is set and the element's line takes the fast path. Syntax errors
// are "import" diagnostics at file:line:column.
Status read_elements(ByteReader& reader, const ElementSink& sink,
                     const ParsedSink& parsed = nullptr);

}  // namespace posture::snapshot::internal
