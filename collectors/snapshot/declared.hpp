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

}  // namespace posture::snapshot
