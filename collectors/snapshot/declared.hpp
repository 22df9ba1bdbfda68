// Schema-driven normalisation: an ARM object whose `type` is the @arm resource
// type of a schema type becomes a record of that type, each field read from
// its declared JSON path, transform, catalogue fill and documented default
// (docs/data-model.md, "Declared mappings"). No code per asset type.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "store/store.hpp"

namespace posture::snapshot {

// The schema type an ARM object's `type` declares (case-insensitive), or null.
// Among types sharing the ARM type, the one whose @arm kind, name and scope
// the object matches most (see schema::ObjectType::arm_kind).
const schema::ObjectType* declared_type(const nlohmann::json& object, const schema::Schema& schema);

// The `/subscriptions/<id>` an ARM id starts with (ignoring case), or "".
std::string subscription_of(std::string_view id);

// The object's `type` string as ARM spells it, or "" when it has none.
std::string arm_type_of(const nlohmann::json& object);

// Normalises `object` into a record of `type` (a type with @arm). A child
// resource (its @arm type extends its owner's, e.g. .../storageAccounts/blobServices)
// belongs to the resource its id names without the last two segments.
// Errors (code "invalid-object") name the property whose JSON type is wrong.
Result<store::Record> normalize_declared(const nlohmann::json& object, std::string raw,
                                         const schema::Schema& schema,
                                         const schema::ObjectType& type);

// Reads each declared field of `type` from `object` into `record` (whose id
// is set): the declared path, transform, fill and default; `provider` is
// azure and `cloudProvider` is `cloud` (azure, or entra for Graph objects);
// and the ids its @ref relationships name.
Status read_declared_fields(const nlohmann::json& object, const schema::ObjectType& type,
                            store::Record& record, std::string_view cloud);

// The inline children of `parent` (a record normalised from `object`): for
// each @elements relationship of its type, a record of the target type per
// element of the array at the relationship's path (or one for an object
// there), its fields read relative to the element. An element's id is its
// own `id`, else `<parent id>/<relationship>/<index>`.
Result<std::vector<store::Record>> normalize_elements(const nlohmann::json& object,
                                                      const store::Record& parent,
                                                      const schema::Schema& schema);

}  // namespace posture::snapshot
