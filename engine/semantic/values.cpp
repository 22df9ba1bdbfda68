// Values in the semantic stage: variables resolved to their values (from the
// caller's JSON, else the declared default), and literals type-checked against
// the schema's scalar types.
#include <charconv>
#include <cmath>

#include "engine/semantic/context.hpp"

namespace posture::semantic {

using syntax::Value;
using Kind = Value::Kind;

void Context::error(std::string code, syntax::Location loc, std::string message, std::string hint) {
  Diagnostic d = Diagnostic::error(std::move(code), std::move(message), at(loc));
  if (!hint.empty()) d.hints.push_back(std::move(hint));
  errors.push_back(std::move(d));
}

const Value& Context::resolve(const Value& v) {
  if (v.kind != Kind::Variable) return v;
  auto it = variables.find(v.text);
  if (it != variables.end()) return it->second;
  static const Value null_value;
  if (absent.count(v.text)) return null_value;  // e.g. a list item: null
  error("undefined-variable", v.loc, "variable $" + v.text + " is not defined by the operation");
  return null_value;
}

bool Context::count_filter_nodes(size_t n, syntax::Location loc) {
  filter_nodes += n;
  if (filter_nodes <= limits.max_filter_nodes) return true;
  if (!over_limit)
    error("too-large", loc,
          "the query holds more than " + std::to_string(limits.max_filter_nodes) +
              " filter keys and values",
          "split it into several checks, or match a list field with _INCLUDES");
  over_limit = true;
  return false;
}

bool Context::within_limits(const Value& v) {
  if (v.kind == Kind::List && v.list.size() > limits.max_list_items) {
    error("too-large", v.loc,
          "the list holds " + std::to_string(v.list.size()) + " items: at most " +
              std::to_string(limits.max_list_items) + " are allowed");
    return false;
  }
  if (v.kind == Kind::String && v.text.size() > limits.max_string_bytes) {
    error("too-large", v.loc,
          "the string is " + std::to_string(v.text.size()) + " bytes long: at most " +
              std::to_string(limits.max_string_bytes) + " are allowed");
    return false;
  }
  return true;
}

namespace {

// The first bytes of UTF-8 `text`, at most `n`, never cutting a character.
std::string utf8_prefix(const std::string& text, size_t n) {
  if (n >= text.size()) return text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

std::string Context::describe(const Value& v) {
  switch (v.kind) {
    case Kind::Null:
      return "null";
    case Kind::Int:
    case Kind::Float:
      return v.text;
    case Kind::String:
      return "\"" + (v.text.size() > 40 ? utf8_prefix(v.text, 40) + "..." : v.text) + "\"";
    case Kind::Boolean:
      return v.boolean ? "true" : "false";
    case Kind::Enum:
      return "the enum value " + v.text;
    case Kind::List:
      return "a list";
    case Kind::Object:
      return "an object";
    case Kind::Variable:
      return "$" + v.text;
  }
  return "a value";
}

namespace {

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::string type_text(const schema::Field& f) {
  std::string t(schema::scalar_name(f.scalar));
  return f.list ? "[" + t + "]" : t;
}

}  // namespace

std::optional<ir::Literal> field_literal(Context& ctx, const schema::Field& field, const Value& raw,
                                         bool element_of_list) {
  const Value& v = ctx.resolve(raw);
  if (!ctx.within_limits(v) || !ctx.count_filter_nodes(1, v.loc)) return std::nullopt;
  if (field.list && !element_of_list) {
    // Equality with a whole list: compared as the list's compact JSON text.
    if (v.kind != Kind::List) {
      ctx.error(
          "type-mismatch", v.loc,
          field.name + " is a list (" + type_text(field) + "), found " + Context::describe(v));
      return std::nullopt;
    }
    std::string json = "[";
    for (const auto& item : v.list) {
      auto element = field_literal(ctx, field, item, true);
      if (!element) return std::nullopt;
      if (json.size() > 1) json += ",";
      json += nlohmann::json(std::get<std::string>(*element)).dump();
    }
    return ir::Literal(json + "]");
  }
  auto mismatch = [&](std::string hint = "") -> std::optional<ir::Literal> {
    ctx.error("type-mismatch", v.loc,
              field.name + " is " + std::string(schema::scalar_name(field.scalar)) + ", found " +
                  Context::describe(v),
              std::move(hint));
    return std::nullopt;
  };
  switch (field.scalar) {
    case schema::ScalarType::ID:
      if (v.kind == Kind::Int) return ir::Literal(v.text);
      [[fallthrough]];
    case schema::ScalarType::String:
      if (v.kind == Kind::String) return ir::Literal(v.text);
      if (v.kind == Kind::Enum) return mismatch("quote it: \"" + v.text + "\"");
      return mismatch();
    case schema::ScalarType::Int:
      if (v.kind == Kind::Int) {
        if (auto n = parse_int(v.text)) return ir::Literal(*n);
        return mismatch("the value does not fit in 64 bits");
      }
      return mismatch();
    case schema::ScalarType::Float:
      if (v.kind == Kind::Int || v.kind == Kind::Float) {
        double d = std::strtod(v.text.c_str(), nullptr);
        if (std::isfinite(d)) return ir::Literal(d);
      }
      return mismatch();
    case schema::ScalarType::Boolean:
      if (v.kind == Kind::Boolean) return ir::Literal(v.boolean);
      if (v.kind == Kind::String && (v.text == "true" || v.text == "false"))
        return mismatch("write " + v.text + " without quotes");
      return mismatch();
  }
  return mismatch();
}

}  // namespace posture::semantic
