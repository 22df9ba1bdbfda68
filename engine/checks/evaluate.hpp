// Evaluating checks on one scan of the store. Every resource of a check's
// subject type gets a verdict: FAIL when the check's query returns it, ERROR
// when its collection failed (its data is unknown: never a pass), PASS
// otherwise. A check's status is the worst of its verdicts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/checks/catalog.hpp"
#include "store/store.hpp"

namespace posture::checks {

// Ordered from best to worst: a check's status is the maximum of its findings.
enum class Status : uint8_t { Pass, Muted, Error, Fail };
std::string_view status_name(Status s);  // PASS, MUTED, ERROR, FAIL

struct Resource {
  std::string id;  // ARM id as stored
  std::string name;
  std::string key;  // lower-cased id: the store's key
};

// The resources of one type in one scan, in key order; shared by every check
// whose subject is that type.
struct Subjects {
  const schema::ObjectType* type = nullptr;
  std::vector<Resource> resources;
};

struct CheckResult {
  const Check* check = nullptr;
  Status status = Status::Pass;
  // Per-resource verdicts (checks expecting "eq []" on their subject type):
  // verdicts[i] is the verdict of subjects->resources[i].
  const Subjects* subjects = nullptr;
  std::vector<Status> verdicts;
  std::map<size_t, std::string> details;  // resource index -> why (e.g. the collection error)
  uint64_t matched = 0;                   // objects the query returned
  std::vector<Resource> returned;  // the query's objects, for checks without per-resource verdicts
  uint64_t count(Status s) const;
};

class Evaluator {
 public:
  // Evaluates on scan `scan_id` of `store`; the store must outlive the evaluator.
  Evaluator(const store::Store& store, int64_t scan_id) : store_(store), scan_id_(scan_id) {}
  Result<CheckResult> evaluate(const Check& check);

 private:
  Result<const Subjects*> subjects(const schema::ObjectType& type);
  posture::Status collection_errors_into(CheckResult& result);

  const store::Store& store_;
  int64_t scan_id_;
  std::map<std::string, std::unique_ptr<Subjects>> subjects_;   // by type name
  std::unique_ptr<std::map<std::string, std::string>> errors_;  // resource key -> message
};

}  // namespace posture::checks
