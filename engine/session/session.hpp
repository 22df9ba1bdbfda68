// The one entry point for evaluating stored checks, modelled on DuckDB's
// ClientContext: a Session is a store opened on one scan with the workspace
// (stored checks, frameworks, waivers) and the day waivers expire against.
// Every caller that evaluates (the CLI's check, report and diff, the bench
// harness, the tests) goes through it, so the pipeline is written once:
//   open the store -> pick the scan -> load the workspace          Session::open
//   select checks                                                  session.select
//   evaluate them with N workers, apply waivers, build the report  session.evaluate
//
//   auto session = session::Session::open(db, {.queries_dir = dir});
//   auto selected = session->select({.min_severity = checks::Severity::High});
//   auto evaluated = session->evaluate(*selected);  // evaluated->report
//
// Trust rule (missing data never passes): a `failed` scan is never evaluated:
// opening one is an error ("failed-scan"). A `partial` scan is: its unreadable
// resources are ERROR findings, and the report carries its status.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/report.hpp"
#include "store/store.hpp"

namespace posture::session {

// The workers an evaluation runs with: `requested`, or one per core when 0.
unsigned resolve_jobs(unsigned requested);

struct SessionOptions {
  std::optional<int64_t> scan;  // default: the latest complete (or partial) scan
  // The tenant whose latest complete scan is read (docs/scaling.md); not
  // given: the store's only tenant (an error naming them when it has several).
  std::optional<std::string> tenant;
  store::OpenMode mode = store::OpenMode::ReadOnly;
  // The workspace: the stored checks and their frameworks/ in `queries_dir`
  // and `more_queries_dirs` (none: a session that only queries), and the
  // waivers file ("": none).
  std::string queries_dir;
  std::vector<std::string> more_queries_dirs;  // loaded after queries_dir, ids unique across all
  nlohmann::json variables = nlohmann::json::object();  // for the checks that declare them
  std::string waivers_file;
  // Or one already loaded, shared (queries_dir and waivers_file are then unused).
  std::shared_ptr<const checks::Workspace> workspace;
  // The day waivers expire against, YYYY-MM-DD: this, else $POSTURE_TODAY,
  // else today in UTC; `today_date` wins over both.
  std::string today;
  std::optional<checks::Date> today_date;
  // Called as evaluate() goes: (checks done, checks selected); see
  // checks::evaluate_all.
  checks::EvaluationProgress progress;
};

// One scan evaluated: the report the CLI writes, and its results. It keeps
// alive everything the report points into (the session's store connection
// and workspace, the evaluation's context), so it may outlive its session.
struct Evaluation {
  report::Report report;
  const std::vector<checks::CheckResult>& results() const { return report.results; }

 private:
  friend class Session;
  std::shared_ptr<const store::Store> store_;
  std::shared_ptr<const checks::Workspace> workspace_;
  std::unique_ptr<checks::EvaluationContext> context_;
};

class Session {
 public:
  // Loads the workspace, opens the store at `db_path` (read-only unless
  // options.mode says otherwise) with the builtin schema and picks the scan.
  // Errors: the workspace or the day cannot be read; the store cannot be
  // opened; no such scan ("no-scan"), or no complete scan at all; the scan
  // failed ("failed-scan").
  static Result<Session> open(const std::string& db_path, const SessionOptions& options = {});

  // The same store connection and workspace on scan `scan_id` (the second
  // scan of a diff), under the same rules as open.
  Result<Session> with_scan(int64_t scan_id) const;

  const std::string& db_path() const { return db_path_; }
  const store::Store& store() const { return *store_; }
  const store::ScanInfo& scan() const { return scan_; }
  const checks::Workspace& workspace() const { return *workspace_; }
  checks::Date today() const { return today_; }

  // The checks `selection` chooses, in catalogue order (checks::select_checks:
  // errors for unknown ids, with suggestions, and for an empty selection).
  Result<std::vector<const checks::Check*>> select(const checks::Selection& selection) const;

  // What every evaluation of this scan shares: its collection errors, the
  // waivers and the day, findings in `order`.
  Result<checks::EvaluationContext> context(checks::Order order = checks::Order::Store) const;

  // Evaluates `selected` (checks of this session's workspace) on the scan
  // with `jobs` workers (0: one per core), each on its own read-only
  // connection, applies the waivers and builds the report. `explain`: the
  // failing findings per check whose reasons are worked out
  // (checks::EvaluationContext::explain).
  Result<Evaluation> evaluate(const std::vector<const checks::Check*>& selected,
                              checks::Order order = checks::Order::Store, unsigned jobs = 0,
                              uint64_t explain = checks::kExplainAll) const;

 private:
  Session() = default;
  // Picks `scan_id` (the latest complete scan of the tenant when not given) on store_.
  Status use_scan(std::optional<int64_t> scan_id);
  // The tenant to read: tenant_, else the store's only one; nullopt when the
  // store holds no complete scan.
  Result<std::optional<std::string>> resolve_tenant() const;

  std::string db_path_;
  std::shared_ptr<store::Store> store_;
  std::optional<std::string> tenant_;
  std::shared_ptr<const checks::Workspace> workspace_;
  store::ScanInfo scan_;
  checks::Date today_;
  checks::EvaluationProgress progress_;
};

}  // namespace posture::session
