// Shared set-up for the Azure collector's integration tests (header-only, so
// the support library itself links without the collector): a mock ARM on
// loopback, a temporary store, in-process collection with fast retry
// settings, queries on what was stored, and running the built `posture`
// binary with a controlled environment.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "collectors/azure/collector.hpp"
#include "engine/schema/schema.hpp"
#include "integration/support/mock_arm.hpp"
#include "store/store.hpp"
#include "tests/support/process.hpp"

namespace posture::testing {

using namespace std::chrono_literals;

class AzureCollectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> serial{0};
    db_ = (std::filesystem::temp_directory_path() /
           ("posture-azure-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".db"))
              .string();
    remove_store();
  }
  void TearDown() override { remove_store(); }

  void remove_store() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(db_ + suffix);
    }
  }

  // Collection options pointed at the mock, with retries fast enough for
  // tests, collecting subscriptions and their security contacts only.
  azure::CollectOptions options() {
    azure::CollectOptions o = inventory_options();
    o.types = {"securityContacts"};
    return o;
  }

  // The same collecting every modelled type, Microsoft Graph included (with
  // the mock's static token).
  azure::CollectOptions inventory_options() {
    azure::CollectOptions o;
    o.graph_endpoint = mock.url();
    o.graph_credential = static_token();
    o.client.endpoint = mock.url();
    o.client.concurrency = 8;
    o.client.timeout = 2000ms;
    o.client.max_retries = 3;
    o.client.backoff_base = 20ms;
    o.client.backoff_cap = 100ms;
    o.client.jitter_seed = 1;
    return o;
  }

  std::shared_ptr<azure::Credential> static_token() {
    azure::AuthSettings settings;
    settings.access_token = MockArm::kStaticToken;
    return azure::Credential::resolve(settings).value();
  }

  std::shared_ptr<azure::Credential> client_credentials(const std::string& secret = "s3cret") {
    mock.set_client("client-1", secret);
    azure::AuthSettings settings;
    settings.tenant_id = MockArm::kTenant;
    settings.client_id = "client-1";
    settings.client_secret = secret;
    settings.authority = mock.url();
    return azure::Credential::resolve(settings).value();
  }

  Result<azure::CollectSummary> collect(const azure::CollectOptions& o,
                                        std::shared_ptr<azure::Credential> cred = nullptr) {
    auto store = store::Store::open(db_, posture::schema::builtin());
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.errors()[0].message);
    if (!store) return store.take_errors();
    return azure::collect(*store, o, cred ? cred : static_token());
  }

  store::Store open_store() {
    auto store = store::Store::open(db_, posture::schema::builtin(), store::OpenMode::ReadOnly);
    EXPECT_TRUE(store.ok());
    return std::move(store).value();
  }

  // Values of `column` in `table` for `scan`, ordered by key (NULL -> "<null>").
  std::vector<std::string> column(const std::string& table, const std::string& column,
                                  int64_t scan) {
    auto store = open_store();
    // The original JSON lives in the side table <table>_raw.
    std::string expr = column == "_raw"
                           ? "(SELECT r._raw FROM \"" + table + "_raw\" AS r WHERE r._rid = t._rid)"
                           : "t.\"" + column + "\"";
    std::string sql = "SELECT " + expr + " FROM \"" + table +
                      "\" AS t WHERE t._scan = :scan ORDER BY t._key, " + expr;
    auto cursor = store::Cursor::open(store, {sql, {}, ":scan"}, scan);
    EXPECT_TRUE(cursor.ok()) << sql;
    std::vector<std::string> values;
    while (cursor.ok()) {
      auto row = cursor->next();
      if (!row || !*row) break;
      values.push_back(cursor->is_null(0) ? "<null>" : std::string(cursor->text(0)));
    }
    return values;
  }

  size_t count(const std::string& table, int64_t scan) {
    return column(table, "_key", scan).size();
  }

  std::vector<store::ScanInfo> scans() { return open_store().scans().value(); }
  std::vector<store::CollectionError> errors(int64_t scan) {
    return open_store().collection_errors(scan).value();
  }

  MockArm mock;
  std::string db_;
};

}  // namespace posture::testing
