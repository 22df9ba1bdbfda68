// The az CLI's shapes of subscriptions and security contacts turned back into
// ARM's, and the reasons import gives for the objects it skips.
#include "collectors/snapshot/shapes.hpp"

#include <string_view>

#include "store/store.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

// The string property `key` of `o`, or "" when it is missing or not a string.
std::string string_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// `az account list` / `az account show`: a subscription whose id is the bare
// GUID, beside the tenant and the CLI's own keys.
bool is_az_account(const json& o) {
  std::string id = string_of(o, "id");
  if (id.empty() || id.find('/') != std::string::npos || !o.contains("tenantId")) return false;
  return o.contains("isDefault") || o.contains("cloudName") || o.contains("homeTenantId") ||
         o.contains("user");
}

json account_to_arm(const json& o) {
  std::string id = string_of(o, "id");
  json arm = {{"id", "/subscriptions/" + id}, {"subscriptionId", id}};
  const std::pair<const char*, const char*> keys[] = {
      {"name", "displayName"}, {"tenantId", "tenantId"}, {"state", "state"}};
  for (const auto& [from, to] : keys)
    if (auto it = o.find(from); it != o.end()) arm[to] = *it;
  return arm;
}

// The keys an ARM resource keeps outside `properties`.
bool envelope_key(std::string_view key) {
  for (std::string_view k : {"id", "name", "type", "etag", "location", "kind", "systemData"})
    if (key == k) return true;
  return false;
}

// `az security contact list` / `show`: a security contact (by its type or id)
// without `properties`, whose properties are keys of the object itself.
bool is_flattened_contact(const json& o) {
  if (o.contains("properties")) return false;
  std::string type = store::arm_key(string_of(o, "type"));
  std::string id = store::arm_key(string_of(o, "id"));
  bool contact = type == "microsoft.security/securitycontacts" ||
                 id.find("/providers/microsoft.security/securitycontacts/") != std::string::npos;
  if (!contact) return false;
  for (const auto& [key, value] : o.items())
    if (!envelope_key(key)) return true;
  return false;
}

json contact_to_arm(const json& o) {
  json arm = json::object();
  json properties = json::object();
  for (const auto& [key, value] : o.items()) (envelope_key(key) ? arm : properties)[key] = value;
  arm["properties"] = std::move(properties);
  return arm;
}

}  // namespace

std::optional<json> arm_from_az_cli(const json& object) {
  if (!object.is_object()) return std::nullopt;
  if (is_az_account(object)) return account_to_arm(object);
  if (is_flattened_contact(object)) return contact_to_arm(object);
  return std::nullopt;
}

std::string skip_reason(const json& object) {
  if (!object.is_object()) return std::string("a JSON ") + object.type_name() + ", not an object";
  std::string id = string_of(object, "id");
  std::string type = string_of(object, "type");
  std::string key = store::arm_key(id);
  constexpr std::string_view kSubscriptions = "/subscriptions/";
  bool subscription_id =
      key.rfind(kSubscriptions, 0) == 0 && key.find('/', kSubscriptions.size()) >= key.size() - 1;
  if (subscription_id && type.empty() && !object.contains("subscriptionId"))
    return "no subscriptionId";
  if (!type.empty()) return "unknown type " + type;
  if (!id.empty())
    return "no type, and the id " + id + " is neither a subscription nor a security contact";
  return "no id or type";
}

const char* readable_shapes() {
  return "posture import reads subscriptions, Microsoft.Security/securityContacts and the "
         "resource types `posture schema` declares with @arm, as ARM REST returns them (objects, "
         "arrays, {\"value\": [...]} list responses, JSON Lines), Azure Resource Graph "
         "results ({\"data\": [...]}: its REST API, az graph query), and subscriptions and "
         "contacts as the az CLI prints them (az account list, az account show, az security "
         "contact list, az security contact show)";
}

}  // namespace posture::snapshot
