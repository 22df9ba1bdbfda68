// Lookups over the asset model.
#include "base/model/schema.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/text.hpp"

namespace posture::schema {

std::string_view scalar_name(ScalarType t) {
  switch (t) {
    case ScalarType::ID:
      return "ID";
    case ScalarType::String:
      return "String";
    case ScalarType::Int:
      return "Int";
    case ScalarType::Float:
      return "Float";
    case ScalarType::Boolean:
      return "Boolean";
  }
  return "String";
}

const Field* ObjectType::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const Relationship* ObjectType::relationship(std::string_view n) const {
  for (const auto& r : relationships)
    if (r.name == n) return &r;
  return nullptr;
}

std::vector<std::string> ObjectType::member_names() const {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.name);
  for (const auto& r : relationships) out.push_back(r.name);
  return out;
}

const ObjectType* Schema::type(std::string_view name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

const ObjectType* Schema::type_by_plural(std::string_view plural) const {
  for (const auto& t : types_)
    if (t.plural == plural) return &t;
  return nullptr;
}

const ObjectType* Schema::type_by_arm(std::string_view arm_type) const {
  std::string wanted = text::ascii_lower(arm_type);
  for (const auto& t : types_)
    for (const auto& a : t.arm_types)
      if (text::ascii_lower(a) == wanted) return &t;
  return nullptr;
}

std::vector<const ObjectType*> Schema::types_by_arm(std::string_view arm_type) const {
  std::string wanted = text::ascii_lower(arm_type);
  std::vector<const ObjectType*> out;
  for (const auto& t : types_)
    for (const auto& a : t.arm_types)
      if (text::ascii_lower(a) == wanted) {
        out.push_back(&t);
        break;
      }
  return out;
}

const Interface* Schema::interface(std::string_view name) const {
  for (const auto& i : interfaces_)
    if (i.name == name) return &i;
  return nullptr;
}

std::vector<const Relationship*> Schema::relationships_into(std::string_view type) const {
  std::vector<const Relationship*> out;
  for (const auto& t : types_)
    for (const auto& r : t.relationships)
      if (r.target == type && !r.in_owner) out.push_back(&r);
  return out;
}

std::vector<std::string> Schema::root_field_names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) {
    out.push_back(t.plural);
    out.push_back(t.plural + "Aggregate");
  }
  return out;
}

}  // namespace posture::schema
