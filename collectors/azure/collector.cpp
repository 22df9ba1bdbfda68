// The Azure collection: list subscriptions, read every selected subscription's
// security contacts concurrently, normalise everything and write one scan.
// See collector.hpp for the outcomes; HTTP details are ArmClient's.
#include "collectors/azure/collector.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "collectors/azure/http.hpp"
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

// Parses a 2xx body as an ARM list: an envelope, a bare array (contacts in
// 2020-01-01-preview) or a single object. Errors name the URL.
Result<Page> parse_page(const ArmReply& reply) {
  // JSON never holds a raw NUL byte, but nlohmann's parser takes one for the
  // end of the input and would ignore whatever follows it.
  if (reply.body.find('\0') != std::string::npos)
    return Diagnostic::error(
        "malformed-response",
        "GET " + reply.url + ": the response holds a NUL byte, so it is not JSON",
        {reply.url, 0, 0});
  if (snapshot::nested_deeper_than(reply.body, snapshot::kMaxJsonDepth))
    return Diagnostic::error("malformed-response",
                             "GET " + reply.url + ": the response is nested more than " +
                                 std::to_string(snapshot::kMaxJsonDepth) + " levels deep",
                             {reply.url, 0, 0});
  ordered_json doc;
  try {
    doc = ordered_json::parse(reply.body);
  } catch (const ordered_json::exception& e) {
    std::string what = e.what();
    if (size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    return Diagnostic::error("malformed-response",
                             "GET " + reply.url + ": malformed JSON in the response: " + what,
                             {reply.url, 0, 0});
  }
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

// A subscription selected for collection, and what was read of its contacts.
struct Connector {
  std::string id;    // ARM id as listed
  std::string guid;  // subscriptionId
  std::vector<store::Record> contacts;
  std::set<std::string> links;  // pages requested, to stop nextLink loops
};

class Collection {
 public:
  Collection(const CollectOptions& options, ArmClient& client, store::ScanWriter& writer,
             const schema::Schema& schema)
      : options_(options), client_(client), writer_(writer), schema_(schema) {}

  Status list_subscriptions();
  Status select_and_store_subscriptions();
  Status read_contacts();
  Result<CollectSummary> finish(std::chrono::steady_clock::time_point started);
  // Reports a retry as it happens (the client's on_retry).
  void report_retry(std::chrono::milliseconds wait, int http_status);

 private:
  void request_contacts(size_t index, std::string url);
  void on_contacts(size_t index, ArmReply reply);
  void connector_failed(size_t index, int http_status, std::string message);
  void connector_done(size_t index);
  Status record_error(store::CollectionError error);
  void report_progress();

  const CollectOptions& options_;
  ArmClient& client_;
  store::ScanWriter& writer_;
  const schema::Schema& schema_;
  std::vector<store::Record> subscriptions_;
  std::vector<Connector> connectors_;
  std::vector<store::CollectionError> errors_;
  size_t done_ = 0;
  size_t contacts_ = 0;
};

Status Collection::record_error(store::CollectionError error) {
  Status added = writer_.add_error(error);
  errors_.push_back(std::move(error));
  return added;
}

void Collection::report_progress() {
  if (!options_.progress) return;
  const ArmStats& stats = client_.stats();
  options_.progress(
      {connectors_.size(), done_, errors_.size(), stats.requests, stats.retries, stats.throttled});
}

void Collection::report_retry(std::chrono::milliseconds wait, int http_status) {
  if (!options_.progress) return;
  const ArmStats& stats = client_.stats();
  options_.progress({connectors_.size(), done_, errors_.size(), stats.requests, stats.retries,
                     stats.throttled, wait, http_status});
}

Status Collection::list_subscriptions() {
  report_progress();  // from the start: nothing is known yet
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
    for (auto& [item, raw] : page->items) {
      if (snapshot::classify(item) != snapshot::ArmKind::Subscription) {
        return Diagnostic::error("malformed-response",
                                 "GET " + link + ": an item of the list is not a subscription: " +
                                     item.dump().substr(0, 200));
      }
      auto record = snapshot::normalize(item, raw, schema_);
      if (!record) {
        return Diagnostic::error("malformed-response",
                                 "GET " + link + ": " + record.errors().front().message);
      }
      if (seen_ids.insert(store::arm_key(record->id)).second) {
        subscriptions_.push_back(std::move(*record));
      }
    }
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

Status Collection::read_contacts() {
  report_progress();
  for (size_t i = 0; i < connectors_.size(); ++i) {
    const Connector& c = connectors_[i];
    if (!safe_segment(c.guid)) {
      connector_failed(i, 0, "subscriptionId '" + c.guid + "' is not a valid path segment");
      continue;
    }
    request_contacts(i, client_.url("/subscriptions/" + c.guid +
                                    "/providers/Microsoft.Security/securityContacts?api-version=" +
                                    url_encode(options_.api_version)));
  }
  return client_.run();
}

void Collection::request_contacts(size_t index, std::string url) {
  Connector& c = connectors_[index];
  if (!c.links.insert(url).second || c.links.size() > kMaxPages) {
    connector_failed(index, 0, "the security contact list's nextLink repeats: " + url);
    return;
  }
  client_.get_async(std::move(url),
                    [this, index](ArmReply reply) { on_contacts(index, std::move(reply)); });
}

void Collection::on_contacts(size_t index, ArmReply reply) {
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
  summary.errors = std::move(errors_);
  summary.http = client_.stats();
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
  // Retries are reported as they happen, once the collection exists.
  Collection* running = nullptr;
  ArmClientOptions client_options = options.client;
  if (options.progress)
    client_options.on_retry = [&running](std::chrono::milliseconds wait, int http_status) {
      if (running) running->report_retry(wait, http_status);
    };
  auto client = ArmClient::create(client_options, std::move(credential));
  if (!client) return client.take_errors();
  auto writer = store::ScanWriter::begin(store, "azure");
  if (!writer) return writer.take_errors();
  Collection collection(options, **client, *writer, store.schema());
  running = &collection;
  Status status = collection.list_subscriptions();
  // What this collection lists completely: the subscriptions, and each one's
  // contacts (a subscription whose contacts fail has a collection error).
  // Every other type is not collected: its checks are ERROR, never a pass.
  for (const char* type : {"Connector", "SecurityContact"})
    if (const auto* t = store.schema().type(type); status && t) status = writer->mark_collected(*t);
  if (status) status = collection.select_and_store_subscriptions();
  if (status) status = collection.read_contacts();
  if (!status) {
    Diagnostics errors = status.take_errors();
    std::string message = (*client)->credential().redact(errors.front().message);
    errors.front().message = message;
    if (Status failed = writer->fail(message); !failed) {
      for (auto& e : failed.take_errors()) errors.push_back(std::move(e));
    }
    return errors;
  }
  return collection.finish(started);
}

}  // namespace posture::azure
