// Microsoft Graph objects into store records: see graph.hpp.
#include "collectors/snapshot/graph.hpp"

#include "base/text.hpp"
#include "collectors/snapshot/declared.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

std::string string_member(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// "#microsoft.graph.user" and "microsoft.graph.user" alike, lower-cased.
std::string odata_type_key(std::string_view type) {
  if (!type.empty() && type.front() == '#') type.remove_prefix(1);
  return text::ascii_lower(type);
}

Diagnostic invalid(const std::string& what) {
  return Diagnostic::error("invalid-object", "Microsoft Graph object: " + what);
}

}  // namespace

std::string graph_context_path(std::string_view context) {
  size_t hash = context.find("$metadata#");
  if (hash == std::string_view::npos) return "";
  std::string_view path = context.substr(hash + 10);
  if (size_t paren = path.find('('); paren != std::string_view::npos) path = path.substr(0, paren);
  constexpr std::string_view kEntity = "/$entity";
  if (path.size() >= kEntity.size() && path.substr(path.size() - kEntity.size()) == kEntity)
    path.remove_suffix(kEntity.size());
  return std::string(path);
}

std::string graph_context_of(const json& object) {
  return string_member(object, "@odata.context");
}

bool is_graph_organization(const json& object, std::string_view context) {
  if (!object.is_object()) return false;
  std::string type = string_member(object, "@odata.type");
  if (!type.empty()) return odata_type_key(type) == "microsoft.graph.organization";
  return text::ascii_lower(context) == "organization";
}

const schema::ObjectType* graph_type(const json& object, std::string_view context,
                                     const schema::Schema& schema) {
  if (!object.is_object()) return nullptr;
  std::string type = odata_type_key(string_member(object, "@odata.type"));
  std::string path = text::ascii_lower(context);
  std::string display_name = text::ascii_lower(string_member(object, "displayName"));
  for (const auto& t : schema.types()) {
    if (t.graph_types.empty() && t.graph_context.empty()) continue;
    bool match = false;
    if (!type.empty()) {
      for (const auto& g : t.graph_types) match = match || odata_type_key(g) == type;
    } else {
      // Older responses name a shorter path ("conditionalAccess/policies"
      // for identity/conditionalAccess/policies): a suffix at a `/` matches.
      std::string declared = text::ascii_lower(t.graph_context);
      match = !path.empty() &&
              (declared == path ||
               (declared.size() > path.size() &&
                declared.compare(declared.size() - path.size(), path.size(), path) == 0 &&
                declared[declared.size() - path.size() - 1] == '/'));
    }
    if (!match) continue;
    if (!t.graph_display_name.empty() && text::ascii_lower(t.graph_display_name) != display_name)
      continue;
    return &t;
  }
  return nullptr;
}

std::string tenant_connector_id(std::string_view tenant_id) {
  return "/tenants/" + std::string(tenant_id);
}

Result<store::Record> normalize_organization(const json& object, std::string raw,
                                             const schema::Schema& schema) {
  std::string tenant = string_member(object, "id");
  if (tenant.empty()) return invalid("an organization needs a string `id` (the tenant id)");
  store::Record r;
  r.type = schema.type("Connector");
  if (!r.type) return invalid("the schema has no Connector type");
  r.id = tenant_connector_id(tenant);
  r.raw = raw.empty() ? object.dump() : std::move(raw);
  auto put = [&](const char* field, json value) {
    if (r.type->field(field)) r.fields[field] = std::move(value);
  };
  put("id", r.id);
  std::string name = string_member(object, "displayName");
  put("name", name.empty() ? json(nullptr) : json(name));
  // Entra ID, not an Azure subscription: checks for `providers: ["azure"]`
  // do not judge it (the subjects of a check are the rows of its providers).
  put("provider", "entra");
  put("cloudProvider", "entra");
  put("tenantId", tenant);
  return r;
}

Result<store::Record> normalize_graph(const json& object, std::string raw,
                                      const schema::Schema& schema,
                                      const schema::ObjectType& type) {
  std::string id = string_member(object, "id");
  if (id.empty()) return invalid("a " + type.name + " needs a string `id`");
  store::Record r;
  r.type = &type;
  r.id = id;
  r.raw = raw.empty() ? object.dump() : std::move(raw);
  if (auto s = read_declared_fields(object, type, r, "entra"); !s) return s.take_errors();
  for (const auto* rel : schema.relationships_into(type.name))
    if (rel->owner == "Connector") r.relationship = rel;
  if (!r.relationship)
    return invalid("the schema links no Connector to " + type.name + ", so it has no tenant");
  if (std::string tenant = string_member(object, "tenantId"); !tenant.empty())
    r.parent_id = tenant_connector_id(tenant);
  return r;
}

}  // namespace posture::snapshot
