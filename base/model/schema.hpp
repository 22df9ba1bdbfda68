// The asset model as plain data: object types, their scalar fields and their
// relationships. The SDL loader (engine/schema) builds it; the store derives its
// tables from it and the semantic stage validates queries against it. Nothing
// here parses: the store and the collectors depend on this and on base/ only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace posture::schema {

enum class ScalarType { ID, String, Int, Float, Boolean };
std::string_view scalar_name(ScalarType t);

struct Field {
  std::string name;
  std::string description;
  ScalarType scalar = ScalarType::String;
  bool list = false;  // [String]: stored as a JSON array text
  bool non_null = false;
  std::string column;  // the store column
};

// A one-to-many link from `owner` to `target`: every target row stores the
// rowid of its owner in `fk_column` and the owner's key in `key_column`.
struct Relationship {
  std::string name;  // the field name, e.g. securityContacts
  std::string description;
  std::string type;        // the relationship type, e.g. HAS_SECURITY_CONTACT
  std::string owner;       // owning type name
  std::string target;      // related type name
  std::string fk_column;   // e.g. _has_security_contact_rid (in the target's table)
  std::string key_column;  // e.g. _has_security_contact_key (in the target's table)
};

struct ObjectType {
  std::string name;  // Connector
  std::string description;
  std::string plural;  // connectors: the root query field
  std::string table;   // connector
  std::vector<std::string> interfaces;
  std::vector<Field> fields;
  std::vector<Relationship> relationships;

  const Field* field(std::string_view name) const;
  const Relationship* relationship(std::string_view name) const;
  std::vector<std::string> member_names() const;  // fields then relationships, for hints
};

struct Interface {
  std::string name;
  std::vector<Field> fields;
};

class Schema {
 public:
  Schema() = default;
  // `sdl` is the text the types were loaded from (what `posture schema` prints).
  Schema(std::string sdl, std::vector<ObjectType> types, std::vector<Interface> interfaces)
      : sdl_(std::move(sdl)), types_(std::move(types)), interfaces_(std::move(interfaces)) {}

  const std::vector<ObjectType>& types() const { return types_; }
  const ObjectType* type(std::string_view name) const;
  const ObjectType* type_by_plural(std::string_view plural) const;
  const Interface* interface(std::string_view name) const;
  // Relationships whose target is `type` (to find a row's parent columns).
  std::vector<const Relationship*> relationships_into(std::string_view type) const;
  // The SDL text this schema was loaded from.
  const std::string& sdl() const { return sdl_; }
  // Root field names (plurals, and plural + "Aggregate"), for hints.
  std::vector<std::string> root_field_names() const;

 private:
  std::string sdl_;
  std::vector<ObjectType> types_;
  std::vector<Interface> interfaces_;
};

// The fields `...AssetFragment` selects (the Asset interface's fields).
inline constexpr std::string_view kAssetFragment = "AssetFragment";
inline constexpr std::string_view kAssetInterface = "Asset";

}  // namespace posture::schema
