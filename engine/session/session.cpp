// The evaluation session: the workspace loaded, the store opened on a scan
// the trust rule allows, then selection and parallel evaluation into a report.
#include "engine/session/session.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "engine/schema/schema.hpp"

namespace posture::session {

unsigned resolve_jobs(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
}

namespace {

Result<std::shared_ptr<const checks::Workspace>> load_workspace(const SessionOptions& o) {
  if (o.workspace) return o.workspace;
  std::vector<std::string> dirs = o.more_queries_dirs;
  if (!o.queries_dir.empty()) dirs.insert(dirs.begin(), o.queries_dir);
  if (dirs.empty()) return std::make_shared<const checks::Workspace>();
  auto ws = checks::Workspace::load(dirs, o.waivers_file, o.variables);
  if (!ws) return ws.take_errors();
  return std::make_shared<const checks::Workspace>(std::move(ws).value());
}

// A failed scan holds no assets: evaluating it would pass everything.
Diagnostic failed_scan(const std::string& db, const store::ScanInfo& scan,
                       const std::optional<store::ScanInfo>& latest) {
  std::string message = "scan " + std::to_string(scan.id) + " has status `" + scan.status + "`";
  if (!scan.message.empty()) message += " (" + scan.message + ")";
  message += ": a failed scan holds no data and is never evaluated";
  Diagnostic d = Diagnostic::error("failed-scan", std::move(message), {db, 0, 0});
  if (latest)
    d.hints.push_back("the latest complete scan is " + std::to_string(latest->id));
  else
    d.hints.push_back("the store holds no complete scan yet");
  return d;
}

}  // namespace

Result<Session> Session::open(const std::string& db_path, const SessionOptions& options) {
  Session s;
  s.db_path_ = db_path;
  s.progress_ = options.progress;
  auto workspace = load_workspace(options);
  if (!workspace) return workspace.take_errors();
  s.workspace_ = std::move(workspace).value();
  if (options.today_date) {
    s.today_ = *options.today_date;
  } else {
    auto today = checks::Date::resolve(options.today, std::getenv("POSTURE_TODAY"));
    if (!today) return today.take_errors();
    s.today_ = *today;
  }
  auto store = store::Store::open(db_path, posture::schema::builtin(), options.mode);
  if (!store) return store.take_errors();
  s.store_ = std::make_shared<store::Store>(std::move(store).value());
  s.tenant_ = options.tenant;
  if (auto st = s.use_scan(options.scan); !st) return st.take_errors();
  return s;
}

Result<Session> Session::with_scan(int64_t scan_id) const {
  Session s = *this;
  if (auto st = s.use_scan(scan_id); !st) return st.take_errors();
  return s;
}

namespace {

std::string backticked(const std::string& tenant) {
  return "`" + tenant + "`";
}

std::string tenant_list(const std::vector<std::string>& tenants) {
  std::string out;
  for (size_t i = 0; i < tenants.size(); ++i) out += (i ? ", " : "") + backticked(tenants[i]);
  return out;
}

}  // namespace

Result<std::optional<std::string>> Session::resolve_tenant() const {
  if (tenant_) return tenant_;
  auto tenants = store_->tenants();
  if (!tenants) return tenants.take_errors();
  if (tenants->empty()) return std::optional<std::string>{};
  if (tenants->size() == 1) return std::optional<std::string>{tenants->front()};
  return Diagnostic::error("tenant",
                           "the store holds scans of " + std::to_string(tenants->size()) +
                               " tenants (" + tenant_list(*tenants) +
                               "): say which one to read with --tenant ID",
                           {store_->path(), 0, 0})
      .hint("`posture scans --db " + store_->path() + "` lists every scan with its tenant");
}

Status Session::use_scan(std::optional<int64_t> scan_id) {
  std::optional<std::string> tenant;
  if (!scan_id) {
    auto resolved = resolve_tenant();
    if (!resolved) return resolved.take_errors();
    tenant = std::move(*resolved);
  }
  Result<std::optional<store::ScanInfo>> scan = scan_id  ? store_->scan(*scan_id)
                                                : tenant ? store_->latest_complete_scan(*tenant)
                                                         : store_->latest_complete_scan();
  if (!scan) return scan.take_errors();
  if (*scan && tenant_ && (*scan)->tenant != *tenant_)
    return Diagnostic::error("tenant",
                             "scan " + std::to_string((*scan)->id) + " is of tenant " +
                                 backticked((*scan)->tenant) + ", not " + backticked(*tenant_),
                             {store_->path(), 0, 0});
  if (!*scan && tenant && tenant_) {
    auto tenants = store_->tenants();
    if (!tenants) return tenants.take_errors();
    Diagnostic error = Diagnostic::error(
        "no-scan", "the store holds no complete scan of tenant " + backticked(*tenant),
        {store_->path(), 0, 0});
    if (!tenants->empty()) return std::move(error).hint("its tenants are " + tenant_list(*tenants));
    return std::move(error).hint("load one with `posture import --db " + store_->path() +
                                 " --tenant " + *tenant + " FILE`");
  }
  if (!*scan) {
    auto latest = store_->latest_complete_scan();
    if (!latest) return latest.take_errors();
    Diagnostic error =
        Diagnostic::error("no-scan",
                          scan_id ? "no scan " + std::to_string(*scan_id) + " in the store"
                                  : "the store holds no complete scan yet",
                          {store_->path(), 0, 0});
    if (scan_id && *latest)
      return std::move(error).hint("the latest complete scan is " + std::to_string((*latest)->id) +
                                   "; `posture scans --db " + store_->path() + "` lists them all");
    return std::move(error).hint("load one with `posture import --db " + store_->path() +
                                 " FILE` or `posture collect azure --db " + store_->path() + "`");
  }
  if ((*scan)->status == "failed") {
    auto latest = store_->latest_complete_scan();
    if (!latest) return latest.take_errors();
    return failed_scan(store_->path(), **scan, *latest);
  }
  scan_ = **scan;
  return ok_status();
}

Result<std::vector<const checks::Check*>> Session::select(
    const checks::Selection& selection) const {
  return checks::select_checks(workspace_->catalog, workspace_->frameworks, selection);
}

Result<checks::EvaluationContext> Session::context(checks::Order order) const {
  auto context =
      checks::EvaluationContext::load(*store_, scan_.id, workspace_->waivers.get(), today_);
  if (!context) return context.take_errors();
  context->order = order;
  return context;
}

Result<Evaluation> Session::evaluate(const std::vector<const checks::Check*>& selected,
                                     checks::Order order, unsigned jobs, uint64_t explain) const {
  if (auto st = store_->use_bulk_read_mode(); !st) return st.take_errors();
  auto context = this->context(order);
  if (!context) return context.take_errors();
  context->explain = explain;
  std::vector<checks::CheckResult> results;
  if (!selected.empty()) {
    auto evaluated =
        checks::evaluate_all(db_path_, selected, *context, resolve_jobs(jobs), progress_);
    if (!evaluated) return evaluated.take_errors();
    results = std::move(evaluated).value();
  }
  Evaluation out;
  out.store_ = store_;
  out.workspace_ = workspace_;
  out.context_ = std::make_unique<checks::EvaluationContext>(std::move(context).value());
  out.report =
      report::Report{store_.get(), scan_, std::move(results), out.context_.get(), POSTURE_VERSION};
  return out;
}

}  // namespace posture::session
