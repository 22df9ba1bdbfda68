// Normalisation of ARM JSON objects into store records: subscriptions, and
// security contacts in the 2017-08-01-preview, 2020-01-01-preview and
// 2023-12-01-preview shapes, mapped to the SecurityContact fields of docs/data-model.md.
// Shared by the snapshot importer and the live Azure collector.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "store/store.hpp"

namespace posture::snapshot {

enum class ArmKind { Subscription, SecurityContact, Unknown };

// What an ARM object is: a subscription (`/subscriptions/<id>` with a
// subscriptionId) or a security contact (type Microsoft.Security/securityContacts,
// also the singular spelling some published examples use, or an id under
// /providers/Microsoft.Security/securityContacts/).
ArmKind classify(const nlohmann::json& object);

// Whether `object` is of a kind the schema models: a subscription, a security
// contact, or a resource whose `type` is a schema type's @arm type.
bool modelled(const nlohmann::json& object, const schema::Schema& schema);

// Normalises one ARM object into a record for `schema`'s Connector or
// SecurityContact type, or the type its @arm resource type declares
// (declared.hpp); `raw` is the object's original text, kept verbatim
// (when empty, the object's compact dump is kept instead).
// A contact's parent is the subscription its ARM id starts with.
// Errors (code "invalid-object") say which property is wrong.
Result<store::Record> normalize(const nlohmann::json& object, std::string raw,
                                const schema::Schema& schema);

// Splits an email list on ';' and ',', trims whitespace, drops empties.
std::vector<std::string> split_emails(std::string_view text);

// Splits `text` on any of `separators`, trims whitespace, drops empties.
std::vector<std::string> split_list(std::string_view text, std::string_view separators);

// Whether JSON `text` nests arrays and objects more than `levels` deep (a
// scan of the bytes, without parsing). ARM bodies nest a few levels; deeper
// ones are refused before they are parsed, because copying, converting and
// writing a JSON value recurse once per level.
bool nested_deeper_than(std::string_view text, int levels);

// The deepest nesting of arrays and objects the importer and the collector
// accept in an ARM object or response body.
inline constexpr int kMaxJsonDepth = 256;

// The elements an ARM response body holds: a list envelope's `value`, a bare
// array (2020-01-01-preview), or a single object. Errors when it is none of these.
Result<std::vector<nlohmann::json>> response_items(const nlohmann::json& body);

}  // namespace posture::snapshot
