// The Azure collection: list subscriptions (Resource Graph), then concurrently read every
// selected subscription's security contacts, its resources (Azure Resource
// Graph, paged by $skipToken) and their child resources and settings (ARM
// GETs queued as their owners arrive), then the Entra ID tenant (Microsoft
// Graph); normalise everything as the importer does and write one scan.
// See collector.hpp for the outcomes; HTTP details are ArmClient's.
#include "collectors/azure/collector.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "collectors/azure/http.hpp"
#include "collectors/azure/plan.hpp"
#include "collectors/snapshot/declared.hpp"
#include "collectors/snapshot/graph.hpp"
#include "collectors/snapshot/normalize.hpp"

namespace posture::azure {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr int kMaxPages = 10000;  // a nextLink chain longer than this is a server bug

// One ARM list page: its objects (with their text as received, key order kept)
// and the link to the next page ("" on the last).
struct Page {
  std::vector<std::pair<json, std::string>> items;
  std::string next_link;
};

bool safe_segment(std::string_view text) {
  if (text.empty() || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

// Parses a 2xx body as JSON, keeping key order (for the objects' text as
// received). Errors name the request.
Result<ordered_json> parse_body(const ArmReply& reply) {
  std::string what = reply.method + " " + reply.url;
  // JSON never holds a raw NUL byte, but nlohmann's parser takes one for the
  // end of the input and would ignore whatever follows it.
  if (reply.body.find('\0') != std::string::npos)
    return Diagnostic::error("malformed-response",
                             what + ": the response holds a NUL byte, so it is not JSON",
                             {reply.url, 0, 0});
  if (snapshot::nested_deeper_than(reply.body, snapshot::kMaxJsonDepth))
    return Diagnostic::error("malformed-response",
                             what + ": the response is nested more than " +
                                 std::to_string(snapshot::kMaxJsonDepth) + " levels deep",
                             {reply.url, 0, 0});
  try {
    return ordered_json::parse(reply.body);
  } catch (const ordered_json::exception& e) {
    std::string why = e.what();
    if (size_t close = why.find("] "); close != std::string::npos) why = why.substr(close + 2);
    return Diagnostic::error("malformed-response",
                             what + ": malformed JSON in the response: " + why, {reply.url, 0, 0});
  }
}

// Parses a 2xx body as an ARM list: an envelope, a bare array (contacts in
// 2020-01-01-preview) or a single object. Errors name the URL.
Result<Page> parse_page(const ArmReply& reply) {
  auto parsed = parse_body(reply);
  if (!parsed) return parsed.take_errors();
  ordered_json& doc = *parsed;
  auto items = snapshot::response_items(json(doc));
  if (!items) {
    return Diagnostic::error("malformed-response",
                             "GET " + reply.url + ": " + items.errors().front().message,
                             {reply.url, 0, 0});
  }
  const ordered_json* list = nullptr;
  if (doc.is_array()) list = &doc;
  if (doc.is_object() && doc.contains("value") && doc["value"].is_array()) list = &doc["value"];
  Page page;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string raw = list && i < list->size() ? (*list)[i].dump()
                      : items->size() == 1     ? doc.dump()
                                               : (*items)[i].dump();
    page.items.emplace_back(std::move((*items)[i]), std::move(raw));
  }
  if (doc.is_object() && doc.contains("nextLink") && doc["nextLink"].is_string()) {
    page.next_link = doc["nextLink"].get<std::string>();
  }
  return page;
}

// The string member `name` of a JSON object, or "".
std::string string_member(const ordered_json& doc, const char* name) {
  if (!doc.is_object()) return "";
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A subscription selected for collection, and what was read of its contacts.
struct Connector {
  std::string id;    // ARM id as listed
  std::string guid;  // subscriptionId
  std::vector<store::Record> contacts;
  std::set<std::string> links;  // pages requested, to stop nextLink loops
};

// A batch of subscriptions Resource Graph is asked one query about together.
struct ResourceBatch {
  const ResourceGraphQuery* query = nullptr;
  std::vector<std::string> guids;
  std::set<std::string> skip_tokens;  // seen, to stop paging loops
};

class Collection {
 public:
  Collection(const CollectOptions& options, const CollectionPlan& plan, ArmClient& client,
             store::ScanWriter& writer, const schema::Schema& schema)
      : options_(options), plan_(plan), client_(client), writer_(writer), schema_(schema) {}

  // Lists the subscriptions: from Resource Graph, else with GET /subscriptions.
  Status list_subscriptions();
  const std::string& subscriptions_from() const { return subscriptions_from_; }
  Status select_and_store_subscriptions();
  // Queues the contacts, the subscriptions' settings and the Resource Graph
  // batches (child reads follow as resources arrive) and runs them all.
  Status read_resources();
  // Reads the Entra ID tenant and its objects with `graph` (a client of the
  // Microsoft Graph endpoint).
  Status read_graph(ArmClient& graph);
  Result<CollectSummary> finish(std::chrono::steady_clock::time_point started);
  // Reports a retry as it happens (the client's on_retry).
  void report_retry(std::chrono::milliseconds wait, int http_status);

 private:
  Result<bool> list_subscription_containers();
  Status list_subscriptions_by_get();
  Status add_subscription(const json& item, std::string raw, const std::string& what,
                          std::set<std::string>& seen_ids);
  void request_contacts(size_t index, std::string url);
  void on_contacts(size_t index, ArmReply reply);
  void connector_failed(size_t index, int http_status, std::string message);
  void connector_done(size_t index);
  void request_resources(size_t batch, std::string skip_token);
  void on_resources(size_t batch, ArmReply reply);
  void resources_failed(const ResourceBatch& batch, int http_status, const std::string& message);
  void queue_children(const std::string& owner_id, const schema::ObjectType& owner);
  void request_child(std::string owner_id, const schema::ObjectType* owner, const ChildRead* read,
                     std::string url, int page);
  void on_child(const std::string& owner_id, const schema::ObjectType* owner, const ChildRead* read,
                int page, ArmReply reply);
  void request_graph(ArmClient& graph, std::string context, std::string url, int page);
  void on_graph(ArmClient& graph, const std::string& context, int page, ArmReply reply);
  // Normalises one object as the importer does and writes it with its inline
  // children; `parent` (when not "") is the parent a Graph object gets when it
  // names none. Returns the record's type, or null for an object of a kind
  // the schema does not model (skipped).
  Result<const schema::ObjectType*> store_object(const json& item, std::string raw,
                                                 const std::string& graph_context,
                                                 const std::string& parent, std::string* id);
  Status record_error(store::CollectionError error);
  // A completion that cannot be recorded ends the run.
  void record_or_stop(ArmClient& client, store::CollectionError error);
  CollectProgress progress_now() const;
  void report_progress();
  void count_request() { ++requests_total_; }
  // Counts an answer; `report` draws progress (contacts report per subscription).
  void count_answer(bool report = true) {
    ++requests_done_;
    if (report) report_progress();
  }

  const CollectOptions& options_;
  const CollectionPlan& plan_;
  ArmClient& client_;
  store::ScanWriter& writer_;
  const schema::Schema& schema_;
  std::vector<store::Record> subscriptions_;
  std::vector<Connector> connectors_;
  std::vector<ResourceBatch> batches_;
  std::vector<store::CollectionError> errors_;
  std::map<std::string, uint64_t> stored_by_type_;
  std::string phase_ = "subscriptions";
  std::string subscriptions_from_;
  std::string tenant_;                  // the Entra ID tenant's Connector id, once read
  const ArmClient* running_ = nullptr;  // whose stats progress reports
  uint64_t requests_done_ = 0, requests_total_ = 0, pages_ = 0, total_pages_ = 0;
  uint64_t resources_ = 0, graph_objects_ = 0;
  size_t done_ = 0;
  size_t contacts_ = 0;
};

Status Collection::record_error(store::CollectionError error) {
  Status added = writer_.add_error(error);
  errors_.push_back(std::move(error));
  return added;
}

void Collection::record_or_stop(ArmClient& client, store::CollectionError error) {
  if (Status s = record_error(std::move(error)); !s) client.stop(s.errors().front());
}

CollectProgress Collection::progress_now() const {
  const ArmStats& stats = running_ ? running_->stats() : client_.stats();
  CollectProgress p;
  p.phase = phase_;
  p.requests_done = requests_done_;
  p.requests_total = requests_total_;
  p.pages = pages_;
  p.quota_pauses = stats.quota_pauses;
  p.subscriptions_total = connectors_.size();
  p.subscriptions_done = done_;
  p.errors = errors_.size();
  p.requests = stats.requests;
  p.retries = stats.retries;
  p.throttled = stats.throttled;
  return p;
}

void Collection::report_progress() {
  if (options_.progress) options_.progress(progress_now());
}

void Collection::report_retry(std::chrono::milliseconds wait, int http_status) {
  if (!options_.progress) return;
  CollectProgress p = progress_now();
  p.retry_wait = wait;
  p.retry_status = http_status;
  options_.progress(p);
}

Status Collection::list_subscriptions() {
  report_progress();  // from the start: nothing is known yet
  auto listed = list_subscription_containers();
  if (!listed) return listed.take_errors();
  if (*listed) return ok_status();
  return list_subscriptions_by_get();
}

// The subscriptions from Resource Graph's resourcecontainers table, at the
// tenant's scope (no `subscriptions` in the request: every subscription the
// credential can read), paged by $skipToken. Returns false, having noted why,
// when Resource Graph refuses the credential (403) or the endpoint has none
// (404): GET /subscriptions then lists them (docs/data-model.md, "What
// Resource Graph returns").
Result<bool> Collection::list_subscription_containers() {
  std::set<std::string> seen_tokens, seen_ids;
  std::string skip_token;
  std::string url = client_.url(std::string("/providers/Microsoft.ResourceGraph/resources"
                                            "?api-version=") +
                                kResourceGraphApiVersion);
  for (int page = 0;; ++page) {
    json request_options = {{"$top", kResourceGraphPageSize}, {"resultFormat", "objectArray"}};
    if (!skip_token.empty()) request_options["$skipToken"] = skip_token;
    json body = {{"query", subscriptions_query()}, {"options", std::move(request_options)}};
    std::optional<ArmReply> answer;
    client_.post_async(url, body.dump(), [&answer](ArmReply reply) { answer = std::move(reply); });
    if (Status ran = client_.run(); !ran) return ran.take_errors();
    if (!answer) return Diagnostic::error("list-failed", "POST " + url + ": no answer");
    const ArmReply& reply = *answer;
    if (!reply.ok() && page == 0 && (reply.http_status == 403 || reply.http_status == 404)) {
      subscriptions_from_ =
          "GET /subscriptions (Resource Graph answered " + std::to_string(reply.http_status) + ")";
      return false;
    }
    if (!reply.ok())
      return Diagnostic::error("list-failed", "cannot list subscriptions: " + reply.error);
    auto doc = parse_body(reply);
    if (!doc) return doc.take_errors();
    auto data = doc->is_object() ? doc->find("data") : doc->end();
    if (data == doc->end() || !data->is_array())
      return Diagnostic::error("malformed-response",
                               "POST " + reply.url +
                                   ": the response is not a Resource Graph result "
                                   "({\"data\": [...]} with objectArray rows)");
    for (const auto& row : *data)
      if (Status added = add_subscription(json(row), row.dump(), "POST " + reply.url, seen_ids);
          !added)
        return added.take_errors();
    ++pages_;
    skip_token = string_member(*doc, "$skipToken");
    if (skip_token.empty()) break;
    if (!seen_tokens.insert(skip_token).second || seen_tokens.size() > kMaxPages)
      return Diagnostic::error("list-failed",
                               "Resource Graph's $skipToken repeats while listing subscriptions");
  }
  subscriptions_from_ = "Resource Graph (resourcecontainers)";
  return true;
}

// Normalises one listed subscription (`what`: the request that listed it) and
// keeps it unless `seen_ids` already holds its id.
Status Collection::add_subscription(const json& item, std::string raw, const std::string& what,
                                    std::set<std::string>& seen_ids) {
  if (snapshot::classify(item) != snapshot::ArmKind::Subscription)
    return Diagnostic::error(
        "malformed-response",
        what + ": an item of the list is not a " + "subscription: " + item.dump().substr(0, 200));
  auto record = snapshot::normalize(item, std::move(raw), schema_);
  if (!record)
    return Diagnostic::error("malformed-response", what + ": " + record.errors().front().message);
  if (seen_ids.insert(store::arm_key(record->id)).second)
    subscriptions_.push_back(std::move(*record));
  return ok_status();
}

Status Collection::list_subscriptions_by_get() {
  std::string link =
      client_.url(std::string("/subscriptions?api-version=") + kSubscriptionsApiVersion);
  std::set<std::string> seen_links, seen_ids;
  while (!link.empty()) {
    if (!seen_links.insert(link).second || seen_links.size() > kMaxPages) {
      return Diagnostic::error("list-failed", "the subscription list's nextLink repeats: " + link);
    }
    auto reply = client_.get(link);
    if (!reply) return reply.take_errors();
    if (!reply->ok()) {
      return Diagnostic::error("list-failed", "cannot list subscriptions: " + reply->error);
    }
    auto page = parse_page(*reply);
    if (!page) return page.take_errors();
    for (auto& [item, raw] : page->items)
      if (Status added = add_subscription(item, std::move(raw), "GET " + link, seen_ids); !added)
        return added;
    ++pages_;
    link = page->next_link;
    if (!link.empty() && !client_.is_endpoint_url(link)) {
      return Diagnostic::error("list-failed", "the subscription list's nextLink " + link +
                                                  " is not on the ARM endpoint; not followed");
    }
  }
  return ok_status();
}

// Keeps the subscriptions --subscription names (all when none), stores them,
// and records an error for each requested one the credential cannot list.
Status Collection::select_and_store_subscriptions() {
  std::set<std::string> wanted;
  for (const auto& s : options_.subscriptions) {
    std::string guid = text::ascii_lower(s);
    if (guid.rfind("/subscriptions/", 0) == 0) guid = guid.substr(15);
    wanted.insert(guid);
  }
  std::set<std::string> found;
  for (auto& record : subscriptions_) {
    auto field = record.fields.find("subscriptionId");
    std::string guid = field != record.fields.end() && field->is_string()
                           ? field->get<std::string>()
                           : record.id.substr(record.id.rfind('/') + 1);
    if (!wanted.empty() && !wanted.count(text::ascii_lower(guid))) continue;
    found.insert(text::ascii_lower(guid));
    connectors_.push_back({record.id, guid, {}, {}});
    if (Status added = writer_.add(record); !added) return added;
  }
  for (const auto& guid : wanted) {
    if (found.count(guid)) continue;
    Status s = record_error({"/subscriptions/" + guid, "Connector",
                             "subscription " + guid + " is not among the " +
                                 std::to_string(subscriptions_.size()) + " subscriptions " +
                                 client_.credential().describe() + " can list",
                             404});
    if (!s) return s;
  }
  return ok_status();
}

Status Collection::read_resources() {
  phase_ = "resources";
  report_progress();
  for (size_t i = 0; i < connectors_.size(); ++i) {
    const Connector& c = connectors_[i];
    if (!safe_segment(c.guid)) {
      connector_failed(i, 0, "subscriptionId '" + c.guid + "' is not a valid path segment");
      continue;
    }
    if (plan_.contacts)
      request_contacts(i,
                       client_.url("/subscriptions/" + c.guid +
                                   "/providers/Microsoft.Security/securityContacts?api-version=" +
                                   url_encode(options_.api_version)));
    if (const auto* connector = schema_.type("Connector"))
      queue_children("/subscriptions/" + c.guid, *connector);
  }
  for (const auto& query : plan_.resource_graph) {
    ResourceBatch batch{&query, {}, {}};
    for (const auto& c : connectors_) {
      if (!safe_segment(c.guid)) continue;
      batch.guids.push_back(c.guid);
      if (batch.guids.size() == kResourceGraphSubscriptionsPerRequest) {
        batches_.push_back(std::move(batch));
        batch = {&query, {}, {}};
      }
    }
    if (!batch.guids.empty()) batches_.push_back(std::move(batch));
  }
  for (size_t i = 0; i < batches_.size(); ++i) request_resources(i, "");
  return client_.run();
}

// One page of a Resource Graph query over a batch of subscriptions.
void Collection::request_resources(size_t index, std::string skip_token) {
  ResourceBatch& batch = batches_[index];
  if (!skip_token.empty() &&
      (!batch.skip_tokens.insert(skip_token).second || batch.skip_tokens.size() > kMaxPages)) {
    return resources_failed(batch, 0, "Resource Graph's $skipToken repeats: the paging loops");
  }
  json request_options = {{"$top", kResourceGraphPageSize}, {"resultFormat", "objectArray"}};
  if (!skip_token.empty()) request_options["$skipToken"] = skip_token;
  json body = {{"subscriptions", batch.guids},
               {"query", batch.query->text()},
               {"options", std::move(request_options)}};
  count_request();
  client_.post_async(client_.url(std::string("/providers/Microsoft.ResourceGraph/resources"
                                             "?api-version=") +
                                 kResourceGraphApiVersion),
                     body.dump(),
                     [this, index](ArmReply reply) { on_resources(index, std::move(reply)); });
}

void Collection::on_resources(size_t index, ArmReply reply) {
  count_answer();
  if (!reply.ok()) {
    // A batch refused as a whole (one subscription the credential may not
    // read) is asked again one subscription at a time, so that only the
    // unreadable ones have errors.
    if (reply.http_status == 403 && batches_[index].guids.size() > 1) {
      std::vector<std::string> guids = batches_[index].guids;
      const ResourceGraphQuery* query = batches_[index].query;
      for (auto& guid : guids) {
        batches_.push_back({query, {std::move(guid)}, {}});
        request_resources(batches_.size() - 1, "");
      }
      return;
    }
    return resources_failed(batches_[index], reply.http_status, reply.error);
  }
  auto doc = parse_body(reply);
  if (!doc)
    return resources_failed(batches_[index], reply.http_status, doc.errors().front().message);
  auto data = doc->is_object() ? doc->find("data") : doc->end();
  if (data == doc->end() || !data->is_array())
    return resources_failed(batches_[index], reply.http_status,
                            "POST " + reply.url +
                                ": the response is not a Resource Graph result "
                                "({\"data\": [...]} with objectArray rows)");
  ++pages_;
  for (auto& row : *data) {
    std::string id;
    auto type = store_object(json(row), row.dump(), "", "", &id);
    if (!type) {
      return resources_failed(batches_[index], reply.http_status,
                              "POST " + reply.url + ": " + type.errors().front().message);
    }
    if (*type) {
      ++resources_;
      queue_children(id, **type);
    }
  }
  std::string next = string_member(*doc, "$skipToken");
  if (!next.empty()) request_resources(index, std::move(next));
}

// Every subscription of the batch lacks every Resource Graph type.
void Collection::resources_failed(const ResourceBatch& batch, int http_status,
                                  const std::string& message) {
  const auto& types = batch.query->arm_types;
  for (const auto& guid : batch.guids)
    for (const auto* type : plan_.types)
      if (!type->arm_types.empty() && !type->element &&
          std::binary_search(types.begin(), types.end(),
                             text::ascii_lower(type->arm_types.front())))
        record_or_stop(client_,
                       {"/subscriptions/" + guid, "Connector", message, http_status, type->name});
}

// Queues the planned child reads of one resource (or subscription).
void Collection::queue_children(const std::string& owner_id, const schema::ObjectType& owner) {
  auto reads = plan_.children.find(owner.name);
  if (reads == plan_.children.end()) return;
  for (const auto& read : reads->second) {
    std::string url =
        client_.url(owner_id + "/" + read.path + "?api-version=" + url_encode(read.api_version));
    request_child(owner_id, &owner, &read, std::move(url), 0);
  }
}

void Collection::request_child(std::string owner_id, const schema::ObjectType* owner,
                               const ChildRead* read, std::string url, int page) {
  count_request();
  client_.get_async(std::move(url),
                    [this, owner_id = std::move(owner_id), owner, read, page](ArmReply reply) {
                      on_child(owner_id, owner, read, page, std::move(reply));
                    });
}

void Collection::on_child(const std::string& owner_id, const schema::ObjectType* owner,
                          const ChildRead* read, int page_number, ArmReply reply) {
  count_answer();
  auto failed = [&](int status, std::string message) {
    record_or_stop(client_,
                   {owner_id, owner->name, std::move(message), status, read->target->name});
  };
  if (!reply.ok()) return failed(reply.http_status, std::move(reply.error));
  auto page = parse_page(reply);
  if (!page) return failed(reply.http_status, page.errors().front().message);
  ++pages_;
  std::string prefix = store::arm_key(owner_id) + "/";
  for (auto& [item, raw] : page->items) {
    std::string id;
    // Only what the response says is under the owner is stored.
    std::string item_id = item.is_object() && item.contains("id") && item["id"].is_string()
                              ? item["id"].get<std::string>()
                              : std::string();
    if (store::arm_key(item_id).rfind(prefix, 0) != 0)
      return failed(reply.http_status, "GET " + reply.url + ": an item of the response is not " +
                                           "under " + owner_id + ": " + item.dump().substr(0, 200));
    auto type = store_object(item, std::move(raw), "", "", &id);
    if (!type)
      return failed(reply.http_status, "GET " + reply.url + ": " + type.errors().front().message);
    if (*type) {
      ++resources_;
      queue_children(id, **type);
    }
  }
  if (!page->next_link.empty()) {
    if (!client_.is_endpoint_url(page->next_link) || page_number + 1 >= kMaxPages)
      return failed(reply.http_status, "GET " + reply.url + ": nextLink " + page->next_link +
                                           " is not on the ARM endpoint or loops; not followed");
    request_child(owner_id, owner, read, std::move(page->next_link), page_number + 1);
  }
}

Result<const schema::ObjectType*> Collection::store_object(const json& item, std::string raw,
                                                           const std::string& graph_context,
                                                           const std::string& parent,
                                                           std::string* id) {
  Result<store::Record> record = Diagnostic::error("unmodelled", "");
  if (snapshot::modelled(item, schema_)) {
    record = snapshot::normalize(item, std::move(raw), schema_);
  } else if (snapshot::is_graph_organization(item, graph_context)) {
    record = snapshot::normalize_organization(item, std::move(raw), schema_);
  } else if (const auto* type = snapshot::graph_type(item, graph_context, schema_)) {
    record = snapshot::normalize_graph(item, std::move(raw), schema_, *type);
    if (record && record->parent_id.empty()) record->parent_id = parent;
  } else {
    return nullptr;
  }
  if (!record) return record.take_errors();
  if (Status added = writer_.add(*record); !added) return added.take_errors();
  ++stored_by_type_[record->type->plural];
  auto children = snapshot::normalize_elements(item, *record, schema_);
  if (!children) return children.take_errors();
  for (const auto& child : *children) {
    if (Status added = writer_.add(child); !added) return added.take_errors();
    ++stored_by_type_[child.type->plural];
  }
  *id = record->id;
  return record->type;
}

// Microsoft Graph: the organization first (the tenant every object belongs
// to), then every planned resource path, concurrently, paged by nextLink.
Status Collection::read_graph(ArmClient& graph) {
  phase_ = "graph";
  running_ = &graph;
  requests_done_ = requests_total_ = 0;
  total_pages_ += pages_;
  pages_ = 0;
  report_progress();
  count_request();
  auto reply = graph.get(graph.url("/v1.0/organization"));
  if (!reply) return reply.take_errors();
  count_answer();
  std::string fallback_tenant;
  for (const auto& s : subscriptions_)
    if (auto t = s.fields.find("tenantId"); t != s.fields.end() && t->is_string())
      fallback_tenant = snapshot::tenant_connector_id(t->get<std::string>());
  auto graph_failed = [&](int status, std::string message) {
    // Without the tenant nothing can be placed: the Entra ID types stay
    // uncollected (their checks are ERROR), and the scan is partial.
    return record_error({fallback_tenant.empty() ? "/tenants" : fallback_tenant, "Connector",
                         std::move(message), status});
  };
  if (!reply->ok()) return graph_failed(reply->http_status, reply->error);
  auto page = parse_page(*reply);
  if (!page) return graph_failed(reply->http_status, page.errors().front().message);
  ++pages_;
  for (auto& [item, raw] : page->items) {
    if (!snapshot::is_graph_organization(item, "organization")) continue;
    auto record = snapshot::normalize_organization(item, std::move(raw), schema_);
    if (!record) return graph_failed(reply->http_status, record.errors().front().message);
    if (Status added = writer_.add(*record); !added) return added;
    tenant_ = record->id;
    // The scan is this tenant's unless --tenant or the credentials named one.
    if (options_.tenant.empty())
      if (Status s = writer_.set_tenant(record->id.substr(record->id.rfind('/') + 1)); !s) return s;
    ++graph_objects_;
    break;
  }
  if (tenant_.empty())
    return graph_failed(reply->http_status, "GET " + reply->url +
                                                ": no organization in the "
                                                "response");
  for (const auto* type : plan_.types)
    if (!type->graph_context.empty())
      if (Status s = writer_.mark_collected(*type); !s) return s;
  for (const auto& context : plan_.graph_contexts)
    request_graph(graph, context, graph.url("/v1.0/" + context), 0);
  return graph.run();
}

void Collection::request_graph(ArmClient& graph, std::string context, std::string url, int page) {
  count_request();
  graph.get_async(std::move(url),
                  [this, &graph, context = std::move(context), page](ArmReply reply) {
                    on_graph(graph, context, page, std::move(reply));
                  });
}

void Collection::on_graph(ArmClient& graph, const std::string& context, int page_number,
                          ArmReply reply) {
  count_answer();
  auto failed = [&](int status, const std::string& message) {
    for (const auto* type : plan_.types)
      if (type->graph_context == context)
        record_or_stop(graph, {tenant_, "Connector", message, status, type->name});
  };
  if (!reply.ok()) return failed(reply.http_status, reply.error);
  auto doc = parse_body(reply);
  if (!doc) return failed(reply.http_status, doc.errors().front().message);
  ++pages_;
  std::string own = snapshot::graph_context_path(string_member(*doc, "@odata.context"));
  const std::string& path = own.empty() ? context : own;
  auto store_one = [&](const ordered_json& item) -> bool {
    std::string id;
    auto type = store_object(json(item), item.dump(), path, tenant_, &id);
    if (!type) {
      failed(reply.http_status, "GET " + reply.url + ": " + type.errors().front().message);
      return false;
    }
    if (*type) ++graph_objects_;
    return true;
  };
  auto value = doc->is_object() ? doc->find("value") : doc->end();
  if (value != doc->end() && value->is_array()) {
    for (const auto& item : *value)
      if (!store_one(item)) return;
  } else if (doc->is_object()) {
    if (!store_one(*doc)) return;
  } else {
    return failed(reply.http_status, "GET " + reply.url + ": the response is not a JSON object");
  }
  std::string next = string_member(*doc, "@odata.nextLink");
  if (next.empty()) return;
  if (!graph.is_endpoint_url(next) || page_number + 1 >= kMaxPages)
    return failed(reply.http_status, "GET " + reply.url + ": @odata.nextLink " + next +
                                         " is not on the Microsoft Graph endpoint or loops; "
                                         "not followed");
  request_graph(graph, context, std::move(next), page_number + 1);
}

void Collection::request_contacts(size_t index, std::string url) {
  Connector& c = connectors_[index];
  if (!c.links.insert(url).second || c.links.size() > kMaxPages) {
    connector_failed(index, 0, "the security contact list's nextLink repeats: " + url);
    return;
  }
  count_request();
  client_.get_async(std::move(url),
                    [this, index](ArmReply reply) { on_contacts(index, std::move(reply)); });
}

void Collection::on_contacts(size_t index, ArmReply reply) {
  count_answer(false);
  Connector& c = connectors_[index];
  if (!reply.ok()) return connector_failed(index, reply.http_status, std::move(reply.error));
  auto page = parse_page(reply);
  if (!page) return connector_failed(index, reply.http_status, page.errors().front().message);
  for (auto& [item, raw] : page->items) {
    if (snapshot::classify(item) != snapshot::ArmKind::SecurityContact) {
      return connector_failed(index, reply.http_status,
                              "GET " + reply.url + ": an item of the list is not a security " +
                                  "contact: " + item.dump().substr(0, 200));
    }
    auto record = snapshot::normalize(item, raw, schema_);
    if (!record) {
      return connector_failed(index, reply.http_status,
                              "GET " + reply.url + ": " + record.errors().front().message);
    }
    if (store::arm_key(record->parent_id) != store::arm_key(c.id)) {
      return connector_failed(
          index, reply.http_status,
          "GET " + reply.url + ": security contact " + record->id + " does not belong to " + c.id);
    }
    c.contacts.push_back(std::move(*record));
  }
  if (!page->next_link.empty()) {
    if (!client_.is_endpoint_url(page->next_link)) {
      return connector_failed(index, reply.http_status,
                              "GET " + reply.url + ": nextLink " + page->next_link +
                                  " is not on the ARM endpoint; not followed");
    }
    return request_contacts(index, std::move(page->next_link));
  }
  for (const auto& record : c.contacts) {
    if (Status added = writer_.add(record); !added) return client_.stop(added.errors().front());
    ++contacts_;
  }
  c.contacts.clear();
  connector_done(index);
}

// A connector whose contacts could not be read keeps no contacts: an error
// must never look like "no contacts". The error is about its contacts (the
// child type), so only checks reading them are ERROR for it.
void Collection::connector_failed(size_t index, int http_status, std::string message) {
  Connector& c = connectors_[index];
  c.contacts.clear();
  Status s = record_error({c.id, "Connector", std::move(message), http_status, "SecurityContact"});
  if (!s) return client_.stop(s.errors().front());
  connector_done(index);
}

void Collection::connector_done(size_t) {
  ++done_;
  report_progress();
}

Result<CollectSummary> Collection::finish(std::chrono::steady_clock::time_point started) {
  CollectSummary summary;
  summary.status = errors_.empty() ? "complete" : "partial";
  std::string message;
  if (!errors_.empty()) {
    message = std::to_string(errors_.size()) +
              (errors_.size() == 1 ? " collection error: " : " collection errors, the first: ") +
              errors_.front().resource + ": " + errors_.front().message;
    if (message.size() > 400) message = message.substr(0, 400) + "...";
  }
  auto scan = writer_.commit(summary.status, std::move(message));
  if (!scan) return scan.take_errors();
  summary.scan_id = scan->id;
  summary.subscriptions = connectors_.size();
  summary.contacts = contacts_;
  summary.resources = resources_;
  summary.graph_objects = graph_objects_;
  summary.pages = total_pages_ + pages_;
  summary.stored_by_type = std::move(stored_by_type_);
  if (connectors_.size()) summary.stored_by_type["connectors"] += connectors_.size();
  if (contacts_) summary.stored_by_type["securityContacts"] += contacts_;
  summary.errors = std::move(errors_);
  summary.http = client_.stats();
  if (running_ && running_ != &client_) summary.graph_http = running_->stats();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

Status check_options(const CollectOptions& options) {
  if (!safe_segment(options.api_version)) {
    return Diagnostic::error("invalid-option",
                             "--api-version '" + options.api_version + "' is not an API version");
  }
  for (const auto& s : options.subscriptions) {
    std::string guid = text::ascii_lower(s);
    if (guid.rfind("/subscriptions/", 0) == 0) guid = guid.substr(15);
    if (!safe_segment(guid)) {
      return Diagnostic::error("invalid-option", "--subscription '" + s +
                                                     "' is neither a subscription id nor "
                                                     "/subscriptions/<id>");
    }
  }
  return ok_status();
}

}  // namespace

Result<CollectSummary> collect(store::Store& store, const CollectOptions& options,
                               std::shared_ptr<Credential> credential) {
  auto started = std::chrono::steady_clock::now();
  if (Status s = check_options(options); !s) return s.take_errors();
  auto plan = plan_collection(store.schema(), options.types);
  if (!plan) return plan.take_errors();
  // Retries and quota pauses are reported as they happen, once the collection exists.
  Collection* running = nullptr;
  ArmClientOptions client_options = options.client;
  if (options.progress) {
    client_options.on_retry = [&running](std::chrono::milliseconds wait, int http_status) {
      if (running) running->report_retry(wait, http_status);
    };
    client_options.on_quota_wait = [&running](std::chrono::milliseconds wait) {
      if (running) running->report_retry(wait, -1);
    };
  }
  auto client = ArmClient::create(client_options, std::move(credential));
  if (!client) return client.take_errors();
  std::unique_ptr<ArmClient> graph;
  std::string graph_skipped;
  if (plan->graph() && options.graph_credential) {
    ArmClientOptions graph_options = client_options;
    graph_options.endpoint = options.graph_endpoint;
    graph_options.endpoint_option = "--graph-endpoint";
    auto created = ArmClient::create(graph_options, options.graph_credential);
    if (!created) return created.take_errors();
    graph = std::move(*created);
  } else if (plan->graph()) {
    graph_skipped = "no credential for Microsoft Graph";
  }
  auto writer = store::ScanWriter::begin(store, "azure", options.tenant);
  if (!writer) return writer.take_errors();
  writer->keep_original_json(options.keep_raw);
  Collection collection(options, *plan, **client, *writer, store.schema());
  running = &collection;
  Status status = collection.list_subscriptions();
  // What this collection lists completely: the plan's ARM types (a resource
  // or subscription whose part fails has a collection error). The Entra ID
  // types are collected once the tenant is read. Every other type is not
  // collected: its checks are ERROR, never a pass.
  for (const auto* type : plan->types)
    if (status && type->graph_context.empty()) status = writer->mark_collected(*type);
  if (status) status = collection.select_and_store_subscriptions();
  if (status) status = collection.read_resources();
  if (status && graph) status = collection.read_graph(*graph);
  if (!status) {
    Diagnostics errors = status.take_errors();
    std::string message = (*client)->credential().redact(errors.front().message);
    if (graph) message = graph->credential().redact(std::move(message));
    errors.front().message = message;
    if (Status failed = writer->fail(message); !failed) {
      for (auto& e : failed.take_errors()) errors.push_back(std::move(e));
    }
    return errors;
  }
  auto summary = collection.finish(started);
  if (summary) {
    summary->graph_skipped = std::move(graph_skipped);
    summary->subscriptions_from = collection.subscriptions_from();
  }
  return summary;
}

}  // namespace posture::azure
