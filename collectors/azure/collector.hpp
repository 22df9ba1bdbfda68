// `posture collect azure`: reads the subscriptions a credential can see
// (Resource Graph's resourcecontainers), each one's Defender for Cloud
// security contacts, every modelled resource type
// (Azure Resource Graph), their child resources and settings (ARM GETs the
// schema declares) and the Entra ID tenant's objects (Microsoft Graph), and
// stores them as one scan. What to fetch is plan.hpp's; every object goes
// through the importer's routing (snapshot::normalize, normalize_graph), so a
// collection and an import of the same objects store the same rows. The HTTP,
// retries, throttling and authentication live in ArmClient.
//
// Outcome of a collection:
//   - complete: everything planned was read;
//   - partial: some objects could not be read (403 on one subscription's
//     resources, 404 on a child setting, a Graph permission missing, timeouts
//     after retries, a malformed body, ...): each is a collection error of the
//     resource or subscription it belongs to and the type that could not be
//     read, never "none": the checks reading that type are ERROR for it;
//   - failed: the subscriptions could not be listed (Resource Graph failed,
//     or it refused the credential and GET /subscriptions failed too) (or the run was
//     interrupted); the scan is recorded as failed, nothing of it is kept, and
//     the last complete scan stays the one checks read.
// The scan records what it collected (the plan's types); checks reading any
// other type are ERROR ("... were not collected").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
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
  // subscriptions, resources (Resource Graph, child GETs, contacts) or graph
  std::string phase = "subscriptions";
  uint64_t requests_done = 0;      // this phase's requests answered (after retries)
  uint64_t requests_total = 0;     // this phase's requests queued so far
  uint64_t pages = 0;              // list pages read in this phase
  uint64_t quota_pauses = 0;       // pauses because a quota was nearly spent
  size_t subscriptions_total = 0;  // selected subscriptions (known once listed)
  size_t subscriptions_done = 0;   // whose contacts were read or failed
  size_t errors = 0;               // collection errors so far
  uint64_t requests = 0;           // HTTP requests sent so far
  uint64_t retries = 0;            // of which retries
  uint64_t throttled = 0;          // 429 answers so far
  // Set when this call reports a retry as it happens: the wait before it, and
  // the transient HTTP status (0: a timeout or transport error; -1: not a
  // retry but a pause because the quota is nearly spent).
  std::chrono::milliseconds retry_wait{0};
  int retry_status = 0;
};

struct CollectOptions {
  ArmClientOptions client;                               // endpoint, concurrency, timeouts
  std::string api_version = kDefaultContactsApiVersion;  // securityContacts api-version
  std::vector<std::string> subscriptions;                // restrict to these (GUIDs or ARM ids)
  std::vector<std::string> types;  // --types: collect only these (and what they hang from)
  // Microsoft Graph: its endpoint and a credential for its audience; without
  // one the Entra ID types are not collected (their checks are ERROR).
  std::string graph_endpoint = "https://graph.microsoft.com";
  std::shared_ptr<Credential> graph_credential;
  std::function<void(const CollectProgress&)> progress;  // called on the collecting thread
  // The tenant the scan is of (docs/scaling.md): --tenant, else the
  // credentials' AZURE_TENANT_ID; "": the organization Microsoft Graph
  // returns, if read.
  std::string tenant;
  // Whether the scan keeps each resource's original JSON (`posture collect
  // --no-raw`: no; ScanWriter::keep_original_json).
  bool keep_raw = true;
};

struct CollectSummary {
  int64_t scan_id = 0;
  std::string status;          // complete | partial
  size_t subscriptions = 0;    // connectors stored
  size_t contacts = 0;         // security contacts stored
  uint64_t resources = 0;      // other ARM objects stored (resources, children, settings)
  uint64_t graph_objects = 0;  // Entra ID objects stored (with the tenant)
  uint64_t pages = 0;          // list pages read
  std::map<std::string, uint64_t> stored_by_type;  // root field (plural) -> rows written
  // Where the subscriptions were listed from: Resource Graph, or GET
  // /subscriptions when Resource Graph refused the credential (403) or the
  // endpoint has none (404).
  std::string subscriptions_from;
  std::string graph_skipped;  // why Microsoft Graph was not read ("" when it was, or not planned)
  std::vector<store::CollectionError> errors;
  ArmStats http;
  ArmStats graph_http;
  double seconds = 0;
};

// Collects into `store` as a new scan with source "azure", authenticating with
// `credential`. Returns the stored scan's summary (complete or partial), or
// the diagnostics of a failed collection, which is then recorded as a failed
// scan (or, for bad options, not started at all).
Result<CollectSummary> collect(store::Store& store, const CollectOptions& options,
                               std::shared_ptr<Credential> credential);

}  // namespace posture::azure
