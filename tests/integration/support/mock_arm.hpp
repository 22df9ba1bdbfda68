// A mock of Azure Resource Manager and of the Entra ID token endpoint, on one
// loopback HttpServer, for the collector's tests (and any other test that
// needs ARM). It serves:
//   GET  /subscriptions?api-version=...                       paged by nextLink
//   GET  /subscriptions/{id}/providers/Microsoft.Security/securityContacts
//        ?api-version=2017-08-01-preview | 2020-01-01-preview | 2023-12-01-preview
//        in that version's shape (2017: default1 + default2 in an envelope;
//        2020: a bare array; 2023: an envelope with notificationsSources)
//   POST /providers/Microsoft.ResourceGraph/resources          Azure Resource Graph:
//        `resourcecontainers`: the subscriptions (Microsoft's row shape);
//        `resources` / `securityresources` (Microsoft.Security types): the
//        added objects whose type the query's `type in~ (...)` names; of the
//        body's subscriptions (all without any), with only the columns its
//        `| project` names, ordered by id, $top per page and $skipToken
//        paging, with x-ms-user-quota-remaining / -resets-after headers (and
//        429 with Retry-After once a scripted quota is spent)
//   GET  {any ARM path}: the added object with that id, else a list envelope
//        of the added objects one segment under it (possibly empty), paged
//        by nextLink
//   GET  /v1.0/{resource path}                                  Microsoft Graph:
//        the objects added for it, in an envelope with @odata.context and
//        @odata.nextLink paging, or the one object of a singleton path
//   POST /{tenant}/oauth2/v2.0/token                           client credentials
// ARM requests need `Authorization: Bearer <token>` with a token the mock
// accepts (kStaticToken, or one it issued); otherwise 401. Faults (429 with
// Retry-After, 5xx, 403, slow or malformed answers) are scripted per URL
// substring. Every request is recorded for assertions.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "integration/support/http_server.hpp"

namespace posture::testing {

struct MockSubscription {
  std::string guid;
  std::string name;
  std::string tenant = "11111111-1111-1111-1111-111111111111";
  std::string state = "Enabled";
  std::string arm_id() const { return "/subscriptions/" + guid; }
};

// What the mock answers instead of the normal response.
struct Fault {
  int status = 500;
  std::string body;  // "" = an ARM error document for the status
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
  bool pass_through = false;  // answer normally, only after `delay`

  static Fault http(int status);
  static Fault throttle(int retry_after_seconds);
  static Fault slow(std::chrono::milliseconds delay);
  static Fault malformed(std::string body = "{\"value\": [{\"id\": \"/subscriptions/");
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int status = 0;  // what the mock answered
  std::chrono::steady_clock::time_point at;
};

class MockArm {
 public:
  static constexpr const char* kStaticToken = "mock-static-token";
  static constexpr const char* kTenant = "11111111-1111-1111-1111-111111111111";

  MockArm();  // starts serving on 127.0.0.1
  ~MockArm();

  // Base URL of both ARM and the authority (http://127.0.0.1:<port>).
  std::string url() const { return server_->base_url(); }

  // --- inventory (set up before the collector runs) ---
  // Adds `count` subscriptions with deterministic GUIDs
  // 00000000-0000-4000-8000-<12-digit index>.
  void add_subscriptions(int count);
  std::vector<MockSubscription> subscriptions() const;
  void add_subscription(const std::string& guid, const std::string& name);
  static std::string guid(int index);
  // Subscriptions per page (GET /subscriptions and resourcecontainers).
  void set_page_size(int subscriptions_per_page);      // default 100
  void set_contacts_page_size(int contacts_per_page);  // envelope shapes; 0 = one page
  // The subscription's contact has empty strings (an unconfigured subscription).
  void set_unconfigured(const std::string& guid);
  // The subscription has no security contact at all (an empty list).
  void set_no_contacts(const std::string& guid);

  // --- the resource inventory ---
  // An ARM object (its JSON text, kept verbatim): a Resource Graph row when
  // its type is queried, and what GETs of its id or its parent's list return.
  void add_object(const std::string& json_text);
  // A Microsoft Graph object under `path` (users, policies/authorizationPolicy,
  // ...); a `singleton` path answers the object itself, not a list.
  void add_graph_object(const std::string& path, const std::string& json_text,
                        bool singleton = false);
  // The credential may not read this subscription: its GETs and any Resource
  // Graph request naming it are answered 403.
  void forbid_subscription(const std::string& guid);
  void set_resource_page_size(int rows);  // Resource Graph rows per page at most
  void set_list_page_size(int items);     // ARM and Graph list items per page (default 100)
  // Resource Graph allows `requests` per `window`: the headers count down and
  // a request beyond it is answered 429 with Retry-After.
  void set_resource_graph_quota(int requests, std::chrono::seconds window);

  // --- behaviour ---
  void set_delay(std::chrono::milliseconds every_response);
  // The next `times` requests whose target contains `match` get `fault`,
  // after `after` of them were answered normally.
  void add_fault(std::string match, Fault fault, int times = 1, int after = 0);
  // Accepts `token` as a valid bearer token.
  void accept_token(std::string token);
  // Client credentials the token endpoint accepts; issued tokens are
  // "<prefix><n>" and live `expires_in` seconds.
  void set_client(std::string client_id, std::string secret, int expires_in = 3599,
                  std::string token_prefix = "mock-token-");
  // After `arm_requests` more authorised ARM requests, every token accepted so
  // far is rejected (401 ExpiredAuthenticationToken); newly issued ones work.
  void expire_tokens_after(int arm_requests);

  // --- what happened ---
  std::vector<RecordedRequest> requests() const;
  // Requests whose target contains `match`.
  size_t count(std::string_view match) const;
  int tokens_issued() const;
  // Every added object the mock has answered with, as a JSON Lines line
  // `posture import` reads the same way (a Graph list item in an envelope
  // with the list's @odata.context), sorted: what a collection could store.
  std::vector<std::string> served() const;
  int connections() const { return server_->connections(); }

 private:
  HttpResponse handle(const HttpRequest& request);
  HttpResponse route(const HttpRequest& request);
  HttpResponse token_endpoint(const HttpRequest& request);
  HttpResponse list_subscriptions(const HttpRequest& request);
  HttpResponse list_contacts(const HttpRequest& request, const std::string& guid);
  HttpResponse resource_graph(const HttpRequest& request);
  HttpResponse arm_object(const HttpRequest& request);
  HttpResponse graph(const HttpRequest& request);
  bool take_fault(const std::string& target, Fault& fault);

  mutable std::mutex mutex_;
  std::vector<MockSubscription> subscriptions_;
  std::map<std::string, size_t> index_;  // guid -> position in subscriptions_
  std::set<std::string> unconfigured_, no_contacts_;
  int page_size_ = 100;
  int contacts_page_size_ = 0;
  std::chrono::milliseconds delay_{0};
  struct ScriptedFault {
    std::string match;
    Fault fault;
    int times;
    int after;
  };
  std::deque<ScriptedFault> faults_;
  std::set<std::string> valid_tokens_, revoked_tokens_;
  std::string client_id_, client_secret_, token_prefix_;
  int expires_in_ = 3599;
  int issued_ = 0;
  int expire_countdown_ = -1;
  std::vector<RecordedRequest> requests_;
  std::map<std::string, std::string> objects_;  // lower-cased ARM id -> JSON text
  std::map<std::string, std::string> types_;    // lower-cased ARM id -> lower-cased type
  struct GraphPath {
    bool singleton = false;
    std::vector<std::string> objects;
  };
  std::map<std::string, GraphPath> graph_;
  std::set<std::string> served_;
  std::set<std::string> forbidden_;  // lower-cased subscription GUIDs
  int resource_page_size_ = 1000;
  int list_page_size_ = 100;
  int quota_ = 0;  // 0: unlimited
  std::chrono::seconds quota_window_{5};
  int quota_used_ = 0;
  std::chrono::steady_clock::time_point quota_start_{};
  std::unique_ptr<HttpServer> server_;  // last: stops before the state goes
};

}  // namespace posture::testing
