// Schema-driven normalisation of ARM objects: see declared.hpp. A value that
// is present is converted to the field's type (a value of another JSON type is
// an error naming the property); an absent one (missing or null) takes the
// catalogue fill, else the documented default, else stays null.
#include "collectors/snapshot/declared.hpp"

#include "base/text.hpp"
#include "collectors/snapshot/normalize.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

Diagnostic invalid(const std::string& id, const std::string& what) {
  return Diagnostic::error("invalid-object", "ARM object " + id + ": " + what);
}

// The value at dotted `path` under `object`, or nullptr when a step is
// missing or null. Keys match exactly, else ignoring case.
const json* at_path(const json& object, std::string_view path) {
  const json* node = &object;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view step = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (!node->is_object()) return nullptr;
    auto it = node->find(std::string(step));
    if (it == node->end()) {
      std::string wanted = text::ascii_lower(step);
      for (auto i = node->begin(); i != node->end(); ++i)
        if (text::ascii_lower(i.key()) == wanted) it = i;
    }
    if (it == node->end() || it->is_null()) return nullptr;
    node = &*it;
  }
  return node;
}

std::string last_segment(std::string_view s) {
  size_t slash = s.rfind('/');
  return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
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
  bool of_string = t == Transform::Equals || t == Transform::LastSegment || t == Transform::Split;
  if (of_string && !v.is_string()) return wrong("a string");
  switch (t) {
    case Transform::Equals:
      return json(text::ascii_lower(v.get_ref<const std::string&>()) ==
                  text::ascii_lower(f.arm.transform_argument));
    case Transform::LastSegment:
      return json(last_segment(v.get_ref<const std::string&>()));
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

// `id` without its last two segments (a child resource's parent), or "".
std::string parent_of(std::string_view id) {
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  for (int i = 0; i < 2; ++i) {
    size_t slash = id.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return "";
    id = id.substr(0, slash);
  }
  return std::string(id);
}

// The relationship a row of `type`, read from an object of ARM type
// `arm_type`, belongs to its parent through: one whose owner has an @arm type
// that `arm_type` extends by one segment.
const schema::Relationship* parent_relationship(const schema::Schema& schema,
                                                const schema::ObjectType& type,
                                                const std::string& arm_type) {
  std::string own = text::ascii_lower(arm_type);
  for (const auto* rel : schema.relationships_into(type.name)) {
    const schema::ObjectType* owner = schema.type(rel->owner);
    if (!owner) continue;
    for (const auto& owner_type : owner->arm_types) {
      std::string prefix = text::ascii_lower(owner_type) + "/";
      if (own.size() > prefix.size() && own.compare(0, prefix.size(), prefix) == 0 &&
          own.find('/', prefix.size()) == std::string::npos)
        return rel;
    }
  }
  return nullptr;
}

}  // namespace

std::string subscription_of(std::string_view id) {
  constexpr std::string_view kPrefix = "/subscriptions/";
  if (id.size() <= kPrefix.size() || text::ascii_lower(id.substr(0, kPrefix.size())) != kPrefix)
    return "";
  size_t end = id.find('/', kPrefix.size());
  return std::string(id.substr(0, end));
}

std::string arm_type_of(const json& object) {
  if (!object.is_object()) return "";
  auto it = object.find("type");
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const schema::ObjectType* declared_type(const json& object, const schema::Schema& schema) {
  std::string type = arm_type_of(object);
  return type.empty() ? nullptr : schema.type_by_arm(type);
}

Result<store::Record> normalize_declared(const json& object, std::string raw,
                                         const schema::Schema& schema,
                                         const schema::ObjectType& type) {
  auto id = object.find("id");
  if (id == object.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
    return Diagnostic::error("invalid-object", "ARM object of type " + arm_type_of(object) +
                                                   ": property `id` must be a non-empty string");
  store::Record r;
  r.type = &type;
  r.id = id->get<std::string>();
  r.raw = raw.empty() ? object.dump() : std::move(raw);
  for (const auto& f : type.fields) {
    if (f.name == "id") {
      r.fields[f.name] = r.id;
      continue;
    }
    if (f.name == "provider") {
      r.fields[f.name] = "azure";
      continue;
    }
    const json* v = at_path(object, f.arm.path);
    if (!v) {
      r.fields[f.name] = f.name == "name" ? json(last_segment(r.id)) : absent_value(f);
      continue;
    }
    auto value = convert(f, *v, r.id);
    if (!value) return value.take_errors();
    r.fields[f.name] = std::move(*value);
  }
  std::string arm_type = arm_type_of(object);
  if (type.arm_scope == "subscription") {
    auto into = schema.relationships_into(type.name);
    if (!into.empty()) r.relationship = into.front();
    r.parent_id = subscription_of(r.id);
    if (r.parent_id.empty())
      return invalid(r.id, "a " + arm_type + " needs an id under /subscriptions/<id>");
  } else if (const schema::Relationship* rel = parent_relationship(schema, type, arm_type)) {
    r.relationship = rel;
    r.parent_id = parent_of(r.id);
    if (r.parent_id.empty())
      return invalid(r.id, "a " + arm_type + " needs an id under its parent's id");
  }
  return r;
}

}  // namespace posture::snapshot
