// Microsoft Graph objects: the Entra ID tenant (an `organization`) becomes a
// Connector whose cloudProvider is entra, and tenant-side objects (users,
// conditional access policies, the authorization policy, ...) become records
// of the schema type whose @graph type or context they match, their fields
// read as declared (declared.hpp). A tenant-side object's parent is its
// tenant: the one its `tenantId` member names, else the import's only tenant
// (importer.cpp links them after the last object).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "store/store.hpp"

namespace posture::snapshot {

// The resource path an `@odata.context` names, without the service root, a
// trailing /$entity or a (select) list: ".../v1.0/$metadata#policies/
// authorizationPolicy/$entity" -> "policies/authorizationPolicy"; "" when
// `context` is not one.
std::string graph_context_path(std::string_view context);

// The `@odata.context` of a response or object, or "".
std::string graph_context_of(const nlohmann::json& object);

// Whether `object` is an Entra ID tenant: @odata.type #microsoft.graph.organization,
// or an element of an `organization` response (`context`).
bool is_graph_organization(const nlohmann::json& object, std::string_view context);

// The schema type of a Graph object: the one whose @graph types hold its
// @odata.type, else whose @graph context is `context` (the path of the
// response it came in); narrowed by displayName where the type declares one.
const schema::ObjectType* graph_type(const nlohmann::json& object, std::string_view context,
                                     const schema::Schema& schema);

// The Connector id of an Entra ID tenant: /tenants/<tenant id>.
std::string tenant_connector_id(std::string_view tenant_id);

// An organization as a Connector (id /tenants/<id>, name its displayName,
// tenantId, cloudProvider entra).
Result<store::Record> normalize_organization(const nlohmann::json& object, std::string raw,
                                             const schema::Schema& schema);

// A tenant-side Graph object as a record of `type`. Its parent is the tenant
// its `tenantId` member names; without one, `parent_id` stays empty and the
// importer gives it the import's tenant.
Result<store::Record> normalize_graph(const nlohmann::json& object, std::string raw,
                                      const schema::Schema& schema, const schema::ObjectType& type);

}  // namespace posture::snapshot
