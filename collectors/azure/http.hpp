// HTTP over libcurl for the Azure collector, the layer under the ARM client and
// the token endpoint: which URLs may carry credentials (https, or plain http
// only to the loopback interface), the set-up every request shares (TLS
// verified, no redirects, no proxy for loopback, timeouts, a cap on body
// size), and one blocking request for the token endpoint.
// Nothing here logs, stores or returns request headers or request bodies.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace posture::azure {

// The parts of an absolute http(s) URL that decide where it is sent.
struct UrlOrigin {
  std::string scheme;  // lower-cased: http or https
  std::string host;    // lower-cased, without [] around IPv6 literals
  int port = 0;        // explicit or the scheme's default
  bool operator==(const UrlOrigin&) const = default;
};

// Parses the origin of `url`; nullopt when it is not an absolute http(s) URL.
std::optional<UrlOrigin> url_origin(std::string_view url);

// Whether `host` names the loopback interface (127.0.0.1, localhost, ::1).
bool is_loopback_host(std::string_view host);

// Checks that `url` may receive credentials: https anywhere, or plain http to
// a loopback host (the mock servers of the tests). Returns the URL without a
// trailing '/'. `what` names the setting in the error ("--arm-endpoint").
Result<std::string> checked_base_url(std::string_view url, std::string_view what);

// Percent-encodes `text` for a query string or an x-www-form-urlencoded body.
std::string url_encode(std::string_view text);

// What one HTTP exchange produced.
struct HttpResponse {
  int status = 0;                                   // 0 when no response arrived
  std::string body;                                 // the response body (capped, see kMaxBodyBytes)
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header
  // Azure Resource Graph's throttling headers: requests left in the current
  // window (x-ms-user-quota-remaining) and when the window resets
  // (x-ms-user-quota-resets-after, hh:mm:ss).
  std::optional<int> quota_remaining;
  std::optional<std::chrono::milliseconds> quota_resets_after;
  CURLcode curl_code = CURLE_OK;
  std::string transport_error;  // curl's explanation when curl_code != CURLE_OK

  bool timed_out() const { return curl_code == CURLE_OPERATION_TIMEDOUT; }
  // A failure worth retrying: no response for a transient reason (timeout,
  // refused or reset connection), HTTP 429 or any 5xx.
  bool transient() const;
};

// Responses larger than this are cut off and reported as an error.
inline constexpr size_t kMaxBodyBytes = 64u << 20;

// One request on one curl easy handle, reusable for several requests (which
// lets curl keep the connection). Not copyable; owns the handle.
class HttpTransfer {
 public:
  HttpTransfer();
  ~HttpTransfer();
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Sets up a GET with `Authorization: Bearer <bearer>`.
  void prepare_get(const std::string& url, const std::string& bearer,
                   std::chrono::milliseconds timeout);
  // Sets up a POST of the JSON document `body` with `Authorization: Bearer
  // <bearer>` (the body is kept only until the next prepare).
  void prepare_post_json(const std::string& url, const std::string& bearer, std::string body,
                         std::chrono::milliseconds timeout);
  // Sets up a POST of an x-www-form-urlencoded `form` (kept only until the
  // next prepare and never reported).
  void prepare_post_form(const std::string& url, std::string form,
                         std::chrono::milliseconds timeout);

  CURL* handle() const { return easy_; }
  // Collects the outcome after curl finished the transfer with `code`.
  HttpResponse finish(CURLcode code);
  // Performs the prepared request on the calling thread.
  HttpResponse perform();

 private:
  void reset(const std::string& url, std::chrono::milliseconds timeout);
  // After reset (and any Authorization header): a POST of `body`.
  void post(const char* content_type, std::string body);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string form_;
  std::string body_;
  std::optional<std::chrono::seconds> retry_after_;
  std::optional<int> quota_remaining_;
  std::optional<std::chrono::milliseconds> quota_resets_after_;
  bool too_large_ = false;
  char error_[CURL_ERROR_SIZE] = {};
  std::string load_error_;  // why libcurl could not be loaded (easy_ is then null)
};

// The message of an ARM or Entra ID error body ({"error": {"code", "message"}}
// or {"error", "error_description"}), shortened to one line; "" when the body
// is not such a document.
std::string error_body_summary(std::string_view body);

}  // namespace posture::azure
