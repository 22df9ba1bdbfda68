// Credentials for Azure Resource Manager: environment token, token file, and
// the client-credentials flow against Entra ID. See auth.hpp.
#include "collectors/azure/auth.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/text.hpp"
#include "collectors/azure/http.hpp"

namespace posture::azure {
namespace {

using nlohmann::json;

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// A number of seconds in a JSON number or a numeric string.
std::optional<int64_t> json_seconds(const json& value) {
  if (value.is_number()) return value.get<int64_t>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return n;
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" in local time, as older az versions print.
std::optional<Clock::time_point> parse_local_time(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == -1) return std::nullopt;
  return Clock::from_time_t(t);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-' || c == '+')
      v = 62;
    else if (c == '_' || c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// A tenant id or domain name: safe to put into the token URL's path.
bool valid_tenant(const std::string& tenant) {
  if (tenant.empty() || tenant.size() > 253) return false;
  for (unsigned char c : tenant) {
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

// A token file's text, or why it cannot be had: it does not exist, or it
// cannot be read (and the system's reason).
Result<std::string> read_file(const std::string& path) {
  auto refuse = [&](const std::string& why) {
    return Diagnostic::error("invalid-token-file", "token file " + path + " " + why, {path, 0, 0})
        .hint("write it with: az account get-access-token > " + path);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return refuse("does not exist");
    return refuse(std::string("cannot be read: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return refuse("cannot be read: it is a directory");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return refuse(std::string("cannot be read: ") + std::strerror(errno));
  ::close(fd);
  auto text = file::read(path);
  if (!text) return refuse("cannot be read");
  return text;
}

}  // namespace

AuthSettings AuthSettings::from_environment(AuthSettings defaults) {
  if (auto v = env("AZURE_ACCESS_TOKEN")) defaults.access_token = v;
  if (auto v = env("AZURE_TENANT_ID")) defaults.tenant_id = v;
  if (auto v = env("AZURE_CLIENT_ID")) defaults.client_id = v;
  if (auto v = env("AZURE_CLIENT_SECRET")) defaults.client_secret = v;
  return defaults;
}

AuthSettings AuthSettings::from_environment() {
  return from_environment(AuthSettings{});
}

Result<AccessToken> parse_token_file(const std::string& text, const std::string& path) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Diagnostic::error("invalid-token-file",
                             "token file " + path +
                                 " is not JSON (expected the object `az account "
                                 "get-access-token` prints)",
                             {path, 0, 0})
        .hint("write it with: az account get-access-token > " + path);
  }
  if (!doc.is_object()) {
    return Diagnostic::error("invalid-token-file",
                             "token file " + path + " holds a JSON " + doc.type_name() +
                                 ", not the object `az account get-access-token` prints",
                             {path, 0, 0});
  }
  if (!doc.contains("accessToken") || !doc["accessToken"].is_string() ||
      doc["accessToken"].get_ref<const std::string&>().empty()) {
    return Diagnostic::error(
        "invalid-token-file",
        "token file " + path + " has no accessToken (a non-empty string) in its JSON object",
        {path, 0, 0});
  }
  AccessToken token;
  token.value = doc["accessToken"].get<std::string>();
  if (doc.contains("expires_on")) {
    auto seconds = json_seconds(doc["expires_on"]);
    if (!seconds) {
      return Diagnostic::error("invalid-token-file",
                               "token file " + path + ": expires_on is not a number of seconds",
                               {path, 0, 0});
    }
    token.expires_at = Clock::from_time_t(static_cast<std::time_t>(*seconds));
  } else if (doc.contains("expiresOn") && doc["expiresOn"].is_string()) {
    token.expires_at = parse_local_time(doc["expiresOn"].get<std::string>());
    if (!token.expires_at) {
      return Diagnostic::error("invalid-token-file",
                               "token file " + path + ": expiresOn is not 'YYYY-MM-DD HH:MM:SS'",
                               {path, 0, 0});
    }
  }
  return token;
}

bool needs_renewal(const AccessToken& token, Clock::time_point now) {
  if (!token.expires_at) return false;
  auto lifetime = *token.expires_at - token.obtained_at;
  auto margin = std::min<Clock::duration>(std::chrono::minutes(5), lifetime / 2);
  return now >= *token.expires_at - margin;
}

std::optional<Clock::time_point> jwt_expiry(const std::string& token) {
  size_t first = token.find('.');
  if (first == std::string::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string::npos) return std::nullopt;
  auto payload = base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  json claims = json::parse(*payload, nullptr, false);
  if (!claims.is_object() || !claims.contains("exp")) return std::nullopt;
  auto exp = json_seconds(claims["exp"]);
  if (!exp) return std::nullopt;
  return Clock::from_time_t(static_cast<std::time_t>(*exp));
}

Result<std::shared_ptr<Credential>> Credential::resolve(const AuthSettings& settings) {
  std::shared_ptr<Credential> cred(new Credential());
  cred->settings_ = settings;
  auto expired = [](const AccessToken& t) { return t.expires_at && Clock::now() >= *t.expires_at; };
  if (settings.access_token) {
    cred->source_ = CredentialSource::EnvironmentToken;
    cred->adopt({*settings.access_token, jwt_expiry(*settings.access_token), Clock::now()});
    if (expired(cred->current_)) {
      return Diagnostic::error("token-expired", "AZURE_ACCESS_TOKEN expired at " +
                                                    text::iso_utc(*cred->current_.expires_at))
          .hint(
              "get a new one: export AZURE_ACCESS_TOKEN=$(az account get-access-token "
              "--query accessToken -o tsv)");
    }
    return cred;
  }
  if (!settings.token_file.empty()) {
    cred->source_ = CredentialSource::TokenFile;
    auto text = read_file(settings.token_file);
    if (!text) return text.take_errors();
    auto token = parse_token_file(*text, settings.token_file);
    if (!token) return token.take_errors();
    if (expired(*token)) {
      return Diagnostic::error("token-expired", "the token in " + settings.token_file +
                                                    " expired at " +
                                                    text::iso_utc(*token->expires_at))
          .hint("refresh it: az account get-access-token > " + settings.token_file);
    }
    cred->adopt(std::move(*token));
    return cred;
  }
  std::vector<std::string> missing;
  if (!settings.tenant_id) missing.push_back("AZURE_TENANT_ID");
  if (!settings.client_id) missing.push_back("AZURE_CLIENT_ID");
  if (!settings.client_secret) missing.push_back("AZURE_CLIENT_SECRET");
  if (missing.size() == 3) {
    return Diagnostic::error("no-credentials", "no Azure credentials found")
        .hint(
            "set AZURE_ACCESS_TOKEN, pass --token-file (the JSON of `az account "
            "get-access-token`), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
            "AZURE_CLIENT_SECRET");
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    return Diagnostic::error("no-credentials",
                             "client credentials are incomplete: " + names + " not set");
  }
  if (!valid_tenant(*settings.tenant_id)) {
    return Diagnostic::error("invalid-tenant", "AZURE_TENANT_ID is not a tenant id or domain name");
  }
  auto authority = checked_base_url(settings.authority, "--authority");
  if (!authority) return authority.take_errors();
  cred->source_ = CredentialSource::ClientSecret;
  cred->token_url_ = *authority + "/" + *settings.tenant_id + "/oauth2/v2.0/token";
  cred->secrets_.push_back(*settings.client_secret);
  cred->secrets_.push_back(url_encode(*settings.client_secret));
  return cred;
}

std::string Credential::describe() const {
  switch (source_) {
    case CredentialSource::EnvironmentToken:
      return "AZURE_ACCESS_TOKEN";
    case CredentialSource::TokenFile:
      return "token file " + settings_.token_file;
    case CredentialSource::ClientSecret:
      return "client " + *settings_.client_id + " in tenant " + *settings_.tenant_id;
  }
  return "";
}

void Credential::adopt(AccessToken token) {
  secrets_.push_back(token.value);
  current_ = std::move(token);
  ++generation_;
}

Result<std::string> Credential::token() {
  std::lock_guard lock(mutex_);
  bool renew = current_.value.empty() || needs_renewal(current_, Clock::now());
  if (renew && source_ == CredentialSource::ClientSecret) {
    if (auto s = fetch_client_token(); !s) return s.take_errors();
  } else if (renew && source_ == CredentialSource::TokenFile) {
    (void)reread_token_file();  // a stale file is reported by the 401 that follows
  }
  return current_.value;
}

Status Credential::refresh() {
  std::lock_guard lock(mutex_);
  switch (source_) {
    case CredentialSource::ClientSecret:
      return fetch_client_token();
    case CredentialSource::TokenFile: {
      uint64_t before = generation_;
      if (auto s = reread_token_file(); !s) return s;
      if (generation_ != before) return ok_status();
      return Diagnostic::error("token-rejected",
                               "the token in " + settings_.token_file +
                                   " was rejected (HTTP 401) and the file holds no newer token")
          .hint("refresh it: az account get-access-token > " + settings_.token_file);
    }
    case CredentialSource::EnvironmentToken:
      break;
  }
  return Diagnostic::error("token-rejected",
                           "AZURE_ACCESS_TOKEN was rejected (HTTP 401): it expired or is not "
                           "valid for Azure Resource Manager")
      .hint("set a fresh token, or use client credentials, which renew themselves");
}

Status Credential::reread_token_file() {
  auto text = read_file(settings_.token_file);
  if (!text) return text.take_errors();
  auto token = parse_token_file(*text, settings_.token_file);
  if (!token) return token.take_errors();
  if (token->value != current_.value) {
    adopt(std::move(*token));
    ++renewals_;
  }
  return ok_status();
}

// POSTs the client-credentials grant; retries transient failures (429, 5xx,
// timeouts) with a short backoff. Messages carry the token URL, the HTTP status
// and Entra ID's error, redacted; never the form.
Status Credential::fetch_client_token() {
  std::string form = "grant_type=client_credentials&client_id=" + url_encode(*settings_.client_id) +
                     "&client_secret=" + url_encode(*settings_.client_secret) +
                     "&scope=" + url_encode(settings_.scope);
  HttpTransfer transfer;
  HttpResponse response;
  for (int attempt = 0;; ++attempt) {
    transfer.prepare_post_form(token_url_, form, settings_.timeout);
    response = transfer.perform();
    if (!response.transient() || attempt >= settings_.max_retries) break;
    auto delay = std::chrono::milliseconds(std::min(8000, 500 << std::min(attempt, 4)));
    if (response.retry_after) {
      delay = std::min<std::chrono::milliseconds>(*response.retry_after, std::chrono::seconds(30));
    }
    std::this_thread::sleep_for(delay);
  }
  std::string where = "token request to " + token_url_;
  if (response.curl_code != CURLE_OK) {
    return Diagnostic::error("token-request-failed",
                             unlocked_redact(where + " failed: " + response.transport_error));
  }
  if (response.status < 200 || response.status > 299) {
    std::string detail = error_body_summary(response.body);
    return Diagnostic::error(
        "token-request-failed",
        unlocked_redact(where + " failed: HTTP " + std::to_string(response.status) +
                        (detail.empty() ? "" : ": " + detail)));
  }
  json doc = json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("access_token") || !doc["access_token"].is_string() ||
      doc["access_token"].get_ref<const std::string&>().empty()) {
    return Diagnostic::error("token-request-failed",
                             where + " returned no access_token in a JSON object");
  }
  AccessToken token;
  token.value = doc["access_token"].get<std::string>();
  token.obtained_at = Clock::now();
  if (doc.contains("expires_in")) {
    if (auto seconds = json_seconds(doc["expires_in"])) {
      token.expires_at = token.obtained_at + std::chrono::seconds(*seconds);
    }
  }
  adopt(std::move(token));
  ++renewals_;
  return ok_status();
}

uint64_t Credential::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

int Credential::renewals() const {
  std::lock_guard lock(mutex_);
  return renewals_;
}

std::string Credential::redact(std::string text) const {
  std::lock_guard lock(mutex_);
  return unlocked_redact(std::move(text));
}

std::string Credential::unlocked_redact(std::string text) const {
  for (const auto& secret : secrets_) {
    if (secret.size() < 4) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[REDACTED]");
      at += 10;
    }
  }
  return text;
}

}  // namespace posture::azure
