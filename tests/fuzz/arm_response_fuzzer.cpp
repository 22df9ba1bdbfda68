// libFuzzer target: an ARM response body as `posture collect azure` reads it.
// Bodies nested deeper than the collector accepts are refused first by
// `snapshot::nested_deeper_than` (checked here against a real parser's depth);
// the rest are parsed the way the collector parses a page (key order kept),
// split by `snapshot::response_items` (list envelope, bare array or one
// object), and each item is classified and normalised with `snapshot::normalize`,
// with its text as received and without. Malformed bodies and objects must
// give diagnostics; nothing may crash, leak or throw.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/normalize.hpp"
#include "engine/schema/schema.hpp"

namespace {

using namespace posture;
using nlohmann::json;
using nlohmann::ordered_json;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_arm_response: %s\n", what.c_str());
  std::abort();
}

// The nesting of a JSON text by nlohmann's SAX parser (which does not recurse).
struct DepthCounter : nlohmann::json_sax<json> {
  int depth = 0, deepest = 0;
  bool open() {
    deepest = std::max(deepest, ++depth);
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
};

void normalise_item(const json& item) {
  snapshot::ArmKind kind = snapshot::classify(item);
  for (bool with_raw : {true, false}) {
    auto record = snapshot::normalize(item, with_raw ? item.dump() : "", schema::builtin());
    if (kind == snapshot::ArmKind::Unknown && record.ok())
      finding("normalize accepted an object classify does not know: " + item.dump());
    if (record.ok() && record->id.empty()) finding("a normalised record without an id");
    if (!record.ok() && record.errors().empty()) finding("an error without diagnostics");
  }
  if (item.is_object())
    if (auto p = item.find("properties"); p != item.end() && p->is_object())
      if (auto e = p->find("emails"); e != p->end() && e->is_string())
        for (const auto& email : snapshot::split_emails(e->get<std::string>()))
          if (email.empty()) finding("split_emails returned an empty address");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (body.find('\0') != std::string_view::npos) return 0;  // refused by the collector
  DepthCounter counter;
  if (!json::sax_parse(body, &counter)) return 0;  // malformed: the collector says so
  if (snapshot::nested_deeper_than(body, counter.deepest) ||
      (counter.deepest > 0 && !snapshot::nested_deeper_than(body, counter.deepest - 1)))
    finding("nested_deeper_than disagrees with the parser's depth " +
            std::to_string(counter.deepest));
  if (counter.deepest > snapshot::kMaxJsonDepth) return 0;  // refused as too deep
  ordered_json doc = ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  auto items = snapshot::response_items(json(doc));
  if (!items) return 0;
  for (const auto& item : *items) normalise_item(item);
  return 0;
}
