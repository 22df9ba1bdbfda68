// The values of declared fields (schema.hpp, ArmSource): JSON paths under an
// ARM resource, a Microsoft Graph object or an element of one, the closed set
// of named transforms, and what an absent property gives (the catalogue's
// fill, else the documented default, else null). docs/data-model.md,
// "Declared mappings", describes each.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/model/schema.hpp"
#include "base/result.hpp"

namespace posture::snapshot {

// The value at dotted `path` under `object`, or nullptr when a step is
// missing or null. Keys match exactly, else ignoring case. A key starting
// with "@odata." is one step ("@odata.type"); a step `key[k=v]` takes the
// first element of the array at `key` whose member k is the string v
// (ignoring case), e.g. "values[name=EnableGroupCreation].value".
const nlohmann::json* at_path(const nlohmann::json& object, std::string_view path);

// The values at `path`, whose steps may end in `[]`: an array of what the
// rest of the path gives in each element (elements where it is absent are
// left out), or null when that leaves nothing. A path without `[]` gives
// its value, or null.
nlohmann::json collect(const nlohmann::json& object, std::string_view path);

// The text after the last `separator` of `s` (all of `s` when none).
std::string last_segment(std::string_view s, std::string_view separator = "/");

// The resource an extension resource's id names before its last `/providers/`
// (ignoring case), or "".
std::string extended_id(std::string_view id);

// The ARM resource type an id names, spelt as the id spells it
// (".../providers/Microsoft.Storage/storageAccounts/a/blobServices/default" ->
// "Microsoft.Storage/storageAccounts/blobServices"; "/subscriptions/<id>" ->
// "Microsoft.Resources/subscriptions"), or "" when it names none.
std::string resource_type_of(std::string_view id);

// The value field `f` takes from `object` (whose ARM or Graph id `id` errors
// name): its path read and transformed, or, when the property is absent,
// what an absent property gives it. A present value of the wrong JSON type
// is an error (code "invalid-object") naming the property.
Result<nlohmann::json> field_value(const schema::Field& f, const nlohmann::json& object,
                                   const std::string& id);

}  // namespace posture::snapshot
