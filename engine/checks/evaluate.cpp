// Check evaluation. A per-resource check is two statements on the scan's rows
// of its subject type, read in rowid order (built by sql::subjects):
//   SELECT s._rid FROM <table> AS s WHERE <the scan's rows> [AND provider filter]
//   SELECT s._rid [, s.id] FROM ... [AND provider filter] AND (<filter over s>)
// the first (the subjects: a finding per row) read once per run and shared by
// every check on the same subjects (SubjectCache), the second the check's own:
// only the rows it selects, merged into the subjects' verdicts by rowid. Ids
// are read only for selected rows, and only when waivers may mute them.
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

// Explains the first `limit` findings of `result` that failed (FAIL and
// MUTED), `failed` holding their indexes in ascending order: only those
// subjects are read again.
Status attach_reasons(const store::Store& store, const Check& check, const schema::ObjectType& type,
                      const Subjects& all, const std::vector<uint32_t>& failed, uint64_t limit,
                      CheckResult& result) {
  std::vector<uint32_t> indexes;
  std::vector<int64_t> rids;
  for (uint32_t index : failed) {
    if (indexes.size() >= limit) break;
    Verdict v = result.verdicts[index];
    if (v != Verdict::Fail && v != Verdict::Muted) continue;
    indexes.push_back(index);
    rids.push_back(all.rids[index]);
  }
  if (indexes.empty()) return ok_status();
  const ir::Predicate& where = check.query.analysed.roots.front().where;
  const Explainer explainer(store, type, where);
  auto file = ReasonFile::create();
  if (!file) return file.take_errors();
  // A few thousand at a time, written out as they come.
  constexpr size_t kChunk = 4096;
  for (size_t begin = 0; begin < rids.size(); begin += kChunk) {
    size_t end = std::min(rids.size(), begin + kChunk);
    auto explained =
        explainer.explain(std::vector<int64_t>(rids.begin() + static_cast<std::ptrdiff_t>(begin),
                                               rids.begin() + static_cast<std::ptrdiff_t>(end)));
    if (!explained) return explained.take_errors();
    for (size_t i = begin; i < end; ++i)
      if (auto st = (*file)->append(indexes[i], explained->reasons[i - begin]); !st) return st;
  }
  if (auto st = (*file)->finish(); !st) return st;
  result.reasons = std::move(*file);
  return ok_status();
}

}  // namespace

sql::Statement subjects_statement(const Check& check, const schema::ObjectType& type, Order order,
                                  const sql::Dialect& dialect) {
  using C = sql::Column;
  return sql::subjects(type, {C::Id, C::Name}, check.providers, row_order(order), nullptr, dialect);
}

Result<std::shared_ptr<const Subjects>> SubjectCache::get(const store::Store& store,
                                                          const EvaluationContext& context,
                                                          const Check& check,
                                                          const schema::ObjectType& type) {
  // Keys are read only when some collection error is about this type.
  bool keys = std::any_of(context.errors.begin(), context.errors.end(),
                          [&](const store::CollectionError& e) { return e.type == type.name; });
  std::vector<sql::Column> columns{sql::Column::Rid};
  if (keys) columns.push_back(sql::Column::Id);
  sql::Statement st = sql::subjects(type, columns, check.providers, row_order(context.order),
                                    nullptr, sql::dialect(store.backend()));
  // The statement and its provider values name the list.
  std::string key = st.sql;
  for (const auto& p : st.params) key += '\0' + std::get<std::string>(p);
  Entry* entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[key];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::call_once(entry->once, [&] {
    auto cursor = store::Cursor::open(store, st, context.scan_id);
    if (!cursor) {
      entry->errors = cursor.take_errors();
      return;
    }
    auto subjects = std::make_shared<Subjects>();
    std::string error_key;
    while (true) {
      auto row = cursor->next();
      if (!row) {
        entry->errors = row.take_errors();
        return;
      }
      if (!*row) break;
      const auto index = static_cast<uint32_t>(subjects->rids.size());
      subjects->rids.push_back(cursor->integer(0));
      if (keys) {
        error_key.assign(type.name).append(1, '\n').append(store::arm_key(cursor->text(1)));
        if (auto it = context.error_index.find(error_key); it != context.error_index.end())
          subjects->errors.emplace_back(index, it->second);
        auto [from, to] = context.child_error_index.equal_range(error_key);
        for (auto it = from; it != to; ++it) subjects->errors.emplace_back(index, it->second);
      }
    }
    if (context.order == Order::Key) {
      subjects->by_rid.reserve(subjects->rids.size());
      for (uint32_t i = 0; i < subjects->rids.size(); ++i)
        subjects->by_rid.emplace_back(subjects->rids[i], i);
      std::sort(subjects->by_rid.begin(), subjects->by_rid.end());
    }
    entry->subjects = std::move(subjects);
  });
  if (!entry->errors.empty()) return entry->errors;
  return entry->subjects;
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
      out[i].emplace(evaluate(*checks[i]));
  }
  if (together.size() == 1) out[together.front()].emplace(evaluate(*checks[together.front()]));
  if (together.size() > 1) {
    const Check& first = *checks[together.front()];
    const schema::ObjectType& type = *subject_type(first);
    const bool ids = has_waivers(context_);
    std::vector<const ir::Predicate*> wheres;
    for (size_t i : together) wheres.push_back(&checks[i]->query.optimised.roots.front().where);
    const size_t flags = ids ? 2 : 1;  // the first flag's column
    std::vector<Selected> selected(together.size());
    posture::Status read = [&]() -> posture::Status {
      sql::Statement st = sql::subjects_judged(type, selected_columns(ids), first.providers, wheres,
                                               sql::dialect(store_.backend()));
      auto cursor = store::Cursor::open(store_, st, context_.scan_id);
      if (!cursor) return cursor.take_errors();
      while (true) {
        auto row = cursor->next();
        if (!row) return row.take_errors();
        if (!*row) break;
        for (size_t k = 0; k < together.size(); ++k) {
          if (cursor->integer(static_cast<int>(flags + k)) == 0) continue;
          selected[k].add(cursor->integer(0), *cursor, ids);
        }
      }
      return ok_status();
    }();
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
                                 const Selected& selected, CheckResult& result) const {
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
  result.verdicts.assign(all.rids.size(), Verdict::Pass);
  std::vector<std::pair<uint32_t, const std::string*>> failed;  // index, id
  failed.reserve(selected.rids.size());
  static const std::string no_id;
  size_t next = 0;  // Order::Store: both lists ascend, so one merge pass
  for (size_t s = 0; s < selected.rids.size(); ++s) {
    const int64_t rid = selected.rids[s];
    const std::string& id = selected.ids.empty() ? no_id : selected.ids[s];
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
    failed.emplace_back(index, &id);
  }
  // Both statements filter the same rows, so every selected row is a subject.
  if (failed.size() != selected.rids.size())
    return Diagnostic::error(
        "internal", "check `" + check.id + "` selected rows that are not among its subjects");
  result.matched = failed.size();

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
  if (context_.explain) {
    std::vector<uint32_t> indexes;
    indexes.reserve(failed.size());
    for (const auto& f : failed) indexes.push_back(f.first);
    std::sort(indexes.begin(), indexes.end());
    if (auto explained =
            attach_reasons(store_, check, type, all, indexes, context_.explain, result);
        !explained)
      return explained;
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
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  size_t done = 0;
  auto advance = [&](size_t finished) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    done += finished;
    progress(done, checks.size());
  };
  advance(0);
  auto work = [&] {
    auto store = store::Store::open(db_path, posture::schema::builtin(), store::OpenMode::ReadOnly);
    if (store) {
      if (auto st = store->use_bulk_read_mode(); !st) store = st.take_errors();
    }
    for (size_t u; (u = next.fetch_add(1)) < units.size();) {
      const std::vector<size_t>& unit = units[u];
      if (!store) {
        for (size_t i : unit) slots[i].emplace(store.errors());
        continue;
      }
      std::vector<const Check*> group;
      for (size_t i : unit) group.push_back(checks[i]);
      auto results = Evaluator(*store, context).evaluate_together(group);
      for (size_t k = 0; k < unit.size(); ++k) slots[unit[k]].emplace(std::move(results[k]));
      advance(unit.size());
    }
  };
  size_t workers = std::max<size_t>(1, std::min<size_t>(jobs, units.size()));
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }
  std::vector<CheckResult> results;
  results.reserve(checks.size());
  for (auto& slot : slots) {
    if (!*slot) return slot->take_errors();
    results.push_back(std::move(*slot).value());
  }
  return results;
}

}  // namespace posture::checks
