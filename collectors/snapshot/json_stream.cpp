// The importer's streaming JSON reader: a buffered, line-counting byte reader,
// a SAX handler that builds one element at a time (never a whole file), and the
// loop that tells JSON Lines from JSON documents and feeds the handler (JSON
// Lines go through simdjson first, json_line.hpp, and to the handler only
// when that leaves a line to it).
#include "collectors/snapshot/json_stream.hpp"

#include "collectors/snapshot/json_line.hpp"
#include "collectors/snapshot/normalize.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>

namespace posture::snapshot::internal {

using nlohmann::json;

namespace {

constexpr size_t kBufferSize = 1 << 20;

bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Diagnostic import_error(const ByteReader& r, std::string message) {
  return Diagnostic::error("import", std::move(message),
                           SourceLocation{r.name(), r.line(), r.column()});
}

// An input iterator over a ByteReader for nlohmann's parser. It ends at the end
// of the input, or (line-bounded) before the next newline.
class ReaderIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  ReaderIterator() = default;
  ReaderIterator(ByteReader* reader, bool line_bounded) : r_(reader), line_(line_bounded) {}
  char operator*() const { return static_cast<char>(r_->peek()); }
  ReaderIterator& operator++() {
    r_->get();
    return *this;
  }
  ReaderIterator operator++(int) {
    ReaderIterator old = *this;
    r_->get();
    return old;
  }
  bool at_end() const {
    if (!r_) return true;
    int c = r_->peek();
    return c < 0 || (line_ && c == '\n');
  }
  friend bool operator==(const ReaderIterator& a, const ReaderIterator& b) {
    return a.at_end() == b.at_end();
  }
  friend bool operator!=(const ReaderIterator& a, const ReaderIterator& b) { return !(a == b); }

 private:
  ByteReader* r_ = nullptr;
  bool line_ = false;
};

// Builds one JSON value from SAX events (like nlohmann's DOM parser).
class Builder {
 public:
  bool active() const { return !stack_.empty(); }
  void begin(json container) {
    root_ = std::move(container);
    stack_.assign(1, &root_);
  }
  void key(std::string&& k) { key_ = std::move(k); }
  void value(json&& v) { insert(std::move(v)); }
  void open(json&& container) { stack_.push_back(insert(std::move(container))); }
  void close() { stack_.pop_back(); }
  json take() {
    stack_.clear();
    return std::move(root_);
  }
  const json& root() const { return root_; }

 private:
  json* insert(json&& v) {
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }
  json root_;
  std::vector<json*> stack_;
  std::string key_;
};

// SAX handler that splits each top-level value into elements: the items of a
// top-level array, the items of a top-level object's `value` array (an ARM or
// Graph list envelope, streamed) or `data` array (an Azure Resource Graph
// result, from its REST API or `az graph query`), or else the top-level object itself.
class ElementSplitter {
 public:
  ElementSplitter(ByteReader& reader, const ElementSink& sink) : r_(reader), sink_(sink) {}

  std::optional<Diagnostic>& error() { return error_; }

  bool null() { return scalar(nullptr); }
  bool boolean(bool v) { return scalar(v); }
  bool number_integer(json::number_integer_t v) { return scalar(v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(v); }
  bool number_float(json::number_float_t v, const std::string&) { return scalar(v); }
  bool string(std::string& v) { return scalar(std::move(v)); }
  bool binary(json::binary_t& v) { return scalar(json::binary(std::move(v))); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k);
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e);

 private:
  bool element_depth(int d) const { return (top_array_ && d == 1) || (streaming_ && d == 2); }
  bool open(json&& container);
  bool close();
  bool scalar(json&& v);
  bool emit(json&& v, std::string&& raw, SourceLocation where);
  void forward_value_key() {
    if (pending_value_key_) top_.key(std::string(pending_key_)), pending_value_key_ = false;
  }

  ByteReader& r_;
  const ElementSink& sink_;
  std::optional<Diagnostic> error_;
  int depth_ = 0;
  bool top_array_ = false;          // the top-level value is an array
  bool streaming_ = false;          // inside a top-level object's `value` array
  bool envelope_ = false;           // the top-level object had a `value` or `data` array
  std::string context_;             // the envelope's @odata.context, while streaming
  bool pending_value_key_ = false;  // key "value" or "data" seen at depth 1, not yet forwarded
  std::string_view pending_key_;    // which of the two
  Builder top_, element_;
  SourceLocation top_at_, element_at_;
};

bool ElementSplitter::emit(json&& v, std::string&& raw, SourceLocation where) {
  Status s = sink_(std::move(v), std::move(raw), where, streaming_ ? context_ : std::string());
  if (s) return true;
  error_ = s.errors().front();
  return false;
}

bool ElementSplitter::open(json&& container) {
  int d = depth_++;
  if (d >= kMaxJsonDepth) {
    error_ =
        import_error(r_, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return false;
  }
  SourceLocation here{r_.name(), r_.line(), r_.column()};
  if (element_.active()) {
    element_.open(std::move(container));
  } else if (d == 0) {
    top_array_ = container.is_array();
    streaming_ = envelope_ = pending_value_key_ = false;
    if (!top_array_) top_.begin(std::move(container)), top_at_ = here, r_.start_capture();
  } else if (element_depth(d)) {
    element_.begin(std::move(container));
    element_at_ = here;
    r_.start_capture();
  } else if (d == 1 && pending_value_key_ && container.is_array()) {
    pending_value_key_ = false;
    streaming_ = envelope_ = true;  // a list envelope: stream its items
    r_.cancel_capture();
    const json& envelope = top_.root();
    auto context = envelope.find("@odata.context");
    context_ = context != envelope.end() && context->is_string() ? context->get<std::string>() : "";
  } else {
    forward_value_key();
    top_.open(std::move(container));
  }
  return true;
}

bool ElementSplitter::close() {
  int d = --depth_;
  if (element_.active()) {
    element_.close();
    if (element_.active()) return true;
    return emit(element_.take(), r_.end_capture(), element_at_);
  }
  if (d == 0) {
    if (top_array_) return true;
    if (envelope_) {
      top_.take();  // nextLink and the like: nothing to store
      return true;
    }
    return emit(top_.take(), r_.end_capture(), top_at_);
  }
  if (streaming_ && d == 1) {
    streaming_ = false;
    return true;
  }
  top_.close();
  return true;
}

bool ElementSplitter::scalar(json&& v) {
  int d = depth_;
  if (element_.active()) {
    element_.value(std::move(v));
    return true;
  }
  SourceLocation here{r_.name(), r_.line(), r_.column()};
  if (d == 0 || element_depth(d)) {
    std::string raw = v.dump();
    return emit(std::move(v), std::move(raw), here);
  }
  forward_value_key();
  top_.value(std::move(v));
  return true;
}

bool ElementSplitter::key(std::string& k) {
  if (element_.active()) {
    element_.key(std::move(k));
  } else if (depth_ == 1 && !top_array_ && (k == "value" || k == "data")) {
    pending_value_key_ = true;
    pending_key_ = k == "value" ? "value" : "data";
  } else {
    forward_value_key();
    top_.key(std::move(k));
  }
  return true;
}

bool ElementSplitter::parse_error(std::size_t, const std::string&,
                                  const nlohmann::detail::exception& e) {
  if (!r_.error().empty()) {
    error_ = import_error(r_, "read error: " + r_.error());
    return false;
  }
  // nlohmann's message carries its own position, relative to the value parsed
  // last; ours (from the reader) is the file's.
  std::string message = e.what();
  size_t at = message.find("column ");
  size_t colon = message.find(": ", at == std::string::npos ? 0 : at);
  if (colon != std::string::npos) message = message.substr(colon + 2);
  error_ = import_error(r_, "malformed JSON: " + message);
  return false;
}

// Whether the file looks like JSON Lines: its first value is a complete value
// on the first line (or the first line is longer than the read-ahead window).
bool looks_like_json_lines(ByteReader& reader) {
  std::string_view ahead = reader.lookahead();
  size_t start = 0;
  while (start < ahead.size() && is_space(ahead[start])) ++start;
  if (start == ahead.size() || ahead[start] == '[') return false;
  if (ahead[start] != '{') return true;
  size_t newline = ahead.find('\n', start);
  if (newline == std::string_view::npos) return true;
  return json::accept(ahead.data() + start, ahead.data() + newline);
}

// Parses one value starting at the reader's position.
Status parse_value(ByteReader& reader, ElementSplitter& splitter, bool line_bounded) {
  ReaderIterator first(&reader, line_bounded), last;
  bool ok = json::sax_parse(first, last, &splitter, json::input_format_t::json, false);
  if (ok) return ok_status();
  if (splitter.error()) return *splitter.error();
  return import_error(reader, "malformed JSON");
}

}  // namespace

Result<std::unique_ptr<ByteReader>> ByteReader::open(const std::string& path) {
  std::unique_ptr<ByteReader> r(new ByteReader());
  r->name_ = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    r->fd_ = 0;
  } else {
    r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (r->fd_ < 0)
      return Diagnostic::error("import", "cannot open " + path + ": " + std::strerror(errno),
                               SourceLocation{path, 0, 0});
    r->owned_ = true;
  }
  struct stat st {};
  if (::fstat(r->fd_, &st) == 0 && S_ISREG(st.st_mode))
    r->size_ = static_cast<uint64_t>(st.st_size);
  if (::fstat(r->fd_, &st) == 0 && S_ISDIR(st.st_mode))
    return Diagnostic::error("import", path + " is a directory", SourceLocation{path, 0, 0});
  r->buf_.resize(kBufferSize);
  return r;
}

ByteReader::~ByteReader() {
  if (owned_) ::close(fd_);
}

bool ByteReader::fill() {
  if (pos_ < len_) return true;
  if (eof_) return false;
  if (capturing_) {
    capture_.append(buf_.data() + capture_start_, len_ - capture_start_);
    capture_start_ = 0;
  }
  pos_ = len_ = 0;
  while (true) {
    ssize_t n = ::read(fd_, buf_.data(), buf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_ = std::strerror(errno);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    len_ = static_cast<size_t>(n);
    return true;
  }
}

std::string_view ByteReader::lookahead() {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    capture_start_ -= std::min(capture_start_, pos_);
    pos_ = 0;
  }
  while (!eof_ && len_ < buf_.size()) {
    ssize_t n = ::read(fd_, buf_.data() + len_, buf_.size() - len_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_ = std::strerror(errno);
    if (n <= 0)
      eof_ = true;
    else
      len_ += static_cast<size_t>(n);
  }
  return {buf_.data() + pos_, len_ - pos_};
}

std::optional<std::string_view> ByteReader::rest_of_line() {
  auto find = [this]() -> std::optional<std::string_view> {
    const char* start = buf_.data() + pos_;
    const void* newline = std::memchr(start, '\n', len_ - pos_);
    if (newline) return std::string_view(start, static_cast<const char*>(newline) - start);
    if (eof_) return std::string_view(start, len_ - pos_);
    return std::nullopt;
  };
  if (auto line = find()) return line;
  lookahead();  // moves the unread bytes to the front and fills the buffer
  return find();
}

void ByteReader::skip_bom() {
  std::string_view ahead = lookahead();
  if (ahead.substr(0, 3) == "\xEF\xBB\xBF") pos_ += 3, consumed_ += 3;
}

void ByteReader::start_capture() {
  capturing_ = true;
  capture_.clear();
  capture_start_ = pos_ > 0 ? pos_ - 1 : 0;
}

std::string ByteReader::end_capture() {
  if (!capturing_) return {};
  capture_.append(buf_.data() + capture_start_, pos_ - capture_start_);
  capturing_ = false;
  return std::move(capture_);
}

Status read_elements(ByteReader& reader, const ElementSink& sink, const ParsedSink& parsed) {
  reader.skip_bom();
  bool lines = looks_like_json_lines(reader);
  ElementSplitter splitter(reader, sink);
  LineParser fast;
  while (true) {
    while (is_space(reader.peek())) reader.get();
    if (reader.peek() < 0) break;
    if (lines) {
      auto taken = fast.read(reader, sink, parsed);
      if (!taken) return taken.take_errors();
      if (*taken) continue;
    }
    if (auto s = parse_value(reader, splitter, lines); !s) return s;
    if (!lines) continue;
    while (reader.peek() == ' ' || reader.peek() == '\t' || reader.peek() == '\r') reader.get();
    int c = reader.peek();
    if (c >= 0 && c != '\n') {
      reader.get();
      return import_error(reader,
                          "unexpected data after the JSON value (JSON Lines hold one "
                          "value per line)");
    }
  }
  if (!reader.error().empty()) return import_error(reader, "read error: " + reader.error());
  return ok_status();
}

}  // namespace posture::snapshot::internal
