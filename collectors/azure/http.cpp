// HTTP over libcurl for the Azure collector: URL checks, the shared easy-handle
// set-up and response capture. See http.hpp.
#include "collectors/azure/http.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "collectors/azure/curl_api.hpp"

namespace posture::azure {
namespace {

std::string one_line(std::string text, size_t limit) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

// Seconds from a Retry-After value: delta-seconds or an HTTP date.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    return std::chrono::seconds(std::max(0LL, seconds));
  }
  std::string date(value);
  time_t when = curl().getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::seconds(std::max<long long>(0, when - std::time(nullptr)));
}

// A duration written hh:mm:ss (Resource Graph's quota reset), or nullopt.
std::optional<std::chrono::milliseconds> parse_hms(std::string_view value) {
  std::string text(value);
  int h = 0, m = 0, sec = 0;
  if (std::sscanf(text.c_str(), " %d:%d:%d", &h, &m, &sec) != 3 || h < 0 || m < 0 || sec < 0)
    return std::nullopt;
  return std::chrono::milliseconds((int64_t{h} * 3600 + m * 60 + sec) * 1000);
}

// The value of `line` when it is the header `name:` (lower case), else nullopt.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || text::ascii_lower(line.substr(0, name.size())) != name)
    return std::nullopt;
  return line.substr(name.size());
}

}  // namespace

std::optional<UrlOrigin> url_origin(std::string_view url) {
  UrlOrigin origin;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  origin.scheme = text::ascii_lower(url.substr(0, colon));
  if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(colon + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    origin.host = text::ascii_lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    size_t port_colon = authority.rfind(':');
    origin.host = text::ascii_lower(authority.substr(0, port_colon));
    if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
  }
  if (origin.host.empty()) return std::nullopt;
  origin.port = origin.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), origin.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || origin.port <= 0 ||
        origin.port > 65535) {
      return std::nullopt;
    }
  }
  return origin;
}

bool is_loopback_host(std::string_view host) {
  std::string h = text::ascii_lower(host);
  return h == "127.0.0.1" || h == "localhost" || h == "::1";
}

Result<std::string> checked_base_url(std::string_view url, std::string_view what) {
  auto origin = url_origin(url);
  if (!origin) {
    return Diagnostic::error("invalid-endpoint", std::string(what) + " '" + std::string(url) +
                                                     "' is not an absolute http(s) URL");
  }
  if (origin->scheme == "http" && !is_loopback_host(origin->host)) {
    return Diagnostic::error("insecure-endpoint",
                             std::string(what) + " '" + std::string(url) +
                                 "' uses plain http; credentials are only sent over https "
                                 "(plain http is allowed for 127.0.0.1 and localhost)");
  }
  std::string base(url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string url_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool HttpResponse::transient() const {
  if (curl_code != CURLE_OK) {
    switch (curl_code) {
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
        return true;
      default:
        return false;
    }
  }
  return status == 429 || status >= 500;
}

HttpTransfer::HttpTransfer() {
  auto api = load_curl();
  if (!api) {
    load_error_ = api.errors().front().message;
    return;
  }
  easy_ = curl().easy_init();
}

HttpTransfer::~HttpTransfer() {
  if (easy_) curl().easy_cleanup(easy_);
  if (headers_) curl().slist_free_all(headers_);
}

void HttpTransfer::reset(const std::string& url, std::chrono::milliseconds timeout) {
  if (!easy_) return;  // perform() reports why
  curl().easy_reset(easy_);
  if (headers_) curl().slist_free_all(headers_);
  headers_ = nullptr;
  form_.clear();
  body_.clear();
  retry_after_.reset();
  quota_remaining_.reset();
  quota_resets_after_.reset();
  too_large_ = false;
  error_[0] = '\0';
  curl().easy_setopt(easy_, CURLOPT_URL, url.c_str());
  curl().easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl().easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the token
  curl().easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 1L);
  curl().easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 2L);
  curl().easy_setopt(easy_, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl().easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl().easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl().easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(timeout.count(), 10000)));
  curl().easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");
  curl().easy_setopt(easy_, CURLOPT_USERAGENT, "posture-azure-collector");
  curl().easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
  curl().easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpTransfer::on_body);
  curl().easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl().easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpTransfer::on_header);
  curl().easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl().easy_setopt(easy_, CURLOPT_PRIVATE, this);
}

void HttpTransfer::prepare_get(const std::string& url, const std::string& bearer,
                               std::chrono::milliseconds timeout) {
  reset(url, timeout);
  if (!easy_) return;
  headers_ = curl().slist_append(headers_, ("Authorization: Bearer " + bearer).c_str());
  headers_ = curl().slist_append(headers_, "Accept: application/json");
  curl().easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  curl().easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
}

void HttpTransfer::prepare_post_json(const std::string& url, const std::string& bearer,
                                     std::string body, std::chrono::milliseconds timeout) {
  reset(url, timeout);
  if (!easy_) return;
  headers_ = curl().slist_append(headers_, ("Authorization: Bearer " + bearer).c_str());
  post("application/json", std::move(body));
}

void HttpTransfer::prepare_post_form(const std::string& url, std::string form,
                                     std::chrono::milliseconds timeout) {
  reset(url, timeout);
  if (!easy_) return;
  post("application/x-www-form-urlencoded", std::move(form));
}

void HttpTransfer::post(const char* content_type, std::string body) {
  form_ = std::move(body);
  headers_ = curl().slist_append(headers_, "Accept: application/json");
  headers_ = curl().slist_append(headers_, (std::string("Content-Type: ") + content_type).c_str());
  curl().easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  curl().easy_setopt(easy_, CURLOPT_POST, 1L);
  curl().easy_setopt(easy_, CURLOPT_POSTFIELDS, form_.c_str());
  curl().easy_setopt(easy_, CURLOPT_POSTFIELDSIZE, static_cast<long>(form_.size()));
}

size_t HttpTransfer::on_body(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<HttpTransfer*>(self);
  size_t n = size * count;
  if (t->body_.size() + n > kMaxBodyBytes) {
    t->too_large_ = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  t->body_.append(data, n);
  return n;
}

size_t HttpTransfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<HttpTransfer*>(self);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->retry_after_.reset();  // a new response (after 100 Continue) starts
    t->quota_remaining_.reset();
    t->quota_resets_after_.reset();
  } else if (auto v = header_value(line, "retry-after:")) {
    t->retry_after_ = parse_retry_after(*v);
  } else if (auto q = header_value(line, "x-ms-user-quota-remaining:")) {
    std::string digits(*q);
    int remaining = 0;
    if (std::sscanf(digits.c_str(), " %d", &remaining) == 1) t->quota_remaining_ = remaining;
  } else if (auto r = header_value(line, "x-ms-user-quota-resets-after:")) {
    t->quota_resets_after_ = parse_hms(*r);
  }
  return n;
}

HttpResponse HttpTransfer::finish(CURLcode code) {
  HttpResponse response;
  long status = 0;
  curl().easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.curl_code = code;
  response.retry_after = retry_after_;
  response.quota_remaining = quota_remaining_;
  response.quota_resets_after = quota_resets_after_;
  if (code != CURLE_OK) {
    response.transport_error =
        too_large_ ? "response larger than " + std::to_string(kMaxBodyBytes >> 20) + " MiB"
                   : (error_[0] ? std::string(error_) : std::string(curl().easy_strerror(code)));
    if (code == CURLE_OPERATION_TIMEDOUT) response.status = 0;
  }
  response.body = std::move(body_);
  body_.clear();
  form_.clear();
  return response;
}

HttpResponse HttpTransfer::perform() {
  if (!easy_) {
    HttpResponse response;
    response.curl_code = CURLE_FAILED_INIT;
    response.transport_error = load_error_.empty() ? "cannot initialise libcurl" : load_error_;
    return response;
  }
  return finish(curl().easy_perform(easy_));
}

std::string error_body_summary(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("error")) return "";
  const auto& error = doc["error"];
  std::string text;
  if (error.is_object()) {
    if (error.contains("code") && error["code"].is_string())
      text = error["code"].get<std::string>();
    if (error.contains("message") && error["message"].is_string()) {
      text += (text.empty() ? "" : ": ") + error["message"].get<std::string>();
    }
  } else if (error.is_string()) {
    text = error.get<std::string>();
    if (doc.contains("error_description") && doc["error_description"].is_string()) {
      text += ": " + doc["error_description"].get<std::string>();
    }
  }
  return one_line(std::move(text), 300);
}

}  // namespace posture::azure
