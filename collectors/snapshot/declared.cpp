// Schema-driven normalisation of ARM objects: see declared.hpp. Each field's
// value comes from field_values.cpp (paths, transforms, what an absent
// property gives); this file routes objects to their type and links rows to
// their parents, inline children and id references.
#include "collectors/snapshot/declared.hpp"

#include <string>
#include <vector>

#include "base/text.hpp"
#include "collectors/snapshot/field_values.hpp"
#include "collectors/snapshot/normalize.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

Diagnostic invalid(const std::string& id, const std::string& what) {
  return Diagnostic::error("invalid-object", "ARM object " + id + ": " + what);
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

// The relationships a row of `type`, read from an object of ARM type
// `arm_type`, may belong to its parent through: those whose owner has an @arm
// type that `arm_type` extends by one segment.
std::vector<const schema::Relationship*> parent_relationships(const schema::Schema& schema,
                                                              const schema::ObjectType& type,
                                                              const std::string& arm_type) {
  std::string own = text::ascii_lower(arm_type);
  std::vector<const schema::Relationship*> out;
  for (const auto* rel : schema.relationships_into(type.name)) {
    const schema::ObjectType* owner = schema.type(rel->owner);
    if (!owner) continue;
    for (const auto& owner_type : owner->arm_types) {
      std::string prefix = text::ascii_lower(owner_type) + "/";
      if (own.size() > prefix.size() && own.compare(0, prefix.size(), prefix) == 0 &&
          own.find('/', prefix.size()) == std::string::npos) {
        out.push_back(rel);
        break;
      }
    }
  }
  return out;
}

// Whether `id` is directly under a subscription: /subscriptions/<id>/providers/...
bool subscription_level(std::string_view id) {
  std::string sub = subscription_of(id);
  std::string extended = extended_id(id);
  if (!extended.empty() && extended.front() != '/') extended.insert(0, "/");
  return !sub.empty() && text::ascii_lower(extended) == text::ascii_lower(sub);
}

// Reads each field of `type` from `object` (a resource, or an element of its
// owner's JSON) into `r`, whose id is set.
Status read_fields(const json& object, const schema::ObjectType& type, store::Record& r,
                   std::string_view cloud = "azure") {
  for (const auto& f : type.fields) {
    if (f.name == "id") {
      r.fields[f.name] = r.id;
      continue;
    }
    if (f.name == "provider" || f.name == "cloudProvider") {
      r.fields[f.name] = std::string(cloud);
      continue;
    }
    if (f.derived()) continue;  // read through a relationship when a query runs
    auto value = field_value(f, object, r.id);
    if (!value) return value.take_errors();
    if (value->is_null() && f.name == "name") *value = last_segment(r.id);
    r.fields[f.name] = std::move(*value);
  }
  return ok_status();
}

// The targets `object` names through each @ref relationship of `type`:
// the string, or the strings of the array, at the relationship's path.
Status read_references(const json& object, const schema::ObjectType& type, store::Record& r) {
  for (const auto& rel : type.relationships) {
    if (rel.ref_path.empty()) continue;
    json v = collect(object, rel.ref_path);
    if (v.is_null()) continue;
    auto add = [&](const json& id) -> Status {
      if (!id.is_string())
        return invalid(r.id, "property `" + rel.ref_path + "` must hold ARM ids (strings), got " +
                                 id.type_name());
      if (!id.get_ref<const std::string&>().empty())
        r.references.emplace_back(&rel, id.get<std::string>());
      return ok_status();
    };
    if (v.is_array()) {
      for (const auto& id : v)
        if (auto s = add(id); !s) return s;
    } else if (auto s = add(v); !s) {
      return s;
    }
  }
  return ok_status();
}

// How well `type` matches an object of kind `kind`, last id segment `name`
// and id `id`: -1 when it does not, else the number of constraints it meets.
int routing_score(const schema::ObjectType& type, const std::string& kind, const std::string& name,
                  const std::string& id, bool shared) {
  int score = 0;
  if (!type.arm_kind.empty()) {
    if (text::ascii_lower(kind).find(text::ascii_lower(type.arm_kind)) == std::string::npos)
      return -1;
    ++score;
  }
  if (!type.arm_name.empty()) {
    if (text::ascii_lower(name) != text::ascii_lower(type.arm_name)) return -1;
    ++score;
  }
  if (shared && type.arm_scope == "subscription") {
    if (!subscription_level(id)) return -1;
    ++score;
  }
  return score;
}

// The owner an extension resource of `resource` belongs to through a
// relationship's @extension(under:) path: `resource` without that path when
// it ends with it (ignoring case) and what is left is of the owner's ARM
// type; else "".
std::string extension_owner(const schema::Schema& schema,
                            const std::vector<const schema::Relationship*>& into,
                            const std::string& resource) {
  std::string lower = text::ascii_lower(resource);
  for (const auto* rel : into) {
    const schema::ObjectType* owner = schema.type(rel->owner);
    if (!owner) continue;
    for (const auto& under : rel->extension_under) {
      std::string suffix = "/" + text::ascii_lower(under);
      if (lower.size() <= suffix.size() ||
          lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      std::string rest = resource.substr(0, resource.size() - suffix.size());
      std::string type = text::ascii_lower(resource_type_of(rest));
      for (const auto& arm : owner->arm_types)
        if (text::ascii_lower(arm) == type) return rest;
    }
  }
  return "";
}

std::string string_member(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string subscription_of(std::string_view id) {
  // Some Microsoft.Security and Microsoft.Insights responses give ids
  // without the leading slash ("subscriptions/<id>/providers/...").
  std::string slashed = !id.empty() && id.front() != '/' ? "/" + std::string(id) : std::string(id);
  constexpr std::string_view kPrefix = "/subscriptions/";
  if (slashed.size() <= kPrefix.size() ||
      text::ascii_lower(std::string_view(slashed).substr(0, kPrefix.size())) != kPrefix)
    return "";
  size_t end = slashed.find('/', kPrefix.size());
  return slashed.substr(0, end);
}

std::string arm_type_of(const json& object) {
  return string_member(object, "type");
}

const schema::ObjectType* declared_type(const json& object, const schema::Schema& schema) {
  std::string type = arm_type_of(object);
  if (type.empty()) return nullptr;
  auto candidates = schema.types_by_arm(type);
  if (candidates.size() == 1 && candidates.front()->arm_kind.empty() &&
      candidates.front()->arm_name.empty())
    return candidates.front();
  std::string id = string_member(object, "id");
  std::string kind = string_member(object, "kind");
  std::string name = last_segment(id);
  const schema::ObjectType* best = nullptr;
  int best_score = -1;
  for (const auto* t : candidates) {
    int score = routing_score(*t, kind, name, id, candidates.size() > 1);
    if (score > best_score) {
      best = t;
      best_score = score;
    }
  }
  return best;
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
  if (auto s = read_fields(object, type, r); !s) return s.take_errors();
  if (auto s = read_references(object, type, r); !s) return s.take_errors();
  std::string arm_type = arm_type_of(object);
  auto into = schema.relationships_into(type.name);
  if (type.arm_scope == "subscription") {
    if (!into.empty()) r.relationship = into.front();
    r.parent_id = subscription_of(r.id);
    if (r.parent_id.empty())
      return invalid(r.id, "a " + arm_type + " needs an id under /subscriptions/<id>");
  } else if (type.arm_scope == "extension") {
    if (!into.empty()) r.relationship = into.front();
    r.any_parent = into.size() > 1;
    r.parent_id = extended_id(r.id);
    if (r.parent_id.empty())
      return invalid(r.id,
                     "a " + arm_type + " needs an id of the form <resource id>/providers/...");
    if (std::string owner = extension_owner(schema, into, r.parent_id); !owner.empty())
      r.parent_id = std::move(owner);
  } else if (auto rels = parent_relationships(schema, type, arm_type); !rels.empty()) {
    r.relationship = rels.front();
    r.any_parent = rels.size() > 1;
    r.parent_id = parent_of(r.id);
    if (r.parent_id.empty())
      return invalid(r.id, "a " + arm_type + " needs an id under its parent's id");
  }
  return r;
}

Status read_declared_fields(const json& object, const schema::ObjectType& type,
                            store::Record& record, std::string_view cloud) {
  if (auto s = read_fields(object, type, record, cloud); !s) return s;
  return read_references(object, type, record);
}

Result<std::vector<store::Record>> normalize_elements(const json& object,
                                                      const store::Record& parent,
                                                      const schema::Schema& schema) {
  std::vector<store::Record> out;
  for (const auto& rel : parent.type->relationships) {
    if (rel.elements_path.empty()) continue;
    const schema::ObjectType* target = schema.type(rel.target);
    if (!target) continue;
    auto add = [&](const json& element, size_t index) -> Status {
      if (!element.is_object())
        return invalid(parent.id, "property `" + rel.elements_path + "` must hold objects, got " +
                                      element.type_name());
      store::Record r;
      r.type = target;
      r.id = string_member(element, "id");
      if (r.id.empty()) r.id = parent.id + "/" + rel.name + "/" + std::to_string(index);
      r.raw = element.dump();
      r.relationship = &rel;
      r.parent_id = parent.id;
      std::string cloud = "azure";
      if (auto it = parent.fields.find("cloudProvider");
          it != parent.fields.end() && it->is_string())
        cloud = it->get<std::string>();
      if (auto s = read_fields(element, *target, r, cloud); !s) return s;
      if (auto s = read_references(element, *target, r); !s) return s;
      out.push_back(std::move(r));
      return ok_status();
    };
    // The elements of each path in turn, numbered across the paths.
    std::vector<std::string> paths{rel.elements_path};
    paths.insert(paths.end(), rel.more_elements_paths.begin(), rel.more_elements_paths.end());
    size_t index = 0;
    for (const auto& path : paths) {
      const json* v = at_path(object, path);
      if (!v) continue;
      if (!v->is_array() && !v->is_object())
        return invalid(parent.id, "property `" + path + "` must be an array or an object, got " +
                                      v->type_name());
      if (v->is_object()) {
        if (auto s = add(*v, index++); !s) return s.take_errors();
        continue;
      }
      for (const auto& element : *v)
        if (auto s = add(element, index++); !s) return s.take_errors();
    }
  }
  return out;
}

}  // namespace posture::snapshot
