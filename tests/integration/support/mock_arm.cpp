// The mock ARM and token endpoint: routing, auth, faults, paging and the
// contact shape of each API version. See mock_arm.hpp.
#include "integration/support/mock_arm.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

namespace posture::testing {
namespace {

using nlohmann::json;

std::string arm_error(std::string code, std::string message) {
  return json{{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}}.dump();
}

std::string default_error_body(int status) {
  switch (status) {
    case 403:
      return arm_error("AuthorizationFailed",
                       "The client does not have authorization to perform action "
                       "'Microsoft.Security/securityContacts/read'.");
    case 404:
      return arm_error("SubscriptionNotFound", "The subscription could not be found.");
    case 429:
      return arm_error("TooManyRequests", "The request is being throttled.");
    default:
      return arm_error(status >= 500 ? "InternalServerError" : "BadRequest",
                       "Mock failure with HTTP " + std::to_string(status) + ".");
  }
}

// One contact object of `version` for subscription `index`.
json contact(const std::string& version, const std::string& guid, const std::string& name,
             bool unconfigured, const std::string& email) {
  std::string id =
      "/subscriptions/" + guid + "/providers/Microsoft.Security/securityContacts/" + name;
  json c = {{"id", id}, {"name", name}, {"type", "Microsoft.Security/securityContacts"}};
  std::string mail = unconfigured ? "" : email;
  std::string phone = unconfigured ? "" : "+31 20 555 0100";
  if (version == "2017-08-01-preview") {
    c["properties"] = {{"email", mail},
                       {"phone", phone},
                       {"alertNotifications", unconfigured ? "Off" : "On"},
                       {"alertsToAdmins", unconfigured ? "Off" : "On"}};
  } else if (version == "2020-01-01-preview") {
    c["properties"] = {
        {"emails", mail},
        {"phone", phone},
        {"alertNotifications",
         {{"state", unconfigured ? "Off" : "On"}, {"minimalSeverity", "High"}}},
        {"notificationsByRole", {{"state", unconfigured ? "Off" : "On"}, {"roles", {"Owner"}}}}};
  } else {
    json sources = json::array();
    if (!unconfigured) {
      sources.push_back({{"sourceType", "Alert"}, {"minimalSeverity", "High"}});
      sources.push_back({{"sourceType", "AttackPath"}, {"minimalRiskLevel", "Critical"}});
    }
    c["properties"] = {
        {"isEnabled", !unconfigured},
        {"emails", mail},
        {"phone", phone},
        {"notificationsByRole", {{"state", unconfigured ? "Off" : "On"}, {"roles", {"Owner"}}}},
        {"notificationsSources", sources}};
  }
  return c;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The lower-cased ARM types a Resource Graph query's `type in~ ('a', 'b')` names.
std::set<std::string> queried_types(const std::string& query) {
  std::set<std::string> out;
  size_t at = query.find("in~ (");
  if (at == std::string::npos) return out;
  size_t end = query.find(')', at);
  for (size_t q = query.find('\'', at); q < end; q = query.find('\'', q + 1)) {
    size_t close = query.find('\'', q + 1);
    if (close == std::string::npos || close > end) break;
    out.insert(lower(query.substr(q + 1, close - q - 1)));
    q = close;
  }
  return out;
}

// The columns a Resource Graph query's `| project a, b` names (none: every column).
std::vector<std::string> projected(const std::string& query) {
  std::vector<std::string> out;
  size_t at = query.find("| project ");
  if (at == std::string::npos) return out;
  at += 10;
  size_t end = std::min(query.find('|', at), query.size());
  while (at < end) {
    size_t comma = std::min(query.find(',', at), end);
    std::string column = query.substr(at, comma - at);
    while (!column.empty() && column.back() == ' ') column.pop_back();
    while (!column.empty() && column.front() == ' ') column.erase(0, 1);
    if (!column.empty()) out.push_back(column);
    at = comma + 1;
  }
  return out;
}

// `text` (an object) with only `columns`, in their order, as Resource Graph
// returns a projection: a column the object lacks is null.
std::string project(const std::string& text, const std::vector<std::string>& columns) {
  if (columns.empty()) return text;
  auto object = nlohmann::ordered_json::parse(text);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& c : columns) out[c] = object.contains(c) ? object[c] : nullptr;
  return out.dump();
}

// Whether Resource Graph keeps objects of `type` (lower-cased) in its
// securityresources table rather than resources.
bool security_table(const std::string& type) {
  return type.rfind("microsoft.security/", 0) == 0;
}

// A subscription as a row of Resource Graph's resourcecontainers table.
nlohmann::ordered_json subscription_container(const MockSubscription& s) {
  return {{"id", s.arm_id()},
          {"name", s.name},
          {"type", "microsoft.resources/subscriptions"},
          {"tenantId", s.tenant},
          {"kind", ""},
          {"location", ""},
          {"resourceGroup", ""},
          {"subscriptionId", s.guid},
          {"managementGroup", ""},
          {"sku", nullptr},
          {"plan", nullptr},
          {"properties",
           {{"subscriptionPolicies",
             {{"locationPlacementId", "Public_2014-09-01"},
              {"quotaId", "PayAsYouGo_2014-09-01"},
              {"spendingLimit", "Off"}}},
            {"managementGroupAncestorsChain",
             {{{"displayName", "Tenant Root Group"}, {"name", MockArm::kTenant}}}},
            {"state", s.state}}},
          {"tags", nlohmann::ordered_json::object()},
          {"identity", nullptr},
          {"zones", nullptr},
          {"extendedLocation", nullptr}};
}

}  // namespace

Fault Fault::http(int status) {
  Fault f;
  f.status = status;
  return f;
}

Fault Fault::throttle(int retry_after_seconds) {
  Fault f;
  f.status = 429;
  f.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  f.headers.emplace_back("x-ms-ratelimit-remaining-subscription-reads", "0");
  return f;
}

Fault Fault::slow(std::chrono::milliseconds delay) {
  Fault f;
  f.delay = delay;
  f.pass_through = true;
  return f;
}

Fault Fault::malformed(std::string body) {
  Fault f;
  f.status = 200;
  f.body = std::move(body);
  return f;
}

MockArm::MockArm() {
  valid_tokens_.insert(kStaticToken);
  server_ = std::make_unique<HttpServer>([this](const HttpRequest& r) { return handle(r); });
}

MockArm::~MockArm() {
  server_->stop();
}

std::string MockArm::guid(int index) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", index);
  return buffer;
}

void MockArm::add_subscriptions(int count) {
  std::lock_guard lock(mutex_);
  int first = static_cast<int>(subscriptions_.size());
  for (int i = first; i < first + count; ++i) {
    subscriptions_.push_back({guid(i), "Subscription " + std::to_string(i)});
    index_[guid(i)] = static_cast<size_t>(i);
  }
}

std::vector<MockSubscription> MockArm::subscriptions() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

void MockArm::set_page_size(int n) {
  std::lock_guard lock(mutex_);
  page_size_ = n;
}

void MockArm::set_contacts_page_size(int n) {
  std::lock_guard lock(mutex_);
  contacts_page_size_ = n;
}

void MockArm::set_unconfigured(const std::string& guid) {
  std::lock_guard lock(mutex_);
  unconfigured_.insert(guid);
}

void MockArm::set_no_contacts(const std::string& guid) {
  std::lock_guard lock(mutex_);
  no_contacts_.insert(guid);
}

void MockArm::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void MockArm::add_fault(std::string match, Fault fault, int times, int after) {
  std::lock_guard lock(mutex_);
  faults_.push_back({std::move(match), std::move(fault), times, after});
}

void MockArm::accept_token(std::string token) {
  std::lock_guard lock(mutex_);
  valid_tokens_.insert(std::move(token));
}

void MockArm::set_client(std::string client_id, std::string secret, int expires_in,
                         std::string token_prefix) {
  std::lock_guard lock(mutex_);
  client_id_ = std::move(client_id);
  client_secret_ = std::move(secret);
  expires_in_ = expires_in;
  token_prefix_ = std::move(token_prefix);
}

void MockArm::expire_tokens_after(int arm_requests) {
  std::lock_guard lock(mutex_);
  expire_countdown_ = arm_requests;
}

void MockArm::add_object(const std::string& json_text) {
  json object = json::parse(json_text);
  std::string id = lower(object.at("id").get<std::string>());
  std::lock_guard lock(mutex_);
  objects_[id] = json_text;
  types_[id] = lower(object.value("type", ""));
}

void MockArm::add_subscription(const std::string& guid, const std::string& name) {
  std::lock_guard lock(mutex_);
  index_[guid] = subscriptions_.size();
  subscriptions_.push_back({guid, name});
}

void MockArm::add_graph_object(const std::string& path, const std::string& json_text,
                               bool singleton) {
  std::lock_guard lock(mutex_);
  graph_[path].singleton = singleton;
  graph_[path].objects.push_back(json_text);
}

void MockArm::forbid_subscription(const std::string& guid) {
  std::lock_guard lock(mutex_);
  forbidden_.insert(lower(guid));
}

void MockArm::set_resource_page_size(int rows) {
  std::lock_guard lock(mutex_);
  resource_page_size_ = rows;
}

void MockArm::set_list_page_size(int items) {
  std::lock_guard lock(mutex_);
  list_page_size_ = items;
}

void MockArm::set_resource_graph_quota(int requests, std::chrono::seconds window) {
  std::lock_guard lock(mutex_);
  quota_ = requests;
  quota_window_ = window;
  quota_used_ = 0;
  quota_start_ = std::chrono::steady_clock::now();
}

std::vector<RecordedRequest> MockArm::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t MockArm::count(std::string_view match) const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& r : requests_) n += r.target.find(match) != std::string::npos;
  return n;
}

std::vector<std::string> MockArm::served() const {
  std::lock_guard lock(mutex_);
  return {served_.begin(), served_.end()};
}

int MockArm::tokens_issued() const {
  std::lock_guard lock(mutex_);
  return issued_;
}

bool MockArm::take_fault(const std::string& target, Fault& fault) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (target.find(it->match) == std::string::npos) continue;
    if (it->after > 0) {
      --it->after;
      return false;
    }
    fault = it->fault;
    if (--it->times <= 0) faults_.erase(it);
    return true;
  }
  return false;
}

HttpResponse MockArm::handle(const HttpRequest& request) {
  auto at = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  HttpResponse response;
  Fault fault;
  if (take_fault(request.target, fault) && !fault.pass_through) {
    response = HttpResponse::json(
        fault.status, fault.body.empty() ? default_error_body(fault.status) : fault.body);
    for (const auto& h : fault.headers) response.headers.push_back(h);
  } else {
    response = route(request);
  }
  response.delay = delay_ + fault.delay;
  requests_.push_back({request.method, request.target, request.path, request.headers, request.body,
                       response.status, at});
  return response;
}

HttpResponse MockArm::route(const HttpRequest& request) {
  if (request.method == "POST" && request.path.ends_with("/oauth2/v2.0/token")) {
    return token_endpoint(request);
  }
  std::string auth = request.header("authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  if (revoked_tokens_.count(token)) {
    return HttpResponse::json(
        401, arm_error("ExpiredAuthenticationToken", "The access token has expired."));
  }
  if (!valid_tokens_.count(token)) {
    return HttpResponse::json(
        401, arm_error("InvalidAuthenticationToken", "The access token is invalid."));
  }
  if (expire_countdown_ >= 0 && expire_countdown_-- == 0) {
    revoked_tokens_.insert(valid_tokens_.begin(), valid_tokens_.end());
    valid_tokens_.clear();
    return HttpResponse::json(
        401, arm_error("ExpiredAuthenticationToken", "The access token has expired."));
  }
  if (request.method == "POST" && request.path == "/providers/Microsoft.ResourceGraph/resources")
    return resource_graph(request);
  if (request.method != "GET") return HttpResponse::json(405, arm_error("MethodNotAllowed", ""));
  if (request.path.starts_with("/v1.0/")) return graph(request);
  if (request.path == "/subscriptions") return list_subscriptions(request);
  const std::string prefix = "/subscriptions/";
  bool under_subscription = lower(request.path).starts_with(prefix);
  if (under_subscription &&
      forbidden_.count(lower(request.path.substr(15, request.path.find('/', 15) - 15))))
    return HttpResponse::json(403, default_error_body(403));
  const std::string suffix = "/providers/Microsoft.Security/securityContacts";
  if (request.path.starts_with(prefix) && request.path.ends_with(suffix) &&
      request.path.size() > prefix.size() + suffix.size()) {
    std::string guid =
        request.path.substr(prefix.size(), request.path.size() - prefix.size() - suffix.size());
    return list_contacts(request, guid);
  }
  if (under_subscription) return arm_object(request);
  return HttpResponse::json(404, arm_error("NotFound", "No route for " + request.path));
}

HttpResponse MockArm::token_endpoint(const HttpRequest& request) {
  auto form = parse_form(request.body);
  if (form["grant_type"] != "client_credentials" || !form["scope"].ends_with("/.default")) {
    return HttpResponse::json(400, json{{"error", "invalid_request"},
                                        {"error_description",
                                         "AADSTS900144: The request body must contain "
                                         "grant_type=client_credentials and a scope."}}
                                       .dump());
  }
  if (client_id_.empty() || form["client_id"] != client_id_ ||
      form["client_secret"] != client_secret_) {
    return HttpResponse::json(
        401, json{{"error", "invalid_client"},
                  {"error_description", "AADSTS7000215: Invalid client secret provided."}}
                 .dump());
  }
  std::string token = token_prefix_ + std::to_string(++issued_);
  valid_tokens_.insert(token);
  return HttpResponse::json(200, json{{"token_type", "Bearer"},
                                      {"expires_in", expires_in_},
                                      {"ext_expires_in", expires_in_},
                                      {"access_token", token}}
                                     .dump());
}

HttpResponse MockArm::list_subscriptions(const HttpRequest& request) {
  size_t skip = 0;
  if (auto it = request.query.find("$skiptoken"); it != request.query.end()) {
    skip = std::stoul(it->second);
  }
  json page = {{"value", json::array()}};
  size_t end = std::min(subscriptions_.size(), skip + static_cast<size_t>(page_size_));
  for (size_t i = skip; i < end; ++i) {
    const auto& s = subscriptions_[i];
    page["value"].push_back({{"id", s.arm_id()},
                             {"authorizationSource", "RoleBased"},
                             {"managedByTenants", json::array()},
                             {"subscriptionId", s.guid},
                             {"tenantId", s.tenant},
                             {"displayName", s.name},
                             {"state", s.state},
                             {"subscriptionPolicies",
                              {{"locationPlacementId", "Public_2014-09-01"},
                               {"quotaId", "PayAsYouGo_2014-09-01"},
                               {"spendingLimit", "Off"}}}});
  }
  if (end < subscriptions_.size()) {
    page["nextLink"] =
        url() + "/subscriptions?api-version=2022-12-01&%24skiptoken=" + std::to_string(end);
  }
  page["count"] = {{"type", "Total"}, {"value", subscriptions_.size()}};
  return HttpResponse::json(200, page.dump());
}

HttpResponse MockArm::list_contacts(const HttpRequest& request, const std::string& guid) {
  std::string version = request.query.count("api-version") ? request.query.at("api-version") : "";
  if (version != "2017-08-01-preview" && version != "2020-01-01-preview" &&
      version != "2023-12-01-preview") {
    return HttpResponse::json(
        400, arm_error("InvalidApiVersionParameter",
                       "The api-version '" + version +
                           "' is invalid. The supported versions are "
                           "'2017-08-01-preview,2020-01-01-preview,2023-12-01-preview'."));
  }
  auto found = index_.find(guid);
  if (found == index_.end()) return HttpResponse::json(404, default_error_body(404));
  size_t index = found->second;
  json items = json::array();
  bool unconfigured = unconfigured_.count(guid) > 0;
  std::string n = std::to_string(index);
  if (no_contacts_.count(guid)) {
    // an empty list
  } else if (version == "2017-08-01-preview") {
    items.push_back(
        contact(version, guid, "default1", unconfigured, "secops" + n + "@example.com"));
    items.push_back(
        contact(version, guid, "default2", unconfigured, "backup" + n + "@example.com"));
  } else {
    items.push_back(contact(version, guid, "default", unconfigured,
                            "secops" + n + "@example.com;backup" + n + "@example.com"));
  }
  if (version == "2020-01-01-preview") return HttpResponse::json(200, items.dump());
  size_t skip = 0;
  if (auto it = request.query.find("$skiptoken"); it != request.query.end()) {
    skip = std::stoul(it->second);
  }
  size_t per_page = contacts_page_size_ > 0 ? static_cast<size_t>(contacts_page_size_) : 1000;
  json page = {{"value", json::array()}};
  for (size_t i = skip; i < items.size() && i < skip + per_page; ++i) {
    page["value"].push_back(items[i]);
  }
  if (skip + per_page < items.size()) {
    page["nextLink"] = url() + request.path + "?api-version=" + version +
                       "&%24skiptoken=" + std::to_string(skip + per_page);
  }
  return HttpResponse::json(200, page.dump());
}

}  // namespace posture::testing

namespace posture::testing {

HttpResponse MockArm::resource_graph(const HttpRequest& request) {
  auto now = std::chrono::steady_clock::now();
  if (now - quota_start_ >= quota_window_) {
    quota_start_ = now;
    quota_used_ = 0;
  }
  auto resets =
      std::chrono::duration_cast<std::chrono::seconds>(quota_window_ - (now - quota_start_));
  char resets_text[16];
  std::snprintf(resets_text, sizeof resets_text, "00:00:%02d",
                static_cast<int>(std::max<int64_t>(1, resets.count())));
  if (quota_ > 0 && quota_used_ >= quota_) {
    auto r = HttpResponse::json(429, arm_error("RateLimiting",
                                               "Please provide below info when "
                                               "asking for support: ..."));
    r.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, resets.count())));
    r.headers.emplace_back("x-ms-user-quota-remaining", "0");
    r.headers.emplace_back("x-ms-user-quota-resets-after", resets_text);
    return r;
  }
  ++quota_used_;
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("query") || !body["query"].is_string())
    return HttpResponse::json(400, arm_error("BadRequest", "A query is required"));
  std::string query = body["query"].get<std::string>();
  std::string table = query.substr(0, query.find(' '));
  std::vector<std::string> columns = projected(query);
  // Without `subscriptions` the query runs at the tenant's scope: every
  // subscription the credential can read.
  std::set<std::string> subscriptions;
  if (body.contains("subscriptions")) {
    for (const auto& s : body["subscriptions"]) {
      subscriptions.insert(lower(s.get<std::string>()));
      if (forbidden_.count(lower(s.get<std::string>())))
        return HttpResponse::json(403, arm_error("AuthorizationFailed",
                                                 "The client does not have authorization to "
                                                 "perform action 'Microsoft.ResourceGraph/"
                                                 "resources/read' over scope '/subscriptions/" +
                                                     s.get<std::string>() + "'."));
    }
  } else {
    for (const auto& s : subscriptions_) subscriptions.insert(lower(s.guid));
  }
  size_t top =
      static_cast<size_t>(table == "resourcecontainers" ? page_size_ : resource_page_size_);
  std::string after;
  if (body.contains("options")) {
    const auto& o = body["options"];
    if (o.contains("$top")) top = std::min(top, o["$top"].get<size_t>());
    if (o.contains("$skipToken")) after = o["$skipToken"].get<std::string>();
  }
  // The table's rows in id order (lower-cased), as the service returns them:
  // the subscriptions, or the objects of the queried types in the table.
  std::map<std::string, std::string> containers;
  if (table == "resourcecontainers") {
    for (const auto& s : subscriptions_)
      if (subscriptions.count(lower(s.guid)))
        containers[lower(s.arm_id())] = subscription_container(s).dump();
  } else if (table != "resources" && table != "securityresources") {
    return HttpResponse::json(400, arm_error("BadRequest", "Unknown table " + table));
  }
  const std::map<std::string, std::string>& source =
      table == "resourcecontainers" ? containers : objects_;
  std::set<std::string> types = queried_types(query);
  auto in_table = [&](const std::string& id) {
    if (table == "resourcecontainers") return true;
    const std::string& type = types_[id];
    return security_table(type) == (table == "securityresources") &&
           subscriptions.count(id.substr(15, id.find('/', 15) - 15)) && types.count(type);
  };
  // Keyset paging: the token is the last id returned.
  std::string data = "[";
  size_t rows = 0;
  std::string last;
  bool more = false;
  for (auto it = after.empty() ? source.begin() : source.upper_bound(after); it != source.end();
       ++it) {
    if (!in_table(it->first)) continue;
    if (rows == top) {
      more = true;
      break;
    }
    std::string row = project(it->second, columns);
    data += (rows++ ? "," : "") + row;
    served_.insert(row);
    last = it->first;
  }
  data += "]";
  std::string page = "{\"totalRecords\":" + std::to_string(rows) +
                     ",\"count\":" + std::to_string(rows) + ",\"data\":" + data +
                     ",\"facets\":[],\"resultTruncated\":\"false\"";
  if (more) page += ",\"$skipToken\":" + json(last).dump();
  page += "}";
  auto r = HttpResponse::json(200, std::move(page));
  r.headers.emplace_back("x-ms-user-quota-remaining",
                         std::to_string(quota_ > 0 ? quota_ - quota_used_ : 1000));
  r.headers.emplace_back("x-ms-user-quota-resets-after", resets_text);
  return r;
}

HttpResponse MockArm::arm_object(const HttpRequest& request) {
  std::string path = lower(request.path);
  if (auto it = objects_.find(path); it != objects_.end()) {
    served_.insert(it->second);
    return HttpResponse::json(200, it->second);
  }
  size_t skip = 0;
  if (auto it = request.query.find("$skiptoken"); it != request.query.end())
    skip = std::stoul(it->second);
  std::string prefix = path + "/";
  std::string items;
  size_t seen = 0, shown = 0;
  bool more = false;
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.starts_with(prefix); ++it) {
    if (it->first.find('/', prefix.size()) != std::string::npos) continue;  // deeper
    if (seen++ < skip) continue;
    if (shown == static_cast<size_t>(list_page_size_)) {
      more = true;
      break;
    }
    items += (shown++ ? "," : "") + it->second;
    served_.insert(it->second);
  }
  std::string page = "{\"value\":[" + items + "]";
  if (more)
    page += ",\"nextLink\":" +
            json(url() + request.path + "?api-version=" + request.query.at("api-version") +
                 "&%24skiptoken=" + std::to_string(skip + shown))
                .dump();
  return HttpResponse::json(200, page + "}");
}

HttpResponse MockArm::graph(const HttpRequest& request) {
  std::string path = request.path.substr(6);
  auto it = graph_.find(path);
  std::string context = url() + "/v1.0/$metadata#" + path;
  if (it != graph_.end() && it->second.singleton && !it->second.objects.empty()) {
    served_.insert(it->second.objects.front());
    return HttpResponse::json(200, it->second.objects.front());
  }
  size_t skip = 0;
  if (auto q = request.query.find("$skiptoken"); q != request.query.end())
    skip = std::stoul(q->second);
  std::string items;
  size_t shown = 0;
  bool more = false;
  if (it != graph_.end()) {
    for (size_t i = skip; i < it->second.objects.size(); ++i) {
      if (shown == static_cast<size_t>(list_page_size_)) {
        more = true;
        break;
      }
      items += (shown++ ? "," : "") + it->second.objects[i];
      served_.insert("{\"@odata.context\":" + json(context).dump() + ",\"value\":[" +
                     it->second.objects[i] + "]}");
    }
  }
  std::string page = "{\"@odata.context\":" + json(context).dump() + ",\"value\":[" + items + "]";
  if (more)
    page += ",\"@odata.nextLink\":" +
            json(url() + request.path + "?$skiptoken=" + std::to_string(skip + shown)).dump();
  return HttpResponse::json(200, page + "}");
}

}  // namespace posture::testing
