// Check evaluation. A per-resource check is two statements on the scan's rows
// of its subject type, read in rowid order (built by sql::subjects):
//   SELECT s._rid FROM <table> AS s WHERE <the scan's rows> [AND provider filter]
//   SELECT s._rid [, s.id] FROM ... [AND provider filter] AND (<filter over s>)
// the first (the subjects: a finding per row) read once per run and shared by
// every check on the same subjects (SubjectCache), the second the check's own:
// only the rows it selects, merged into the subjects' verdicts by rowid. Ids
// are read only for selected rows, and only when waivers may mute them.
// Checks of one subject type judged together read every subject in one
// statement, with a flag per check: in store order each check marks a byte
// per subject, its verdicts, and the rowids read are the subject list.
// Parallel evaluation hands checks to workers through an atomic counter; each
// worker has its own read-only connection and writes only its checks' result
// slots.
#include "engine/checks/evaluate.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine/sql/statements.hpp"

namespace posture::checks {

std::string_view verdict_name(Verdict s) {
  switch (s) {
    case Verdict::Pass:
      return "PASS";
    case Verdict::Muted:
      return "MUTED";
    case Verdict::Error:
      return "ERROR";
    case Verdict::Fail:
      return "FAIL";
  }
  return "ERROR";
}

Result<EvaluationContext> EvaluationContext::load(const store::Store& store, int64_t scan_id,
                                                  const WaiverList* waivers, Date today) {
  EvaluationContext context;
  context.scan_id = scan_id;
  context.waivers = waivers;
  context.today = today;
  auto errors = store.collection_errors(scan_id);
  if (!errors) return errors.take_errors();
  context.errors = std::move(errors).value();
  auto collected = store.collected_types(scan_id);
  if (!collected) return collected.take_errors();
  context.collected_record = collected->has_value();
  std::set<std::string> listed;
  if (*collected) listed.insert((*collected)->begin(), (*collected)->end());
  // A type with no object in the scan is a scan-level error (no resource) of
  // that type, unless the scan collected it (then there is none): its checks
  // are ERROR, never a pass on nothing.
  const std::string scan = std::to_string(scan_id);
  for (const auto& type : store.schema().types()) {
    if (listed.count(type.name)) continue;
    auto any = store.has_rows(type, scan_id);
    if (!any) return any.take_errors();
    if (*any) continue;
    if (!context.collected_record) {
      context.errors.push_back({"", type.name, "no " + type.plural + " in this scan", 0});
      continue;
    }
    context.errors.push_back(
        {"", type.name,
         type.plural + " were not collected in scan " + scan +
             ": import their ARM objects, or state that the input lists every one with " +
             "`posture import --collected " + type.plural + "`",
         0});
  }
  for (uint32_t i = 0; i < context.errors.size(); ++i) {
    const auto& e = context.errors[i];
    std::string key = e.type + '\n' + store::arm_key(e.resource);
    if (e.child_type.empty())
      context.error_index.emplace(std::move(key), i);
    else
      context.child_error_index.emplace(std::move(key), i);
  }
  return context;
}

namespace {

sql::RowOrder row_order(Order order) {
  return order == Order::Key ? sql::RowOrder::Key : sql::RowOrder::Store;
}

Result<std::vector<Resource>> run_matches(const store::Store& store, int64_t scan_id,
                                          const schema::ObjectType& type,
                                          const ir::Predicate& where) {
  auto cursor = store::Cursor::open(
      store, sql::compile_matches(type, where, sql::dialect(store.backend())), scan_id);
  if (!cursor) return cursor.take_errors();
  std::vector<Resource> out;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    std::string id(cursor->text(0));
    std::string key = store::arm_key(id);
    out.push_back({std::move(id), std::string(cursor->text(1)), std::move(key)});
  }
  return out;
}

// The explanation of the failing findings of per-resource results that share
// their subjects (one subject type and providers): the subjects, in finding
// order, cut into slices that are explained apart, each into reason files of
// its own, joined at the end. Which findings to explain is read from the
// results' verdicts as a slice goes (nothing per finding is held besides).
struct ExplainGroup {
  std::vector<CheckResult*> results;
  std::shared_ptr<const Subjects> subjects;
  std::vector<uint32_t> ends;  // per result: its findings explained lie before this index
  uint64_t failing = 0;        // findings to explain, of all results
  std::vector<size_t> bounds;  // slice s: the findings [bounds[s], bounds[s + 1])
  std::vector<std::vector<std::shared_ptr<ReasonFile>>> parts;  // [slice][result], may be null
  Diagnostics errors;                                           // of the first slice that failed
  std::mutex mutex;                                             // for errors
  size_t slices() const { return bounds.size() - 1; }
  // Whether result k explains finding i.
  bool explains(size_t k, size_t i) const {
    const Verdict v = results[k]->verdicts[i];
    return i < ends[k] && (v == Verdict::Fail || v == Verdict::Muted);
  }
};

// Explanation slices per worker (evaluate_all): one that finishes early
// takes another, rather than waiting for the other's last slice.
constexpr size_t kSlicesPerWorker = 4;

// The groups in which `results` are explained: per-resource results with a
// failing finding to explain, by subject type and providers (each alone when
// context.together is 1), each cut into at most `slices` slices.
Result<std::vector<std::unique_ptr<ExplainGroup>>> plan_explanations(
    const store::Store& store, const EvaluationContext& context,
    const std::vector<CheckResult*>& results, size_t slices) {
  std::vector<std::unique_ptr<ExplainGroup>> groups;
  if (context.explain == 0) return groups;
  std::map<std::pair<const schema::ObjectType*, std::vector<std::string>>, ExplainGroup*> group_of;
  for (CheckResult* r : results) {
    if (!r->per_resource() || r->no_subjects) continue;
    // The first context.explain failing findings: those before `end`.
    uint64_t n = 0;
    uint32_t end = 0;
    while (end < r->verdicts.size() && n < context.explain) {
      const Verdict v = r->verdicts[end++];
      n += v == Verdict::Fail || v == Verdict::Muted ? 1 : 0;
    }
    if (n == 0) continue;
    ExplainGroup*& group = group_of[{r->subject_type, r->check->providers}];
    if (!group || context.together <= 1) {
      groups.push_back(std::make_unique<ExplainGroup>());
      group = groups.back().get();
      auto subjects = context.subjects->get(store, context, *r->check, *r->subject_type);
      if (!subjects) return subjects.take_errors();
      group->subjects = std::move(subjects).value();
    }
    group->results.push_back(r);
    group->ends.push_back(end);
    group->failing += n;
  }
  for (auto& group : groups) {
    // Slices of at least a batch (a few thousand subjects: statements per
    // batch), each with about as many findings to explain: a slice costs its
    // explanations, the passing subjects between them nothing.
    const size_t batch = std::max<size_t>(1, context.explain_batch);
    const size_t n = std::max<size_t>(1, std::min<size_t>(slices, group->failing / batch));
    const size_t findings = group->results.front()->verdicts.size();
    group->bounds.push_back(0);
    uint64_t explained = 0;
    for (size_t i = 0; i < findings && group->bounds.size() < n; ++i) {
      for (size_t k = 0; k < group->results.size(); ++k) explained += group->explains(k, i);
      if (explained * n >= group->failing * group->bounds.size()) group->bounds.push_back(i + 1);
    }
    if (group->bounds.back() != findings || group->bounds.size() == 1)
      group->bounds.push_back(findings);
    group->parts.resize(group->slices());
  }
  return groups;
}

// Explains slice `slice` of `group`: a few thousand failing subjects at a
// time, each read once (with its related rows) for every result it fails.
Status explain_slice(const store::Store& store, const EvaluationContext& context,
                     ExplainGroup& group, size_t slice) {
  const schema::ObjectType& type = *group.results.front()->subject_type;
  std::vector<const ir::Predicate*> wheres;
  for (const CheckResult* r : group.results)
    wheres.push_back(&r->check->query.analysed.roots.front().where);
  const Explainer explainer(store, type, wheres);
  auto& parts = group.parts[slice];
  parts.assign(group.results.size(), nullptr);
  const size_t batch = std::max<size_t>(1, context.explain_batch);
  const size_t results = group.results.size();
  std::vector<std::vector<uint32_t>> indexes(results);  // per result: the batch's findings
  std::vector<std::vector<int64_t>> rids(results);
  // Each reason goes to its result's file as it is made. The explainer makes
  // them in rowid order; findings in key order (Order::Key) are not, so a
  // reason made before those of earlier findings waits in `early`.
  std::vector<size_t> appended(results, 0);  // per result: of the batch's findings
  std::vector<std::map<size_t, Reason>> early(results);
  auto append = [&](size_t k, size_t i, const Reason& reason) -> Status {
    if (!parts[k]) {
      auto file = ReasonFile::create();
      if (!file) return file.take_errors();
      parts[k] = std::move(file).value();
    }
    ++appended[k];
    return parts[k]->append(indexes[k][i], reason);
  };
  auto explain = [&]() -> Status {
    auto made = explainer.explain(rids, [&](size_t k, size_t i, bool, Reason& reason) -> Status {
      if (i != appended[k]) {
        early[k].emplace(i, std::move(reason));
        return ok_status();
      }
      if (auto st = append(k, i, reason); !st) return st;
      for (auto it = early[k].begin(); it != early[k].end() && it->first == appended[k];
           it = early[k].erase(it))
        if (auto st = append(k, it->first, it->second); !st) return st;
      return ok_status();
    });
    if (!made) return made;
    for (size_t k = 0; k < results; ++k) {
      if (appended[k] != rids[k].size() || !early[k].empty())
        return Diagnostic::error(
            "internal",
            "a failing finding of `" + group.results[k]->check->id + "` was left unexplained");
      indexes[k].clear();
      rids[k].clear();
      appended[k] = 0;
    }
    return ok_status();
  };
  size_t subjects = 0;  // in the batch
  for (size_t i = group.bounds[slice]; i < group.bounds[slice + 1]; ++i) {
    bool any = false;
    for (size_t k = 0; k < results; ++k) {
      if (!group.explains(k, i)) continue;
      indexes[k].push_back(static_cast<uint32_t>(i));
      rids[k].push_back(group.subjects->rids[i]);
      any = true;
    }
    if (any && ++subjects == batch) {
      if (auto st = explain(); !st) return st;
      subjects = 0;
    }
  }
  if (subjects)
    if (auto st = explain(); !st) return st;
  for (const auto& part : parts)
    if (part)
      if (auto st = part->finish(); !st) return st;
  return ok_status();
}

// Gives each result of `group` its reasons, its slices' parts joined in order.
void finish_explanation(ExplainGroup& group) {
  for (size_t k = 0; k < group.results.size(); ++k) {
    std::vector<std::shared_ptr<ReasonFile>> parts;
    for (auto& slice : group.parts)
      if (slice.size() > k && slice[k]) parts.push_back(std::move(slice[k]));
    group.results[k]->reasons =
        parts.size() == 1 ? std::move(parts.front()) : ReasonFile::join(std::move(parts));
  }
}

}  // namespace

sql::Statement subjects_statement(const Check& check, const schema::ObjectType& type, Order order,
                                  const sql::Dialect& dialect) {
  using C = sql::Column;
  return sql::subjects(type, {C::Id, C::Name}, check.providers, row_order(order), nullptr, dialect);
}

sql::Statement SubjectCache::statement(const store::Store& store, const EvaluationContext& context,
                                       const Check& check, const schema::ObjectType& type) {
  // Keys are read only when some collection error is about this type.
  std::vector<sql::Column> columns{sql::Column::Rid};
  if (needs_ids(context, type)) columns.push_back(sql::Column::Id);
  return sql::subjects(type, columns, check.providers, row_order(context.order), nullptr,
                       sql::dialect(store.backend()));
}

std::string SubjectCache::key(const sql::Statement& st) {
  // The statement and its provider values name the list.
  std::string key = st.sql;
  for (const auto& p : st.params) key += '\0' + std::get<std::string>(p);
  return key;
}

SubjectCache::Entry& SubjectCache::entry(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& slot = entries_[key];
  if (!slot) slot = std::make_unique<Entry>();
  return *slot;
}

void SubjectCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

Result<std::shared_ptr<const Subjects>> SubjectCache::get(const store::Store& store,
                                                          const EvaluationContext& context,
                                                          const Check& check,
                                                          const schema::ObjectType& type) {
  const bool keys = needs_ids(context, type);
  const sql::Statement st = statement(store, context, check, type);
  Entry& e = entry(key(st));
  std::call_once(e.once, [&] {
    auto cursor = store::Cursor::open(store, st, context.scan_id);
    if (!cursor) {
      e.errors = cursor.take_errors();
      return;
    }
    auto subjects = std::make_shared<Subjects>();
    std::string error_key;
    while (true) {
      auto row = cursor->next();
      if (!row) {
        e.errors = row.take_errors();
        return;
      }
      if (!*row) break;
      const auto index = static_cast<uint32_t>(subjects->rids.size());
      subjects->rids.push_back(cursor->integer(0));
      if (!keys) continue;
      error_key.assign(type.name).append(1, '\n').append(store::arm_key(cursor->text(1)));
      if (auto it = context.error_index.find(error_key); it != context.error_index.end())
        subjects->errors.emplace_back(index, it->second);
      auto [from, to] = context.child_error_index.equal_range(error_key);
      for (auto it = from; it != to; ++it) subjects->errors.emplace_back(index, it->second);
    }
    if (context.order == Order::Key) {
      subjects->by_rid.reserve(subjects->rids.size());
      for (uint32_t i = 0; i < subjects->rids.size(); ++i)
        subjects->by_rid.emplace_back(subjects->rids[i], i);
      std::sort(subjects->by_rid.begin(), subjects->by_rid.end());
    }
    e.subjects = std::move(subjects);
  });
  if (!e.errors.empty()) return e.errors;
  return e.subjects;
}

bool SubjectCache::needs_ids(const EvaluationContext& context, const schema::ObjectType& type) {
  return std::any_of(context.errors.begin(), context.errors.end(),
                     [&](const store::CollectionError& e) { return e.type == type.name; });
}

bool SubjectCache::offer(const store::Store& store, const EvaluationContext& context,
                         const Check& check, const schema::ObjectType& type,
                         std::vector<int64_t>& rids) {
  if (context.order != Order::Store || needs_ids(context, type)) return false;
  Entry& e = entry(key(statement(store, context, check, type)));
  bool kept = false;
  std::call_once(e.once, [&] {
    auto subjects = std::make_shared<Subjects>();
    rids.shrink_to_fit();  // kept for the whole run
    subjects->rids = std::move(rids);
    e.subjects = std::move(subjects);
    kept = true;
  });
  return kept;
}

namespace {

void used_types(const ir::Predicate& p, std::vector<std::string>& out) {
  if (p.target && std::find(out.begin(), out.end(), p.target->name) == out.end())
    out.push_back(p.target->name);
  for (const auto& c : p.children) used_types(c, out);
}

// The scan-level error of a type `check` uses that the scan did not collect
// (its index in context.errors), when the scan records what it collected.
std::optional<uint32_t> uncollected(const EvaluationContext& context, const Check& check) {
  if (!context.collected_record) return std::nullopt;
  for (const auto& name : query_types(check))
    if (auto it = context.error_index.find(name + '\n'); it != context.error_index.end())
      return it->second;
  return std::nullopt;
}

bool has_waivers(const EvaluationContext& context) {
  return context.waivers && !context.waivers->empty();
}

// What check evaluation reads of the rows a check selects: the rowid, and
// the id when waivers may match it.
std::vector<sql::Column> selected_columns(bool ids) {
  if (ids) return {sql::Column::Rid, sql::Column::Id};
  return {sql::Column::Rid};
}

// Makes `result` one check-level ERROR finding explained by errors[error].
void check_level_error(CheckResult& result, uint32_t error) {
  result.status = Verdict::Error;
  result.counts[static_cast<size_t>(Verdict::Error)] = 1;
  result.notes.push_back({0, {Note::Kind::CollectionError, error}});
}

}  // namespace

std::vector<std::string> query_types(const Check& check) {
  std::vector<std::string> out;
  for (const auto& root : check.query.optimised.roots) {
    if (root.type && std::find(out.begin(), out.end(), root.type->name) == out.end())
      out.push_back(root.type->name);
    used_types(root.where, out);
  }
  return out;
}

Status explain_findings(const store::Store& store, const EvaluationContext& context,
                        const std::vector<CheckResult*>& results) {
  auto groups = plan_explanations(store, context, results, 1);
  if (!groups) return groups.take_errors();
  for (auto& group : *groups) {
    for (size_t s = 0; s < group->slices(); ++s)
      if (auto st = explain_slice(store, context, *group, s); !st) return st;
    finish_explanation(*group);
  }
  return ok_status();
}

posture::Status Evaluator::per_resource(const Check& check, const schema::ObjectType& type,
                                        CheckResult& result) const {
  // A type the check reads that the scan did not collect: unknown, not a pass.
  if (auto error = uncollected(context_, check)) {
    result.no_subjects = true;
    check_level_error(result, *error);
    return ok_status();
  }
  // The rows the check selects, in rowid order (whatever the findings' order).
  const bool ids = has_waivers(context_);
  const ir::RootField& root = check.query.optimised.roots.front();
  sql::Statement st =
      sql::subjects(type, selected_columns(ids), check.providers, sql::RowOrder::Store, &root.where,
                    sql::dialect(store_.backend()));
  auto cursor = store::Cursor::open(store_, st, context_.scan_id);
  if (!cursor) return cursor.take_errors();
  Selected selected;  // rowid, id (with waivers)
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    selected.add(cursor->integer(0), *cursor, ids);
  }
  return judge(check, type, selected, result);
}

std::vector<Result<CheckResult>> Evaluator::evaluate_together(
    const std::vector<const Check*>& checks) const {
  std::vector<Result<CheckResult>> results = judge_together(checks);
  std::vector<CheckResult*> judged;
  for (auto& r : results)
    if (r) judged.push_back(&*r);
  if (auto st = explain_findings(store_, context_, judged); !st)
    for (auto& r : results)
      if (r && r->per_resource()) r = st.errors();
  return results;
}

std::vector<Result<CheckResult>> Evaluator::judge_together(
    const std::vector<const Check*>& checks) const {
  std::vector<std::optional<Result<CheckResult>>> out(checks.size());
  // Checks judged together: same subject type and providers, type collected.
  std::vector<size_t> together;
  for (size_t i = 0; i < checks.size(); ++i) {
    const schema::ObjectType* type = subject_type(*checks[i]);
    bool joins =
        type && !uncollected(context_, *checks[i]) &&
        (together.empty() || (type == subject_type(*checks[together.front()]) &&
                              checks[i]->providers == checks[together.front()]->providers));
    if (joins)
      together.push_back(i);
    else
      out[i].emplace(judge_one(*checks[i]));
  }
  if (together.size() == 1) out[together.front()].emplace(judge_one(*checks[together.front()]));
  if (together.size() > 1) {
    const Check& first = *checks[together.front()];
    const schema::ObjectType& type = *subject_type(first);
    const bool ids = has_waivers(context_);
    // The statement reads every subject in rowid order: the subject list too
    // (in store order), unless that list needs each subject's id (a
    // collection error is about the type), which would hold every id at once
    // here. Then each check marks its rows in the list's order.
    const bool offer = context_.order == Order::Store && !SubjectCache::needs_ids(context_, type);
    std::vector<const ir::Predicate*> wheres;
    for (size_t i : together) wheres.push_back(&checks[i]->query.optimised.roots.front().where);
    const size_t flags = ids ? 2 : 1;  // the first flag's column
    std::vector<Selected> selected(together.size());
    for (auto& one : selected) one.marked = offer;
    std::vector<int64_t> rids;
    posture::Status read = [&]() -> posture::Status {
      sql::Statement st = sql::subjects_judged(type, selected_columns(ids), first.providers, wheres,
                                               sql::dialect(store_.backend()));
      auto cursor = store::Cursor::open(store_, st, context_.scan_id);
      if (!cursor) return cursor.take_errors();
      while (true) {
        auto row = cursor->next();
        if (!row) return row.take_errors();
        if (!*row) break;
        if (offer) {
          rids.push_back(cursor->integer(0));
          for (size_t k = 0; k < together.size(); ++k)
            selected[k].mark(cursor->integer(static_cast<int>(flags + k)) != 0, *cursor, ids);
          continue;
        }
        for (size_t k = 0; k < together.size(); ++k) {
          if (cursor->integer(static_cast<int>(flags + k)) == 0) continue;
          selected[k].add(cursor->integer(0), *cursor, ids);
        }
      }
      return ok_status();
    }();
    // Each check's marks are by position in `rids`: a list read before by
    // another worker must be the same.
    if (read && offer && !context_.subjects->offer(store_, context_, first, type, rids)) {
      auto list = context_.subjects->get(store_, context_, first, type);
      if (!list)
        read = list.take_errors();
      else if ((*list)->rids != rids)
        read = Diagnostic::error(
            "internal", "the subjects of `" + first.id + "` changed while its checks were judged");
    }
    for (size_t k = 0; k < together.size(); ++k) {
      const Check& check = *checks[together[k]];
      CheckResult result;
      result.check = &check;
      result.subject_type = &type;
      if (!read) {
        out[together[k]].emplace(read.errors());
        continue;
      }
      auto judged = judge(check, type, selected[k], result);
      if (judged)
        out[together[k]].emplace(std::move(result));
      else
        out[together[k]].emplace(judged.take_errors());
    }
  }
  std::vector<Result<CheckResult>> results;
  results.reserve(checks.size());
  for (auto& r : out) results.push_back(std::move(*r));
  return results;
}

posture::Status Evaluator::judge(const Check& check, const schema::ObjectType& type,
                                 Selected& selected, CheckResult& result) const {
  const WaiverList* waivers = has_waivers(context_) ? context_.waivers : nullptr;
  auto subjects = context_.subjects->get(store_, context_, check, type);
  if (!subjects) return subjects.take_errors();
  const Subjects& all = **subjects;
  result.order = context_.order;
  if (all.rids.empty()) {
    // The scan-level error of an empty type is indexed under an empty key.
    if (auto it = context_.error_index.find(type.name + '\n'); it != context_.error_index.end()) {
      result.no_subjects = true;
      check_level_error(result, it->second);
      return ok_status();
    }
  }
  // Both statements filter the same rows, so every selected row is a subject.
  auto astray = [&] {
    return Diagnostic::error(
        "internal", "check `" + check.id + "` selected rows that are not among its subjects");
  };
  std::vector<std::pair<uint32_t, const std::string*>> failed;  // with waivers: index, id
  static const std::string no_id;
  // Subject `index` fails, the check's `s`th selected row.
  auto note_failed = [&](uint32_t index, size_t s) {
    ++result.matched;
    if (waivers) failed.emplace_back(index, selected.ids.empty() ? &no_id : &selected.ids[s]);
  };
  if (selected.marked) {
    if (selected.marks.size() != all.rids.size()) return astray();
    selected.marks.shrink_to_fit();               // kept until the report is written
    result.verdicts = std::move(selected.marks);  // Fail where selected already
    size_t s = 0;
    for (uint32_t i = 0; i < result.verdicts.size(); ++i)
      if (result.verdicts[i] == Verdict::Fail) note_failed(i, s++);
  } else {
    result.verdicts.assign(all.rids.size(), Verdict::Pass);
    size_t next = 0;  // Order::Store: both lists ascend, so one merge pass
    for (size_t s = 0; s < selected.rids.size(); ++s) {
      const int64_t rid = selected.rids[s];
      uint32_t index;
      if (context_.order == Order::Store) {
        while (next < all.rids.size() && all.rids[next] < rid) ++next;
        if (next == all.rids.size() || all.rids[next] != rid) continue;
        index = static_cast<uint32_t>(next);
      } else {
        auto it = std::lower_bound(all.by_rid.begin(), all.by_rid.end(),
                                   std::pair<int64_t, uint32_t>{rid, 0});
        if (it == all.by_rid.end() || it->first != rid) continue;
        index = it->second;
      }
      result.verdicts[index] = Verdict::Fail;
      note_failed(index, s);
    }
    if (result.matched != selected.rids.size()) return astray();
  }

  // A collection error makes the finding ERROR, selected or not: an error
  // about the resource itself always, one about a child type (a setting that
  // could not be read) when the check's query uses that type. One note each.
  std::vector<std::string> reads;
  if (!all.errors.empty()) reads = query_types(check);
  for (const auto& [index, error] : all.errors) {
    const std::string& child = context_.errors[error].child_type;
    if (!child.empty() && std::find(reads.begin(), reads.end(), child) == reads.end()) continue;
    if (result.verdicts[index] == Verdict::Error) continue;
    result.verdicts[index] = Verdict::Error;
    result.notes.push_back({index, {Note::Kind::CollectionError, error}});
  }
  if (waivers) {
    std::map<uint32_t, uint64_t> uses;
    for (const auto& [index, id] : failed) {
      if (result.verdicts[index] != Verdict::Fail) continue;
      auto e = waivers->match(check.id, *id, context_.today);
      if (!e) continue;
      bool expired = waivers->entries()[*e].expired(context_.today);
      if (!expired) result.verdicts[index] = Verdict::Muted;
      result.notes.push_back(
          {index, {expired ? Note::Kind::ExpiredWaiver : Note::Kind::Waiver, *e}});
      ++uses[*e];
    }
    result.waiver_uses.assign(uses.begin(), uses.end());
  }
  // Notes by finding index (Order::Key visits the selected rows in rowid order).
  std::stable_sort(result.notes.begin(), result.notes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  for (Verdict v : result.verdicts) ++result.counts[static_cast<size_t>(v)];
  for (size_t s = 0; s < result.counts.size(); ++s)
    if (result.counts[s]) result.status = std::max(result.status, static_cast<Verdict>(s));
  return ok_status();
}

const schema::ObjectType* subject_type(const Check& check) {
  const ir::RootField& root = check.query.optimised.roots.front();
  bool per_resource = check.expect.kind == Expectation::Kind::Empty &&
                      std::find(check.subjects.begin(), check.subjects.end(), root.type->name) !=
                          check.subjects.end();
  return per_resource ? root.type : nullptr;
}

Result<CheckResult> Evaluator::evaluate(const Check& check) const {
  auto result = judge_one(check);
  if (!result) return result;
  if (auto st = explain_findings(store_, context_, {&*result}); !st) return st.take_errors();
  return result;
}

Result<CheckResult> Evaluator::judge_one(const Check& check) const {
  CheckResult result;
  result.check = &check;
  const ir::RootField& root = check.query.optimised.roots.front();
  if (const schema::ObjectType* type = subject_type(check)) {
    result.subject_type = type;
    if (auto st = this->per_resource(check, *type, result); !st) return st.take_errors();
    return result;
  }
  if (auto error = uncollected(context_, check)) {
    check_level_error(result, *error);
    return result;
  }
  auto matched = run_matches(store_, context_.scan_id, *root.type, root.where);
  if (!matched) return matched.take_errors();
  result.matched = matched->size();
  result.status = check.expect.holds(result.matched) ? Verdict::Pass : Verdict::Fail;
  result.returned = std::move(matched).value();
  // One finding per returned object (with the check's status), or one for the check.
  result.counts[static_cast<size_t>(result.status)] = std::max<uint64_t>(1, result.returned.size());
  return result;
}

Result<Workspace> Workspace::load(const std::string& queries_dir, const std::string& waivers_file) {
  return load(std::vector<std::string>{queries_dir}, waivers_file);
}

Result<Workspace> Workspace::load(const std::vector<std::string>& queries_dirs,
                                  const std::string& waivers_file,
                                  const nlohmann::json& variables) {
  Workspace ws;
  auto catalog = Catalog::load(queries_dirs, variables);
  if (!catalog) return catalog.take_errors();
  ws.catalog = std::move(catalog).value();
  std::vector<std::string> framework_dirs;
  for (const auto& dir : queries_dirs)
    framework_dirs.push_back((std::filesystem::path(dir) / "frameworks").string());
  auto frameworks = FrameworkSet::load(framework_dirs, ws.catalog);
  if (!frameworks) return frameworks.take_errors();
  ws.frameworks = std::move(frameworks).value();
  if (waivers_file.empty()) return ws;
  auto waivers = WaiverList::load(waivers_file);
  if (!waivers) return waivers.take_errors();
  if (auto st = waivers->validate(ws.catalog); !st) return st.take_errors();
  ws.waivers = std::make_unique<WaiverList>(std::move(waivers).value());
  return ws;
}

Result<std::vector<const Check*>> select_checks(const Catalog& catalog,
                                                const FrameworkSet& frameworks,
                                                const Selection& selection) {
  Diagnostics errors;
  std::vector<std::string> check_ids;
  for (const auto& c : catalog.checks()) check_ids.push_back(c.id);
  for (const auto& id : selection.ids) {
    if (catalog.find(id)) continue;
    Diagnostic d = Diagnostic::error("unknown-check", "no stored check `" + id + "`");
    if (auto guess = closest_match(id, check_ids); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    errors.push_back(std::move(d));
  }
  std::vector<std::string> in_frameworks;
  for (const auto& id : selection.frameworks) {
    const Framework* fw = frameworks.find(id);
    if (!fw) {
      Diagnostic d = Diagnostic::error("unknown-framework", "no framework `" + id + "`");
      std::vector<std::string> known = frameworks.ids();
      if (auto guess = closest_match(id, known); !guess.empty())
        d.hints.push_back("did you mean `" + guess + "`?");
      else if (!known.empty())
        d.hints.push_back("frameworks: " + nlohmann::json(known).dump());
      errors.push_back(std::move(d));
      continue;
    }
    for (auto& c : fw->check_ids()) in_frameworks.push_back(std::move(c));
  }
  if (!errors.empty()) return errors;
  auto contains = [](const std::vector<std::string>& list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  };
  std::vector<const Check*> out;
  for (const auto& c : catalog.checks()) {
    if (!selection.ids.empty() && !contains(selection.ids, c.id)) continue;
    if (!selection.frameworks.empty() && !contains(in_frameworks, c.id)) continue;
    if (selection.min_severity && c.severity < *selection.min_severity) continue;
    if (!selection.providers.empty() && !c.providers.empty() &&
        std::none_of(c.providers.begin(), c.providers.end(),
                     [&](const std::string& p) { return contains(selection.providers, p); }))
      continue;
    out.push_back(&c);
  }
  if (out.empty())
    return Diagnostic::error("empty-selection", "no stored check matches the selection")
        .hint("`posture check --help` lists the selection options");
  return out;
}

namespace {

// The units of work of evaluate_all: the checks that judge each resource of
// one type for the same providers, in chunks of at most `together` (and
// split so that each of `jobs` workers has a share), then every other check
// alone. Units are ordered by their first check.
std::vector<std::vector<size_t>> plan_units(const std::vector<const Check*>& checks,
                                            size_t together, unsigned jobs) {
  std::vector<std::vector<size_t>> groups;
  std::map<std::pair<const schema::ObjectType*, std::vector<std::string>>, size_t> group_of;
  for (size_t i = 0; i < checks.size(); ++i) {
    const schema::ObjectType* type = subject_type(*checks[i]);
    if (!type || together <= 1) {
      groups.push_back({i});
      continue;
    }
    auto [it, added] = group_of.emplace(std::make_pair(type, checks[i]->providers), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  std::vector<std::vector<size_t>> units;
  for (const auto& group : groups) {
    size_t shares = std::max<size_t>(1, std::min<size_t>(jobs, group.size()));
    size_t size = std::min(std::max<size_t>(1, together), (group.size() + shares - 1) / shares);
    for (size_t from = 0; from < group.size(); from += size)
      units.emplace_back(
          group.begin() + static_cast<std::ptrdiff_t>(from),
          group.begin() + static_cast<std::ptrdiff_t>(std::min(group.size(), from + size)));
  }
  std::sort(units.begin(), units.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return units;
}

}  // namespace

Result<std::vector<CheckResult>> evaluate_all(const std::string& db_path,
                                              const std::vector<const Check*>& checks,
                                              const EvaluationContext& context, unsigned jobs,
                                              const EvaluationProgress& progress) {
  std::vector<std::optional<Result<CheckResult>>> slots(checks.size());
  const std::vector<std::vector<size_t>> units = plan_units(checks, context.together, jobs);
  std::mutex progress_mutex;
  size_t done = 0;
  auto advance = [&](size_t finished) {
    if (!progress || finished == 0) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    done += finished;
    progress(done, checks.size());
  };
  if (progress) progress(0, checks.size());
  // Runs `work(store, worker)` on up to `jobs` workers, each with its own
  // read-only connection, kept from one phase to the next.
  std::vector<std::optional<Result<store::Store>>> stores(std::max(1u, jobs));
  auto run = [&](size_t tasks, const std::function<void(const Result<store::Store>&)>& work) {
    const size_t workers = std::max<size_t>(1, std::min<size_t>(stores.size(), tasks));
    auto one = [&](size_t w) {
      if (!stores[w]) {
        auto store =
            store::Store::open(db_path, posture::schema::builtin(), store::OpenMode::ReadOnly);
        if (store)
          if (auto st = store->use_bulk_read_mode(); !st) store = st.take_errors();
        stores[w].emplace(std::move(store));
      }
      work(*stores[w]);
    };
    if (workers == 1) return one(0);
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(one, w);
    for (auto& t : threads) t.join();
  };

  // First every check is judged; a check whose failing findings are to be
  // explained is done once they are.
  auto to_explain = [&](const Result<CheckResult>& r) {
    return r && r->per_resource() && !r->no_subjects && context.explain > 0 &&
           r->count(Verdict::Fail) + r->count(Verdict::Muted) > 0;
  };
  std::atomic<size_t> next{0};
  run(units.size(), [&](const Result<store::Store>& store) {
    for (size_t u; (u = next.fetch_add(1)) < units.size();) {
      const std::vector<size_t>& unit = units[u];
      if (!store) {
        for (size_t i : unit) slots[i].emplace(store.errors());
        advance(unit.size());
        continue;
      }
      std::vector<const Check*> group;
      for (size_t i : unit) group.push_back(checks[i]);
      auto results = Evaluator(*store, context).judge_together(group);
      size_t finished = 0;
      for (size_t k = 0; k < unit.size(); ++k) {
        finished += to_explain(results[k]) ? 0 : 1;
        slots[unit[k]].emplace(std::move(results[k]));
      }
      advance(finished);
    }
  });

  // Then the reasons: the failing subjects of each subject type in slices,
  // one slice a task, each subject read once for every check it fails.
  std::vector<CheckResult*> judged;
  for (auto& slot : slots)
    if (to_explain(*slot)) judged.push_back(&**slot);
  if (!judged.empty()) {
    if (!*stores[0]) return stores[0]->errors();
    auto groups = plan_explanations(**stores[0], context, judged, stores.size() * kSlicesPerWorker);
    if (!groups) return groups.take_errors();
    std::vector<std::pair<size_t, size_t>> tasks;  // (group, slice)
    for (size_t g = 0; g < groups->size(); ++g)
      for (size_t s = 0; s < (*groups)[g]->slices(); ++s) tasks.emplace_back(g, s);
    std::vector<std::atomic<size_t>> left(groups->size());
    for (size_t g = 0; g < groups->size(); ++g) left[g] = (*groups)[g]->slices();
    next = 0;
    run(tasks.size(), [&](const Result<store::Store>& store) {
      for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
        const size_t g = tasks[t].first;
        ExplainGroup* group = (*groups)[g].get();
        auto st = store ? explain_slice(*store, context, *group, tasks[t].second)
                        : Status(store.errors());
        if (!st) {
          std::lock_guard<std::mutex> lock(group->mutex);
          if (group->errors.empty()) group->errors = st.errors();
        }
        if (left[g].fetch_sub(1) == 1) {
          if (group->errors.empty()) finish_explanation(*group);
          advance(group->results.size());
        }
      }
    });
    for (auto& group : *groups) {
      if (group->errors.empty()) continue;
      for (auto& slot : slots)
        if (*slot && std::find(group->results.begin(), group->results.end(), &**slot) !=
                         group->results.end())
          slot.emplace(group->errors);
    }
  }
  context.subjects->clear();
  std::vector<CheckResult> results;
  results.reserve(checks.size());
  for (auto& slot : slots) {
    if (!*slot) return slot->take_errors();
    results.push_back(std::move(*slot).value());
  }
  return results;
}

}  // namespace posture::checks
