// ScanWriter on PostgreSQL: one transaction per scan. The scan's id is the
// next after the highest (under an advisory lock, so a rolled-back import
// leaves no gap, as on SQLite). Records become COPY text lines in a buffer
// per type, sent to a temporary staging table (ON COMMIT DROP) a megabyte at
// a time; a record's _rid comes from the sequence posture_rid, the same for
// every record with its ARM id, so rows keep the order of their first record
// as SQLite's rowids do. Commit moves the last record of each ARM id into the
// asset and raw tables, links parents and references with the same UPDATEs as
// the SQLite writer, records the collected types and the scan, and commits.
#include <algorithm>
#include <cstdio>

#include "base/text.hpp"
#include "store/layout.hpp"
#include "store/pg_store.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

namespace internal {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

// Appends `v` as one field of COPY's text format; false when it holds a NUL
// character (PostgreSQL text cannot).
bool copy_text(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\0':
        return false;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return true;
}

Diagnostic nul_in_text(const Record& record) {
  return Diagnostic::error("invalid-record", record.type->name + " " + record.id +
                                                 ": a text holds a NUL character, which "
                                                 "PostgreSQL cannot store");
}

// One field's value as COPY text, checked as the SQLite writer checks it
// (missing or null -> NULL; `id` is always record.id, as the key is its
// arm_key: store/layout.hpp).
Status copy_field(std::string& out, const Record& record, const schema::Field& field) {
  if (field.name == "id")
    return copy_text(out, record.id) ? ok_status() : Status(nul_in_text(record));
  const nlohmann::json* v = nullptr;
  if (record.fields.is_object()) {
    auto it = record.fields.find(field.name);
    if (it != record.fields.end()) v = &*it;
  }
  if (!v || v->is_null()) {
    out += "\\N";
    return ok_status();
  }
  std::string text;
  if (field.list) {
    if (!v->is_array()) return bad_value(record, field, *v);
    text = v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    switch (field.scalar) {
      case schema::ScalarType::ID:
      case schema::ScalarType::String:
        if (!v->is_string()) return bad_value(record, field, *v);
        if (!copy_text(out, v->get_ref<const std::string&>())) return nul_in_text(record);
        return ok_status();
      case schema::ScalarType::Int:
        if (!v->is_number_integer()) return bad_value(record, field, *v);
        text = std::to_string(v->get<int64_t>());
        break;
      case schema::ScalarType::Float: {
        if (!v->is_number()) return bad_value(record, field, *v);
        char number[32];
        std::snprintf(number, sizeof number, "%.17g", v->get<double>());
        text = number;
        break;
      }
      case schema::ScalarType::Boolean:
        if (!v->is_boolean()) return bad_value(record, field, *v);
        text = v->get<bool>() ? "1" : "0";
        break;
    }
  }
  copy_text(out, text);  // JSON text escapes NUL
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<PgWriter>> PgWriter::begin(const PgStore& store, std::string source,
                                                  std::string tenant) {
  auto w = std::make_unique<PgWriter>();
  w->store_ = &store;
  w->source_ = std::move(source);
  w->running_tenant_ = tenant;
  w->tenant_ = std::move(tenant);
  w->started_at_ = text::utc_now();
  if (auto s = store.exec("BEGIN", "starting a scan"); !s) return s.take_errors();
  w->open_ = true;  // from here the destructor rolls back
  // The lock first, then max(id) in a statement of its own: its snapshot
  // (READ COMMITTED) then sees the scan of a writer that held the lock.
  if (auto s = store.exec("SELECT pg_advisory_xact_lock(7368001)", "starting a scan"); !s)
    return s.take_errors();
  auto id = store.run("SELECT coalesce(max(id), 0) + 1 FROM _scans", {}, "starting a scan");
  if (!id) return id.take_errors();
  w->scan_id_ = std::strtoll(pq().PQgetvalue(id->get(), 0, 0), nullptr, 10);
  if (auto s = w->insert_scan_row("running", ""); !s) return s.take_errors();
  if (auto s = store.exec(
          "CREATE TEMP TABLE posture_refs (scan bigint, rel text COLLATE \"C\", owner bigint, "
          "target_key text COLLATE \"C\") ON COMMIT DROP; CREATE TEMP TABLE posture_unmodelled "
          "(scan bigint, id text, arm_type text, raw text, _ord bigint GENERATED ALWAYS AS "
          "IDENTITY) ON COMMIT DROP",
          "starting a scan");
      !s)
    return s.take_errors();
  return w;
}

PgWriter::~PgWriter() {
  rollback();
}

Status PgWriter::insert_scan_row(const std::string& status, const std::string& message) {
  PgParam ended{std::nullopt, kTextOid};
  if (status == "failed") ended = pg_text(text::utc_now());
  auto r = store_->run(
      "INSERT INTO _scans(id, source, started_at, ended_at, status, objects, message, _tenant) "
      "VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
      {pg_int(scan_id_), pg_text(source_), pg_text(started_at_), ended, pg_text(status),
       pg_text(message), pg_text(tenant_)},
      "recording the scan");
  if (!r) return r.take_errors();
  return ok_status();
}

Status PgWriter::insert_error(const CollectionError& e) {
  auto r = store_->run(
      "INSERT INTO _collection_errors(scan, resource_key, resource, type, http_status, message, "
      "child_type, _tenant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {pg_int(scan_id_), pg_text(arm_key(e.resource)), pg_text(e.resource), pg_text(e.type),
       pg_int(e.http_status), pg_text(e.message), pg_text(e.child_type), pg_text(tenant_)},
      "recording a collection error");
  if (!r) return r.take_errors();
  return ok_status();
}

Result<int64_t> PgWriter::next_rid() {
  if (rids_.empty()) {
    auto r = store_->run("SELECT nextval('posture_rid') FROM generate_series(1, 4096)", {},
                         "numbering rows");
    if (!r) return r.take_errors();
    for (int i = pq().PQntuples(r->get()) - 1; i >= 0; --i)
      rids_.push_back(std::strtoll(pq().PQgetvalue(r->get(), i, 0), nullptr, 10));
    std::sort(rids_.rbegin(), rids_.rend());
  }
  int64_t rid = rids_.back();
  rids_.pop_back();
  return rid;
}

Result<PgWriter::Staged*> PgWriter::staged(const schema::ObjectType* type) {
  if (auto it = staged_.find(type->name); it != staged_.end()) return it->second.get();
  const schema::ObjectType* own = store_->schema().type(type->name);
  if (!own)
    return store_error(store_->name(), "type " + type->name + " is not in the store's schema");
  auto s = std::make_unique<Staged>();
  s->type = own;
  s->parents = store_->schema().relationships_into(own->name);
  s->table = "posture_stage_" + std::to_string(staged_.size());
  std::string columns = std::string(kRowId) + ", " + kScan + ", " + kKey;
  for (const auto& f : own->fields) columns += ", " + quote_ident(f.column);
  for (const auto* rel : s->parents) columns += ", " + quote_ident(rel->key_column);
  if (auto st =
          store_->exec("CREATE TEMP TABLE " + s->table + " ON COMMIT DROP AS SELECT " + columns +
                           " FROM " + quote_ident(own->table) + " WITH NO DATA; ALTER TABLE " +
                           s->table + " ADD COLUMN _ord bigint, ADD COLUMN _raw text",
                       "staging " + own->name);
      !st)
    return st.take_errors();
  s->columns = columns;
  return (staged_[type->name] = std::move(s)).get();
}

Status PgWriter::flush(std::string& buffer, const std::string& target) {
  if (buffer.empty()) return ok_status();
  PGconn* c = store_->conn();
  PgResult start(pq().PQexec(c, ("COPY " + target + " FROM STDIN").c_str()));
  if (!start || pq().PQresultStatus(start.get()) != PGRES_COPY_IN)
    return store_->error("loading rows", start.get());
  bool sent = pq().PQputCopyData(c, buffer.data(), static_cast<int>(buffer.size())) == 1;
  bool ended = pq().PQputCopyEnd(c, sent ? nullptr : "not sent") == 1;
  Status status = ok_status();
  while (PGresult* r = pq().PQgetResult(c)) {
    PgResult result(r);
    if (status && pq().PQresultStatus(r) != PGRES_COMMAND_OK)
      status = store_->error("loading rows", r);
  }
  if (status && (!sent || !ended)) status = store_->error("loading rows");
  buffer.clear();
  return status;
}

Status PgWriter::flush_all() {
  for (auto& [name, s] : staged_)
    if (auto st = flush(s->buffer, s->table + " (" + s->columns + ", _ord, _raw)"); !st) return st;
  if (auto st = flush(refs_, "posture_refs (scan, rel, owner, target_key)"); !st) return st;
  return flush(unmodelled_, "posture_unmodelled (scan, id, arm_type, raw)");
}

Status PgWriter::add(const Record& record) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  auto got = staged(record.type);
  if (!got) return got.take_errors();
  if (record.id.empty())
    return Diagnostic::error("invalid-record", record.type->name + " record without an id");
  Staged& s = **got;
  std::string key = arm_key(record.id);
  // A row id per record: the records of one ARM id become one row at commit
  // (move_staged), so memory stays flat however many ids a scan holds.
  auto next = next_rid();
  if (!next) return next.take_errors();
  int64_t rid = *next;
  ++s.added;
  std::string line = std::to_string(rid) + "\t" + std::to_string(scan_id_) + "\t";
  if (!copy_text(line, key)) return nul_in_text(record);
  for (const auto& field : s.type->fields) {
    line += '\t';
    if (auto st = copy_field(line, record, field); !st) return st;
  }
  for (const auto* rel : s.parents) {
    bool mine =
        !record.parent_id.empty() &&
        (record.any_parent || (record.relationship && record.relationship->name == rel->name &&
                               record.relationship->owner == rel->owner));
    line += '\t';
    if (!mine)
      line += "\\N";
    else if (!copy_text(line, arm_key(record.parent_id)))
      return nul_in_text(record);
  }
  line += "\t" + std::to_string(++ord_) + "\t";
  if (keep_raw_ && !copy_text(line, record.raw)) return nul_in_text(record);
  s.buffer += line + "\n";
  for (const auto& ref : record.references) {
    std::string name = reference_name(*ref.first);
    refs_ += std::to_string(scan_id_) + "\t";
    copy_text(refs_, name);
    refs_ += "\t" + std::to_string(rid) + "\t";
    if (!copy_text(refs_, arm_key(ref.second))) return nul_in_text(record);
    refs_ += "\n";
  }
  if (s.buffer.size() > kFlushBytes)
    return flush(s.buffer, s.table + " (" + s.columns + ", _ord, _raw)");
  if (refs_.size() > kFlushBytes)
    return flush(refs_, "posture_refs (scan, rel, owner, target_key)");
  return ok_status();
}

Status PgWriter::add_error(const CollectionError& error) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  if (auto s = insert_error(error); !s) return s;
  errors_.push_back(error);
  return ok_status();
}

Status PgWriter::mark_collected(const schema::ObjectType& type) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  if (!store_->schema().type(type.name))
    return store_error(store_->name(), "type " + type.name + " is not in the store's schema");
  collected_.insert(type.name);
  return ok_status();
}

Status PgWriter::add_unmodelled(std::string_view id, std::string_view arm_type,
                                std::string_view raw) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  if (!keep_raw_) return ok_status();
  std::string line = std::to_string(scan_id_) + "\t";
  bool ok = copy_text(line, id);
  line += '\t';
  ok = ok && copy_text(line, arm_type);
  line += '\t';
  ok = ok && copy_text(line, raw);
  if (!ok)
    return Diagnostic::error("invalid-record", "an object of type " + std::string(arm_type) +
                                                   " holds a NUL character, which PostgreSQL "
                                                   "cannot store");
  unmodelled_ += line + "\n";
  if (unmodelled_.size() > kFlushBytes)
    return flush(unmodelled_, "posture_unmodelled (scan, id, arm_type, raw)");
  return ok_status();
}

// The rows staged so far for the target type (this scan's only rows of it).
Status PgWriter::adopt_orphans(const schema::Relationship& relationship,
                               const std::string& parent_id) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  const schema::ObjectType* target = store_->schema().type(relationship.target);
  if (!target)
    return store_error(store_->name(),
                       "relationship " + relationship.name + ": no type " + relationship.target);
  auto it = staged_.find(target->name);
  if (it == staged_.end()) return ok_status();
  Staged& s = *it->second;
  if (auto st = flush(s.buffer, s.table + " (" + s.columns + ", _ord, _raw)"); !st) return st;
  std::string key = quote_ident(relationship.key_column);
  auto r = store_->run("UPDATE " + s.table + " SET " + key + " = $1 WHERE " + key + " IS NULL",
                       {pg_text(arm_key(parent_id))}, "linking " + relationship.name);
  if (!r) return r.take_errors();
  return ok_status();
}

// Each ARM id (_key) becomes one row (and its raw JSON) with the scan's
// tenant, as on SQLite: the values of its last staged record under the row
// id of its first (row ids grow with the records' order: next_rid), and the
// references any of its records made are the row's. The unmodelled objects
// follow in their order.
Status PgWriter::move_staged() {
  std::vector<PgParam> tenant{pg_text(tenant_)};
  const std::string first_rid = "min(" + std::string(kRowId) + ") OVER w";
  for (const auto& [name, s] : staged_) {
    std::string table = quote_ident(s->type->table);
    std::string last = " FROM " + s->table +
                       " WINDOW w AS (PARTITION BY _key ORDER BY _ord DESC ROWS BETWEEN "
                       "UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY _key, _ord DESC";
    std::string values = first_rid + s->columns.substr(std::string(kRowId).size());
    std::string what = "storing the rows of " + s->type->name;
    auto rows = store_->run("INSERT INTO " + table + " (_tenant, " + s->columns +
                                ") SELECT DISTINCT ON (_key) $1, " + values + last,
                            tenant, what);
    if (!rows) return rows.take_errors();
    s->rows = std::strtoll(pq().PQcmdTuples(rows->get()), nullptr, 10);
    if (keep_raw_) {
      auto raw = store_->run("INSERT INTO " + quote_ident(raw_table(s->type->table)) +
                                 " (_tenant, _rid, _raw) SELECT DISTINCT ON (_key) $1, " +
                                 first_rid + ", _raw" + last,
                             tenant, what);
      if (!raw) return raw.take_errors();
    }
    if (s->rows == s->added) continue;  // no ARM id twice
    auto owners = store_->run(
        "UPDATE posture_refs AS r SET owner = m.first FROM (SELECT _rid, min(_rid) OVER "
        "(PARTITION BY _key) AS first FROM " +
            s->table + ") AS m WHERE r.owner = m._rid AND m._rid <> m.first",
        {}, what);
    if (!owners) return owners.take_errors();
  }
  auto unmodelled = store_->run(
      "INSERT INTO _unmodelled (_tenant, scan, id, arm_type, raw) SELECT $1, scan, id, arm_type, "
      "raw FROM posture_unmodelled ORDER BY _ord",
      tenant, "storing the unmodelled objects");
  if (!unmodelled) return unmodelled.take_errors();
  return ok_status();
}

Status PgWriter::set_tenant(std::string tenant) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  tenant_ = std::move(tenant);
  return ok_status();
}

// The scan's `running` row and collection errors, written under the tenant
// begin() named, move to the one set since (delete and insert: a row never
// changes its distribution column).
Status PgWriter::retenant() {
  if (tenant_ == running_tenant_) return ok_status();
  auto gone = store_->run("DELETE FROM _scans WHERE _tenant = $1 AND id = $2",
                          {pg_text(running_tenant_), pg_int(scan_id_)}, "recording the scan");
  if (!gone) return gone.take_errors();
  auto errors = store_->run("DELETE FROM _collection_errors WHERE _tenant = $1 AND scan = $2",
                            {pg_text(running_tenant_), pg_int(scan_id_)}, "recording the scan");
  if (!errors) return errors.take_errors();
  running_tenant_ = tenant_;
  if (auto s = insert_scan_row("running", ""); !s) return s;
  for (const auto& e : errors_)
    if (auto s = insert_error(e); !s) return s;
  return ok_status();
}

Status PgWriter::link_parents() {
  const schema::Schema& schema = store_->schema();
  for (const auto& owner : schema.types()) {
    for (const auto& rel : owner.relationships) {
      if (rel.in_owner) continue;  // linked by link_references()
      const schema::ObjectType* target = schema.type(rel.target);
      if (!target)
        return store_error(store_->name(), "relationship " + rel.name + ": no type " + rel.target);
      if (!staged_.count(target->name)) continue;  // no row of the target in this scan
      std::string child = quote_ident(target->table);
      std::string key = child + "." + quote_ident(rel.key_column);
      std::string sql = "UPDATE " + child + " SET " + quote_ident(rel.fk_column) +
                        " = (SELECT p._rid FROM " + quote_ident(owner.table) + " AS p WHERE " +
                        "p._tenant = " + child + "._tenant AND p._scan = $1 AND p._key = " + key +
                        ") WHERE " + child + "._scan = $1 AND " + key + " IS NOT NULL AND " +
                        child + "." + quote_ident(rel.fk_column) + " IS NULL";
      auto r = store_->run(sql, {pg_int(scan_id_)}, "linking " + rel.name);
      if (!r) return r.take_errors();
    }
  }
  return ok_status();
}

// As the SQLite writer: a target row without an owner takes the first owner
// (lowest rowid) whose reference names its key; with @ref(shared: true),
// each owner's row takes the target its reference names.
Status PgWriter::link_references() {
  if (auto s = store_->exec("CREATE INDEX ON posture_refs (rel, target_key, owner); ANALYZE "
                            "posture_refs",
                            "linking references");
      !s)
    return s;
  const schema::Schema& schema = store_->schema();
  for (const auto& owner : schema.types()) {
    for (const auto& rel : owner.relationships) {
      if (rel.ref_path.empty()) continue;
      const schema::ObjectType* target = schema.type(rel.target);
      if (!target)
        return store_error(store_->name(), "relationship " + rel.name + ": no type " + rel.target);
      std::string t = quote_ident(target->table);
      std::string fk = quote_ident(rel.fk_column);
      std::string sql;
      if (rel.in_owner) {
        std::string o = quote_ident(owner.table);
        sql = "UPDATE " + o + " SET " + fk + " = (SELECT c._rid FROM posture_refs AS r JOIN " + t +
              " AS c ON c._tenant = " + o +
              "._tenant AND c._scan = $1 AND c._key = r.target_key WHERE r.scan = $1 AND r.rel = "
              "$2 AND r.owner = " +
              o + "._rid ORDER BY c._rid LIMIT 1) WHERE " + o + "._scan = $1 AND " + o +
              "._rid IN (SELECT owner FROM posture_refs WHERE scan = $1 AND rel = $2)";
      } else {
        sql = "UPDATE " + t + " SET " + fk +
              " = (SELECT min(r.owner) FROM posture_refs AS r WHERE r.scan = $1 AND r.rel = $2 "
              "AND r.target_key = " +
              t + "._key) WHERE " + t + "._scan = $1 AND " + t + "." + fk + " IS NULL AND " + t +
              "._key IN (SELECT target_key FROM posture_refs WHERE scan = $1 AND rel = $2)";
      }
      auto r =
          store_->run(sql, {pg_int(scan_id_), pg_text(reference_name(rel))}, "linking " + rel.name);
      if (!r) return r.take_errors();
    }
  }
  return ok_status();
}

Status PgWriter::record_collected() {
  if (collected_.empty()) return ok_status();
  for (const auto& [name, s] : staged_) collected_.insert(s->type->name);
  std::vector<std::string> todo(collected_.begin(), collected_.end());
  while (!todo.empty()) {
    const schema::ObjectType* type = store_->schema().type(todo.back());
    todo.pop_back();
    if (!type) continue;
    for (const auto& rel : type->relationships)
      if (!rel.elements_path.empty() && collected_.insert(rel.target).second)
        todo.push_back(rel.target);
  }
  for (const auto& name : collected_) {
    auto r = store_->run(
        "INSERT INTO _scan_types(_tenant, scan, type) VALUES ($3, $1, $2) ON CONFLICT "
        "DO NOTHING",
        {pg_int(scan_id_), pg_text(name), pg_text(tenant_)},
        "recording the types the scan collected");
    if (!r) return r.take_errors();
  }
  return ok_status();
}

Result<ScanInfo> PgWriter::commit(const std::string& status, const std::string& message) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  if (status != "complete" && status != "partial")
    return Diagnostic::error("store",
                             "a scan commits as complete or partial, not `" + status + "`");
  auto fail_with = [this](Diagnostics errors) -> Result<ScanInfo> {
    rollback();
    return errors;
  };
  if (auto s = flush_all(); !s) return fail_with(s.take_errors());
  if (auto s = retenant(); !s) return fail_with(s.take_errors());
  if (auto s = move_staged(); !s) return fail_with(s.take_errors());
  if (auto s = link_parents(); !s) return fail_with(s.take_errors());
  if (auto s = link_references(); !s) return fail_with(s.take_errors());
  if (auto s = record_collected(); !s) return fail_with(s.take_errors());
  int64_t objects = 0;
  for (const auto& [name, s] : staged_) objects += s->rows;
  ScanInfo info{scan_id_, source_, started_at_, text::utc_now(), status, objects, message, tenant_};
  auto r = store_->run(
      "UPDATE _scans SET ended_at = $2, status = $3, objects = $4, message = $5 WHERE _tenant = $6 "
      "AND id = $1",
      {pg_int(scan_id_), pg_text(info.ended_at), pg_text(status), pg_int(objects), pg_text(message),
       pg_text(tenant_)},
      "recording the scan");
  if (!r) return fail_with(r.take_errors());
  if (auto s = store_->exec("COMMIT", "committing the scan"); !s) return fail_with(s.take_errors());
  open_ = false;
  analyze_written();
  staged_.clear();
  return info;
}

// The planner's statistics on the asset tables this scan wrote rows to
// (docs/postgresql.md): a check right after an import is then planned from
// the rows there are, not from guesses; autovacuum would gather them later
// on a table of this server, and never on a foreign table (a coordinator's
// partitions, scripts/pg-shards.sh), where a guess of a few rows makes the
// planner join by nested loop. Once the scan is committed, so it is no part
// of the import: a role that may not analyse a table only gets a warning
// from the server, and a failure here leaves the scan as it is.
void PgWriter::analyze_written() {
  std::string tables;
  for (const auto& [name, s] : staged_)
    if (s->rows > 0) tables += (tables.empty() ? "" : ", ") + quote_ident(s->type->table);
  if (!tables.empty()) (void)store_->exec("ANALYZE " + tables, "gathering statistics");
}

void PgWriter::rollback() {
  if (!open_) return;
  (void)store_->exec("ROLLBACK", "rolling back the scan");
  open_ = false;
  staged_.clear();
  refs_.clear();
  unmodelled_.clear();
}

Status PgWriter::fail(const std::string& message) {
  if (!open_) return Diagnostic::error("store", "the scan is no longer open");
  rollback();
  if (auto s = store_->exec("BEGIN", "recording the failed scan"); !s) return s;
  auto record = [&]() -> Status {
    if (auto s = insert_scan_row("failed", message); !s) return s;
    for (const auto& e : errors_)
      if (auto s = insert_error(e); !s) return s;
    return store_->exec("COMMIT", "recording the failed scan");
  };
  Status s = record();
  if (!s) (void)store_->exec("ROLLBACK", "recording the failed scan");
  return s;
}

}  // namespace internal

}  // namespace posture::store
