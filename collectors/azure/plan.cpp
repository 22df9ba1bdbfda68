// The collection plan from the schema's declarations. See plan.hpp.
#include "collectors/azure/plan.hpp"

#include <algorithm>
#include <map>

#include "base/text.hpp"
#include "collectors/snapshot/importer.hpp"

namespace posture::azure {
namespace {

// A type read with an ARM list under its scope (@arm(scope:, apiVersion:)).
bool listed_per_scope(const schema::ObjectType& t) {
  return !t.arm_api_version.empty() && !t.arm_types.empty();
}

// The ARM reads a relationship of its owner needs for each owner resource.
std::vector<ChildRead> reads_of(const schema::Relationship& r, const schema::ObjectType& target) {
  std::vector<ChildRead> out;
  if (!r.child_path.empty()) {
    out.push_back({r.child_path, r.child_api_version, &target});
  } else if (listed_per_scope(target)) {
    std::string list = "providers/" + target.arm_types.front();
    out.push_back({list, target.arm_api_version, &target});
    for (const auto& under : r.extension_under)
      out.push_back({under + "/" + list, target.arm_api_version, &target});
  }
  return out;
}

}  // namespace

Result<CollectionPlan> plan_collection(const schema::Schema& schema,
                                       const std::vector<std::string>& type_names) {
  // The types wanted, and the ones they hang from.
  std::set<const schema::ObjectType*> wanted;
  if (type_names.empty()) {
    for (const auto& t : schema.types()) wanted.insert(&t);
  } else {
    auto named = snapshot::collected_types(schema, type_names);
    if (!named) {
      Diagnostics errors = named.take_errors();
      for (auto& e : errors) {
        if (e.message.rfind("--collected:", 0) == 0) e.message = "--types:" + e.message.substr(12);
      }
      return errors;
    }
    std::vector<const schema::ObjectType*> todo(named->begin(), named->end());
    while (!todo.empty()) {
      const schema::ObjectType* t = todo.back();
      todo.pop_back();
      if (!wanted.insert(t).second) continue;
      for (const auto* r : schema.relationships_into(t->name))
        if (!r->inverse)
          if (const auto* owner = schema.type(r->owner)) todo.push_back(owner);
    }
  }
  CollectionPlan plan;
  std::set<const schema::ObjectType*> child_targets;
  for (const auto& t : schema.types())
    for (const auto& r : t.relationships)
      if (!r.child_path.empty())
        if (const auto* target = schema.type(r.target)) child_targets.insert(target);
  std::map<std::string, std::set<std::string>> arg_types;  // table -> ARM types
  std::map<std::string, std::set<std::string>> arg_columns;
  std::set<std::string> contexts;
  for (const auto& t : schema.types()) {
    if (!wanted.count(&t)) continue;
    if (t.name == "Connector") plan.types.insert(&t);
    if (t.name == "SecurityContact") {
      plan.contacts = true;
      plan.types.insert(&t);
    }
    if (!t.graph_context.empty()) {
      contexts.insert(t.graph_context);
      plan.types.insert(&t);
    }
    if (!t.arm_types.empty() && !t.element && t.arm_api_version.empty() &&
        t.arm_scope != "extension" && !child_targets.count(&t)) {
      std::string table = t.arm_table.empty() ? "resources" : t.arm_table;
      for (const auto& arm : t.arm_types) arg_types[table].insert(text::ascii_lower(arm));
      arg_columns[table].merge(projected_columns(t));
      plan.types.insert(&t);
    }
    for (const auto& r : t.relationships) {
      const auto* target = schema.type(r.target);
      if (!target || !wanted.count(target) || r.inverse) continue;
      for (auto& read : reads_of(r, *target)) {
        plan.types.insert(target);
        plan.children[t.name].push_back(std::move(read));
      }
    }
  }
  std::set<std::string> all_types;
  for (const auto& [table, types] : arg_types) {
    all_types.insert(types.begin(), types.end());
    const auto& columns = arg_columns[table];
    plan.resource_graph.push_back(
        {table, {types.begin(), types.end()}, {columns.begin(), columns.end()}});
  }
  plan.resource_graph_types.assign(all_types.begin(), all_types.end());
  plan.graph_contexts.assign(contexts.begin(), contexts.end());
  return plan;
}

const std::set<std::string>& resource_graph_columns() {
  // Resource Graph's documented columns of the resources table (and of the
  // other resource tables, securityresources included).
  static const std::set<std::string> columns = {"extendedLocation",
                                                "id",
                                                "identity",
                                                "kind",
                                                "location",
                                                "managedBy",
                                                "name",
                                                "plan",
                                                "properties",
                                                "resourceGroup",
                                                "sku",
                                                "subscriptionId",
                                                "tags",
                                                "tenantId",
                                                "type",
                                                "zones"};
  return columns;
}

std::set<std::string> projected_columns(const schema::ObjectType& type) {
  std::set<std::string> out = {"id", "name", "type"};
  if (!type.arm_kind.empty()) out.insert("kind");
  auto add = [&out](const std::string& path) {
    std::string first = path.substr(0, path.find('.'));
    if (first.size() >= 2 && first.compare(first.size() - 2, 2, "[]") == 0)
      first.resize(first.size() - 2);
    if (resource_graph_columns().count(first)) out.insert(first);
  };
  for (const auto& f : type.fields) {
    if (f.derived()) continue;
    add(f.arm.path);
    for (const auto& p : f.arm.more_paths) add(p);
  }
  for (const auto& r : type.relationships) {
    if (!r.elements_path.empty()) add(r.elements_path);
    for (const auto& p : r.more_elements_paths) add(p);
    if (!r.ref_path.empty()) add(r.ref_path);
  }
  return out;
}

std::string ResourceGraphQuery::text() const {
  std::string list, project;
  for (const auto& type : arm_types) list += (list.empty() ? "'" : ", '") + type + "'";
  for (const auto& column : columns) project += (project.empty() ? "" : ", ") + column;
  return table + " | where type in~ (" + list + ") | project " + project + " | order by id asc";
}

std::string subscriptions_query() {
  // What normalize_subscription reads (collectors/snapshot/normalize.cpp).
  return "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id, "
         "name, type, tenantId, subscriptionId, properties | order by id asc";
}

}  // namespace posture::azure
