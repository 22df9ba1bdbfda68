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
  Equals,          // Boolean: the string at the path equals `transform_argument`, ignoring case
  Present,         // Boolean: the path holds a value that is not null
  NotEmpty,        // Boolean: the path holds a non-empty array or object
  Count,           // Int: the number of elements of the array at the path
  LastSegment,     // String: the text after the last `transform_argument` ("/" when
                   // none) of the string at the path
  Split,           // [String]: the string at the path split on commas, trimmed, empties dropped
  Upper,           // String: the string at the path in upper case (ASCII)
  PortFrom,        // Int: the first port of a port range ("*" -> 0, "22" -> 22, "80-90" -> 80);
                   // of a list of ranges, the lowest first port
  PortTo,          // Int: the last port of a port range ("*" -> 65535, "80-90" -> 90); of a
                   // list of ranges, the highest last port
  Lower,           // String: the string at the path in lower case (ASCII)
  BooleanText,     // Boolean: "true" / "false" (any case) as a Boolean, as Microsoft Graph's
                   // directory settings give them
  IntegerText,     // Int: decimal text ("60") as an Int
  IsoTime,         // String: Unix seconds at the path as an ISO 8601 UTC time
                   // ("2026-01-31T00:00:00.000Z"), as Key Vault's `exp` and `nbf` are given
  TlsVersion,      // Float: a TLS version as a number: "TLS1_2", "Tls12", "1.2" -> 1.2; any
                   // other text (e.g. TLSEnforcementDisabled) -> null
  Constant,        // the value `transform_argument` (JSON text) whatever the path holds:
                   // what the service documents it always does (a database service
                   // that always encrypts its storage)
  ExtendedType,    // String: the ARM type of the resource an extension resource's id
                   // names before its last /providers/ (`Microsoft.KeyVault/vaults`),
                   // spelt as `transform_argument` lists it when it does (ignoring case)
  AnyTrue,         // Boolean: whether any boolean at a path collected through `[]` is true
  AddressPrefixes  // [String]: address prefixes as the catalogue spells them: an address or
                   // CIDR block -> "cidr:<it>", "*" / "Any" -> "cidr:0.0.0.0/0"
                   // and "cidr:::/0", a service tag -> "tag:<it>"; each path's string or
                   // array of strings, concatenated
};

// Where a field's value comes from in an ARM resource's JSON, and what an
// absent property means (see docs/data-model.md, "Declared mappings").
struct ArmSource {
  // Dotted JSON path under the resource ("properties.minimumTlsVersion"); a
  // step ending in `[]` collects the rest of the path from each element of
  // the array there ("properties.lifetimeActions[].action.type"), giving an
  // array (with `equals`: whether any element equals the value).
  std::string path;
  // Further paths read after `path` (@json(path: [..])): only for the
  // AddressPrefixes, PortFrom and PortTo transforms, which read every path's
  // values together.
  std::vector<std::string> more_paths;
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
  bool operator==(const ArmSource&) const = default;
};

// A field the store does not hold (@through): its value is read when a query
// runs from the rows related through one of the owner's relationships, so it
// is always what those rows say, whichever order they were imported in. The
// owner's own `@fill` is the value when no related row gives one.
struct Through {
  std::string relationship;  // the owner's relationship, e.g. blobServices
  std::string field;         // the related type's field, e.g. deleteRetentionPolicyEnabled
  // JSON text of a literal; when set the field is Boolean: whether any related
  // row's `field` equals it (strings ignoring case), false when rows exist
  // and none does. Unset: the first related row's (lowest rowid) value.
  std::string equals;
  // Resolved by the loader from the relationship and the related type.
  std::string table;        // the related type's table
  std::string column;       // the related field's column
  std::string link_column;  // the relationship's fk_column
  bool in_owner = false;    // the link is in the owner's row (Relationship::in_owner)
  ScalarType scalar = ScalarType::String;  // the related field's type
  bool operator==(const Through&) const = default;
};

struct Field {
  std::string name;
  std::string description;
  ScalarType scalar = ScalarType::String;
  bool list = false;  // [String]: stored as a JSON array text
  bool non_null = false;
  std::string column;  // the store column
  ArmSource arm;       // only for fields of types with an ARM resource type
  Through through;     // only for fields read through a relationship (@through)
  bool derived() const { return !through.relationship.empty(); }
  bool operator==(const Field&) const = default;
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
  // For inline children (@elements): the JSON path under the owner's own
  // object whose array elements (or whose object) become rows of `target`.
  // Several paths (@elements(path: [..])) give their elements in turn.
  std::string elements_path;
  std::vector<std::string> more_elements_paths;
  // For a relationship by id reference (@ref): the JSON path under the
  // owner's object holding the ARM ids of its targets (a string, or an array
  // through a `[]` step: "properties.networkProfile.networkInterfaces[].id").
  // Resolved when the scan commits, ignoring case; a target has at most one
  // owner through it (the first written).
  std::string ref_path;
  // For a relationship into an extension resource type (@arm scope
  // "extension"): the paths of the owner's child resources whose extension
  // resources belong to the owner too (@extension(under: ["blobServices/default"]):
  // a diagnostic setting of a storage account's blob service).
  std::vector<std::string> extension_under;
  // @ref(shared: true): each owner names at most one target, which many
  // owners may share (a network security group of several interfaces). The
  // link is then stored in the owner's row: `fk_column` is a column of
  // `owner_table` holding the target's rowid, and there is no key column.
  bool in_owner = false;
  std::string owner_table;
  // @relationship(direction: IN): the forward relationship of the same type
  // read backwards, from a child to its parent (a database's sqlServer). It
  // is `in_owner`, its fk_column the forward relationship's, already in the
  // child's rows.
  bool inverse = false;
  bool operator==(const Relationship&) const = default;
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
  // Narrower routing among types sharing an ARM type (@arm(kind:, name:)):
  // `kind` is contained in the object's `kind` (ignoring case; ARM kinds are
  // comma-separated lists such as "functionapp,linux"); `name` equals the
  // last segment of its id (ignoring case). An object goes to the type that
  // matches the most of them.
  std::string arm_kind;
  std::string arm_name;
  // "subscription": a resource whose parent is the subscription its id starts
  // with (a subscription-level extension resource such as
  // /subscriptions/<id>/providers/Microsoft.Security/pricings/VirtualMachines,
  // or any resource of the subscription); "extension": an extension resource
  // (.../providers/Microsoft.Insights/diagnosticSettings/<name>) whose parent
  // is the resource its id names before the last `/providers/`. When types
  // share an ARM type, a "subscription" one takes only objects directly under
  // /subscriptions/<id>/providers/.
  std::string arm_scope;
  // @arm(apiVersion:) on a type with a scope: the live collector lists its
  // objects with ARM GETs of `<scope>/providers/<arm type>?api-version=<it>`,
  // the scope being each subscription ("subscription") or each owner of a
  // relationship into the type ("extension"), instead of reading them from
  // Azure Resource Graph.
  std::string arm_api_version;
  // @arm(table:): the Azure Resource Graph table the live collector reads the
  // type's objects from ("securityresources"); "" for `resources` (or for a
  // type listed with ARM GETs, which has an apiVersion instead).
  std::string arm_table;
  // Rows read from elements of their owner's JSON (@element), not routed by
  // `type`: their fields have ARM sources relative to the element.
  bool element = false;
  // Microsoft Graph objects (@graph): the `@odata.type`s that route an
  // object here ("#microsoft.graph.user"), and the resource path whose list
  // or entity response holds them when the objects carry no @odata.type
  // ("identity/conditionalAccess/policies", matched against the response's
  // @odata.context). `graph_display_name`, when set, narrows to objects with
  // that displayName (a groupSetting such as "Group.Unified"). Their fields
  // read JSON paths like ARM types'; their parent is the Entra ID tenant.
  std::vector<std::string> graph_types;
  std::string graph_context;
  std::string graph_display_name;
  std::vector<std::string> interfaces;
  std::vector<Field> fields;
  std::vector<Relationship> relationships;

  const Field* field(std::string_view name) const;
  const Relationship* relationship(std::string_view name) const;
  std::vector<std::string> member_names() const;  // fields then relationships, for hints
  bool operator==(const ObjectType&) const = default;
};

struct Interface {
  std::string name;
  std::vector<Field> fields;
  bool operator==(const Interface&) const = default;
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
  const std::vector<Interface>& interfaces() const { return interfaces_; }
  // Relationships whose target is `type` and whose link the target's rows
  // hold (to find a row's parent columns): all but @ref(shared: true) ones.
  std::vector<const Relationship*> relationships_into(std::string_view type) const;
  // The SDL text this schema was loaded from.
  const std::string& sdl() const { return sdl_; }
  // The type one of whose @arm resource types is `arm_type` (ignoring case), if any.
  const ObjectType* type_by_arm(std::string_view arm_type) const;
  // Every type one of whose @arm resource types is `arm_type` (ignoring case).
  std::vector<const ObjectType*> types_by_arm(std::string_view arm_type) const;
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
