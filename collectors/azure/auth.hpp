// Credentials for Azure Resource Manager: where the bearer token comes from and
// when it is renewed. Sources, in the order they are tried:
//   1. the environment variable AZURE_ACCESS_TOKEN (a bearer token),
//   2. a token file: the JSON `az account get-access-token` prints
//      (accessToken, expiresOn / expires_on),
//   3. the client-credentials flow with AZURE_TENANT_ID, AZURE_CLIENT_ID and
//      AZURE_CLIENT_SECRET: POST {authority}/{tenant}/oauth2/v2.0/token.
// A token is renewed shortly before it expires and once when ARM answers 401.
// Secrets (tokens, the client secret) never appear in a message this module
// returns; redact() applies the same rule to text from elsewhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace posture::azure {

using Clock = std::chrono::system_clock;

// Where to look for a credential. from_environment() fills the AZURE_*
// variables; tests set the fields directly.
struct AuthSettings {
  std::optional<std::string> access_token;                      // AZURE_ACCESS_TOKEN
  std::string token_file;                                       // --token-file
  std::optional<std::string> tenant_id;                         // AZURE_TENANT_ID
  std::optional<std::string> client_id;                         // AZURE_CLIENT_ID
  std::optional<std::string> client_secret;                     // AZURE_CLIENT_SECRET
  std::string authority = "https://login.microsoftonline.com";  // --authority
  std::string scope = "https://management.azure.com/.default";
  std::chrono::milliseconds timeout{30000};  // for the token endpoint
  int max_retries = 3;                       // transient token-endpoint failures

  // `defaults` with the AZURE_* variables of the process environment added.
  static AuthSettings from_environment(AuthSettings defaults);
  static AuthSettings from_environment();
};

enum class CredentialSource { EnvironmentToken, TokenFile, ClientSecret };

// A token and when it stops working (nullopt: unknown).
struct AccessToken {
  std::string value;
  std::optional<Clock::time_point> expires_at;
  Clock::time_point obtained_at = Clock::now();
};

// Reads the JSON of `az account get-access-token` (accessToken; expires_on in
// POSIX seconds, or expiresOn as local "YYYY-MM-DD HH:MM:SS[.ffffff]").
// Errors name the file and the missing or malformed property, never the token.
Result<AccessToken> parse_token_file(const std::string& text, const std::string& path);

// When a token should be renewed: a little before it expires (5 minutes, or
// half its lifetime when that is shorter). Never for a token without expiry.
bool needs_renewal(const AccessToken& token, Clock::time_point now);

// Reads the `exp` claim of a JWT; nullopt for anything else (opaque tokens).
std::optional<Clock::time_point> jwt_expiry(const std::string& token);

class Credential {
 public:
  // Picks the first source `settings` provides (see the file comment) and
  // checks it. A client-credential token is fetched lazily by token().
  // Errors ("no-credentials", "invalid-token-file", "token-expired", ...) say
  // what to set; they never contain a secret.
  static Result<std::shared_ptr<Credential>> resolve(const AuthSettings& settings);

  CredentialSource source() const { return source_; }
  // "AZURE_ACCESS_TOKEN", "token file <path>", "client <id> in tenant <tenant>".
  std::string describe() const;
  // A usable token, renewed first when it is close to expiry (fetched again
  // for client credentials, re-read for a token file).
  Result<std::string> token();
  // Replaces the token after ARM rejected it with 401. Errors when the source
  // cannot produce a different token (an environment variable, an unchanged
  // token file) or the token endpoint fails.
  Status refresh();
  // Increases every time the token changes; tells which token a request used.
  uint64_t generation() const;
  // `text` with every secret this credential has held replaced by [REDACTED].
  std::string redact(std::string text) const;
  // How many tokens were fetched from the token endpoint or re-read.
  int renewals() const;

 private:
  Credential() = default;
  Status fetch_client_token();
  Status reread_token_file();
  void adopt(AccessToken token);
  std::string unlocked_redact(std::string text) const;

  CredentialSource source_ = CredentialSource::EnvironmentToken;
  AuthSettings settings_;
  std::string token_url_;
  AccessToken current_;
  uint64_t generation_ = 0;
  int renewals_ = 0;
  std::vector<std::string> secrets_;  // every token held, and the client secret
  mutable std::mutex mutex_;
};

}  // namespace posture::azure
