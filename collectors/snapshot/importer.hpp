// `posture import`: loads ARM JSON files (JSON Lines, or one JSON document that is
// an object, an array, or an ARM list envelope) into the store as one scan.
// Besides ARM REST shapes it reads the az CLI's (shapes.hpp).
// Streamed: memory stays flat however large the file. One transaction: a
// malformed object anywhere fails the whole import with file:line and stores
// nothing of it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "store/store.hpp"

namespace posture::snapshot {

struct ImportOptions {
  // Types the input lists completely (`posture import --collected`): each
  // is collected even with no object in the input, so its checks find none
  // to fail instead of being ERROR. Root field names (storageAccounts),
  // schema type names (StorageAccount) or @arm types, any letter case, or
  // "all". A type the input holds an object of is collected anyway.
  std::vector<std::string> collected;
  // Called at the start, every thousand objects or so, and at the end, with
  // objects read so far, bytes read and total bytes (0: unknown, e.g. stdin).
  std::function<void(uint64_t objects, uint64_t bytes_read, uint64_t bytes_total)> progress;
  // The tenant the scan is of (docs/scaling.md); not given: the tenant of
  // the input's organization object when it holds exactly one, else "".
  std::optional<std::string> tenant;
  // Whether the scan keeps each object's original JSON (`posture import
  // --no-raw`: no; ScanWriter::keep_original_json).
  bool keep_raw = true;
};

// An object import skipped: where it starts and why.
struct SkippedObject {
  SourceLocation where;
  std::string reason;  // "no subscriptionId", "unknown type Microsoft.Compute/virtualMachines", ...
};

// How many skipped objects a summary names.
inline constexpr size_t kSkippedExamples = 5;

struct ImportSummary {
  int64_t scan_id = 0;
  std::string tenant;  // the scan's
  uint64_t subscriptions = 0;
  uint64_t contacts = 0;
  // Objects of kinds Posture does not model: checks do not read them, but
  // they are kept as they came (table _unmodelled of the store).
  uint64_t skipped = 0;
  uint64_t skipped_bytes = 0;                       // their JSON text, as kept
  std::vector<SkippedObject> skipped_examples;      // the first kSkippedExamples of them
  std::map<std::string, uint64_t> skipped_by_type;  // lower-cased ARM type -> objects kept raw
  // Collection errors the input carried (ARM error objects in place of a
  // child resource), as recorded.
  uint64_t errors = 0;
  std::vector<std::string> collected;  // root fields (plurals) of the types the scan collected
  std::map<std::string, uint64_t> stored_by_type;  // root field (plural) -> rows stored
  uint64_t bytes = 0;
  // The original JSON the scan keeps of the objects it stored (<table>_raw),
  // as read; 0 with ImportOptions::keep_raw off.
  uint64_t raw_bytes = 0;
  double seconds = 0;
};

// The store's types `names` (ImportOptions::collected) name, in schema order;
// errors name an unknown one, with a suggestion.
Result<std::vector<const schema::ObjectType*>> collected_types(
    const schema::Schema& schema, const std::vector<std::string>& names);

// Whether `object` is an ARM error in place of a resource that could not be
// read: an object with an `error` object member (ARM's error body,
// {"error": {"code", "message"}}) and no `properties`.
bool is_arm_error(const nlohmann::json& object);

// Imports `paths` ("-" reads standard input) as one new scan of `store`.
Result<ImportSummary> import_files(store::Store& store, const std::vector<std::string>& paths,
                                   const ImportOptions& options = {});

}  // namespace posture::snapshot
