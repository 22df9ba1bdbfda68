// ARM JSON -> store records. Subscriptions become Connectors; security contacts
// in any of the three API shapes (2017-08-01-preview, 2020-01-01-preview,
// 2023-12-01-preview) become SecurityContacts with the normalised fields of
// docs/data-model.md's table. A key that is missing stays missing (NULL); an empty string
// stays an empty string; a value of the wrong JSON type is an error naming the
// property.
#include "collectors/snapshot/normalize.hpp"

#include <simdjson.h>

#include <cctype>
#include <optional>
#include <vector>

#include "base/json_scan.hpp"
#include "collectors/snapshot/declared.hpp"
#include "collectors/snapshot/normalize_parsed.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

constexpr const char* kApi2017 = "2017-08-01-preview";
constexpr const char* kApi2020 = "2020-01-01-preview";
constexpr const char* kApi2023 = "2023-12-01-preview";

// The normalisers below read an object through a view: JsonView over an
// nlohmann value, or SimdView over simdjson's DOM (the importer's JSON Lines,
// internal::normalize_parsed), so both read it by the same code.
class JsonView {
 public:
  explicit JsonView(const json& v) : v_(&v) {}
  // Member `key` (the last of that name, as nlohmann keeps it), or nullopt.
  std::optional<JsonView> member(std::string_view key) const {
    auto it = v_->find(key);
    if (it == v_->end()) return std::nullopt;
    return JsonView(*it);
  }
  bool is_null() const { return v_->is_null(); }
  bool is_string() const { return v_->is_string(); }
  bool is_object() const { return v_->is_object(); }
  bool is_array() const { return v_->is_array(); }
  bool is_boolean() const { return v_->is_boolean(); }
  std::string_view string() const { return v_->get_ref<const std::string&>(); }
  bool boolean() const { return v_->get<bool>(); }
  const char* type_name() const { return v_->type_name(); }
  // The items of an array, in order.
  std::vector<JsonView> items() const {
    std::vector<JsonView> out;
    for (const auto& item : *v_) out.emplace_back(item);
    return out;
  }

 private:
  const json* v_;
};

class SimdView {
 public:
  explicit SimdView(simdjson::dom::element e) : e_(e) {}
  // As JsonView::member: of duplicate keys the last, as nlohmann keeps it.
  std::optional<SimdView> member(std::string_view key) const {
    std::optional<SimdView> found;
    if (!e_.is_object()) return found;
    simdjson::dom::object object = e_.get_object().value_unsafe();
    for (auto field : object)
      if (field.key == key) found = SimdView(field.value);
    return found;
  }
  bool is_null() const { return e_.is_null(); }
  bool is_string() const { return e_.is_string(); }
  bool is_object() const { return e_.is_object(); }
  bool is_array() const { return e_.is_array(); }
  bool is_boolean() const { return e_.is_bool(); }
  std::string_view string() const { return e_.get_string().value_unsafe(); }
  bool boolean() const { return e_.get_bool().value_unsafe(); }
  // nlohmann's names of JSON types, which errors say.
  const char* type_name() const {
    using simdjson::dom::element_type;
    switch (e_.type()) {
      case element_type::OBJECT:
        return "object";
      case element_type::ARRAY:
        return "array";
      case element_type::STRING:
        return "string";
      case element_type::BOOL:
        return "boolean";
      case element_type::NULL_VALUE:
        return "null";
      default:
        return "number";
    }
  }
  std::vector<SimdView> items() const {
    std::vector<SimdView> out;
    simdjson::dom::array array = e_.get_array().value_unsafe();
    for (auto item : array) out.emplace_back(item);
    return out;
  }

 private:
  simdjson::dom::element e_;
};

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
template <class V>
Result<std::optional<std::string>> opt_string(const V& obj, const char* key,
                                              const std::string& path, const std::string& id) {
  auto v = obj.member(key);
  if (!v || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string())
    return invalid(id, "property `" + path + "` must be a string, got " + v->type_name());
  return std::optional<std::string>{std::string(v->string())};
}

// As opt_string, for an object property: missing/null -> nullopt.
template <class V>
Result<std::optional<V>> opt_object(const V& obj, const char* key, const std::string& path,
                                    const std::string& id) {
  auto v = obj.member(key);
  if (!v || v->is_null()) return std::optional<V>{};
  if (!v->is_object())
    return invalid(id, "property `" + path + "` must be an object, got " + v->type_name());
  return v;
}

// Whether `obj` has member `key` (of any value, null too).
template <class V>
bool has(const V& obj, const char* key) {
  return obj.member(key).has_value();
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

template <class V>
Result<std::string> required_id(const V& object) {
  auto v = object.member("id");
  if (!v || !v->is_string() || v->string().empty())
    return invalid("", "property `id` must be a non-empty string");
  return std::string(v->string());
}

template <class V>
Result<store::Record> normalize_subscription(const V& o, const schema::Schema& schema) {
  auto id = required_id(o);
  if (!id) return id.take_errors();
  store::Record r;
  r.type = schema.type("Connector");
  if (!r.type) return Diagnostic::error("invalid-object", "the schema has no Connector type");
  r.id = *id;
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
  auto absent = [&](const char* key) {
    auto v = o.member(key);
    return !v || v->is_null();
  };
  if (absent("displayName")) {
    auto name = opt_string(o, "name", "name", r.id);
    if (!name) return name.take_errors();
    put(r, "name", or_null(*name));
  }
  if (absent("state")) {
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
template <class V>
Result<json> roles_of(const V& by_role, const std::string& id) {
  auto roles = by_role.member("roles");
  if (!roles || roles->is_null()) return json(nullptr);
  if (!roles->is_array())
    return invalid(id, "property `properties.notificationsByRole.roles` must be an array, got " +
                           std::string(roles->type_name()));
  json out = json::array();
  for (const auto& role : roles->items()) {
    if (!role.is_string())
      return invalid(id, "property `properties.notificationsByRole.roles` must hold strings, got " +
                             std::string(role.type_name()));
    out.push_back(std::string(role.string()));
  }
  return out;
}

// email / emails from the string property `key` (email in 2017, emails later).
template <class V>
Status put_emails(store::Record& r, const V& p, const char* key) {
  auto v = opt_string(p, key, std::string("properties.") + key, r.id);
  if (!v) return v.take_errors();
  put(r, "email", or_null(*v));
  put(r, "emails", *v ? json(split_emails(**v)) : json(nullptr));
  return ok_status();
}

// notificationByRoleState / notificationRoles from notificationsByRole (2020, 2023).
template <class V>
Status put_by_role(store::Record& r, const V& p) {
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

template <class V>
Status contact_2017(store::Record& r, const V& p) {
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

template <class V>
Status contact_2020(store::Record& r, const V& p) {
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

template <class V>
Result<Sources> read_sources(const V& p, const std::string& id) {
  Sources out;
  auto list = p.member("notificationsSources");
  if (!list || list->is_null()) return out;
  const std::string path = "properties.notificationsSources";
  if (!list->is_array())
    return invalid(id, "property `" + path + "` must be an array, got " + list->type_name());
  for (const auto& source : list->items()) {
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

template <class V>
Status contact_2023(store::Record& r, const V& p) {
  if (auto s = put_emails(r, p, "emails"); !s) return s;
  auto sources = read_sources(p, r.id);
  if (!sources) return sources.take_errors();
  json enabled = nullptr;
  if (auto v = p.member("isEnabled"); v && !v->is_null()) {
    if (!v->is_boolean())
      return invalid(r.id, std::string("property `properties.isEnabled` must be a boolean, got ") +
                               v->type_name());
    enabled = v->boolean();
  }
  bool on = !(enabled.is_boolean() && !enabled.get<bool>()) && sources->alert;
  put(r, "alertNotifications", on);
  put(r, "alertMinimalSeverity", sources->alert_severity);
  put(r, "attackPathMinimalRiskLevel", sources->attack_path_level);
  put(r, "isEnabled", std::move(enabled));
  return put_by_role(r, p);
}

// Which API version's shape `p` (a contact's properties) has, or "" if none.
template <class V>
const char* contact_shape(const V& p) {
  if (has(p, "notificationsSources") || has(p, "isEnabled")) return kApi2023;
  auto alerts = p.member("alertNotifications");
  bool alerts_object = alerts && alerts->is_object();
  bool alerts_string = alerts && alerts->is_string();
  if (has(p, "emails") || alerts_object || has(p, "notificationsByRole")) return kApi2020;
  if (has(p, "email") || alerts_string || has(p, "alertsToAdmins")) return kApi2017;
  return "";
}

template <class V>
Result<store::Record> normalize_contact(const V& o, const schema::Schema& schema) {
  auto id = required_id(o);
  if (!id) return id.take_errors();
  store::Record r;
  r.type = schema.type("SecurityContact");
  if (!r.type) return Diagnostic::error("invalid-object", "the schema has no SecurityContact type");
  r.id = *id;
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

template <class V>
ArmKind classify_view(const V& object) {
  if (!object.is_object()) return ArmKind::Unknown;
  auto type = object.member("type");
  if (type && type->is_string()) {
    std::string t = lower(type->string());
    if (t == "microsoft.security/securitycontacts" || t == "microsoft.security/securitycontact")
      return ArmKind::SecurityContact;
  }
  auto id = object.member("id");
  if (!id || !id->is_string()) return ArmKind::Unknown;
  std::string_view text = id->string();
  std::string key = lower(text);
  if (key.find("/providers/microsoft.security/securitycontacts/") != std::string::npos)
    return ArmKind::SecurityContact;
  std::string prefix = subscription_of(text);
  bool bare = !prefix.empty() && (text.size() == prefix.size() ||
                                  (text.size() == prefix.size() + 1 && text.back() == '/'));
  if (bare && has(object, "subscriptionId")) return ArmKind::Subscription;
  return ArmKind::Unknown;
}

// The record of a subscription or a security contact (`kind`, classified),
// its raw text not yet set.
template <class V>
Result<store::Record> normalize_kind(const V& object, ArmKind kind, const schema::Schema& schema) {
  return kind == ArmKind::Subscription ? normalize_subscription(object, schema)
                                       : normalize_contact(object, schema);
}

}  // namespace

ArmKind classify(const json& object) {
  return classify_view(JsonView(object));
}

bool modelled(const json& object, const schema::Schema& schema) {
  return classify(object) != ArmKind::Unknown || declared_type(object, schema) != nullptr;
}

Result<store::Record> normalize(const json& object, std::string raw, const schema::Schema& schema) {
  try {
    if (raw.empty()) raw = object.dump();
    JsonView view(object);
    ArmKind kind = classify_view(view);
    if (kind == ArmKind::Unknown) {
      if (const schema::ObjectType* type = declared_type(object, schema))
        return normalize_declared(object, std::move(raw), schema, *type);
      return Diagnostic::error(
          "invalid-object",
          std::string(
              "not a subscription or a security contact, nor of a modelled ARM type: a JSON ") +
              object.type_name() +
              (object.is_object() ? " without a recognised `type` or `id`" : ""));
    }
    auto record = normalize_kind(view, kind, schema);
    if (record) record->raw = std::move(raw);
    return record;
  } catch (const json::exception& e) {
    return Diagnostic::error("invalid-object", std::string("invalid ARM object: ") + e.what());
  }
}

namespace internal {

std::optional<store::Record> normalize_parsed(simdjson::dom::element element, std::string& raw,
                                              const schema::Schema& schema) {
  SimdView object(element);
  ArmKind kind = classify_view(object);
  // What ImportRun::element and ImportRun::object take otherwise first: a
  // list envelope, an ARM error (is_arm_error). The az CLI's contact has no
  // `properties`, which normalize_contact refuses.
  auto error = object.member("error");
  if (kind == ArmKind::Unknown || has(object, "value") ||
      (error && error->is_object() && !has(object, "properties")))
    return std::nullopt;
  auto record = normalize_kind(object, kind, schema);
  if (!record) return std::nullopt;
  for (const auto& rel : record->type->relationships)
    if (!rel.elements_path.empty()) return std::nullopt;  // its elements are read from nlohmann
  record->raw = std::move(raw);
  return std::move(*record);
}

}  // namespace internal

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
