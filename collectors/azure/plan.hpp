// What `posture collect azure` reads, derived from the schema's declarations
// (engine/schema/assets.graphql) rather than a list in code:
//   - Azure Resource Graph: every type with a top-level @arm type (no @child
//     relationship reads it, it is not an @element and has no @arm apiVersion),
//     in one query over their ARM types;
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

struct CollectionPlan {
  std::set<const schema::ObjectType*> types;               // everything read (marked collected)
  std::vector<std::string> resource_graph_types;           // lower-cased ARM types, sorted
  std::map<std::string, std::vector<ChildRead>> children;  // owner type name -> reads
  std::vector<std::string> graph_contexts;                 // Microsoft Graph resource paths, sorted
  bool contacts = false;                                   // subscriptions' security contacts
  bool graph() const { return !graph_contexts.empty(); }
};

// The plan for `type_names` (--types: root fields, schema types or ARM types,
// any case; empty: everything). Errors name an unknown type.
Result<CollectionPlan> plan_collection(const schema::Schema& schema,
                                       const std::vector<std::string>& type_names);

// The Resource Graph query over `arm_types` (lower-cased ARM types): the
// resources table, filtered on type, ordered by id for stable paging.
std::string resource_graph_query(const std::vector<std::string>& arm_types);

}  // namespace posture::azure
