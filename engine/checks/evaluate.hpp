// Evaluating checks on one scan of the store. Every resource a check applies to
// (its subject type, restricted to the check's providers) gets a finding:
//   FAIL   the check's query returns it;
//   ERROR  its collection failed: its data is unknown, never a pass;
//   MUTED  it fails, but an active waiver covers it;
//   PASS   otherwise.
// A check's status is the worst of its findings (Pass < Muted < Error < Fail).
// Findings are kept compactly (one byte per resource, plus sparse notes); the
// resources' ids and names are read again, in the same order, when a report is
// written, so a million resources do not sit in memory as strings.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/checks/catalog.hpp"
#include "engine/checks/frameworks.hpp"
#include "engine/checks/reasons.hpp"
#include "engine/checks/waivers.hpp"
#include "store/store.hpp"

namespace posture::checks {

// Ordered from best to worst: a check's status is the maximum of its findings.
enum class Verdict : uint8_t { Pass, Muted, Error, Fail };
std::string_view verdict_name(Verdict s);  // PASS, MUTED, ERROR, FAIL

// An object a query returned (for checks without per-resource findings).
struct Resource {
  std::string id;  // ARM id as stored
  std::string name;
  std::string key;  // lower-cased id: the store's key
};

// Why a finding is what it is, beyond the query's answer.
struct Note {
  enum class Kind : uint8_t {
    CollectionError,  // ref: index into EvaluationContext::errors
    Waiver,           // ref: the active waiver (WaiverList::entries()) that muted it
    ExpiredWaiver,    // ref: the expired waiver that no longer mutes it
  };
  Kind kind = Kind::CollectionError;
  uint32_t ref = 0;
};

// The order of a check's findings. Store: the scan's rows as stored (a
// sequential read of the table, the fastest; for an import, the file's order).
// Key: by lower-cased ARM id (what a diff of two scans merges on). Either is
// deterministic for a given store, whatever the number of workers.
enum class Order : uint8_t { Store, Key };

struct EvaluationContext;

// The resources a per-resource check applies to, as rowids in the order of
// subjects_statement: a finding's index is its subject's position here.
struct Subjects {
  std::vector<int64_t> rids;
  std::vector<std::pair<int64_t, uint32_t>> by_rid;   // Order::Key: (rowid, index), by rowid
  std::vector<std::pair<uint32_t, uint32_t>> errors;  // (index, EvaluationContext::errors[i])
};

// Subject lists read once per evaluation run and shared by the checks with
// the same subject type and providers: each check's statement then returns
// only the rowids it selects. The first worker that needs a list reads it;
// others that need the same one wait for it.
class SubjectCache {
 public:
  Result<std::shared_ptr<const Subjects>> get(const store::Store& store,
                                              const EvaluationContext& context, const Check& check,
                                              const schema::ObjectType& type);
  // The list get() would read, from rows another statement read over the
  // same subjects in rowid order (the statement judging several checks):
  // their rowids. Kept unless the list was read already (then false, and
  // `rids` is left as it was); only for Order::Store and a list without ids
  // (needs_ids).
  bool offer(const store::Store& store, const EvaluationContext& context, const Check& check,
             const schema::ObjectType& type, std::vector<int64_t>& rids);
  // Whether the list holds the subjects' ids (some collection error is about `type`).
  static bool needs_ids(const EvaluationContext& context, const schema::ObjectType& type);
  // Forgets every list, once no worker uses the cache: evaluate_all's
  // findings are judged and explained by then, and a report reads its
  // subjects from the store, so the lists (a rowid per subject) would only
  // hold memory while the report is written.
  void clear();

 private:
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const Subjects> subjects;
    Diagnostics errors;
  };
  // The statement reading a list, and the list's name in the cache.
  static sql::Statement statement(const store::Store& store, const EvaluationContext& context,
                                  const Check& check, const schema::ObjectType& type);
  static std::string key(const sql::Statement& st);
  Entry& entry(const std::string& key);
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

// What every evaluation on one scan shares: the scan's collection errors, the
// waivers and the day against which they expire, and the subjects read so
// far (see SubjectCache). Read-only once loaded, but for that cache, which is
// safe to use from several workers at once.
inline constexpr uint64_t kExplainAll = UINT64_MAX;

struct EvaluationContext {
  int64_t scan_id = 0;
  // evaluate_all judges up to this many checks of one subject type with one
  // statement (Evaluator::evaluate_together); 1: a statement per check.
  size_t together = 64;
  Order order = Order::Store;
  const WaiverList* waivers = nullptr;  // may be null: no waivers
  Date today;
  std::vector<store::CollectionError> errors;
  // type + '\n' + key -> errors[i], for errors about a resource itself. A
  // type with no object in the scan that the scan did not collect has a
  // scan-level error (resource "", so key ""): "storageAccounts were not
  // collected in scan 3", or, for a scan without a record of the types it
  // collected, "no connectors in this scan".
  std::unordered_map<std::string, uint32_t> error_index;
  // type + '\n' + key -> errors[i], for errors about a child type of a
  // resource (CollectionError::child_type): only checks using it are ERROR.
  std::unordered_multimap<std::string, uint32_t> child_error_index;
  // Whether the scan records the types it collected (Store::collected_types);
  // then a check using any type the scan did not collect is ERROR.
  bool collected_record = false;
  std::shared_ptr<SubjectCache> subjects = std::make_shared<SubjectCache>();
  // FAIL and MUTED findings explained per check (reasons.hpp), the first in
  // finding order: kExplainAll, or as many as a table shows, or 0 where no
  // reason is written (diff, framework scores).
  uint64_t explain = kExplainAll;
  // Failing subjects explained at a time (their rows read, then kept in
  // memory); evaluate_all's workers each explain slices of at least this many.
  size_t explain_batch = 1024;

  // Reads the scan's collection errors from `store`.
  static Result<EvaluationContext> load(const store::Store& store, int64_t scan_id,
                                        const WaiverList* waivers, Date today);
};

struct CheckResult {
  const Check* check = nullptr;
  Verdict status = Verdict::Pass;
  // Per-resource checks ("eq []" on one of their subject types): verdicts[i] is
  // the finding of the i-th row of subjects_statement(*check, *subject_type, order).
  const schema::ObjectType* subject_type = nullptr;
  Order order = Order::Store;
  std::vector<Verdict> verdicts;
  std::vector<std::pair<uint32_t, Note>> notes;  // by verdict index, ascending
  // A per-resource check whose subject type has no object in the scan that
  // the scan did not collect, or that uses such a type: no verdicts, one
  // check-level ERROR finding whose note is notes[0]. (A type collected with
  // no object has no findings: verdicts is empty, the check passes.)
  bool no_subjects = false;
  // Why the explained FAIL and MUTED findings failed, with their verdict
  // indexes, ascending (EvaluationContext::explain says which); null when
  // none was explained.
  std::shared_ptr<const ReasonFile> reasons;
  uint64_t matched = 0;              // objects the query returned
  std::vector<Resource> returned;    // other checks: the query's objects (an
                                     // ERROR for an uncollected type: none, and notes[0])
  std::array<uint64_t, 4> counts{};  // findings by Verdict
  // Waivers that matched a failing finding: (entry index, findings), ascending.
  std::vector<std::pair<uint32_t, uint64_t>> waiver_uses;

  bool per_resource() const { return subject_type != nullptr; }
  uint64_t count(Verdict s) const { return counts[static_cast<size_t>(s)]; }
  uint64_t findings() const { return counts[0] + counts[1] + counts[2] + counts[3]; }
};

// The schema types `check`'s query uses: its root type and every type its
// filter reaches through a relationship (the optimised IR, as it runs).
std::vector<std::string> query_types(const Check& check);

// The type whose every object gets a finding of `check` (its root field's,
// when the check expects "eq []" and names that type among its subjects), or
// null: the check's finding is about the query's answer as a whole.
const schema::ObjectType* subject_type(const Check& check);

// The resources `check` applies to among objects of `type`: columns id, name,
// _key in `order` (sql::subjects; the scan id is its named scan parameter).
sql::Statement subjects_statement(const Check& check, const schema::ObjectType& type, Order order,
                                  const sql::Dialect& dialect = sql::sqlite_dialect());

class Evaluator {
 public:
  // Evaluates on `store` (a connection used by this evaluator's thread only);
  // `store` and `context` must outlive the evaluator.
  Evaluator(const store::Store& store, const EvaluationContext& context)
      : store_(store), context_(context) {}
  // Runs the check's compiled query once and derives every finding.
  Result<CheckResult> evaluate(const Check& check) const;
  // The same for several checks at once: those that judge each resource of
  // one type for the same providers (subject_type and providers equal) are
  // judged by one statement, one pass over the subjects in which every
  // related set is built once. Results in the order of `checks`, identical
  // to evaluate() of each.
  std::vector<Result<CheckResult>> evaluate_together(const std::vector<const Check*>& checks) const;
  // evaluate_together without the reasons (explain_findings gives them).
  std::vector<Result<CheckResult>> judge_together(const std::vector<const Check*>& checks) const;

 private:
  // The rows the check selects: their rowids, or, when `marked`, a mark per
  // subject (the statement read every subject in the subject list's order):
  // Fail where the check selects the row, else Pass, a byte per subject
  // rather than eight per selected row, and moved into the verdicts. With
  // waivers, the selected rows' ids in the same order too (a string per row
  // would be 32 bytes more without).
  struct Selected {
    bool marked = false;
    std::vector<int64_t> rids;
    std::vector<Verdict> marks;
    std::vector<std::string> ids;
    void add(int64_t rid, const store::Cursor& row, bool with_id) {
      rids.push_back(rid);
      if (with_id) ids.emplace_back(row.text(1));
    }
    void mark(bool selects, const store::Cursor& row, bool with_id) {
      marks.push_back(selects ? Verdict::Fail : Verdict::Pass);
      if (selects && with_id) ids.emplace_back(row.text(1));
    }
  };
  Result<CheckResult> judge_one(const Check& check) const;  // evaluate() without the reasons
  posture::Status per_resource(const Check& check, const schema::ObjectType& type,
                               CheckResult& result) const;
  // The findings of a check whose selected rows are known (its marks are
  // moved into the result).
  posture::Status judge(const Check& check, const schema::ObjectType& type, Selected& selected,
                        CheckResult& result) const;
  const store::Store& store_;
  const EvaluationContext& context_;
};

// Explains the failing findings (FAIL and MUTED: the first context.explain of
// each check, in finding order) of per-resource `results` judged on `store`'s
// scan: sets their reasons. Results with one subject type and providers are
// explained together unless context.together is 1: a subject that fails
// several of them, and its related rows, are read once for all.
Status explain_findings(const store::Store& store, const EvaluationContext& context,
                        const std::vector<CheckResult*>& results);

// What a bulk run reads besides the store: the stored checks, the framework
// mappings in <queries>/frameworks/, and the waivers file if one is given.
struct Workspace {
  Catalog catalog;
  FrameworkSet frameworks;
  std::unique_ptr<WaiverList> waivers;  // null: no waivers file

  // Loads and cross-checks all three (a waiver or a framework naming an
  // unknown check is an error with file:line). `waivers_file` may be "".
  static Result<Workspace> load(const std::string& queries_dir, const std::string& waivers_file);
  // The same over several directories of checks, each with its frameworks/
  // (Catalog::load: ids unique across them; `variables` for the checks that
  // declare them).
  static Result<Workspace> load(const std::vector<std::string>& queries_dirs,
                                const std::string& waivers_file,
                                const nlohmann::json& variables = nlohmann::json::object());
};

// Which checks to run. Empty fields select everything; the criteria combine
// with AND, several values of one criterion with OR.
struct Selection {
  std::vector<std::string> ids;
  std::vector<std::string> frameworks;  // checks assessing a requirement of one of them
  std::optional<Severity> min_severity;
  std::vector<std::string> providers;  // checks for one of these (or for any provider)
};

// The selected checks in catalog order. Errors for unknown check or framework
// ids (with suggestions) and for a selection that matches nothing.
Result<std::vector<const Check*>> select_checks(const Catalog& catalog,
                                                const FrameworkSet& frameworks,
                                                const Selection& selection);

// Evaluates `checks` on scan context.scan_id of the store file `db_path` with
// up to `jobs` workers, each on its own read-only connection. Results come in
// the order of `checks` and are identical whatever `jobs` is. On any error the
// first failing check's (in that order) diagnostics are returned. `progress`,
// when set, is called with (checks done, checks in all) at the start and after
// each check, one call at a time (from the workers' threads).
using EvaluationProgress = std::function<void(size_t done, size_t total)>;
Result<std::vector<CheckResult>> evaluate_all(const std::string& db_path,
                                              const std::vector<const Check*>& checks,
                                              const EvaluationContext& context, unsigned jobs,
                                              const EvaluationProgress& progress = {});

}  // namespace posture::checks
