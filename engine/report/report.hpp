// Reports of an evaluation: the results of every selected check on one scan,
// in one of several formats (docs/output-formats.md describes each):
//   table  for people (colour on a terminal)     csv    one row per finding
//   json   the full report                       junit  one testcase per check x resource
//   sarif  SARIF 2.1.0 for code-scanning tools   ocsf   OCSF Detection Findings, JSON Lines
//   html   one self-contained page for people
// Every writer streams: findings are produced one at a time by
// for_each_finding (the resources' ids and names are read back from the store
// in the evaluation's order), so no document of a million findings is built.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/checks/evaluate.hpp"

namespace posture::report {

struct Report {
  const store::Store* store = nullptr;  // read again for the resources' ids and names
  store::ScanInfo scan;
  std::vector<checks::CheckResult> results;
  const checks::EvaluationContext* context = nullptr;  // collection errors, waivers, today
  std::string tool_version;                            // "0.1.0"
};

// One finding of one check, valid during the visitor call only.
struct Finding {
  std::string_view resource;  // ARM id ("" for a check-level finding)
  std::string_view name;
  // The lower-cased ARM id (the store's key): `known_key` when the walk has
  // it, else made from `resource` on first use (most formats never ask).
  std::string_view key() const {
    if (known_key.empty() && !resource.empty() && lowered_.empty())
      store::arm_key(resource, lowered_);
    return known_key.empty() ? std::string_view(lowered_) : known_key;
  }
  std::string_view known_key;
  checks::Verdict status = checks::Verdict::Pass;
  const checks::Note* note = nullptr;  // why, beyond the query's answer; may be null
  // Why a FAIL or MUTED finding failed, from the check's filter; may be null.
  const checks::Reason* reason = nullptr;
  // Whether *reason is one the check's reasons keep (ReasonFile: a reason
  // that recurs): the same pointer for each finding it explains, valid until
  // the walk ends. Otherwise it is valid during the visitor call only.
  bool reason_kept = false;
  mutable std::string lowered_;  // key(), made
};

// Calls `visit` for every finding of `result` in the evaluation's order: each
// subject of a per-resource check; for other checks each object the query
// returned, or one check-level finding when it returned none. Returns an error
// when the store cannot be read (or no longer matches the evaluation).
Status for_each_finding(const Report& report, const checks::CheckResult& result,
                        const std::function<void(const Finding&)>& visit);
// The same, stopping (without reading further) once `visit` returns false.
Status for_findings_while(const Report& report, const checks::CheckResult& result,
                          const std::function<bool(const Finding&)>& visit);
// The same, reading `store` (a connection to report.store's database)
// instead of report.store.
Status for_findings_while(const Report& report, const store::Store& store,
                          const checks::CheckResult& result,
                          const std::function<bool(const Finding&)>& visit);

// Where a section of a report (one check's part) is written: text is
// appended to `text` and handed on by emit(), in pieces of tens of KiB.
class SectionSink {
 public:
  static constexpr size_t kPiece = size_t{64} << 10;
  explicit SectionSink(std::function<void(std::string&)> take) : take_(std::move(take)) {}
  std::string text;
  void emit_if_large() {
    if (text.size() >= kPiece) emit();
  }
  void emit() {
    if (!text.empty()) take_(text);
    text.clear();
    // A piece taken away leaves no buffer: the next is made in one that holds
    // a piece and the finding that ends it, not in one doubled to twice that.
    if (text.capacity() < kPiece + kPiece / 4) text.reserve(kPiece + kPiece / 4);
  }

 private:
  std::function<void(std::string&)> take_;  // takes the text, may leave it moved from
};

// Writes to `out` a section per result of `report`, in order, each made by
// section(store, index, result, sink) on `store`. With jobs > 1 and a SQLite
// store, up to `jobs` workers make sections at once, each on a read-only
// connection of its own, while this thread writes them out in order; what
// is made ahead waits in memory (`ahead` bytes in all, counted as the
// pieces' capacity), beyond that in temporary files, and the worker making
// the section being written waits once it is `ahead` bytes ahead of the
// writer, so memory stays flat however large the report (a 10M report's
// sections are hundreds of MB each: docs/performance.md, "The check's
// memory at 10M").
using SectionMaker = std::function<Status(const store::Store& store, size_t index,
                                          const checks::CheckResult& result, SectionSink& sink)>;
inline constexpr size_t kSectionsAhead = size_t{16} << 20;  // bytes made ahead kept in memory
Status write_sections(const Report& report, std::ostream& out, unsigned jobs,
                      const SectionMaker& section, size_t ahead = kSectionsAhead);

// The waiver a note refers to, or null (collection errors).
const checks::Waiver* note_exception(const Report& report, const checks::Note& note);
// A sentence explaining a note: the collection error's message, or who muted
// the finding, why and until when, or that the waiver expired.
std::string note_detail(const Report& report, const checks::Note& note);

// Two members of a JSON object, each preceded by a comma: "reason" (the
// sentence) and "evidence", an array of {"path", "operator", "expected",
// "actual", "holds"} (docs/output-formats.md, "Reasons").
void write_reason_members(std::ostream& out, const checks::Reason& reason);
void write_reason_members(std::string& out, const checks::Reason& reason);

// A waiver that concerns the selected checks, with how many findings it
// covered; `state` is "active", "expiring" (within kExpiringWithinDays) or "expired".
struct WaiverSummary {
  const checks::Waiver* waiver = nullptr;
  std::string state;
  int64_t days_left = 0;
  uint64_t findings = 0;
};
// Every waiver whose check pattern matches a selected check, in file order.
std::vector<WaiverSummary> waiver_summaries(const Report& report);

// The one-line summary people read last (the table ends with it; with
// --output the CLI prints it to stderr): checks by status, then findings by
// status, then whether the scan is partial, e.g.
//   4 checks: 2 passed, 1 failed, 1 with errors, 0 muted; 12 findings: 7 pass, 2 fail, 1 error, 2
//   muted
std::string summary_line(const Report& report);

enum class Format { Table, Json, Csv, Junit, Sarif, Ocsf, Html };
std::optional<Format> format_from_name(std::string_view name);
std::vector<std::string> format_names();  // table, json, csv, junit, sarif, ocsf, html

struct WriteOptions {
  bool color = false;    // table: ANSI colours (only on a terminal, not with NO_COLOR)
  size_t max_rows = 50;  // table: non-passing findings listed per check (0: all)
  unsigned jobs = 1;     // json: workers making the checks' parts (write_sections)
};

// Writes `report` as `format`. Errors: the store could not be read, or `out` failed.
Status write(const Report& report, Format format, std::ostream& out,
             const WriteOptions& options = {});

// {"tool", "scan", "today", "summary", "checks": [{"id", "title", "severity",
//  "status", "expect", "providers", "frameworks", "matched", "counts",
//  "findings": [{"resource", "name", "status", "detail"?, "exception"?}]}],
//  "exceptions", "expiring_exceptions"}
Status write_json(const Report& report, std::ostream& out, unsigned jobs = 1);
// A summary line per check, the findings that did not pass, the waivers
// expiring soon.
Status write_table(const Report& report, std::ostream& out, const WriteOptions& options = {});
Status write_csv(const Report& report, std::ostream& out);
Status write_junit(const Report& report, std::ostream& out);
Status write_sarif(const Report& report, std::ostream& out);
Status write_ocsf(const Report& report, std::ostream& out);
// One self-contained HTML page (docs/output-formats.md, "html"): the scan, a
// summary with charts, the framework's requirements when `framework` is
// given, each check with its findings; findings sorted and filtered in the
// browser. Nothing in it makes a network request; every value is escaped.
struct FrameworkResult;
Status write_html(const Report& report, std::ostream& out,
                  const FrameworkResult* framework = nullptr);

}  // namespace posture::report
