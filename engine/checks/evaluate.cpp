// Check evaluation: run the check's compiled filter once, then merge the
// returned keys with the subject list (both in key order) into verdicts.
#include "engine/checks/evaluate.hpp"

#include <algorithm>

#include "engine/exec/cursor.hpp"

namespace posture::checks {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Pass:
      return "PASS";
    case Status::Muted:
      return "MUTED";
    case Status::Error:
      return "ERROR";
    case Status::Fail:
      return "FAIL";
  }
  return "ERROR";
}

uint64_t CheckResult::count(Status s) const {
  return static_cast<uint64_t>(std::count(verdicts.begin(), verdicts.end(), s));
}

namespace {

Result<std::vector<Resource>> run_matches(const store::Store& store, int64_t scan_id,
                                          const schema::ObjectType& type,
                                          const ir::Predicate& where) {
  auto cursor = exec::Cursor::open(store.db(), sql::compile_matches(type, where), scan_id);
  if (!cursor) return cursor.take_errors();
  std::vector<Resource> out;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    out.push_back(
        {std::string(cursor->text(0)), std::string(cursor->text(1)), std::string(cursor->text(2))});
  }
  return out;
}

}  // namespace

Result<const Subjects*> Evaluator::subjects(const schema::ObjectType& type) {
  auto& slot = subjects_[type.name];
  if (!slot) {
    auto all = run_matches(store_, scan_id_, type, ir::Predicate::always(true));
    if (!all) return all.take_errors();
    slot = std::make_unique<Subjects>(Subjects{&type, std::move(all).value()});
  }
  return static_cast<const Subjects*>(slot.get());
}

posture::Status Evaluator::collection_errors_into(CheckResult& result) {
  if (!errors_) {
    auto errors = store_.collection_errors(scan_id_);
    if (!errors) return errors.take_errors();
    errors_ = std::make_unique<std::map<std::string, std::string>>();
    for (const auto& e : *errors)
      (*errors_)[e.type + '\n' + store::arm_key(e.resource)] = e.message;
  }
  const auto& resources = result.subjects->resources;
  for (size_t i = 0; i < resources.size() && !errors_->empty(); ++i) {
    auto it = errors_->find(result.subjects->type->name + '\n' + resources[i].key);
    if (it == errors_->end()) continue;
    result.verdicts[i] = Status::Error;
    result.details[i] = it->second;
  }
  return ok_status();
}

Result<CheckResult> Evaluator::evaluate(const Check& check) {
  CheckResult result;
  result.check = &check;
  const ir::RootField& root = check.query.query.roots.front();
  auto matched = run_matches(store_, scan_id_, *root.type, root.where);
  if (!matched) return matched.take_errors();
  result.matched = matched->size();
  bool per_resource = check.expect.kind == Expectation::Kind::Empty &&
                      std::find(check.subjects.begin(), check.subjects.end(), root.type->name) !=
                          check.subjects.end();
  if (!per_resource) {
    result.status = check.expect.holds(result.matched) ? Status::Pass : Status::Fail;
    result.returned = std::move(matched).value();
    return result;
  }
  auto subjects = this->subjects(*root.type);
  if (!subjects) return subjects.take_errors();
  result.subjects = *subjects;
  const auto& resources = result.subjects->resources;
  result.verdicts.assign(resources.size(), Status::Pass);
  // Both lists are in key order: one merge pass marks the failures.
  size_t i = 0;
  for (const auto& m : *matched) {
    while (i < resources.size() && resources[i].key < m.key) ++i;
    if (i < resources.size() && resources[i].key == m.key) result.verdicts[i] = Status::Fail;
  }
  if (auto st = collection_errors_into(result); !st) return st.take_errors();
  for (Status v : result.verdicts) result.status = std::max(result.status, v);
  return result;
}

}  // namespace posture::checks
