// Integration tests of the ARM client against the loopback mock ARM server:
// authentication headers, retries on 429 / 5xx / timeouts, token renewal on
// 401, concurrency, and that the token never leaves the ARM endpoint.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "collectors/azure/arm_client.hpp"
#include "integration/support/mock_arm.hpp"

namespace posture::azure {
namespace {

using namespace std::chrono_literals;
using testing::Fault;
using testing::MockArm;

class ArmClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<ArmClient> client(std::shared_ptr<Credential> cred = nullptr,
                                    int concurrency = 4) {
    if (!cred) {
      AuthSettings settings;
      settings.access_token = MockArm::kStaticToken;
      cred = *Credential::resolve(settings);
    }
    ArmClientOptions options;
    options.endpoint = mock.url();
    options.concurrency = concurrency;
    options.timeout = 2000ms;
    options.max_retries = 3;
    options.backoff_base = 20ms;
    options.backoff_cap = 100ms;
    options.jitter_seed = 7;
    auto c = ArmClient::create(options, std::move(cred));
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }

  std::shared_ptr<Credential> client_credential() {
    mock.set_client("client-id-1", "client-secret-1");
    AuthSettings settings;
    settings.tenant_id = MockArm::kTenant;
    settings.client_id = "client-id-1";
    settings.client_secret = "client-secret-1";
    settings.authority = mock.url();
    auto cred = Credential::resolve(settings);
    EXPECT_TRUE(cred.ok());
    return *cred;
  }

  std::string subscriptions_url() { return mock.url() + "/subscriptions?api-version=2022-12-01"; }

  MockArm mock;
};

TEST_F(ArmClientTest, SendsTheBearerTokenAndReturnsTheBody) {
  mock.add_subscriptions(2);
  auto reply = client()->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok()) << reply->error;
  EXPECT_EQ(reply->http_status, 200);
  EXPECT_NE(reply->body.find(MockArm::guid(1)), std::string::npos);
  auto requests = mock.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers["authorization"], std::string("Bearer ") + MockArm::kStaticToken);
}

TEST_F(ArmClientTest, WaitsForRetryAfterOn429) {
  mock.add_fault("/subscriptions?", Fault::throttle(1));
  auto c = client();
  auto reply = c->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok()) << reply->error;
  EXPECT_EQ(reply->attempts, 2);
  EXPECT_EQ(c->stats().throttled, 1u);
  auto requests = mock.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 429);
  EXPECT_GE(requests[1].at - requests[0].at, 990ms);
}

TEST_F(ArmClientTest, RetriesServerErrorsWithBackoff) {
  mock.add_fault("/subscriptions?", Fault::http(500));
  mock.add_fault("/subscriptions?", Fault::http(503));
  auto c = client();
  auto reply = c->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok()) << reply->error;
  EXPECT_EQ(reply->attempts, 3);
  EXPECT_EQ(c->stats().retries, 2u);
}

TEST_F(ArmClientTest, GivesUpAfterMaxRetriesNamingTheUrl) {
  mock.add_fault("/subscriptions?", Fault::http(500), 100);
  auto reply = client()->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok());
  EXPECT_EQ(reply->attempts, 4);  // the first try and 3 retries
  EXPECT_EQ(reply->http_status, 500);
  EXPECT_NE(reply->error.find(subscriptions_url()), std::string::npos) << reply->error;
  EXPECT_NE(reply->error.find("HTTP 500"), std::string::npos);
  EXPECT_EQ(reply->error.find(MockArm::kStaticToken), std::string::npos);
}

TEST_F(ArmClientTest, DoesNotRetryForbidden) {
  mock.add_fault("/subscriptions?", Fault::http(403));
  auto reply = client()->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok());
  EXPECT_EQ(reply->attempts, 1);
  EXPECT_EQ(reply->http_status, 403);
  EXPECT_NE(reply->error.find("AuthorizationFailed"), std::string::npos);
}

TEST_F(ArmClientTest, RetriesAResponseSlowerThanTheTimeout) {
  mock.add_fault("/subscriptions?", Fault::slow(5000ms));
  auto c = client();
  auto reply = c->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok()) << reply->error;
  EXPECT_EQ(reply->attempts, 2);
  EXPECT_EQ(c->stats().timeouts, 1u);
}

TEST_F(ArmClientTest, RenewsAnExpiredTokenOnceForAllConcurrentRequests) {
  mock.add_subscriptions(1);
  mock.expire_tokens_after(2);
  auto c = client(client_credential(), 8);
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    c->get_async(subscriptions_url(), [&ok](ArmReply r) { ok += r.ok(); });
  }
  auto status = c->run();
  ASSERT_TRUE(status.ok()) << status.errors()[0].message;
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(mock.tokens_issued(), 2);  // the first token, and one renewal
  EXPECT_EQ(mock.count("oauth2/v2.0/token"), 2u);
  auto requests = mock.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().headers["authorization"], "Bearer mock-token-2");
}

TEST_F(ArmClientTest, RenewsATokenBeforeItExpires) {
  auto cred = client_credential();
  mock.set_client("client-id-1", "client-secret-1", /*expires_in=*/2);
  mock.set_delay(250ms);
  auto c = client(cred, 1);
  int ok = 0;
  for (int i = 0; i < 8; ++i) {
    c->get_async(subscriptions_url(), [&ok](ArmReply r) { ok += r.ok(); });
  }
  ASSERT_TRUE(c->run().ok());
  EXPECT_EQ(ok, 8);
  EXPECT_GE(mock.tokens_issued(), 2);  // renewed at half-life, before it expired
  EXPECT_EQ(c->stats().reauthorized, 0u);
  for (const auto& r : mock.requests()) EXPECT_NE(r.status, 401);
}

TEST_F(ArmClientTest, AnUnrenewableTokenRejectedIsAnErrorNamingTheSource) {
  mock.expire_tokens_after(0);
  auto reply = client()->get(subscriptions_url());
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok());
  EXPECT_EQ(reply->http_status, 401);
  EXPECT_NE(reply->error.find("AZURE_ACCESS_TOKEN"), std::string::npos) << reply->error;
  EXPECT_EQ(reply->error.find(MockArm::kStaticToken), std::string::npos);
}

TEST_F(ArmClientTest, ATokenEndpointRejectionEndsTheRunWithoutTheSecret) {
  auto cred = client_credential();
  mock.set_client("client-id-1", "another-secret");
  auto c = client(cred);
  auto reply = c->get(subscriptions_url());
  ASSERT_FALSE(reply.ok());
  const auto& message = reply.errors()[0].message;
  EXPECT_EQ(reply.errors()[0].code, "token-request-failed");
  EXPECT_NE(message.find("invalid_client"), std::string::npos) << message;
  EXPECT_EQ(message.find("client-secret-1"), std::string::npos);
  EXPECT_EQ(mock.count("/subscriptions"), 0u);
}

TEST_F(ArmClientTest, RunsRequestsConcurrently) {
  mock.set_delay(200ms);
  auto c = client(nullptr, 16);
  std::atomic<int> ok{0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 32; ++i) {
    c->get_async(subscriptions_url() + "&n=" + std::to_string(i),
                 [&ok](ArmReply r) { ok += r.ok(); });
  }
  ASSERT_TRUE(c->run().ok());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok, 32);
  EXPECT_GE(elapsed, 390ms);   // two rounds of 16
  EXPECT_LT(elapsed, 1500ms);  // not 32 x 200 ms
  EXPECT_LE(mock.connections(), 16);
}

TEST_F(ArmClientTest, NeverSendsTheTokenOffTheEndpoint) {
  auto c = client();
  auto reply = c->get("http://127.0.0.2:1/steal");
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok());
  EXPECT_EQ(reply->attempts, 0);
  EXPECT_NE(reply->error.find("not on the endpoint"), std::string::npos);
}

TEST_F(ArmClientTest, ACancelledRunStops) {
  mock.set_delay(300ms);
  std::atomic<bool> cancel{false};
  AuthSettings settings;
  settings.access_token = MockArm::kStaticToken;
  ArmClientOptions options;
  options.endpoint = mock.url();
  options.cancel = &cancel;
  auto c = ArmClient::create(options, *Credential::resolve(settings)).value();
  int completed = 0;
  for (int i = 0; i < 5; ++i) {
    c->get_async(subscriptions_url(), [&](ArmReply) {
      ++completed;
      cancel = true;
    });
  }
  auto status = c->run();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.errors()[0].code, "interrupted");
}

}  // namespace
}  // namespace posture::azure
