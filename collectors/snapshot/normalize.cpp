// ARM JSON -> store records. Subscriptions become Connectors; security contacts
// in any of the three API shapes (2017-08-01-preview, 2020-01-01-preview,
// 2023-12-01-preview) become SecurityContacts with the normalised fields of
// docs/data-model.md's table. A key that is missing stays missing (NULL); an empty string
// stays an empty string; a value of the wrong JSON type is an error naming the
// property.
#include "collectors/snapshot/normalize.hpp"

#include <cctype>
#include <optional>

#include "base/json_scan.hpp"
#include "collectors/snapshot/declared.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

constexpr const char* kApi2017 = "2017-08-01-preview";
constexpr const char* kApi2020 = "2020-01-01-preview";
constexpr const char* kApi2023 = "2023-12-01-preview";

std::string lower(std::string_view s) {
  return store::arm_key(s);
}

bool iequals(std::string_view a, std::string_view b) {
  return lower(a) == lower(b);
}

Diagnostic invalid(const std::string& id, const std::string& what) {
  std::string subject = id.empty() ? "ARM object" : "ARM object " + id;
  return Diagnostic::error("invalid-object", subject + ": " + what);
}

// Reads optional string property `key` of `obj` (named `path` in errors):
// missing or null -> nullopt; a string -> it; anything else -> an error.
Result<std::optional<std::string>> opt_string(const json& obj, const char* key,
                                              const std::string& path, const std::string& id) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string())
    return invalid(id, "property `" + path + "` must be a string, got " + it->type_name());
  return std::optional<std::string>{it->get<std::string>()};
}

// As opt_string, for an object property: missing/null -> nullptr.
Result<const json*> opt_object(const json& obj, const char* key, const std::string& path,
                               const std::string& id) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_object())
    return invalid(id, "property `" + path + "` must be an object, got " + it->type_name());
  return &*it;
}

json or_null(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

// A field value is kept only when the schema's type has the field.
void put(store::Record& r, const char* field, json value) {
  if (r.type->field(field)) r.fields[field] = std::move(value);
}

std::string last_segment(std::string_view id) {
  size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

Result<std::string> required_id(const json& object) {
  auto it = object.find("id");
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return invalid("", "property `id` must be a non-empty string");
  return it->get<std::string>();
}

Result<store::Record> normalize_subscription(const json& o, std::string raw,
                                             const schema::Schema& schema) {
  auto id = required_id(o);
  if (!id) return id.take_errors();
  store::Record r;
  r.type = schema.type("Connector");
  if (!r.type) return Diagnostic::error("invalid-object", "the schema has no Connector type");
  r.id = *id;
  r.raw = std::move(raw);
  put(r, "id", r.id);
  const std::pair<const char*, const char*> props[] = {{"displayName", "name"},
                                                       {"subscriptionId", "subscriptionId"},
                                                       {"tenantId", "tenantId"},
                                                       {"state", "state"}};
  for (const auto& [key, field] : props) {
    auto v = opt_string(o, key, key, r.id);
    if (!v) return v.take_errors();
    put(r, field, or_null(*v));
  }
  // A Resource Graph row of resourcecontainers (microsoft.resources/
  // subscriptions) names the display name `name` and holds the state under
  // `properties`, where GET /subscriptions has displayName and state.
  if (!o.contains("displayName") || o["displayName"].is_null()) {
    auto name = opt_string(o, "name", "name", r.id);
    if (!name) return name.take_errors();
    put(r, "name", or_null(*name));
  }
  if (!o.contains("state") || o["state"].is_null()) {
    auto properties = opt_object(o, "properties", "properties", r.id);
    if (!properties) return properties.take_errors();
    if (*properties) {
      auto state = opt_string(**properties, "state", "properties.state", r.id);
      if (!state) return state.take_errors();
      put(r, "state", or_null(*state));
    }
  }
  put(r, "provider", "azure");
  put(r, "cloudProvider", "azure");
  return r;
}

// The roles list of a notificationsByRole object: strings only.
Result<json> roles_of(const json& by_role, const std::string& id) {
  auto it = by_role.find("roles");
  if (it == by_role.end() || it->is_null()) return json(nullptr);
  if (!it->is_array())
    return invalid(id, "property `properties.notificationsByRole.roles` must be an array, got " +
                           std::string(it->type_name()));
  for (const auto& role : *it)
    if (!role.is_string())
      return invalid(id, "property `properties.notificationsByRole.roles` must hold strings, got " +
                             std::string(role.type_name()));
  return *it;
}

// email / emails from the string property `key` (email in 2017, emails later).
Status put_emails(store::Record& r, const json& p, const char* key) {
  auto v = opt_string(p, key, std::string("properties.") + key, r.id);
  if (!v) return v.take_errors();
  put(r, "email", or_null(*v));
  put(r, "emails", *v ? json(split_emails(**v)) : json(nullptr));
  return ok_status();
}

// notificationByRoleState / notificationRoles from notificationsByRole (2020, 2023).
Status put_by_role(store::Record& r, const json& p) {
  auto by_role = opt_object(p, "notificationsByRole", "properties.notificationsByRole", r.id);
  if (!by_role) return by_role.take_errors();
  if (!*by_role) {
    put(r, "notificationByRoleState", nullptr);
    put(r, "notificationRoles", nullptr);
    return ok_status();
  }
  auto state = opt_string(**by_role, "state", "properties.notificationsByRole.state", r.id);
  if (!state) return state.take_errors();
  auto roles = roles_of(**by_role, r.id);
  if (!roles) return roles.take_errors();
  put(r, "notificationByRoleState", or_null(*state));
  put(r, "notificationRoles", std::move(*roles));
  return ok_status();
}

Status contact_2017(store::Record& r, const json& p) {
  if (auto s = put_emails(r, p, "email"); !s) return s;
  auto alerts = opt_string(p, "alertNotifications", "properties.alertNotifications", r.id);
  if (!alerts) return alerts.take_errors();
  auto admins = opt_string(p, "alertsToAdmins", "properties.alertsToAdmins", r.id);
  if (!admins) return admins.take_errors();
  put(r, "alertNotifications", *alerts ? json(iequals(**alerts, "On")) : json(nullptr));
  put(r, "alertMinimalSeverity", nullptr);
  put(r, "attackPathMinimalRiskLevel", nullptr);
  put(r, "notificationByRoleState", or_null(*admins));
  json roles = nullptr;
  if (*admins) roles = iequals(**admins, "On") ? json::array({"Owner"}) : json::array();
  put(r, "notificationRoles", std::move(roles));
  put(r, "isEnabled", nullptr);
  return ok_status();
}

Status contact_2020(store::Record& r, const json& p) {
  if (auto s = put_emails(r, p, "emails"); !s) return s;
  auto alerts = opt_object(p, "alertNotifications", "properties.alertNotifications", r.id);
  if (!alerts) return alerts.take_errors();
  json enabled = nullptr, severity = nullptr;
  if (*alerts) {
    auto state = opt_string(**alerts, "state", "properties.alertNotifications.state", r.id);
    if (!state) return state.take_errors();
    auto min = opt_string(**alerts, "minimalSeverity",
                          "properties.alertNotifications.minimalSeverity", r.id);
    if (!min) return min.take_errors();
    if (*state) enabled = iequals(**state, "On");
    severity = or_null(*min);
  }
  put(r, "alertNotifications", std::move(enabled));
  put(r, "alertMinimalSeverity", std::move(severity));
  put(r, "attackPathMinimalRiskLevel", nullptr);
  put(r, "isEnabled", nullptr);
  return put_by_role(r, p);
}

// The Alert and AttackPath entries of a 2023 notificationsSources array.
struct Sources {
  bool alert = false;
  json alert_severity = nullptr;
  bool attack_path = false;
  json attack_path_level = nullptr;
};

Result<Sources> read_sources(const json& p, const std::string& id) {
  Sources out;
  auto it = p.find("notificationsSources");
  if (it == p.end() || it->is_null()) return out;
  const std::string path = "properties.notificationsSources";
  if (!it->is_array())
    return invalid(id, "property `" + path + "` must be an array, got " + it->type_name());
  for (const auto& source : *it) {
    if (!source.is_object())
      return invalid(id, "property `" + path + "` must hold objects, got " + source.type_name());
    auto type = opt_string(source, "sourceType", path + "[].sourceType", id);
    if (!type) return type.take_errors();
    std::string kind = type->value_or("");
    if (iequals(kind, "Alert") && !out.alert) {
      auto v = opt_string(source, "minimalSeverity", path + "[].minimalSeverity", id);
      if (!v) return v.take_errors();
      out.alert = true;
      out.alert_severity = or_null(*v);
    } else if ((iequals(kind, "AttackPath") || iequals(kind, "AttachPath")) && !out.attack_path) {
      auto v = opt_string(source, "minimalRiskLevel", path + "[].minimalRiskLevel", id);
      if (!v) return v.take_errors();
      out.attack_path = true;
      out.attack_path_level = or_null(*v);
    }
  }
  return out;
}

Status contact_2023(store::Record& r, const json& p) {
  if (auto s = put_emails(r, p, "emails"); !s) return s;
  auto sources = read_sources(p, r.id);
  if (!sources) return sources.take_errors();
  json enabled = nullptr;
  if (auto it = p.find("isEnabled"); it != p.end() && !it->is_null()) {
    if (!it->is_boolean())
      return invalid(r.id, std::string("property `properties.isEnabled` must be a boolean, got ") +
                               it->type_name());
    enabled = *it;
  }
  bool on = !(enabled.is_boolean() && !enabled.get<bool>()) && sources->alert;
  put(r, "alertNotifications", on);
  put(r, "alertMinimalSeverity", sources->alert_severity);
  put(r, "attackPathMinimalRiskLevel", sources->attack_path_level);
  put(r, "isEnabled", std::move(enabled));
  return put_by_role(r, p);
}

// Which API version's shape `p` (a contact's properties) has, or "" if none.
const char* contact_shape(const json& p) {
  if (p.contains("notificationsSources") || p.contains("isEnabled")) return kApi2023;
  auto alerts = p.find("alertNotifications");
  bool alerts_object = alerts != p.end() && alerts->is_object();
  bool alerts_string = alerts != p.end() && alerts->is_string();
  if (p.contains("emails") || alerts_object || p.contains("notificationsByRole")) return kApi2020;
  if (p.contains("email") || alerts_string || p.contains("alertsToAdmins")) return kApi2017;
  return "";
}

Result<store::Record> normalize_contact(const json& o, std::string raw,
                                        const schema::Schema& schema) {
  auto id = required_id(o);
  if (!id) return id.take_errors();
  store::Record r;
  r.type = schema.type("SecurityContact");
  if (!r.type) return Diagnostic::error("invalid-object", "the schema has no SecurityContact type");
  r.id = *id;
  r.raw = std::move(raw);
  r.parent_id = subscription_of(r.id);
  if (r.parent_id.empty())
    return invalid(r.id, "a security contact's id must start with /subscriptions/<id>/");
  auto into = schema.relationships_into(r.type->name);
  if (!into.empty()) r.relationship = into.front();

  auto name = opt_string(o, "name", "name", r.id);
  if (!name) return name.take_errors();
  auto props = opt_object(o, "properties", "properties", r.id);
  if (!props) return props.take_errors();
  if (!*props) return invalid(r.id, "a security contact needs a `properties` object");
  const char* shape = contact_shape(**props);
  if (!*shape)
    return invalid(r.id,
                   "cannot tell the API version of `properties`: it has none of email, "
                   "emails, alertNotifications, alertsToAdmins, notificationsByRole, "
                   "notificationsSources, isEnabled");
  put(r, "id", r.id);
  put(r, "name", name->value_or(last_segment(r.id)));
  put(r, "provider", "azure");
  auto phone = opt_string(**props, "phone", "properties.phone", r.id);
  if (!phone) return phone.take_errors();
  put(r, "phone", or_null(*phone));
  put(r, "apiVersion", shape);
  std::string_view version = shape;
  Status s = version == kApi2023   ? contact_2023(r, **props)
             : version == kApi2020 ? contact_2020(r, **props)
                                   : contact_2017(r, **props);
  if (!s) return s.take_errors();
  return r;
}

}  // namespace

ArmKind classify(const json& object) {
  if (!object.is_object()) return ArmKind::Unknown;
  auto type = object.find("type");
  if (type != object.end() && type->is_string()) {
    std::string t = lower(type->get_ref<const std::string&>());
    if (t == "microsoft.security/securitycontacts" || t == "microsoft.security/securitycontact")
      return ArmKind::SecurityContact;
  }
  auto id = object.find("id");
  if (id == object.end() || !id->is_string()) return ArmKind::Unknown;
  const std::string& text = id->get_ref<const std::string&>();
  std::string key = lower(text);
  if (key.find("/providers/microsoft.security/securitycontacts/") != std::string::npos)
    return ArmKind::SecurityContact;
  std::string prefix = subscription_of(text);
  bool bare = !prefix.empty() && (text.size() == prefix.size() ||
                                  (text.size() == prefix.size() + 1 && text.back() == '/'));
  if (bare && object.contains("subscriptionId")) return ArmKind::Subscription;
  return ArmKind::Unknown;
}

bool modelled(const json& object, const schema::Schema& schema) {
  return classify(object) != ArmKind::Unknown || declared_type(object, schema) != nullptr;
}

Result<store::Record> normalize(const json& object, std::string raw, const schema::Schema& schema) {
  try {
    if (raw.empty()) raw = object.dump();
    switch (classify(object)) {
      case ArmKind::Subscription:
        return normalize_subscription(object, std::move(raw), schema);
      case ArmKind::SecurityContact:
        return normalize_contact(object, std::move(raw), schema);
      case ArmKind::Unknown:
        break;
    }
    if (const schema::ObjectType* type = declared_type(object, schema))
      return normalize_declared(object, std::move(raw), schema, *type);
    return Diagnostic::error(
        "invalid-object",
        std::string(
            "not a subscription or a security contact, nor of a modelled ARM type: a JSON ") +
            object.type_name() +
            (object.is_object() ? " without a recognised `type` or `id`" : ""));
  } catch (const json::exception& e) {
    return Diagnostic::error("invalid-object", std::string("invalid ARM object: ") + e.what());
  }
}

std::vector<std::string> split_emails(std::string_view text) {
  return split_list(text, ";,");
}

std::vector<std::string> split_list(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = text.substr(start, end - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
      part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

bool nested_deeper_than(std::string_view text, int levels) {
  int depth = 0;
  json_scan::StringTracker strings;
  for (char c : text) {
    if (!strings.outside(c)) continue;
    if (c == '[' || c == '{') {
      if (++depth > levels) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

Result<std::vector<json>> response_items(const json& body) {
  if (body.is_array()) return std::vector<json>(body.begin(), body.end());
  if (!body.is_object())
    return Diagnostic::error(
        "invalid-response",
        std::string("expected a JSON object or array, got ") + body.type_name());
  auto value = body.find("value");
  if (value == body.end()) return std::vector<json>{body};
  if (!value->is_array())
    return Diagnostic::error(
        "invalid-response",
        std::string("the list envelope's `value` must be an array, got ") + value->type_name());
  return std::vector<json>(value->begin(), value->end());
}

}  // namespace posture::snapshot
