// JSON paths and named transforms of declared fields: see field_values.hpp.
#include "collectors/snapshot/field_values.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <utility>
#include <vector>

#include "base/text.hpp"
#include "collectors/snapshot/normalize.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

Diagnostic invalid(const std::string& id, const std::string& what) {
  return Diagnostic::error("invalid-object", "ARM object " + id + ": " + what);
}

// The member `key` of object `node` (exactly, else ignoring case), or nullptr.
const json* member(const json& node, std::string_view key) {
  if (!node.is_object()) return nullptr;
  auto it = node.find(std::string(key));
  if (it == node.end()) {
    std::string wanted = text::ascii_lower(key);
    for (auto i = node.begin(); i != node.end(); ++i)
      if (text::ascii_lower(i.key()) == wanted) it = i;
  }
  return it == node.end() ? nullptr : &*it;
}

}  // namespace

// The value at dotted `path` under `object`, or nullptr when a step is
// missing or null. Keys match exactly, else ignoring case. A key starting
// with "@odata." is one step ("@odata.type"); a step `key[k=v]` takes the
// first element of the array at `key` whose member k is the string v
// (ignoring case), e.g. "values[name=EnableGroupCreation].value".
const json* at_path(const json& object, std::string_view path) {
  const json* node = &object;
  while (!path.empty()) {
    size_t end = path.rfind("@odata.", 0) == 0 ? 7 : 0;
    int depth = 0;
    for (; end < path.size(); ++end) {
      if (path[end] == '[') ++depth;
      if (path[end] == ']') --depth;
      if (path[end] == '.' && depth == 0) break;
    }
    std::string_view step = path.substr(0, end);
    path = end >= path.size() ? std::string_view() : path.substr(end + 1);
    std::string_view selector;
    if (size_t open = step.find('[');
        open != std::string_view::npos && !step.empty() && step.back() == ']') {
      selector = step.substr(open + 1, step.size() - open - 2);
      step = step.substr(0, open);
    }
    node = member(*node, step);
    if (!node || node->is_null()) return nullptr;
    if (selector.empty()) continue;
    size_t eq = selector.find('=');
    if (!node->is_array() || eq == std::string_view::npos) return nullptr;
    std::string_view key = selector.substr(0, eq);
    std::string wanted = text::ascii_lower(selector.substr(eq + 1));
    const json* found = nullptr;
    for (const auto& element : *node) {
      const json* k = member(element, key);
      if (k && k->is_string() && text::ascii_lower(k->get_ref<const std::string&>()) == wanted) {
        found = &element;
        break;
      }
    }
    if (!found) return nullptr;
    node = found;
  }
  return node;
}

std::string last_segment(std::string_view s, std::string_view separator) {
  if (separator.empty()) separator = "/";
  size_t at = s.rfind(separator);
  return std::string(at == std::string_view::npos ? s : s.substr(at + separator.size()));
}

namespace {

constexpr int kAnyPortFrom = 0;
constexpr int kAnyPortTo = 65535;

// The first and last port of one NSG port range: "*", "22" or "80-90".
std::optional<std::pair<int64_t, int64_t>> port_range(std::string_view range) {
  auto number = [](std::string_view s) -> std::optional<int64_t> {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty() || s.size() > 5) return std::nullopt;
    int64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  };
  if (range == "*") return std::pair<int64_t, int64_t>{kAnyPortFrom, kAnyPortTo};
  size_t dash = range.find('-');
  auto from = number(range.substr(0, dash));
  auto to = dash == std::string_view::npos ? from : number(range.substr(dash + 1));
  if (!from || !to) return std::nullopt;
  return std::make_pair(*from, *to);
}

// Unix seconds as ISO 8601 UTC with milliseconds ("2026-01-31T00:00:00.000Z").
std::string iso_time(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "";
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buffer;
}

// A TLS version as a number ("TLS1_2", "Tls12", "1.2" -> 1.2), else null.
json tls_version(std::string_view version) {
  std::string s = text::ascii_lower(version);
  if (s.rfind("tls", 0) == 0) s = s.substr(3);
  for (char& c : s)
    if (c == '_') c = '.';
  if (s.size() == 2 && std::isdigit(static_cast<unsigned char>(s[0])) &&
      std::isdigit(static_cast<unsigned char>(s[1])))
    s = std::string(1, s[0]) + "." + s[1];
  if (s.size() != 3 || !std::isdigit(static_cast<unsigned char>(s[0])) || s[1] != '.' ||
      !std::isdigit(static_cast<unsigned char>(s[2])))
    return nullptr;
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

std::string extended_id(std::string_view id) {
  size_t at = text::ascii_lower(id).rfind("/providers/");
  return at == std::string::npos || at == 0 ? "" : std::string(id.substr(0, at));
}

std::string resource_type_of(std::string_view id) {
  std::string lower = text::ascii_lower(id);
  size_t at = lower.rfind("/providers/");
  if (at == std::string::npos) {
    // Resources without a provider segment: a subscription or a resource group.
    auto parts = split_list(id, "/");
    if (parts.size() == 2 && text::ascii_lower(parts[0]) == "subscriptions")
      return "Microsoft.Resources/subscriptions";
    if (parts.size() == 4 && text::ascii_lower(parts[2]) == "resourcegroups")
      return "Microsoft.Resources/resourceGroups";
    return "";
  }
  auto parts = split_list(id.substr(at + 11), "/");
  if (parts.size() < 3 || parts.size() % 2 == 0) return "";
  std::string type = parts[0];
  for (size_t i = 1; i < parts.size(); i += 2) type += "/" + parts[i];
  return type;
}

// The values at `path`, whose steps may end in `[]` (schema.hpp, ArmSource):
// an array of what the rest of the path gives in each element (elements
// where it is absent are left out), or null when that leaves nothing.
json collect(const json& object, std::string_view path) {
  size_t brackets = path.find("[]");
  if (brackets == std::string_view::npos) {
    const json* v = at_path(object, path);
    return v ? *v : json(nullptr);
  }
  const json* array = at_path(object, path.substr(0, brackets));
  if (!array || !array->is_array()) return nullptr;
  std::string_view rest = path.substr(brackets + 2);
  if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
  json out = json::array();
  for (const auto& element : *array) {
    json v = rest.empty() ? element : collect(element, rest);
    if (v.is_null()) continue;
    if (v.is_array() && rest.find("[]") != std::string_view::npos)
      for (auto& e : v) out.push_back(std::move(e));
    else
      out.push_back(std::move(v));
  }
  return out.empty() ? json(nullptr) : out;
}

namespace {

// One address prefix as the catalogue spells it (schema.hpp, AddressPrefixes).
void add_prefix(std::string_view prefix, json& out) {
  std::string lower = text::ascii_lower(prefix);
  if (lower == "*" || lower == "any") {  // every address, IPv4 and IPv6
    out.push_back("cidr:0.0.0.0/0");
    out.push_back("cidr:::/0");
    return;
  }
  bool address = !prefix.empty() && (std::isdigit(static_cast<unsigned char>(prefix.front())) ||
                                     prefix.find(':') != std::string_view::npos);
  out.push_back((address ? "cidr:" : "tag:") + std::string(prefix));
}

// The value a present JSON value `v` gives field `f`, or an error.
Result<json> convert(const schema::Field& f, const json& v, const std::string& id) {
  using schema::ScalarType;
  using schema::Transform;
  const std::string& path = f.arm.path;
  auto wrong = [&](const char* want) {
    return invalid(id, "property `" + path + "` must be " + want + ", got " + v.type_name());
  };
  Transform t = f.arm.transform;
  if (t == Transform::AnyTrue) {
    if (v.is_boolean()) return v;
    if (!v.is_array()) return wrong("a boolean or an array of them");
    bool any = false;
    for (const auto& e : v) {
      if (!e.is_boolean()) return wrong("an array of booleans");
      any = any || e.get<bool>();
    }
    return json(any);
  }
  if (t == Transform::ExtendedType) {
    if (!v.is_string()) return wrong("a string");
    std::string type = resource_type_of(extended_id(v.get_ref<const std::string&>()));
    if (type.empty()) return json(nullptr);
    for (const auto& spelling : split_list(f.arm.transform_argument, ","))
      if (text::ascii_lower(spelling) == text::ascii_lower(type)) return json(spelling);
    return json(type);
  }
  if (t == Transform::Equals && v.is_array()) {  // a collected path: any element
    for (const auto& e : v)
      if (e.is_string() && text::ascii_lower(e.get_ref<const std::string&>()) ==
                               text::ascii_lower(f.arm.transform_argument))
        return json(true);
    return json(false);
  }
  bool of_string = t == Transform::Equals || t == Transform::LastSegment || t == Transform::Split ||
                   t == Transform::Upper || t == Transform::Lower || t == Transform::TlsVersion;
  if (of_string && !v.is_string()) return wrong("a string");
  switch (t) {
    case Transform::Equals:
      return json(text::ascii_lower(v.get_ref<const std::string&>()) ==
                  text::ascii_lower(f.arm.transform_argument));
    case Transform::Lower:
      return json(text::ascii_lower(v.get_ref<const std::string&>()));
    case Transform::BooleanText: {
      if (v.is_boolean()) return v;
      std::string b = v.is_string() ? text::ascii_lower(v.get_ref<const std::string&>()) : "";
      if (b != "true" && b != "false") return wrong("\"true\" or \"false\"");
      return json(b == "true");
    }
    case Transform::IntegerText: {
      if (v.is_number_integer()) return v;
      const std::string digits = v.is_string() ? v.get<std::string>() : "";
      char* end = nullptr;
      long long n = digits.empty() ? 0 : std::strtoll(digits.c_str(), &end, 10);
      if (digits.empty() || *end != '\0') return wrong("an integer or its text");
      return json(static_cast<int64_t>(n));
    }
    case Transform::IsoTime: {
      if (!v.is_number_integer()) return wrong("an integer (Unix seconds)");
      return json(iso_time(v.get<int64_t>()));
    }
    case Transform::TlsVersion:
      return tls_version(v.get_ref<const std::string&>());
    case Transform::LastSegment:
      return json(last_segment(v.get_ref<const std::string&>(), f.arm.transform_argument));
    case Transform::Upper: {
      std::string upper = v.get<std::string>();
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return json(upper);
    }
    case Transform::PortFrom:
    case Transform::PortTo: {
      // A list of ranges gives the lowest first port and the highest last
      // port: a range that covers them all, so a check never passes a rule
      // because it lists its ports separately.
      std::optional<std::pair<int64_t, int64_t>> covering;
      auto add = [&](const json& range) -> bool {
        if (!range.is_string()) return false;
        auto r = port_range(range.get_ref<const std::string&>());
        if (!r) return false;
        covering = covering ? std::make_pair(std::min(covering->first, r->first),
                                             std::max(covering->second, r->second))
                            : *r;
        return true;
      };
      if (v.is_array()) {
        for (const auto& range : v)
          if (!add(range)) return wrong("an array of port ranges (\"*\", \"22\" or \"80-90\")");
        if (!covering) return json(nullptr);
      } else if (!add(v)) {
        return wrong("a port range (\"*\", \"22\" or \"80-90\")");
      }
      return json(t == Transform::PortFrom ? covering->first : covering->second);
    }
    case Transform::AddressPrefixes:
    case Transform::Constant:
    case Transform::ExtendedType:
    case Transform::AnyTrue:
      break;  // read by address_prefixes(), field_value() and above
    case Transform::Split:
      return json(split_list(v.get_ref<const std::string&>(), ","));
    case Transform::Present:
      return json(true);
    case Transform::NotEmpty:
      if (!v.is_array() && !v.is_object()) return wrong("an array or an object");
      return json(!v.empty());
    case Transform::Count:
      if (!v.is_array()) return wrong("an array");
      return json(v.size());
    case Transform::None:
      break;
  }
  if (f.list) {
    if (!v.is_array()) return wrong("an array");
    for (const auto& e : v)
      if (!e.is_string()) return wrong("an array of strings");
    return v;
  }
  switch (f.scalar) {
    case ScalarType::ID:
    case ScalarType::String:
      if (!v.is_string()) return wrong("a string");
      return v;
    case ScalarType::Boolean:
      if (!v.is_boolean()) return wrong("a boolean");
      return v;
    case ScalarType::Int:
      if (!v.is_number_integer()) return wrong("an integer");
      return v;
    case ScalarType::Float:
      if (!v.is_number()) return wrong("a number");
      return v;
  }
  return v;
}

// The AddressPrefixes field `f` of `object`: every path's string or array of
// strings, concatenated; null when no path holds a value.
Result<json> address_prefixes(const schema::Field& f, const json& object, const std::string& id) {
  json out = json::array();
  bool any = false;
  std::vector<std::string> paths{f.arm.path};
  paths.insert(paths.end(), f.arm.more_paths.begin(), f.arm.more_paths.end());
  for (const auto& path : paths) {
    const json* v = at_path(object, path);
    if (!v) continue;
    if (v->is_string()) {
      if (v->get_ref<const std::string&>().empty()) continue;
      add_prefix(v->get_ref<const std::string&>(), out);
    } else if (v->is_array()) {
      for (const auto& e : *v) {
        if (!e.is_string())
          return invalid(id, "property `" + path +
                                 "` must be an array of strings, got an element " + "that is " +
                                 e.type_name());
        add_prefix(e.get_ref<const std::string&>(), out);
      }
    } else {
      return invalid(id, "property `" + path + "` must be a string or an array of strings, got " +
                             v->type_name());
    }
    any = true;
  }
  return any ? out : json(nullptr);
}

// The port ranges every path of port field `f` holds (a string or an array
// of strings each), as one array; empty when none holds any.
json port_ranges(const schema::Field& f, const json& object) {
  json out = json::array();
  std::vector<std::string> paths{f.arm.path};
  paths.insert(paths.end(), f.arm.more_paths.begin(), f.arm.more_paths.end());
  for (const auto& path : paths) {
    const json* v = at_path(object, path);
    if (!v) continue;
    if (v->is_array())
      for (const auto& e : *v) out.push_back(e);
    else if (!(v->is_string() && v->get_ref<const std::string&>().empty()))
      out.push_back(*v);
  }
  return out;
}

// What an absent property gives field `f`: false for the presence
// transforms, else the catalogue fill, else the documented default, else null.
json absent_value(const schema::Field& f) {
  using schema::Transform;
  if (f.arm.transform == Transform::Present || f.arm.transform == Transform::NotEmpty)
    return json(false);
  json value = nullptr;
  if (!f.arm.fill.empty())
    value = json::parse(f.arm.fill);
  else if (!f.arm.documented_default.empty())
    value = json::parse(f.arm.documented_default);
  if (f.arm.transform == Transform::Split && value.is_string())
    return json(split_list(value.get_ref<const std::string&>(), ","));
  return value;
}

}  // namespace

Result<json> field_value(const schema::Field& f, const json& object, const std::string& id) {
  using schema::Transform;
  if (f.arm.transform == Transform::Constant) return json::parse(f.arm.transform_argument);
  if (f.arm.transform == Transform::AddressPrefixes) {
    auto value = address_prefixes(f, object, id);
    if (!value) return value.take_errors();
    return value->is_null() ? absent_value(f) : std::move(*value);
  }
  json collected;
  const json* v = nullptr;
  if (f.arm.transform == Transform::PortFrom || f.arm.transform == Transform::PortTo) {
    collected = port_ranges(f, object);
    if (!collected.empty()) v = &collected;
  } else if (f.arm.path.find("[]") != std::string::npos) {
    collected = collect(object, f.arm.path);
    if (!collected.is_null()) v = &collected;
  } else {
    v = at_path(object, f.arm.path);
  }
  if (!v) return absent_value(f);
  return convert(f, *v, id);
}

}  // namespace posture::snapshot
