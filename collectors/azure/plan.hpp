// What `posture collect azure` reads, derived from the schema's declarations
// (engine/schema/assets.graphql) rather than a list in code:
//   - Azure Resource Graph: every type with a top-level @arm type (no @child
//     relationship reads it, it is not an @element and has no @arm apiVersion),
//     in one query per table (`resources`, or the type's @arm(table:), e.g.
//     `securityresources` for Defender plans) over their ARM types, projecting
//     only the columns their declarations read;
//   - ARM GETs under each resource read: a @child relationship's path, and
//     for a relationship into a type with @arm(scope:, apiVersion:) the list
//     <owner>/providers/<type> (a subscription's Defender plans, a resource's
//     diagnostic settings, also under the owner's @extension paths);
//   - Microsoft Graph: every @graph type's context (its resource path).
// `--types` narrows it to some types, with the types they hang from (a
// subscription's storage accounts for their blob services).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/model/schema.hpp"
#include "base/result.hpp"

namespace posture::azure {

inline constexpr const char* kResourceGraphApiVersion = "2022-10-01";
// Resource Graph scopes at most this many subscriptions per request, and
// returns at most this many rows per page.
inline constexpr size_t kResourceGraphSubscriptionsPerRequest = 1000;
inline constexpr int kResourceGraphPageSize = 1000;

// One ARM GET under each resource of an owner type.
struct ChildRead {
  std::string path;                            // under the owner's id: "blobServices/default"
  std::string api_version;                     // its api-version
  const schema::ObjectType* target = nullptr;  // the type it reads
};

// One Azure Resource Graph query: a table, the ARM types read from it and
// the columns projected.
struct ResourceGraphQuery {
  std::string table;                   // resources, securityresources
  std::vector<std::string> arm_types;  // lower-cased, sorted
  std::vector<std::string> columns;    // projected, sorted
  // The query: `<table> | where type in~ (...) | project ... | order by id asc`.
  std::string text() const;
};

struct CollectionPlan {
  std::set<const schema::ObjectType*> types;       // everything read (marked collected)
  std::vector<std::string> resource_graph_types;   // lower-cased ARM types of every query, sorted
  std::vector<ResourceGraphQuery> resource_graph;  // one per table, by table name
  std::map<std::string, std::vector<ChildRead>> children;  // owner type name -> reads
  std::vector<std::string> graph_contexts;                 // Microsoft Graph resource paths, sorted
  bool contacts = false;                                   // subscriptions' security contacts
  bool graph() const { return !graph_contexts.empty(); }
};

// The plan for `type_names` (--types: root fields, schema types or ARM types,
// any case; empty: everything). Errors name an unknown type.
Result<CollectionPlan> plan_collection(const schema::Schema& schema,
                                       const std::vector<std::string>& type_names);

// The columns of Resource Graph's resources-like tables (resources,
// securityresources); a projection names only these, since a query naming a
// column the table lacks fails as a whole.
const std::set<std::string>& resource_graph_columns();

// The top-level columns the declarations of `type` read: id, type, name,
// kind, and the first step of every field path, @elements path and @ref path
// that is a Resource Graph column. docs/data-model.md ("What Resource Graph
// returns") says what a projection drops.
std::set<std::string> projected_columns(const schema::ObjectType& type);

// The Resource Graph query listing the subscriptions (resourcecontainers).
std::string subscriptions_query();

}  // namespace posture::azure
