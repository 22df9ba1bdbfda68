// Unit tests of the Azure collector's building blocks that need no server:
// credential resolution order, token files, renewal timing, JWT expiry,
// redaction, URL checks and the backoff schedule.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "collectors/azure/arm_client.hpp"
#include "collectors/azure/auth.hpp"
#include "collectors/azure/http.hpp"

namespace posture::azure {
namespace {

using namespace std::chrono_literals;

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("posture-azure-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string base64url(const std::string& text) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int bits = 0;
  uint32_t buffer = 0;
  for (unsigned char c : text) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

TEST(AzureTokenFile, ReadsAccessTokenAndPosixExpiry) {
  auto token = parse_token_file(
      R"({"accessToken":"abc.def","expiresOn":"2030-01-01 10:00:00.000000","expires_on":1893492000,"tokenType":"Bearer"})",
      "tok.json");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->value, "abc.def");
  ASSERT_TRUE(token->expires_at.has_value());
  EXPECT_EQ(Clock::to_time_t(*token->expires_at), 1893492000);
}

TEST(AzureTokenFile, ReadsLocalExpiresOnWhenNoPosixExpiry) {
  auto token = parse_token_file(R"({"accessToken":"x","expiresOn":"2030-01-01 10:00:00.123456"})",
                                "tok.json");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(token->expires_at.has_value());
  EXPECT_GT(*token->expires_at, Clock::now());
}

TEST(AzureTokenFile, ErrorsNameTheFileAndNeverTheToken) {
  auto missing = parse_token_file(R"({"token":"s3cr3t-value"})", "tok.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.errors()[0].message.find("tok.json"), std::string::npos);
  EXPECT_NE(missing.errors()[0].message.find("accessToken"), std::string::npos);
  auto bad_expiry =
      parse_token_file(R"({"accessToken":"s3cr3t-value","expires_on":"soon"})", "tok.json");
  ASSERT_FALSE(bad_expiry.ok());
  EXPECT_EQ(bad_expiry.errors()[0].message.find("s3cr3t-value"), std::string::npos);
  EXPECT_FALSE(parse_token_file("not json", "tok.json").ok());
}

TEST(AzureToken, RenewsFiveMinutesBeforeExpiryOrAtHalfLife) {
  auto now = Clock::now();
  AccessToken hour{"t", now + 1h, now};
  EXPECT_FALSE(needs_renewal(hour, now));
  EXPECT_FALSE(needs_renewal(hour, now + 54min));
  EXPECT_TRUE(needs_renewal(hour, now + 56min));
  AccessToken short_lived{"t", now + 60s, now};
  EXPECT_FALSE(needs_renewal(short_lived, now + 29s));
  EXPECT_TRUE(needs_renewal(short_lived, now + 31s));
  AccessToken no_expiry{"t", std::nullopt, now};
  EXPECT_FALSE(needs_renewal(no_expiry, now + 1000h));
}

TEST(AzureToken, ReadsJwtExpiry) {
  std::string jwt = base64url(R"({"alg":"none"})") + "." +
                    base64url(R"({"aud":"https://management.azure.com","exp":1893492000})") +
                    ".sig";
  auto exp = jwt_expiry(jwt);
  ASSERT_TRUE(exp.has_value());
  EXPECT_EQ(Clock::to_time_t(*exp), 1893492000);
  EXPECT_FALSE(jwt_expiry("opaque-token").has_value());
  EXPECT_FALSE(jwt_expiry("a.!!!.c").has_value());
}

TEST(AzureCredential, EnvironmentTokenComesFirst) {
  AuthSettings settings;
  settings.access_token = "env-token-value";
  settings.token_file = "/nonexistent/token.json";
  settings.tenant_id = "t";
  settings.client_id = "c";
  settings.client_secret = "s";
  auto cred = Credential::resolve(settings);
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ((*cred)->source(), CredentialSource::EnvironmentToken);
  EXPECT_EQ(*(*cred)->token(), "env-token-value");
  EXPECT_FALSE((*cred)->refresh().ok());
}

TEST(AzureCredential, TokenFileBeforeClientCredentials) {
  AuthSettings settings;
  settings.token_file = temp_file("order.json", R"({"accessToken":"file-token-value"})");
  settings.tenant_id = "t";
  settings.client_id = "c";
  settings.client_secret = "s";
  auto cred = Credential::resolve(settings);
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ((*cred)->source(), CredentialSource::TokenFile);
  EXPECT_EQ(*(*cred)->token(), "file-token-value");
  // A 401 with an unchanged file cannot be fixed by re-reading it.
  EXPECT_FALSE((*cred)->refresh().ok());
  std::ofstream(settings.token_file) << R"({"accessToken":"file-token-2"})";
  uint64_t before = (*cred)->generation();
  EXPECT_TRUE((*cred)->refresh().ok());
  EXPECT_EQ(*(*cred)->token(), "file-token-2");
  EXPECT_GT((*cred)->generation(), before);
  std::filesystem::remove(settings.token_file);
}

TEST(AzureCredential, ExpiredTokenFileIsRejectedUpFront) {
  AuthSettings settings;
  settings.token_file = temp_file("expired.json", R"({"accessToken":"old","expires_on":1000})");
  auto cred = Credential::resolve(settings);
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.errors()[0].code, "token-expired");
  std::filesystem::remove(settings.token_file);
}

TEST(AzureCredential, ClientCredentialsNeedAllThreeVariables) {
  AuthSettings settings;
  auto none = Credential::resolve(settings);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.errors()[0].code, "no-credentials");
  ASSERT_FALSE(none.errors()[0].hints.empty());
  settings.tenant_id = "tenant";
  settings.client_id = "client";
  auto partial = Credential::resolve(settings);
  ASSERT_FALSE(partial.ok());
  EXPECT_NE(partial.errors()[0].message.find("AZURE_CLIENT_SECRET"), std::string::npos);
  settings.client_secret = "the-client-secret";
  auto cred = Credential::resolve(settings);
  ASSERT_TRUE(cred.ok());
  EXPECT_EQ((*cred)->describe(), "client client in tenant tenant");
  EXPECT_EQ((*cred)->redact("x the-client-secret y"), "x [REDACTED] y");
}

TEST(AzureCredential, TenantAndAuthorityAreChecked) {
  AuthSettings settings;
  settings.tenant_id = "../evil";
  settings.client_id = "c";
  settings.client_secret = "s";
  EXPECT_EQ(Credential::resolve(settings).errors()[0].code, "invalid-tenant");
  settings.tenant_id = "contoso.onmicrosoft.com";
  settings.authority = "http://login.example.com";
  EXPECT_EQ(Credential::resolve(settings).errors()[0].code, "insecure-endpoint");
}

TEST(AzureHttp, OnlyHttpsOrLoopbackMayCarryCredentials) {
  EXPECT_TRUE(checked_base_url("https://management.azure.com/", "x").ok());
  EXPECT_EQ(*checked_base_url("https://management.azure.com/", "x"),
            "https://management.azure.com");
  EXPECT_TRUE(checked_base_url("http://127.0.0.1:8080", "x").ok());
  EXPECT_TRUE(checked_base_url("http://localhost:8080", "x").ok());
  EXPECT_TRUE(checked_base_url("http://[::1]:8080", "x").ok());
  EXPECT_FALSE(checked_base_url("http://management.azure.com", "x").ok());
  EXPECT_FALSE(checked_base_url("http://127.0.0.1.evil.com", "x").ok());
  EXPECT_FALSE(checked_base_url("ftp://127.0.0.1", "x").ok());
  EXPECT_FALSE(checked_base_url("management.azure.com", "x").ok());
}

TEST(AzureHttp, OriginComparesSchemeHostAndPort) {
  auto a = url_origin("https://Management.Azure.com/subscriptions?x=1");
  auto b = url_origin("https://management.azure.com:443/other");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *url_origin("http://management.azure.com/"));
  EXPECT_NE(*a, *url_origin("https://management.azure.com:8443/"));
  EXPECT_FALSE(url_origin("https://user@management.azure.com/").has_value());
  EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(AzureHttp, ErrorBodiesAreSummarised) {
  EXPECT_EQ(
      error_body_summary(R"({"error":{"code":"AuthorizationFailed","message":"No\naccess"}})"),
      "AuthorizationFailed: No access");
  EXPECT_EQ(error_body_summary(R"({"error":"invalid_client","error_description":"AADSTS7000215"})"),
            "invalid_client: AADSTS7000215");
  EXPECT_EQ(error_body_summary("<html>"), "");
}

TEST(AzureBackoff, GrowsExponentiallyWithJitterAndIsCapped) {
  ArmClientOptions options;
  options.backoff_base = 100ms;
  options.backoff_cap = 1000ms;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 50; ++round) {
    auto first = backoff_delay(options, 1, rng);
    EXPECT_GE(first, 50ms);
    EXPECT_LE(first, 100ms);
    auto third = backoff_delay(options, 3, rng);
    EXPECT_GE(third, 200ms);
    EXPECT_LE(third, 400ms);
    auto late = backoff_delay(options, 30, rng);
    EXPECT_GE(late, 500ms);
    EXPECT_LE(late, 1000ms);
  }
}

}  // namespace
}  // namespace posture::azure
