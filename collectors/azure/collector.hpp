// `posture collect azure`: reads the subscriptions a credential can see and
// each one's Defender for Cloud security contacts from Azure Resource Manager,
// and stores them as one scan. What to fetch and what to store lives here; the
// HTTP, retries and authentication live in ArmClient.
//
// Outcome of a collection:
//   - complete: every selected subscription and its contacts were read;
//   - partial: some subscriptions' contacts could not be read (403, 404,
//     timeouts after retries, a malformed body, ...): each is a collection
//     error of that connector's SecurityContact child type, never "no
//     contacts": the checks reading contacts are ERROR for it;
//   - failed: the subscriptions could not be listed (or the run was
//     interrupted); the scan is recorded as failed, nothing of it is kept, and
//     the last complete scan stays the one checks read.
// The scan records what it collected: connectors and security contacts.
// Checks reading any other type are ERROR ("... were not collected").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "collectors/azure/arm_client.hpp"
#include "collectors/azure/auth.hpp"
#include "store/store.hpp"

namespace posture::azure {

inline constexpr const char* kSubscriptionsApiVersion = "2022-12-01";
inline constexpr const char* kDefaultContactsApiVersion = "2023-12-01-preview";

struct CollectProgress {
  size_t subscriptions_total = 0;  // selected subscriptions (known once listed)
  size_t subscriptions_done = 0;   // whose contacts were read or failed
  size_t errors = 0;               // collection errors so far
  uint64_t requests = 0;           // HTTP requests sent so far
  uint64_t retries = 0;            // of which retries
  uint64_t throttled = 0;          // 429 answers so far
  // Set when this call reports a retry as it happens: the wait before it, and
  // the transient HTTP status (0: a timeout or transport error).
  std::chrono::milliseconds retry_wait{0};
  int retry_status = 0;
};

struct CollectOptions {
  ArmClientOptions client;                               // endpoint, concurrency, timeouts
  std::string api_version = kDefaultContactsApiVersion;  // securityContacts api-version
  std::vector<std::string> subscriptions;                // restrict to these (GUIDs or ARM ids)
  std::function<void(const CollectProgress&)> progress;  // called on the collecting thread
};

struct CollectSummary {
  int64_t scan_id = 0;
  std::string status;        // complete | partial
  size_t subscriptions = 0;  // connectors stored
  size_t contacts = 0;       // security contacts stored
  std::vector<store::CollectionError> errors;
  ArmStats http;
  double seconds = 0;
};

// Collects into `store` as a new scan with source "azure", authenticating with
// `credential`. Returns the stored scan's summary (complete or partial), or
// the diagnostics of a failed collection, which is then recorded as a failed
// scan (or, for bad options, not started at all).
Result<CollectSummary> collect(store::Store& store, const CollectOptions& options,
                               std::shared_ptr<Credential> credential);

}  // namespace posture::azure
