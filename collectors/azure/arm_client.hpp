// The Azure Resource Manager client: authenticated GETs against one ARM
// endpoint, run concurrently on libcurl's multi interface, with the retry
// policy ARM needs:
//   - 429: wait Retry-After seconds (capped), and start nothing new meanwhile;
//   - 5xx, timeouts, refused or reset connections: capped exponential backoff
//     with jitter, up to max_retries times;
//   - 401: renew the token once (shared by every request that used the old
//     one) and send the request again.
//   - a reply saying the quota is spent (x-ms-user-quota-remaining, less the
//     POSTs in flight then and started since, at most kQuotaReserve) holds
//     back new requests until the quota resets (x-ms-user-quota-resets-after).
// It knows nothing of subscriptions or contacts (collector.hpp does); any
// ARM, Resource Graph or Microsoft Graph read can use it. The bearer token is only ever sent to the
// endpoint's own scheme, host and port, and never appears in a reply or message.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "collectors/azure/auth.hpp"

namespace posture::azure {

struct ArmClientOptions {
  std::string endpoint = "https://management.azure.com";  // --arm-endpoint
  std::string endpoint_option = "--arm-endpoint";         // names the endpoint in errors
  int concurrency = 16;                                   // requests in flight at most
  std::chrono::milliseconds timeout{30000};               // per attempt
  int max_retries = 5;                                    // transient failures per request
  std::chrono::milliseconds backoff_base{500};            // first backoff (before jitter)
  std::chrono::milliseconds backoff_cap{30000};           // longest backoff
  std::chrono::seconds retry_after_cap{120};              // longest Retry-After honoured
  uint64_t jitter_seed = 0;                               // 0: random
  const std::atomic<bool>* cancel = nullptr;              // set (e.g. by SIGINT) to stop
  // Called (on the thread running the client) when a request will be sent
  // again after `wait`: `http_status` is the transient answer (429, 5xx), or 0
  // for a timeout or a transport error.
  std::function<void(std::chrono::milliseconds wait, int http_status)> on_retry;
  // Called when a spent quota holds back new requests for `wait`.
  std::function<void(std::chrono::milliseconds wait)> on_quota_wait;
};

// The wait before retry number `retry` (1 for the first): base * 2^(retry-1)
// capped at `cap`, of which a random half is jitter ("equal jitter"), so the
// result lies in [d/2, d].
std::chrono::milliseconds backoff_delay(const ArmClientOptions& options, int retry,
                                        std::mt19937_64& rng);

// The outcome of one GET, after every retry.
struct ArmReply {
  std::string url;
  int http_status = 0;  // the last HTTP status; 0 when no response arrived
  std::string body;     // the body of a 2xx reply
  std::string error;    // "" on success; otherwise "GET <url>: <why>", redacted
  int attempts = 0;     // HTTP requests sent for it
  std::string method = "GET";
  bool ok() const { return error.empty(); }
};

struct ArmStats {
  uint64_t requests = 0;      // HTTP requests sent
  uint64_t retries = 0;       // of which retries after transient failures
  uint64_t throttled = 0;     // 429 answers
  uint64_t timeouts = 0;      // attempts that timed out
  uint64_t reauthorized = 0;  // requests sent again after a 401
  // Pauses because a reply said the quota is (nearly) spent
  // (x-ms-user-quota-remaining), and their total length.
  uint64_t quota_pauses = 0;
  std::chrono::milliseconds quota_wait{0};
};

// A quota at or below this many requests left pauses new requests until the
// window resets (Azure Resource Graph's x-ms-user-quota-* headers), so the
// collector slows down before the service answers 429.
inline constexpr int kQuotaReserve = 1;

class ArmClient {
 public:
  using Completion = std::function<void(ArmReply)>;

  // Checks the endpoint (https, or http on loopback) and sets up curl.
  static Result<std::unique_ptr<ArmClient>> create(ArmClientOptions options,
                                                   std::shared_ptr<Credential> credential);
  ~ArmClient();
  ArmClient(const ArmClient&) = delete;
  ArmClient& operator=(const ArmClient&) = delete;

  // The endpoint without a trailing '/'.
  const std::string& endpoint() const;
  // `path_and_query` (starting with '/') made absolute on the endpoint.
  std::string url(std::string_view path_and_query) const;
  // Whether `url` may receive the token: the endpoint's scheme, host and port.
  bool is_endpoint_url(std::string_view url) const;

  // Queues a GET of `url` (which must satisfy is_endpoint_url; otherwise
  // `done` gets an error without a request being sent). `done` runs once, on
  // the thread inside run(), with the final outcome; it may queue more GETs.
  void get_async(std::string url, Completion done);
  // Queues a POST of the JSON document `body` to `url`, as get_async.
  void post_async(std::string url, std::string body, Completion done);
  // Runs queued GETs, at most `concurrency` at a time, until none is left.
  // Errors only when the whole run must end: the credential cannot produce a
  // token, cancel was set, or stop() was called; GETs still queued are
  // then dropped without their completion running.
  Status run();
  // From a completion: ends run() with `reason` after the completion returns.
  void stop(Diagnostic reason);
  // One GET with retries, running everything queued; errors as for run().
  Result<ArmReply> get(std::string url);

  const ArmStats& stats() const;
  const Credential& credential() const;

 private:
  struct Impl;
  explicit ArmClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace posture::azure
