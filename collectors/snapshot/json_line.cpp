// LineParser: whole JSON Lines lines through simdjson's DOM parser, each
// element offered as simdjson parsed it, else converted to the nlohmann value
// the importer routes. Only what the SAX reader would read the same way is
// taken; the checks below say why each other line is left to it.
#include "collectors/snapshot/json_line.hpp"

#include <simdjson.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/snapshot/normalize.hpp"

namespace posture::snapshot::internal {

using nlohmann::json;

namespace {

// Whether simdjson and nlohmann may disagree on `line`: control characters
// (which nlohmann rejects inside strings) and \u escapes of UTF-16
// surrogates (lone ones are errors to nlohmann) go to the SAX reader.
// `openers` gets how many `{` and `[` bytes the line holds (in strings too):
// with no more than kMaxJsonDepth, nothing in it nests too deeply.
// Sixteen bytes at a time while they hold neither a control character nor
// a backslash (a line's bytes were read one at a time, 7% of the reading
// thread at 1M: docs/performance.md, "Scanning a line sixteen bytes at a
// time"); from the first block that holds one, a byte at a time.
bool unusual(std::string_view line, size_t& openers) {
  openers = 0;
  size_t i = 0;
#ifdef __SSE2__
  const __m128i last_control = _mm_set1_epi8(0x1f), backslash = _mm_set1_epi8('\\');
  const __m128i brace = _mm_set1_epi8('{'), bracket = _mm_set1_epi8('[');
  for (; i + 16 <= line.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v);  // v <= 0x1f
    if (_mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(v, backslash)))) break;
    auto open = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, brace), _mm_cmpeq_epi8(v, bracket))));
    openers += static_cast<size_t>(__builtin_popcount(open));
  }
#endif
  for (; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20) return true;
    if (c == '{' || c == '[') ++openers;
    if (c == '\\' && i + 2 < line.size() && line[i + 1] == 'u' &&
        (line[i + 2] == 'd' || line[i + 2] == 'D'))
      return true;
    if (c == '\\') ++i;  // an escaped character, never a quote or a backslash
  }
  return false;
}

// The verbatim spans (offset, length) of the items of one array in `text`,
// an already valid JSON value: the top-level array (`key` empty) or the
// array that is the top-level object's member `key`. Nullopt when an item
// is not an object or array (the SAX reader dumps scalars).
std::optional<std::vector<std::pair<size_t, size_t>>> item_spans(std::string_view text,
                                                                 std::string_view key) {
  std::vector<std::pair<size_t, size_t>> spans;
  int depth = 0, item_depth = key.empty() ? 1 : -1;
  bool in_string = false, expect_key = false;
  size_t string_start = 0, item_start = 0;
  std::string_view last_key;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && expect_key) {
          last_key = text.substr(string_start + 1, i - string_start - 1);
          expect_key = false;
        }
      }
      continue;
    }
    switch (c) {
      case '"':
        if (depth == item_depth) return std::nullopt;  // a string item
        in_string = true;
        string_start = i;
        break;
      case '{':
      case '[':
        if (depth == item_depth) item_start = i;
        if (depth == 1 && c == '[' && !key.empty() && last_key == key && item_depth < 0)
          item_depth = 2;
        if (depth == 0 && c == '{') expect_key = true;
        ++depth;
        break;
      case '}':
      case ']':
        --depth;
        if (depth == item_depth - 1 && item_depth > 0 && c == ']') item_depth = -2;  // done
        if (depth == item_depth) spans.emplace_back(item_start, i + 1 - item_start);
        break;
      case ',':
        if (depth == 1) expect_key = !key.empty() && item_depth != 1;
        break;
      case ' ':
      case '\t':
      case '\r':
      case '\n':
      case ':':
        break;
      default:
        if (depth == item_depth) return std::nullopt;  // a number, true, false or null item
        break;
    }
  }
  return spans;
}

// `e` as an nlohmann value (non-negative integers unsigned, as nlohmann's
// parser stores them); its depth was checked (within_depth).
void convert(simdjson::dom::element e, json& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      out = json::object();
      simdjson::dom::object object = e.get_object().value_unsafe();
      for (auto field : object) convert(field.value, out[std::string(field.key)]);
      return;
    }
    case element_type::ARRAY: {
      out = json::array();
      simdjson::dom::array array = e.get_array().value_unsafe();
      for (auto item : array) {
        out.push_back(json());
        convert(item, out.back());
      }
      return;
    }
    case element_type::INT64: {
      int64_t v = e.get_int64().value_unsafe();
      if (v >= 0)
        out = static_cast<uint64_t>(v);
      else
        out = v;
      return;
    }
    case element_type::UINT64:
      out = e.get_uint64().value_unsafe();
      return;
    case element_type::DOUBLE:
      out = e.get_double().value_unsafe();
      return;
    case element_type::STRING:
      out = std::string(e.get_string().value_unsafe());
      return;
    case element_type::BOOL:
      out = e.get_bool().value_unsafe();
      return;
    case element_type::NULL_VALUE:
      out = nullptr;
      return;
  }
}

// Whether `e` nests no deeper than the SAX reader allows, counting from `depth`.
bool within_depth(simdjson::dom::element e, int depth) {
  if (!e.is_object() && !e.is_array()) return true;
  if (depth >= kMaxJsonDepth) return false;
  if (e.is_object()) {
    simdjson::dom::object object = e.get_object().value_unsafe();
    for (auto field : object)
      if (!within_depth(field.value, depth + 1)) return false;
  } else {
    simdjson::dom::array array = e.get_array().value_unsafe();
    for (auto item : array)
      if (!within_depth(item, depth + 1)) return false;
  }
  return true;
}

// One element of a line, as simdjson parsed it.
struct Element {
  simdjson::dom::element value;
  std::string raw;
  size_t offset = 0;  // of its first byte in the line
};

}  // namespace

struct LineParser::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // the line, with simdjson's padding after it
  std::vector<Element> elements;
  std::string context;
  bool deep = false;  // the line may nest too deeply: each element's depth is checked

  // Fills `elements` (and `context`) from `line`; false: leave it to the SAX reader.
  bool split(std::string_view line);
  bool items(simdjson::dom::array array, std::string_view line, std::string_view key, int depth);
};

bool LineParser::Impl::split(std::string_view line) {
  elements.clear();
  context.clear();
  size_t openers = 0;
  if (line.empty() || (line.front() != '{' && line.front() != '[') || unusual(line, openers))
    return false;
  deep = openers > static_cast<size_t>(kMaxJsonDepth);
  padded.assign(line);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  if (parser.parse(padded.data(), line.size(), false).get(root) != simdjson::SUCCESS) return false;
  if (root.is_array()) return items(root.get_array().value_unsafe(), line, "", 1);
  // An object: a list envelope when a member `value` or `data` is an array
  // (its items are the elements), else the element itself.
  simdjson::dom::object object = root.get_object().value_unsafe();
  int envelope_keys = 0;
  std::string_view key;
  simdjson::dom::array array;
  std::optional<std::string> odata_context;
  for (auto field : object) {
    if (field.key == "value" || field.key == "data") {
      ++envelope_keys;
      if (field.value.is_array()) {
        key = field.key;
        array = field.value.get_array().value_unsafe();
      }
    } else if (field.key == "@odata.context" && key.empty()) {
      odata_context = field.value.is_string()
                          ? std::optional<std::string>(field.value.get_string().value_unsafe())
                          : std::nullopt;
    }
  }
  if (envelope_keys > 1) return false;
  if (key.empty()) {
    Element& e = elements.emplace_back();
    e.value = root;
    e.raw.assign(line);
    return !deep || within_depth(root, 0);
  }
  if (odata_context) context = std::move(*odata_context);
  return items(array, line, key, 2);
}

bool LineParser::Impl::items(simdjson::dom::array array, std::string_view line,
                             std::string_view key, int depth) {
  auto spans = item_spans(line, key);
  if (!spans || spans->size() != array.size()) return false;
  size_t i = 0;
  for (auto item : array) {
    Element& e = elements.emplace_back();
    auto [offset, length] = (*spans)[i++];
    e.value = item;
    e.offset = offset;
    e.raw.assign(line.substr(offset, length));
    if (deep && !within_depth(item, depth)) return false;
  }
  return true;
}

LineParser::LineParser() : impl_(std::make_unique<Impl>()) {}
LineParser::~LineParser() = default;

Result<bool> LineParser::read(ByteReader& reader, const ElementSink& sink,
                              const ParsedSink& parsed) {
  auto line = reader.rest_of_line();
  if (!line) return false;
  std::string_view text = *line;
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  if (!impl_->split(text)) return false;
  int line_number = reader.line(), column = reader.consumed_on_line() + 1;
  reader.skip(line->size());
  json value;
  for (auto& e : impl_->elements) {
    SourceLocation where{reader.name(), line_number, column + static_cast<int>(e.offset)};
    if (parsed) {
      auto taken = parsed(e.value, e.raw, where);
      if (!taken) return taken.take_errors();
      if (*taken) continue;
    }
    convert(e.value, value);
    if (auto s = sink(std::move(value), std::move(e.raw), where, impl_->context); !s)
      return s.take_errors();
  }
  return true;
}

}  // namespace posture::snapshot::internal
