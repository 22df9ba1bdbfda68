// ScanWriter: one scan written in one transaction. Rows are upserted by
// (_scan, _key) through one cached prepared statement per object type; parents
// are recorded by key, resolved to their rowid when the parent is already
// stored, and otherwise by one UPDATE per relationship at commit. Past
// defer_after_rows rows, tables that were empty have no (_scan, _key) index
// until commit (DeferredIndex): their rows are appended as they come, and
// commit merges the rows of a key written twice before it builds the index. References
// by id (@ref) go to a temporary table (owner rowid, target key) as owners
// are written, and commit links each such relationship in two ordered passes
// (link_references), so memory does not grow with the scan. A rollback (explicit, or by
// destroying an uncommitted writer) leaves the store file as it was before begin().
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "store/pg_store.hpp"
#include "store/store.hpp"
#include "store/store_internal.hpp"
#include "store/writeback.hpp"

namespace posture::store {

using internal::exec;
using internal::prepare;
using internal::quote_ident;
using internal::sqlite_error;
using internal::step;
using internal::store_error;

namespace {

// The page cache while the writer builds an index by sorting
// (create_indexes): 8 MiB, the least run SQLite's sorter takes at 32 KiB
// pages (250 pages).
constexpr int kSortCacheSize = -8192;

// The keys and rowids of the last rows a scan wrote of one type. A child
// usually comes right after its parent (a subscription's line, then its
// contacts'), so its parent's rowid is found here without an index seek.
class RecentRows {
 public:
  void add(std::string_view key, int64_t rid) {
    Entry& e = entries_[next_++ % entries_.size()];
    e.hash = std::hash<std::string_view>{}(key);
    e.key.assign(key);
    e.rid = rid;
  }
  // The rowid of the row `key` names, if it is among the last ones; 0 if not.
  int64_t find(std::string_view key) const {
    size_t hash = std::hash<std::string_view>{}(key);
    for (const Entry& e : entries_)
      if (e.rid && e.hash == hash && e.key == key) return e.rid;
    return 0;
  }

 private:
  struct Entry {
    size_t hash = 0;
    std::string key;
    int64_t rid = 0;
  };
  std::array<Entry, 16> entries_{};
  size_t next_ = 0;
};

// A table that was empty when the scan began, written past defer_after_rows
// rows of such tables: its (_scan, _key) index is dropped in the scan's
// transaction and built again, by one sort, at commit, once the rows of a
// key written twice are one (ScanWriter::Impl::merge_duplicates). Random
// B-tree inserts into indexes larger than the page cache were most of a large
// import (docs/performance.md, "Import against SQLite's own load", "Keys
// indexed at commit only"). A rollback puts the index back with the rest.
struct DeferredIndex {
  const schema::ObjectType* type = nullptr;  // the store's
  std::string create_sql;                    // the index's (internal::key_index)
};

// The columns an upsert of `type` writes after _scan and _key: each field's,
// then the key and fk columns of each relationship into it.
std::vector<std::string> row_columns(const schema::Schema& schema, const schema::ObjectType& type) {
  std::vector<std::string> columns;
  for (const auto& f : type.fields) columns.push_back(f.column);
  for (const auto* rel : schema.relationships_into(type.name)) {
    columns.push_back(rel->key_column);
    columns.push_back(rel->fk_column);
  }
  return columns;
}

// The upsert of one object type. Parameters: ?1 _scan, ?2 _key (unused when
// the table generates it), then one per
// field in schema order, then the key and fk columns of each parent; it
// returns the row's _rid, under which `raw` stores the original JSON.
// `lookups[i]` finds the rowid of parents[i]'s row in this scan, so a child
// added after its parent is linked at once (commit links the others).
struct InsertPlan {
  const schema::ObjectType* type = nullptr;
  std::vector<const schema::Relationship*> parents;
  std::vector<Cursor> lookups;
  // The recent rows of each parent's type, and of this type (set by
  // ScanWriter::Impl::plan_for).
  std::vector<const RecentRows*> parent_rows;
  RecentRows* rows = nullptr;
  // The parameter of the type's `id` field (0: none), always the record's
  // id; the other fields' come from the record's EncodedRow.
  int id_param = 0;
  // unlinked[i]: a row named a parent through parents[i] that was not stored
  // yet, so commit must link it.
  std::vector<bool> unlinked;
  // The table of each parent's type: one in ScanWriter::Impl::deferred has
  // no index to look a parent up by until commit.
  std::vector<std::string> parent_tables;
  Cursor insert;  // plain INSERT: a new key, the rowid from sqlite3_last_insert_rowid
  // The upsert, for a key this scan already holds, prepared when first
  // needed (it names the (_scan, _key) index, which a deferred one lacks).
  Cursor stmt;
  bool stmt_prepared = false;
  std::string upsert_sql;
  bool deferred = false;   // the table has no (_scan, _key) index until commit
  bool was_empty = false;  // the table held no rows when the scan began
  Cursor raw;
};

Result<std::unique_ptr<InsertPlan>> make_plan(const Store& store, const schema::ObjectType& type) {
  auto plan = std::make_unique<InsertPlan>();
  plan->type = &type;
  plan->parents = store.schema().relationships_into(type.name);
  std::vector<std::string> columns{kScan, kKey};
  for (auto& column : row_columns(store.schema(), type)) columns.push_back(std::move(column));
  for (const auto* rel : plan->parents) {
    const schema::ObjectType* owner = store.schema().type(rel->owner);
    if (!owner)
      return store_error(store.path(), "relationship " + rel->name + ": no type " + rel->owner);
    plan->parent_tables.push_back(owner->table);
    auto lookup = prepare(
        internal::connection(store), store.path(),
        "SELECT _rid FROM " + quote_ident(owner->table) + " WHERE _scan = ?1 AND _key = ?2", true);
    if (!lookup) return lookup.take_errors();
    plan->lookups.push_back(std::move(*lookup));
  }
  plan->unlinked.assign(plan->parents.size(), false);
  for (size_t i = 0; i < type.fields.size(); ++i)
    if (type.fields[i].name == "id") plan->id_param = static_cast<int>(i) + 3;
  // A generated key is not written: ?2 stays bound, unused, so the numbering
  // is the same either way.
  const bool key_generated = key_field(type) != nullptr;
  std::string names, params, updates;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i == 1 && key_generated) continue;
    std::string q = quote_ident(columns[i]);
    names += (i ? ", " : "") + q;
    params += (i ? ", ?" : "?") + std::to_string(i + 1);
    if (i >= 2) updates += (i > 2 ? ", " : "") + q + " = excluded." + q;
  }
  std::string insert =
      "INSERT INTO " + quote_ident(type.table) + " (" + names + ") VALUES (" + params + ")";
  auto plain = prepare(internal::connection(store), store.path(), insert, /*persistent=*/true);
  if (!plain) return plain.take_errors();
  plan->insert = std::move(*plain);
  plan->upsert_sql = insert + " ON CONFLICT(" + kScan + ", " + kKey + ") DO UPDATE SET " + updates +
                     " RETURNING " + kRowId;
  auto raw = prepare(internal::connection(store), store.path(),
                     "INSERT INTO " + quote_ident(raw_table(type.table)) + " (" + kRowId + ", " +
                         kRaw + ") VALUES (?1, ?2) ON CONFLICT(" + kRowId + ") DO UPDATE SET " +
                         kRaw + " = excluded." + kRaw,
                     /*persistent=*/true);
  if (!raw) return raw.take_errors();
  plan->raw = std::move(*raw);
  return plan;
}

}  // namespace

constexpr const char* kInsertError =
    "INSERT INTO _collection_errors(scan, resource_key, resource, type, http_status, message, "
    "child_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

struct ScanWriter::Impl {
  Store* store = nullptr;
  std::string source;
  std::string started_at;
  std::string tenant;  // the scan's, written to its _scans row
  int64_t scan_id = 0;
  bool open = false;
  bool keep_raw = true;  // keep_original_json
  // Keyed by the record's type pointer (which may belong to another Schema
  // object than the store's; plans always use the store's own types).
  std::unordered_map<const schema::ObjectType*, std::unique_ptr<InsertPlan>> plans;
  // By table: the last rows written of each type (a map's values stay
  // where they are, so plans keep pointers to them).
  std::map<std::string, RecentRows> recent;
  RowEncoder encoder;  // for add() without an EncodedRow
  EncodedRow row;
  Cursor error_stmt;
  Cursor ref_stmt;                      // INSERT INTO temp.posture_refs
  Cursor unmodelled_stmt;               // INSERT INTO _unmodelled
  std::vector<CollectionError> errors;  // re-recorded by fail()
  // The store's types marked collected (mark_collected); empty: no record.
  std::set<std::string> collected;
  // Relationships (owner, name) adopt_orphans gave parent keys to.
  std::set<std::pair<std::string, std::string>> adopted;
  // Tables whose (_scan, _key) index is built at commit, by name.
  std::map<std::string, DeferredIndex> deferred;
  // By table, whether it held no rows when the scan first wrote into it (and
  // so may have its index built at commit).
  std::map<std::string, bool> was_empty;
  // Rows written into such tables while their indexes were kept; past
  // defer_after_rows (defer_key_index) every one of them is deferred.
  int64_t new_rows = 0;
  int64_t defer_after_rows = 200000;
  internal::Writeback writeback{""};  // the store file's, set by begin()

  const std::string& path() const { return store->path(); }
  sqlite3* db() const { return internal::connection(*store); }
  Result<InsertPlan*> plan_for(const schema::ObjectType* type);
  bool deferring() const { return new_rows >= defer_after_rows; }
  Status defer_index(const schema::ObjectType& type);
  Status count_new_row(InsertPlan& p);
  Status build_indexes();
  Status merge_duplicates(const DeferredIndex& d);
  Status run(const std::string& sql, std::string_view reference, const std::string& what);
  Status create_indexes(const std::vector<std::string>& sqls,
                        const std::function<Status(size_t)>& on_duplicate = nullptr);
  Status store_row(InsertPlan& p, const Record& record, const EncodedRow& encoded, int64_t& rid);
  bool unlinked(const schema::ObjectType& owner, const schema::Relationship& rel) const;
  Status link_parents();
  Status link_references();
  Result<int64_t> count_objects();
  Status insert_scan_row(const std::string& status, const std::string& message, bool with_id);
  Status record_collected();
  Status insert_error(Cursor& s, const CollectionError& e);
};

// With a record started: the types written, and the @elements types of every
// collected type, join the marked ones; all go to _scan_types.
Status ScanWriter::Impl::record_collected() {
  if (collected.empty()) return ok_status();
  for (const auto& [type, plan] : plans) collected.insert(plan->type->name);
  std::vector<std::string> todo(collected.begin(), collected.end());
  while (!todo.empty()) {
    const schema::ObjectType* type = store->schema().type(todo.back());
    todo.pop_back();
    if (!type) continue;
    for (const auto& rel : type->relationships)
      if (!rel.elements_path.empty() && collected.insert(rel.target).second)
        todo.push_back(rel.target);
  }
  auto stmt =
      prepare(db(), path(), "INSERT OR IGNORE INTO _scan_types(scan, type) VALUES (?1, ?2)");
  if (!stmt) return stmt.take_errors();
  for (const auto& name : collected) {
    stmt->reset();
    stmt->bind(1, scan_id);
    stmt->bind(2, std::string_view(name));
    if (step(*stmt) != SQLITE_DONE)
      return sqlite_error(path(), db(), "recording the types the scan collected");
  }
  return ok_status();
}

// Binds and runs the INSERT INTO _collection_errors `s` for `e`.
Status ScanWriter::Impl::insert_error(Cursor& s, const CollectionError& e) {
  s.reset();
  s.bind(1, scan_id);
  s.bind(2, std::string_view(arm_key(e.resource)));
  s.bind(3, std::string_view(e.resource));
  s.bind(4, std::string_view(e.type));
  s.bind(5, static_cast<int64_t>(e.http_status));
  s.bind(6, std::string_view(e.message));
  s.bind(7, std::string_view(e.child_type));
  int rc = step(s);
  s.reset();
  if (rc != SQLITE_DONE) return sqlite_error(path(), db(), "recording a collection error");
  return ok_status();
}

Result<InsertPlan*> ScanWriter::Impl::plan_for(const schema::ObjectType* type) {
  if (!type) return Diagnostic::error("invalid-record", "record without a type");
  auto it = plans.find(type);
  if (it != plans.end()) return it->second.get();
  const schema::ObjectType* own = store->schema().type(type->name);
  if (!own) return store_error(path(), "type " + type->name + " is not in the store's schema");
  if (!was_empty.count(own->table)) {
    auto any = prepare(db(), path(), "SELECT 1 FROM " + quote_ident(own->table) + " LIMIT 1");
    if (!any) return any.take_errors();
    int rc = step(*any);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return sqlite_error(path(), db(), "reading " + own->table);
    was_empty[own->table] = rc == SQLITE_DONE;
  }
  auto plan = make_plan(*store, *own);
  if (!plan) return plan.take_errors();
  (*plan)->deferred = deferred.count(own->table) > 0;
  (*plan)->was_empty = was_empty[own->table];
  (*plan)->rows = &recent[own->table];
  for (const auto* rel : (*plan)->parents)
    (*plan)->parent_rows.push_back(&recent[store->schema().type(rel->owner)->table]);
  InsertPlan* held = (plans[type] = std::move(*plan)).get();
  // Past the threshold, a table that was empty is deferred before its first row.
  if (held->was_empty && !held->deferred && deferring())
    if (auto s = defer_index(*own); !s) return s.take_errors();
  return held;
}

// A new row in a table that was empty when the scan began, written through
// its index: past defer_after_rows of them, every such table's index is
// dropped until commit (below it, the indexes fit the page cache and are
// cheaper kept up to date as rows come).
Status ScanWriter::Impl::count_new_row(InsertPlan& p) {
  if (!p.was_empty || p.deferred) return ok_status();
  if (!deferring() && ++new_rows < defer_after_rows) return ok_status();
  for (const auto& [type, plan] : plans)
    if (plan->was_empty)
      if (auto s = defer_index(*plan->type); !s) return s;
  return ok_status();
}

// Drops `type`'s (_scan, _key) index until build_indexes.
Status ScanWriter::Impl::defer_index(const schema::ObjectType& type) {
  if (deferred.count(type.table)) return ok_status();
  auto [name, create_sql] = internal::key_index(type.table);
  if (auto s = exec(db(), path(), "DROP INDEX IF EXISTS " + quote_ident(name)); !s) return s;
  deferred[type.table] = DeferredIndex{&type, std::move(create_sql)};
  for (auto& [t, plan] : plans)
    if (plan->type->table == type.table) plan->deferred = true;
  return ok_status();
}

// At commit: every deferred index, once the rows of each key written twice
// are one. Building it is what finds such keys: the unique index refuses
// them, which in a scan without any costs nothing more than the build.
Status ScanWriter::Impl::build_indexes() {
  std::vector<std::string> sqls;
  std::vector<const DeferredIndex*> indexes;
  for (const auto& [table, d] : deferred) {
    sqls.push_back(d.create_sql);
    indexes.push_back(&d);
  }
  auto s = create_indexes(sqls, [&](size_t i) { return merge_duplicates(*indexes[i]); });
  if (!s) return s;
  for (auto& [type, plan] : plans) plan->deferred = false;
  deferred.clear();
  return ok_status();
}

// The rows of `d`'s table that share a key, as the upsert of a table with
// its index would have left them: the first row (lowest rowid) takes the
// fields, parents and original JSON of the last, the children and
// references of the others, which are deleted.
Status ScanWriter::Impl::merge_duplicates(const DeferredIndex& d) {
  const schema::Schema& schema = store->schema();
  const std::string t = quote_ident(d.type->table);
  const std::string raw = quote_ident(raw_table(d.type->table));
  // Each row of a key written twice: the first and the last row of its key.
  // Each statement with the @ref relationship it binds to ?2, if any.
  std::vector<std::pair<std::string, std::string>> steps{
      {"CREATE INDEX posture_merge ON " + t + "(_scan, _key)", ""},
      {"CREATE TEMP TABLE posture_dups(other INTEGER PRIMARY KEY, first INTEGER, last INTEGER)",
       ""},
      {"INSERT INTO temp.posture_dups SELECT r._rid, g.first, g.last FROM (SELECT _key AS k, "
       "min(_rid) AS first, max(_rid) AS last FROM " +
           t + " WHERE _scan = ?1 GROUP BY _key HAVING count(*) > 1) AS g JOIN " + t +
           " AS r ON r._scan = ?1 AND r._key = g.k",
       ""}};
  std::string columns, values;
  for (const auto& column : row_columns(schema, *d.type)) {
    columns += (columns.empty() ? "" : ", ") + quote_ident(column);
    values += (values.empty() ? "l." : ", l.") + quote_ident(column);
  }
  if (!columns.empty())
    steps.push_back({"UPDATE " + t + " SET (" + columns + ") = (SELECT " + values + " FROM " + t +
                         " AS l WHERE l._rid = d.last) FROM temp.posture_dups AS d WHERE " + t +
                         "._rid = d.other AND d.other = d.first",
                     ""});
  steps.push_back({"INSERT INTO " + raw + "(_rid, " + kRaw + ") SELECT d.first, l." + kRaw +
                       " FROM temp.posture_dups AS d JOIN " + raw +
                       " AS l ON l._rid = d.last WHERE d.other = d.first ON CONFLICT(_rid) DO "
                       "UPDATE SET " +
                       kRaw + " = excluded." + kRaw,
                   ""});
  const std::string others = "(SELECT other FROM temp.posture_dups WHERE other <> first)";
  for (const auto& rel : d.type->relationships) {
    // The scan's references whose owner is a row here.
    if (!rel.ref_path.empty())
      steps.push_back(
          {"UPDATE temp.posture_refs SET owner = (SELECT first FROM temp.posture_dups WHERE "
           "other = owner) WHERE scan = ?1 AND rel = ?2 AND owner IN " +
               others,
           reference_name(rel)});
    if (rel.in_owner) continue;
    const schema::ObjectType* child = schema.type(rel.target);
    if (!child) return store_error(path(), "relationship " + rel.name + ": no type " + rel.target);
    const std::string c = quote_ident(child->table), fk = quote_ident(rel.fk_column);
    steps.push_back({"UPDATE " + c + " SET " + fk +
                         " = (SELECT first FROM temp.posture_dups WHERE other = " + c + "." + fk +
                         ") WHERE _scan = ?1 AND " + fk + " IN " + others,
                     ""});
  }
  steps.push_back({"DELETE FROM " + raw + " WHERE _rid IN " + others, ""});
  steps.push_back({"DELETE FROM " + t + " WHERE _rid IN " + others, ""});
  steps.push_back({"DROP TABLE temp.posture_dups", ""});
  steps.push_back({"DROP INDEX posture_merge", ""});
  for (const auto& [sql, reference] : steps)
    if (auto s = run(sql, reference, "merging the rows of " + d.type->table + " written twice"); !s)
      return s;
  return ok_status();
}

// Runs `sql` once with ?1 the scan and ?2 `reference` (a statement may use
// neither); `what` names it in an error.
Status ScanWriter::Impl::run(const std::string& sql, std::string_view reference,
                             const std::string& what) {
  auto stmt = prepare(db(), path(), sql);
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  stmt->bind(2, reference);
  if (step(*stmt) != SQLITE_DONE) return sqlite_error(path(), db(), what);
  return ok_status();
}

// Runs the CREATE INDEX statements `sqls` (the deferred key indexes, the
// references' temporary ones) with a small page cache, then the writer's
// own again. A unique index refused for a duplicate, sqls[i], is built again
// once `on_duplicate(i)` has mended its rows. SQLite's sorter sorts runs as
// large as the page cache in memory before it merges them: runs of 64 MiB
// outgrow the CPU's caches, and at 1M the two key indexes took 5.0-6.1 s to
// build against 3.7-4.2 s with runs of 8 MiB (its least at 32 KiB pages); at
// 10M the references' sort raised the import's peak RSS by 70 MB
// (docs/performance.md, "The index build's sort runs"). The writer's cache
// comes back whether the builds succeed or fail: a scan rolled back after a
// failed commit leaves the connection as the next scan expects it.
Status ScanWriter::Impl::create_indexes(const std::vector<std::string>& sqls,
                                        const std::function<Status(size_t)>& on_duplicate) {
  if (sqls.empty()) return ok_status();
  if (auto s = exec(db(), path(), internal::cache_size_pragma(kSortCacheSize)); !s) return s;
  auto build = [&]() -> Status {
    for (size_t i = 0; i < sqls.size(); ++i) {
      Status built = exec(db(), path(), sqls[i]);
      if (!built && on_duplicate && sqlite3_extended_errcode(db()) == SQLITE_CONSTRAINT_UNIQUE) {
        if (auto s = on_duplicate(i); !s) return s;
        built = exec(db(), path(), sqls[i]);
      }
      if (!built) return built;
      writeback.start();
    }
    return ok_status();
  };
  Status built = build();
  Status restored = exec(db(), path(), internal::cache_size_pragma(internal::kWriterCacheSize));
  if (!built) return built;
  return restored;
}

// Whether a row of this scan may name its parent through `rel` without being
// linked to it: its parent was written after it, or adopt_orphans named it.
bool ScanWriter::Impl::unlinked(const schema::ObjectType& owner,
                                const schema::Relationship& rel) const {
  if (adopted.count({owner.name, rel.name})) return true;
  for (const auto& [type, plan] : plans)
    for (size_t i = 0; i < plan->parents.size(); ++i)
      if (plan->unlinked[i] && plan->parents[i]->owner == owner.name &&
          plan->parents[i]->name == rel.name)
        return true;
  return false;
}

Status ScanWriter::Impl::link_parents() {
  for (const auto& owner : store->schema().types()) {
    for (const auto& rel : owner.relationships) {
      if (rel.in_owner) continue;  // linked by link_references()
      // Every row written after its parent is linked already: no UPDATE
      // (which would read all of the scan's rows of the type).
      if (!unlinked(owner, rel)) continue;
      const schema::ObjectType* target = store->schema().type(rel.target);
      if (!target)
        return store_error(path(), "relationship " + rel.name + ": no type " + rel.target);
      std::string child = quote_ident(target->table);
      std::string key = child + "." + quote_ident(rel.key_column);
      // Each row whose parent is in the scan takes its rowid and drops the key,
      // as a row linked when written; a row without one keeps its key.
      std::string sql = "UPDATE " + child + " SET " + quote_ident(rel.fk_column) + " = p._rid, " +
                        quote_ident(rel.key_column) + " = NULL FROM " + quote_ident(owner.table) +
                        " AS p WHERE p._scan = ?1 AND p._key = " + key + " AND " + child +
                        "._scan = ?1 AND " + child + "." + quote_ident(rel.fk_column) + " IS NULL";
      if (auto s = run(sql, "", "linking " + rel.name); !s) return s;
    }
  }
  return ok_status();
}

// Each @ref relationship: a target row without an owner takes the first
// owner (lowest rowid) whose reference names its key; with @ref(shared:
// true), each owner's row takes the target its reference names (the lowest
// rowid with the key).
//
// Each relationship in two passes, neither of which seeks at random in a
// large B-tree: the references in key order, each target found through its
// key index in that same order, give temp.posture_links (the rowid of the
// row that takes the link, and the link); then the rows that take links are
// updated in rowid order. The 10M import spent 16-20 s here when each target
// row looked its owner up in the references' index (docs/performance.md,
// "Keys indexed at commit only").
Status ScanWriter::Impl::link_references() {
  // Indexed once, by sorting, now that every reference is in: an index kept
  // during the writes took a random B-tree insert per reference. Each index
  // holds every column its statements read.
  if (auto s = create_indexes(
          {"CREATE INDEX IF NOT EXISTS temp.posture_refs_key ON posture_refs(scan, rel, "
           "target_key, owner)"});
      !s)
    return s;
  if (auto s = exec(db(), path(),
                    "CREATE TEMP TABLE IF NOT EXISTS posture_links(rid INTEGER PRIMARY KEY, link "
                    "INTEGER)");
      !s)
    return s;
  for (const auto& owner : store->schema().types()) {
    for (const auto& rel : owner.relationships) {
      if (rel.ref_path.empty()) continue;
      const schema::ObjectType* target = store->schema().type(rel.target);
      if (!target)
        return store_error(path(), "relationship " + rel.name + ": no type " + rel.target);
      // The row that holds the link: the owner's with shared: true, else the target's.
      const std::string holder = quote_ident(rel.in_owner ? owner.table : target->table);
      const std::string fk = quote_ident(rel.fk_column);
      const std::string pair = rel.in_owner ? "r.owner, c._rid" : "c._rid, r.owner";
      const std::string sqls[] = {
          "INSERT INTO temp.posture_links(rid, link) SELECT " + pair +
              " FROM temp.posture_refs AS r INDEXED BY posture_refs_key CROSS JOIN " +
              quote_ident(target->table) +
              " AS c ON c._scan = ?1 AND c._key = r.target_key WHERE r.scan = ?1 AND r.rel = ?2 "
              "ON CONFLICT(rid) DO UPDATE SET link = min(link, excluded.link)",
          "UPDATE " + holder + " SET " + fk + " = l.link FROM temp.posture_links AS l WHERE " +
              holder + "._rid = l.rid AND " + holder + "._scan = ?1 AND " + holder + "." + fk +
              " IS NULL",
          "DELETE FROM temp.posture_links"};
      const std::string name = reference_name(rel);
      for (const auto& sql : sqls)
        if (auto s = run(sql, name, "linking " + rel.name); !s) return s;
    }
  }
  return exec(db(), path(), "DROP INDEX temp.posture_refs_key; DELETE FROM temp.posture_refs");
}

Result<int64_t> ScanWriter::Impl::count_objects() {
  int64_t total = 0;
  for (const auto& type : store->schema().types()) {
    auto stmt = prepare(db(), path(),
                        "SELECT count(*) FROM " + quote_ident(type.table) + " WHERE _scan = ?1");
    if (!stmt) return stmt.take_errors();
    stmt->bind(1, scan_id);
    if (step(*stmt) != SQLITE_ROW) return sqlite_error(path(), db(), "counting " + type.table);
    total += stmt->integer(0);
  }
  return total;
}

Status ScanWriter::Impl::insert_scan_row(const std::string& status, const std::string& message,
                                         bool with_id) {
  auto stmt = prepare(db(), path(),
                      "INSERT INTO _scans(id, source, started_at, ended_at, status, "
                      "objects, message, _tenant) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)");
  if (!stmt) return stmt.take_errors();
  if (with_id) stmt->bind(1, scan_id);
  stmt->bind(2, std::string_view(source));
  stmt->bind(3, std::string_view(started_at));
  if (status == "failed") stmt->bind(4, std::string_view(text::utc_now()));
  stmt->bind(5, std::string_view(status));
  stmt->bind(6, std::string_view(message));
  stmt->bind(7, std::string_view(tenant));
  if (step(*stmt) != SQLITE_DONE) return sqlite_error(path(), db(), "recording the scan");
  scan_id = sqlite3_last_insert_rowid(db());
  return ok_status();
}

Result<ScanWriter> ScanWriter::begin(Store& store, std::string source, std::string tenant) {
  if (const internal::PgStore* pg = internal::StoreAccess::pg(store)) {
    auto writer = internal::PgWriter::begin(*pg, std::move(source), std::move(tenant));
    if (!writer) return writer.take_errors();
    return ScanWriter(std::move(*writer));
  }
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  impl->source = std::move(source);
  impl->tenant = std::move(tenant);
  impl->started_at = text::utc_now();
  impl->writeback = internal::Writeback(store.path());
  if (auto s = exec(internal::connection(store), store.path(), "BEGIN IMMEDIATE"); !s)
    return s.take_errors();
  impl->open = true;  // from here the destructor rolls back
  sqlite3* db = internal::connection(store);
  auto abandon = [&](Diagnostics errors) -> Result<ScanWriter> {
    (void)exec(db, store.path(), "ROLLBACK");
    return errors;
  };
  if (auto s = impl->insert_scan_row("running", "", false); !s) return abandon(s.take_errors());
  auto stmt = prepare(db, store.path(), kInsertError, true);
  if (!stmt) return abandon(stmt.take_errors());
  impl->error_stmt = std::move(*stmt);
  auto unmodelled =
      prepare(db, store.path(),
              "INSERT INTO _unmodelled(scan, id, arm_type, raw) VALUES (?1, ?2, ?3, ?4)", true);
  if (!unmodelled) return abandon(unmodelled.take_errors());
  impl->unmodelled_stmt = std::move(*unmodelled);
  // The references of this scan's owners (@ref), until commit links them:
  // appended in rowid order, unindexed until then (link_references), in the
  // connection's temporary database, which writers keep in a file
  // (store.cpp, set_pragmas), so memory stays flat however many there are.
  if (auto s = exec(db, store.path(),
                    "CREATE TEMP TABLE IF NOT EXISTS posture_refs(scan INTEGER, rel TEXT, owner "
                    "INTEGER, target_key TEXT)");
      !s)
    return abandon(s.take_errors());
  auto refs = prepare(db, store.path(),
                      "INSERT INTO temp.posture_refs(scan, rel, owner, target_key) VALUES (?1, "
                      "?2, ?3, ?4)",
                      true);
  if (!refs) return abandon(refs.take_errors());
  impl->ref_stmt = std::move(*refs);
  return ScanWriter(std::move(impl));
}

ScanWriter::ScanWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  scan_id_ = impl_->scan_id;
}

ScanWriter::ScanWriter(std::unique_ptr<internal::PgWriter> pg) : pg_(std::move(pg)) {
  scan_id_ = pg_->scan_id();
}

ScanWriter::ScanWriter(ScanWriter&& other) noexcept
    : impl_(std::move(other.impl_)), scan_id_(other.scan_id_), pg_(std::move(other.pg_)) {}

ScanWriter::~ScanWriter() {
  rollback();
}

namespace {

// Binds `record`'s row, encoded as `row`, to `s` (`p.insert` or `p.stmt`:
// the same parameters), looking up the rowids of parents this scan already
// holds.
void bind_row(Cursor& s, InsertPlan& p, int64_t scan_id, const Record& record,
              const EncodedRow& row, const std::map<std::string, DeferredIndex>& deferred) {
  s.reset();
  s.bind(1, scan_id);
  s.bind_static(2, std::string_view(row.key));
  for (const EncodedRow::Param& param : row.params) {
    switch (param.kind) {
      case EncodedRow::Kind::Integer:
        s.bind(param.index, param.integer);
        break;
      case EncodedRow::Kind::Real:
        s.bind(param.index, param.real);
        break;
      case EncodedRow::Kind::Text:
        s.bind_static(param.index, param.text);
        break;
      case EncodedRow::Kind::List:
        s.bind_static(param.index, std::string_view(row.lists).substr(param.offset, param.length));
        break;
    }
  }
  // `id` is always the record's id: the key is generated from it
  // (ddl.cpp, generated_key).
  if (p.id_param) s.bind_static(p.id_param, std::string_view(record.id));
  int index = 3 + static_cast<int>(p.type->fields.size());
  for (size_t i = 0; i < p.parents.size(); ++i, index += 2) {
    const schema::Relationship* rel = p.parents[i];
    bool mine =
        !record.parent_id.empty() &&
        (record.any_parent || (record.relationship && record.relationship->name == rel->name &&
                               record.relationship->owner == rel->owner));
    if (!mine) continue;
    const std::string& parent_key = row.parent_key;
    // A linked row keeps the parent's rowid only; the key stays for commit
    // to link a row whose parent comes later (docs/data-model.md).
    if (int64_t rid = p.parent_rows[i]->find(parent_key)) {
      s.bind(index + 1, rid);
      continue;
    }
    // A parent's table without its index until commit: commit links it.
    int64_t rid = 0;
    if (!deferred.count(p.parent_tables[i])) {
      Cursor& lookup = p.lookups[i];
      lookup.reset();
      lookup.bind(1, scan_id);
      lookup.bind(2, std::string_view(parent_key));
      if (step(lookup) == SQLITE_ROW) rid = lookup.integer(0);
      lookup.reset();
    }
    if (rid) {
      s.bind(index + 1, rid);
    } else {
      s.bind_static(index, std::string_view(parent_key));
      p.unlinked[i] = true;
    }
  }
}

}  // namespace

// Writes `record`'s row, new to the scan or replacing the one its key
// holds; `rid` is the row's rowid.
Status ScanWriter::Impl::store_row(InsertPlan& p, const Record& record, const EncodedRow& encoded,
                                   int64_t& rid) {
  auto failed = [&] {
    return sqlite_error(path(), db(), "storing " + record.type->name + " " + record.id);
  };
  if (p.deferred) {
    // No index to find the key by: the row is appended, and commit merges
    // it with an earlier row of its key (merge_duplicates).
    bind_row(p.insert, p, scan_id, record, encoded, deferred);
    int rc = step(p.insert);
    p.insert.reset();
    if (rc != SQLITE_DONE) return failed();
    rid = sqlite3_last_insert_rowid(db());
    return ok_status();
  }
  // Most keys are new to the scan: a plain INSERT, cheaper than the upsert
  // with RETURNING; a key seen before fails its unique index and is upserted.
  bind_row(p.insert, p, scan_id, record, encoded, deferred);
  int rc = step(p.insert);
  rid = rc == SQLITE_DONE ? sqlite3_last_insert_rowid(db()) : 0;
  bool duplicate = rc != SQLITE_DONE && sqlite3_extended_errcode(db()) == SQLITE_CONSTRAINT_UNIQUE;
  p.insert.reset();
  if (duplicate) {
    if (!p.stmt_prepared) {
      auto stmt = prepare(db(), path(), p.upsert_sql, /*persistent=*/true);
      if (!stmt) return stmt.take_errors();
      p.stmt = std::move(*stmt);
      p.stmt_prepared = true;
    }
    Cursor& s = p.stmt;
    bind_row(s, p, scan_id, record, encoded, deferred);
    rc = step(s);
    rid = rc == SQLITE_ROW ? s.integer(0) : 0;
    if (rc == SQLITE_ROW) rc = step(s);
    s.reset();
  }
  if (rc != SQLITE_DONE) return failed();
  return duplicate ? ok_status() : count_new_row(p);
}

Status ScanWriter::add(const Record& record) {
  if (pg_) return pg_->add(record);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  impl_->row.type = nullptr;  // encoded by add(record, row) for its plan
  return add(record, impl_->row);
}

Status ScanWriter::add(const Record& record, const EncodedRow& row) {
  if (pg_) return pg_->add(record);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  auto plan = impl_->plan_for(record.type);
  if (!plan) return plan.take_errors();
  InsertPlan& p = **plan;
  // Not encoded yet, or for another object of the type (another Schema's,
  // whose parameters may differ): encoded here for the plan's.
  const EncodedRow* encoded = &row;
  if (row.type != p.type) {
    impl_->encoder.encode(record, impl_->row, p.type);
    encoded = &impl_->row;
  }
  if (record.id.empty())
    return Diagnostic::error("invalid-record", record.type->name + " record without an id");
  if (encoded->error) return *encoded->error;
  int64_t rid = 0;
  if (auto st = impl_->store_row(p, record, *encoded, rid); !st) return st;
  int rc = SQLITE_DONE;
  p.rows->add(encoded->key, rid);
  if (impl_->keep_raw) {
    Cursor& raw = p.raw;
    raw.reset();
    raw.bind(1, rid);
    raw.bind(2, std::string_view(record.raw));
    rc = step(raw);
    raw.reset();
    if (rc != SQLITE_DONE)
      return sqlite_error(impl_->path(), impl_->db(),
                          "storing the original JSON of " + record.type->name + " " + record.id);
  }
  impl_->writeback.row_written();
  Cursor& refs = impl_->ref_stmt;
  for (const auto& [rel, target] : record.references) {
    std::string name = reference_name(*rel);
    std::string key = arm_key(target);
    refs.reset();
    refs.bind(1, scan_id_);
    refs.bind(2, std::string_view(name));
    refs.bind(3, rid);
    refs.bind(4, std::string_view(key));
    rc = step(refs);
    refs.reset();
    if (rc != SQLITE_DONE)
      return sqlite_error(impl_->path(), impl_->db(),
                          "storing the references of " + record.type->name + " " + record.id);
  }
  return ok_status();
}

Status ScanWriter::add_error(const CollectionError& error) {
  if (pg_) return pg_->add_error(error);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  if (auto s = impl_->insert_error(impl_->error_stmt, error); !s) return s;
  impl_->errors.push_back(error);
  return ok_status();
}

Status ScanWriter::mark_collected(const schema::ObjectType& type) {
  if (pg_) return pg_->mark_collected(type);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  if (!impl_->store->schema().type(type.name))
    return store_error(impl_->path(), "type " + type.name + " is not in the store's schema");
  impl_->collected.insert(type.name);
  return ok_status();
}

void ScanWriter::defer_key_index(int64_t after_rows) {
  if (!impl_) return;
  impl_->defer_after_rows = after_rows;
}

void ScanWriter::keep_original_json(bool keep) {
  if (pg_) return pg_->keep_original_json(keep);
  if (impl_) impl_->keep_raw = keep;
}

Status ScanWriter::add_unmodelled(std::string_view id, std::string_view arm_type,
                                  std::string_view raw) {
  if (pg_) return pg_->add_unmodelled(id, arm_type, raw);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  if (!impl_->keep_raw) return ok_status();
  Cursor& s = impl_->unmodelled_stmt;
  s.reset();
  s.bind(1, scan_id_);
  s.bind(2, id);
  s.bind(3, arm_type);
  s.bind(4, raw);
  int rc = step(s);
  s.reset();
  if (rc != SQLITE_DONE)
    return sqlite_error(impl_->path(), impl_->db(),
                        "keeping an object of type " + std::string(arm_type) + " raw");
  return ok_status();
}

Status ScanWriter::adopt_orphans(const schema::Relationship& relationship,
                                 const std::string& parent_id) {
  if (pg_) return pg_->adopt_orphans(relationship, parent_id);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  const schema::ObjectType* target = impl_->store->schema().type(relationship.target);
  if (!target)
    return store_error(impl_->path(),
                       "relationship " + relationship.name + ": no type " + relationship.target);
  impl_->adopted.insert({relationship.owner, relationship.name});
  std::string key = quote_ident(relationship.key_column);
  auto stmt = prepare(impl_->db(), impl_->path(),
                      "UPDATE " + quote_ident(target->table) + " SET " + key +
                          " = ?2 WHERE _scan = ?1 AND " + key + " IS NULL AND " +
                          quote_ident(relationship.fk_column) + " IS NULL");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id_);
  std::string parent_key = arm_key(parent_id);
  stmt->bind(2, std::string_view(parent_key));
  if (step(*stmt) != SQLITE_DONE)
    return sqlite_error(impl_->path(), impl_->db(), "linking " + relationship.name);
  return ok_status();
}

Status ScanWriter::set_tenant(std::string tenant) {
  if (pg_) return pg_->set_tenant(std::move(tenant));
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  impl_->tenant = std::move(tenant);
  return ok_status();
}

Result<ScanInfo> ScanWriter::commit(std::string status) {
  return commit(std::move(status), "");
}

Result<ScanInfo> ScanWriter::commit(std::string status, std::string message) {
  if (pg_) return pg_->commit(status, message);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  if (status != "complete" && status != "partial")
    return Diagnostic::error("store",
                             "a scan commits as complete or partial, not `" + status + "`");
  Impl& m = *impl_;
  auto fail_with = [this](Diagnostics errors) -> Result<ScanInfo> {
    rollback();
    return errors;
  };
  if (auto s = m.build_indexes(); !s) return fail_with(s.take_errors());
  if (auto s = m.link_parents(); !s) return fail_with(s.take_errors());
  if (auto s = m.link_references(); !s) return fail_with(s.take_errors());
  if (auto s = m.record_collected(); !s) return fail_with(s.take_errors());
  auto objects = m.count_objects();
  if (!objects) return fail_with(objects.take_errors());
  ScanInfo info{scan_id_, m.source, m.started_at, text::utc_now(),
                status,   *objects, message,      m.tenant};
  auto stmt = prepare(m.db(), m.path(),
                      "UPDATE _scans SET ended_at = ?2, status = ?3, objects = ?4, message = ?5, "
                      "_tenant = ?6 WHERE id = ?1");
  if (!stmt) return fail_with(stmt.take_errors());
  stmt->bind(1, scan_id_);
  stmt->bind(2, std::string_view(info.ended_at));
  stmt->bind(3, std::string_view(info.status));
  stmt->bind(4, info.objects);
  stmt->bind(5, std::string_view(info.message));
  stmt->bind(6, std::string_view(info.tenant));
  if (step(*stmt) != SQLITE_DONE)
    return fail_with({sqlite_error(m.path(), m.db(), "recording the scan")});
  stmt = Cursor{};
  m.plans.clear();
  m.error_stmt = Cursor{};
  m.ref_stmt = Cursor{};
  m.unmodelled_stmt = Cursor{};
  if (auto s = exec(m.db(), m.path(), "COMMIT"); !s) return fail_with(s.take_errors());
  m.open = false;
  internal::after_commit(*m.store);
  return info;
}

void ScanWriter::rollback() {
  if (pg_) return pg_->rollback();
  if (!impl_ || !impl_->open) return;
  impl_->plans.clear();
  impl_->deferred.clear();  // the rollback puts their indexes back
  impl_->error_stmt = Cursor{};
  impl_->ref_stmt = Cursor{};
  impl_->unmodelled_stmt = Cursor{};
  (void)exec(impl_->db(), impl_->path(), "ROLLBACK");
  impl_->open = false;
}

Status ScanWriter::fail(std::string message) {
  if (pg_) return pg_->fail(message);
  if (!impl_ || !impl_->open) return Diagnostic::error("store", "the scan is no longer open");
  rollback();
  Impl& m = *impl_;
  if (auto s = exec(m.db(), m.path(), "BEGIN IMMEDIATE"); !s) return s;
  auto record = [&]() -> Status {
    if (auto s = m.insert_scan_row("failed", message, true); !s) return s;
    auto stmt = prepare(m.db(), m.path(), kInsertError);
    if (!stmt) return stmt.take_errors();
    for (const auto& e : m.errors)
      if (auto s = m.insert_error(*stmt, e); !s) return s;
    return exec(m.db(), m.path(), "COMMIT");
  };
  Status s = record();
  if (!s)
    (void)exec(m.db(), m.path(), "ROLLBACK");
  else
    internal::after_commit(*m.store);
  return s;
}

}  // namespace posture::store
