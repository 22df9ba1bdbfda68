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

// The named transforms a field may apply to the JSON value at its path: a
// small closed set, so that a new asset type is a schema change, not code.
enum class Transform {
  None,
  Equals,       // Boolean: the string at the path equals `transform_argument`, ignoring case
  Present,      // Boolean: the path holds a value that is not null
  NotEmpty,     // Boolean: the path holds a non-empty array or object
  Count,        // Int: the number of elements of the array at the path
  LastSegment,  // String: the last `/`-separated segment of the string at the path
  Split         // [String]: the string at the path split on commas, trimmed, empties dropped
};

// Where a field's value comes from in an ARM resource's JSON, and what an
// absent property means (see docs/data-model.md, "Declared mappings").
struct ArmSource {
  std::string path;  // dotted JSON path under the resource ("properties.minimumTlsVersion")
  Transform transform = Transform::None;
  std::string transform_argument;
  // JSON text of the value stored when the property is absent, as the
  // catalogue's collector fills it (@fill); "" when none.
  std::string fill;
  // JSON text of the default interpretation Microsoft's REST specification
  // documents for an absent property (@default), and the API versions it
  // holds for; "" when none is documented (the field then stays null).
  std::string documented_default;
  std::string default_api_versions;
};

struct Field {
  std::string name;
  std::string description;
  ScalarType scalar = ScalarType::String;
  bool list = false;  // [String]: stored as a JSON array text
  bool non_null = false;
  std::string column;  // the store column
  ArmSource arm;       // only for fields of types with an ARM resource type
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
  // For a child resource read with a second call (@child): the path under the
  // owner's ARM id ("blobServices/default") and the API version to read it with.
  std::string child_path;
  std::string child_api_version;
};

struct ObjectType {
  std::string name;  // Connector
  std::string description;
  std::string plural;  // connectors: the root query field
  std::string table;   // connector
  // The ARM resource types its objects have (@arm), e.g.
  // Microsoft.Storage/storageAccounts; empty for types read by code of their
  // own. A child type shared by several parents (server configurations) has
  // one per parent type.
  std::vector<std::string> arm_types;
  // "subscription" for a subscription-level extension resource
  // (/subscriptions/<id>/providers/...), whose parent is the subscription.
  std::string arm_scope;
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
  // The type one of whose @arm resource types is `arm_type` (ignoring case), if any.
  const ObjectType* type_by_arm(std::string_view arm_type) const;
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
