// The PostgreSQL store: connecting through libpq (its URI, PGPASSWORD,
// ~/.pgpass and PGSERVICE as libpq reads them), the tables derived from the
// same schema declarations as SQLite's (ddl.cpp's table_specs), and the reads
// behind Store's methods. Text columns use the "C" collation, so comparisons
// and ORDER BY compare bytes as SQLite does, and lower() folds ASCII only.
// Every table holds the distribution column _tenant (the scan's tenant,
// docs/scaling.md), first in its primary key.
#include <algorithm>
#include <cstdlib>
#include <functional>

#include "base/text.hpp"
#include "store/layout.hpp"
#include "store/pg_store.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

bool is_postgres_uri(std::string_view target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

std::string display_name(std::string_view target) {
  if (!is_postgres_uri(target)) return std::string(target);
  std::string out(target);
  // user:password@ in the authority
  size_t start = out.find("://") + 3;
  size_t end = out.find_first_of("/?", start);
  size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
  if (at != std::string::npos && at >= start) {
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // password=... among the parameters
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    size_t value = p + 9, stop = out.find('&', value);
    out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
  }
  return out;
}

namespace internal {

namespace {

void ignore_notice(void*, const char*) {}

// The PostgreSQL type of a column the SQLite DDL declares as `sqlite_type`.
std::string pg_type(const std::string& sqlite_type) {
  if (sqlite_type == "INTEGER") return "bigint";
  if (sqlite_type == "REAL") return "double precision";
  return "text COLLATE \"C\"";
}

constexpr const char* kTenant = "\"_tenant\" text COLLATE \"C\" NOT NULL DEFAULT ''";

// CREATE statements of the reserved tables.
std::vector<std::pair<std::string, std::string>> reserved_tables() {
  std::string t = kTenant;
  return {
      {"_meta",
       "CREATE TABLE IF NOT EXISTS _meta (key text COLLATE \"C\" PRIMARY KEY, value text NOT "
       "NULL)"},
      {"_scans", "CREATE TABLE IF NOT EXISTS _scans (" + t +
                     ", id bigint NOT NULL, source text NOT NULL, started_at text NOT NULL, "
                     "ended_at text, status text NOT NULL, objects bigint NOT NULL DEFAULT 0, "
                     "message text NOT NULL DEFAULT '', PRIMARY KEY (_tenant, id))"},
      {"_collection_errors",
       "CREATE TABLE IF NOT EXISTS _collection_errors (" + t +
           ", scan bigint NOT NULL, _ord bigint GENERATED ALWAYS AS IDENTITY, resource_key text "
           "COLLATE \"C\" NOT NULL, resource text NOT NULL, type text NOT NULL, http_status "
           "bigint NOT NULL DEFAULT 0, message text NOT NULL, child_type text, PRIMARY KEY "
           "(_tenant, scan, _ord))"},
      {"_scan_types", "CREATE TABLE IF NOT EXISTS _scan_types (" + t +
                          ", scan bigint NOT NULL, type text COLLATE \"C\" NOT NULL, PRIMARY KEY "
                          "(_tenant, scan, type))"},
      {"_unmodelled", "CREATE TABLE IF NOT EXISTS _unmodelled (" + t +
                          ", scan bigint NOT NULL, _ord bigint GENERATED ALWAYS AS IDENTITY, id "
                          "text NOT NULL, arm_type text COLLATE \"C\" NOT NULL, raw text NOT "
                          "NULL, PRIMARY KEY (_tenant, scan, _ord))"},
  };
}

// The statements creating the asset table `spec` (from table_specs) and
// its indexes: _rid comes from the sequence posture_rid; the primary key is
// (_tenant, _rid), (_tenant, _scan, _key) is unique, and (_scan, _rid) gives
// a scan's first and last rowid as on SQLite.
std::vector<std::string> asset_ddl(const TableSpec& spec, const schema::Schema& schema) {
  std::string table = quote_ident(spec.name);
  std::string sql = "CREATE TABLE IF NOT EXISTS " + table + " (" + kTenant;
  for (const auto& c : spec.columns) {
    sql += ", " + quote_ident(c.name) + " " + pg_type(c.type);
    if (c.name == kRowId || c.constraint.find("NOT NULL") != std::string::npos) sql += " NOT NULL";
  }
  bool raw = spec.columns.size() == 2 && spec.columns[1].name == kRaw;
  sql += ", PRIMARY KEY (_tenant, _rid)";
  if (!raw) sql += ", UNIQUE (_tenant, _scan, _key)";
  std::vector<std::string> out{sql + ")"};
  if (raw) return out;
  out.push_back("CREATE INDEX IF NOT EXISTS " + quote_ident(spec.name + "_scan") + " ON " + table +
                " (_scan, _rid)");
  const schema::ObjectType* type = nullptr;
  for (const auto& t : schema.types())
    if (t.table == spec.name) type = &t;
  if (!type) return out;
  std::vector<std::string> links;
  for (const auto* rel : schema.relationships_into(type->name)) links.push_back(rel->fk_column);
  for (const auto& rel : type->relationships)
    if (rel.in_owner && !rel.inverse) links.push_back(rel.fk_column);
  for (const auto& fk : links)
    out.push_back("CREATE INDEX IF NOT EXISTS " + quote_ident(spec.name + "_" + fk) + " ON " +
                  table + " (" + quote_ident(fk) + ")");
  return out;
}

ScanInfo scan_from(const PGresult* r, int row) {
  ScanInfo info;
  info.id = std::strtoll(pq().PQgetvalue(r, row, 0), nullptr, 10);
  info.source = pq().PQgetvalue(r, row, 1);
  info.started_at = pq().PQgetvalue(r, row, 2);
  info.ended_at = pq().PQgetvalue(r, row, 3);
  info.status = pq().PQgetvalue(r, row, 4);
  info.objects = std::strtoll(pq().PQgetvalue(r, row, 5), nullptr, 10);
  info.message = pq().PQgetvalue(r, row, 6);
  info.tenant = pq().PQgetvalue(r, row, 7);
  return info;
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::connect(const std::string& uri, const std::string& shown,
                                                  const schema::Schema& schema, OpenMode mode) {
  if (auto api = load_pq(); !api) return api.take_errors();
  auto store = std::make_unique<PgStore>();
  store->name_ = shown;
  store->schema_ = &schema;
  store->conn_ = pq().PQconnectdb(uri.c_str());
  if (!store->conn_ || pq().PQstatus(store->conn_) != CONNECTION_OK)
    return store->error("cannot connect");
  pq().PQsetNoticeProcessor(store->conn_, ignore_notice, nullptr);
  if (pq().PQsetClientEncoding(store->conn_, "UTF8") != 0)
    return store->error("cannot use UTF-8 on the connection");
  if (auto s = store->ensure_tables(mode == OpenMode::ReadOnly); !s) return s.take_errors();
  // Queries run through cursors (PgRows), which PostgreSQL plans for the
  // first tenth of their rows unless told the whole result is read. No JIT:
  // each statement is planned for its own parameters and run once, and
  // compiling it cost more than it saved at every size measured
  // (docs/performance.md, "On PostgreSQL").
  if (auto s = store->exec("SET cursor_tuple_fraction = 1; SET jit = off", "opening the store"); !s)
    return s.take_errors();
  if (mode == OpenMode::ReadOnly)
    if (auto s = store->exec("SET default_transaction_read_only = on", "opening read-only"); !s)
      return s.take_errors();
  return store;
}

Status PgStore::cursor_opening() const {
  if (cursors_open_ == 0 && pq().PQtransactionStatus(conn_) == PQTRANS_IDLE) {
    if (auto st = exec("BEGIN", "opening a cursor"); !st) return st;
    cursors_transaction_ = true;
  }
  ++cursors_open_;
  return ok_status();
}

void PgStore::cursor_closed() const {
  if (--cursors_open_ > 0 || !cursors_transaction_) return;
  cursors_transaction_ = false;
  bool failed = pq().PQtransactionStatus(conn_) != PQTRANS_INTRANS;
  (void)exec(failed ? "ROLLBACK" : "COMMIT", "closing a cursor");
}

PgStore::~PgStore() {
  if (conn_) pq().PQfinish(conn_);
}

Diagnostic PgStore::error(std::string_view what) const {
  std::string message = conn_ ? pq().PQerrorMessage(conn_) : "out of memory";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return store_error(name_, std::string(what) + ": " + message);
}

Diagnostic PgStore::error(std::string_view what, const PGresult* result) const {
  std::string message = result ? pq().PQresultErrorMessage(result) : "";
  if (message.empty()) return error(what);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return store_error(name_, std::string(what) + ": " + message);
}

Result<PgResult> PgStore::run(std::string_view sql, const std::vector<PgParam>& params,
                              std::string_view what) const {
  std::vector<const char*> values;
  std::vector<unsigned> types;
  for (const auto& p : params) {
    values.push_back(p.text ? p.text->c_str() : nullptr);
    types.push_back(p.oid);
  }
  std::string text(sql);
  PgResult r(pq().PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                               values.data(), nullptr, nullptr, 0));
  ExecStatusType status = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return error(what, r.get());
  return r;
}

// One or more statements without parameters (the simple query protocol).
Status PgStore::exec(std::string_view sql, std::string_view what) const {
  PgResult r(pq().PQexec(conn_, std::string(sql).c_str()));
  ExecStatusType status = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return error(what, r.get());
  return ok_status();
}

// Under an advisory lock (two processes opening a new database at once):
// a database without _meta gets every table; one with it must hold this
// build's format, and gains the columns a newer schema added (read-write).
Status PgStore::ensure_tables(bool read_only) {
  auto specs = table_specs(*schema_);
  if (!specs) return specs.take_errors();
  if (auto s = exec("BEGIN", "opening the store"); !s) return s;
  auto fail = [&](Status s) {
    (void)exec("ROLLBACK", "opening the store");
    return s;
  };
  if (!read_only)
    if (auto s = exec("SELECT pg_advisory_xact_lock(7368002)", "locking the schema"); !s)
      return fail(s);
  auto have =
      run("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE "
          "table_schema = current_schema()",
          {}, "reading the store's tables");
  if (!have) return fail(have.take_errors());
  std::set<std::pair<std::string, std::string>> columns;
  std::set<std::string> tables;
  for (int i = 0; i < pq().PQntuples(have->get()); ++i) {
    tables.insert(pq().PQgetvalue(have->get(), i, 0));
    columns.insert({pq().PQgetvalue(have->get(), i, 0), pq().PQgetvalue(have->get(), i, 1)});
  }
  bool fresh = !tables.count("_meta");
  if (!fresh) {
    auto format = run("SELECT value FROM _meta WHERE key = 'format'", {}, "reading _meta");
    if (!format) return fail(format.take_errors());
    std::string f = pq().PQntuples(format->get()) ? pq().PQgetvalue(format->get(), 0, 0) : "";
    if (f != std::to_string(kStoreFormat))
      return fail(store_error(name_, "store format `" + f +
                                         "` is not the one this build of Posture reads (" +
                                         std::to_string(kStoreFormat) + "); use a new database"));
  }
  std::vector<std::string> todo;
  if (fresh) {
    todo.push_back("CREATE SEQUENCE IF NOT EXISTS posture_rid");
    for (const auto& [name, sql] : reserved_tables()) todo.push_back(sql);
  }
  for (const auto& spec : *specs) {
    if (spec.name[0] == '_') continue;  // reserved: above
    if (!tables.count(spec.name)) {
      for (auto& sql : asset_ddl(spec, *schema_)) todo.push_back(std::move(sql));
      continue;
    }
    for (const auto& c : spec.columns)
      if (!columns.count({spec.name, c.name}))
        todo.push_back("ALTER TABLE " + quote_ident(spec.name) + " ADD COLUMN " +
                       quote_ident(c.name) + " " + pg_type(c.type));
  }
  if (fresh)
    todo.push_back("INSERT INTO _meta(key, value) VALUES ('format', '" +
                   std::to_string(kStoreFormat) + "'), ('created_at', '" + text::utc_now() +
                   "'), ('backend', 'postgresql')");
  if (!todo.empty() && read_only)
    return fail(store_error(name_, fresh ? "is empty: not a Posture store (import into it first)"
                                         : "was made by an older schema; open it read-write once "
                                           "(e.g. `posture import`) to add the new columns"));
  for (const auto& sql : todo)
    if (auto s = exec(sql, "creating the store's tables"); !s) return fail(s);
  return exec("COMMIT", "creating the store's tables");
}

Result<std::vector<ScanInfo>> PgStore::scans(std::string_view tail, int64_t id,
                                             const std::string* tenant) const {
  std::vector<PgParam> params;
  if (id) params.push_back(pg_int(id));
  if (tenant) params.push_back(pg_text(*tenant));
  auto r =
      run("SELECT id, source, started_at, coalesce(ended_at, ''), status, objects, message, "
          "_tenant FROM _scans " +
              std::string(tail),
          params, "reading _scans");
  if (!r) return r.take_errors();
  std::vector<ScanInfo> out;
  for (int i = 0; i < pq().PQntuples(r->get()); ++i) out.push_back(scan_from(r->get(), i));
  return out;
}

Result<std::string> PgStore::tenant_of(int64_t scan_id) const {
  if (scan_id <= 0) return std::string();  // a statement naming rows by id, not by scan
  if (auto it = tenants_.find(scan_id); it != tenants_.end()) return it->second;
  auto rows = scans("WHERE id = $1", scan_id);
  if (!rows) return rows.take_errors();
  // A scan not (yet) in the store reads no rows of any tenant.
  if (rows->empty() || rows->front().status == "running") return std::string();
  return tenants_[scan_id] = rows->front().tenant;
}

Result<std::vector<CollectionError>> PgStore::collection_errors(int64_t scan_id) const {
  auto r =
      run("SELECT resource, type, message, http_status, coalesce(child_type, '') FROM "
          "_collection_errors WHERE scan = $1 ORDER BY _ord",
          {pg_int(scan_id)}, "reading _collection_errors");
  if (!r) return r.take_errors();
  std::vector<CollectionError> out;
  const PGresult* g = r->get();
  for (int i = 0; i < pq().PQntuples(g); ++i)
    out.push_back({pq().PQgetvalue(g, i, 0), pq().PQgetvalue(g, i, 1), pq().PQgetvalue(g, i, 2),
                   std::atoi(pq().PQgetvalue(g, i, 3)), pq().PQgetvalue(g, i, 4)});
  return out;
}

Result<std::optional<std::vector<std::string>>> PgStore::collected_types(int64_t scan_id) const {
  auto r = run("SELECT type FROM _scan_types WHERE scan = $1 ORDER BY type", {pg_int(scan_id)},
               "reading _scan_types");
  if (!r) return r.take_errors();
  std::vector<std::string> out;
  for (int i = 0; i < pq().PQntuples(r->get()); ++i)
    out.emplace_back(pq().PQgetvalue(r->get(), i, 0));
  if (out.empty()) return std::optional<std::vector<std::string>>{};
  return std::optional<std::vector<std::string>>{std::move(out)};
}

Result<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>>
PgStore::unmodelled_counts(int64_t scan_id) const {
  auto r = run(
      "SELECT arm_type, count(*), sum(octet_length(raw)) FROM _unmodelled WHERE scan = $1 GROUP "
      "BY arm_type ORDER BY arm_type",
      {pg_int(scan_id)}, "reading _unmodelled");
  if (!r) return r.take_errors();
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> out;
  const PGresult* g = r->get();
  for (int i = 0; i < pq().PQntuples(g); ++i)
    out.push_back({pq().PQgetvalue(g, i, 0),
                   {std::strtoull(pq().PQgetvalue(g, i, 1), nullptr, 10),
                    std::strtoull(pq().PQgetvalue(g, i, 2), nullptr, 10)}});
  return out;
}

Result<uint64_t> PgStore::count_rows(const schema::ObjectType& type, int64_t scan_id) const {
  auto r = run("SELECT count(*) FROM " + quote_ident(type.table) + " WHERE _scan = $1",
               {pg_int(scan_id)}, "reading the rows of " + type.name);
  if (!r) return r.take_errors();
  return std::strtoull(pq().PQgetvalue(r->get(), 0, 0), nullptr, 10);
}

Result<bool> PgStore::has_rows(const schema::ObjectType& type, int64_t scan_id) const {
  auto r = run("SELECT 1 FROM " + quote_ident(type.table) + " WHERE _scan = $1 LIMIT 1",
               {pg_int(scan_id)}, "reading the rows of " + type.name);
  if (!r) return r.take_errors();
  return pq().PQntuples(r->get()) > 0;
}

// EXPLAIN of `sql` prepared with parameters of `types`, run with NULLs
// under plan_cache_mode = force_generic_plan (the plan for any values;
// nothing is executed), one line per row; `options` go in
// EXPLAIN's parentheses. `check` sees the prepared statement's description
// first and may refuse it (`types` may then leave the parameters' types to
// PostgreSQL: as many NULLs go as the statement has parameters).
Result<std::vector<std::string>> PgStore::explain_prepared(
    const std::string& sql, const std::vector<unsigned>& types, std::string_view options,
    const std::function<Status(const PGresult*)>& check) const {
  PgResult prepared(pq().PQprepare(conn_, "posture_plan", sql.c_str(),
                                   static_cast<int>(types.size()), types.data()));
  if (!prepared || pq().PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
    return error("cannot plan a query", prepared.get());
  struct Deallocate {
    const PgStore* store;
    ~Deallocate() { (void)store->exec("DEALLOCATE posture_plan", "planning a query"); }
  } deallocate{this};
  int params = static_cast<int>(types.size());
  if (check) {
    PgResult described(pq().PQdescribePrepared(conn_, "posture_plan"));
    if (!described || pq().PQresultStatus(described.get()) != PGRES_COMMAND_OK)
      return error("cannot describe a query", described.get());
    if (auto st = check(described.get()); !st) return st.take_errors();
    params = pq().PQnparams(described.get());
  }
  std::string nulls;
  for (int i = 0; i < params; ++i) nulls += (i ? ", " : "") + std::string("NULL");
  std::string head = options.empty() ? "EXPLAIN " : "EXPLAIN (" + std::string(options) + ") ";
  // The generic plan: with the NULLs as values PostgreSQL would fold
  // `_scan = NULL` to false and show no scan at all.
  if (auto st = exec("SET plan_cache_mode = force_generic_plan", "planning a query"); !st)
    return st.take_errors();
  auto r = run(head + "EXECUTE posture_plan(" + nulls + ")", {}, "cannot plan a query");
  (void)exec("RESET plan_cache_mode", "planning a query");
  if (!r) return r.take_errors();
  std::vector<std::string> lines;
  for (int i = 0; i < pq().PQntuples(r->get()); ++i)
    lines.emplace_back(pq().PQgetvalue(r->get(), i, 0));
  return lines;
}

// PostgreSQL's EXPLAIN, one line per row as it prints them (already indented).
// A statement with parameters is planned generically.
Result<std::vector<std::string>> PgStore::query_plan(const Statement& statement) const {
  // $1 the scan, $2 its tenant, then the literals (the dialect's numbering).
  std::vector<unsigned> types{kInt8Oid, kTextOid};
  for (const auto& v : statement.params)
    types.push_back(std::holds_alternative<std::string>(v)      ? kTextOid
                    : std::holds_alternative<double>(v)         ? kFloat8Oid
                    : std::holds_alternative<std::monostate>(v) ? 0
                                                                : kInt8Oid);
  return explain_prepared(statement.sql, types, "", nullptr);
}

// A baseline (posture bench) on PostgreSQL: one statement whose only
// parameter is $1, the scan id (bigint), that returns rows and whose plan
// writes nothing and locks no row (no ModifyTable, no LockRows node). The
// connection is read-only besides (OpenMode::ReadOnly).
Result<Statement> PgStore::read_only_statement(std::string sql, const std::string& file) const {
  auto refuse = [&](const std::string& why) { return store_error(name_, file + " " + why); };
  auto check = [&](const PGresult* described) -> Status {
    if (pq().PQnparams(described) != 1 || pq().PQparamtype(described, 0) != kInt8Oid)
      return refuse("must use exactly one parameter, $1 (the scan id, a bigint)");
    if (pq().PQnfields(described) < 1) return refuse("returns no rows: not a query");
    return ok_status();
  };
  // The parameters' types left to PostgreSQL, so that one not used is not counted.
  auto plan = explain_prepared(sql, {}, "FORMAT JSON", check);
  if (!plan) return plan.take_errors();  // posture bench names the file (load_baseline)
  for (const auto& line : *plan)
    for (const char* node : {"\"ModifyTable\"", "\"LockRows\""})
      if (line.find(node) != std::string::npos) return refuse("is not a read-only statement");
  return Statement{std::move(sql), {}, "$1"};
}

}  // namespace internal

}  // namespace posture::store
