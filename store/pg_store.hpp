// The PostgreSQL store behind store.hpp's public API (private to store/): a
// libpq connection with the same tables as the SQLite store, laid out to
// distribute (every table has the tenant column _tenant, first in its primary
// key), reads that answer the Store's methods, the rows of a Cursor, and the
// ScanWriter that loads a scan through COPY in one transaction.
// pg_store.cpp: connecting, the DDL and the reads; pg_cursor.cpp: PgRows;
// pg_writer.cpp: PgWriter.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "store/cursor.hpp"
#include "store/pg_api.hpp"
#include "store/store.hpp"

namespace posture::store::internal {

// Type OIDs of the parameters the store binds (pg_type.dat).
inline constexpr unsigned kInt8Oid = 20;
inline constexpr unsigned kTextOid = 25;
inline constexpr unsigned kFloat8Oid = 701;

struct PgResultDeleter {
  void operator()(PGresult* r) const { pq().PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// One parameter in text form (nullopt: NULL) with its type (0: inferred).
struct PgParam {
  std::optional<std::string> text;
  unsigned oid = 0;
};
inline PgParam pg_int(int64_t v) {
  return {std::to_string(v), kInt8Oid};
}
inline PgParam pg_text(std::string_view v) {
  return {std::string(v), kTextOid};
}

class PgStore {
 public:
  // Connects to `uri` (`shown`: the URI without its password, for messages),
  // then creates (read-write) or checks the tables for `schema`.
  static Result<std::unique_ptr<PgStore>> connect(const std::string& uri, const std::string& shown,
                                                  const schema::Schema& schema, OpenMode mode);
  ~PgStore();

  PGconn* conn() const { return conn_; }
  const std::string& name() const { return name_; }
  const schema::Schema& schema() const { return *schema_; }

  // Runs `sql` with `params` ($1, $2, ...); an error names the store and
  // `what`, with PostgreSQL's message, never the SQL.
  Result<PgResult> run(std::string_view sql, const std::vector<PgParam>& params,
                       std::string_view what) const;
  Status exec(std::string_view sql, std::string_view what) const;
  Diagnostic error(std::string_view what) const;
  Diagnostic error(std::string_view what, const PGresult* result) const;

  // The Store's reads (store.hpp says what each returns).
  // The _scans rows `tail` selects, with `id` or `tenant` (when given) as $1.
  Result<std::vector<ScanInfo>> scans(std::string_view tail, int64_t id,
                                      const std::string* tenant = nullptr) const;
  // The tenant of scan `scan_id` (remembered: a scan's tenant never changes
  // once committed), bound with every statement of the SQL stage.
  Result<std::string> tenant_of(int64_t scan_id) const;
  Result<std::vector<CollectionError>> collection_errors(int64_t scan_id) const;
  Result<std::optional<std::vector<std::string>>> collected_types(int64_t scan_id) const;
  Result<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>> unmodelled_counts(
      int64_t scan_id) const;
  Result<uint64_t> count_rows(const schema::ObjectType& type, int64_t scan_id) const;
  Result<bool> has_rows(const schema::ObjectType& type, int64_t scan_id) const;
  Result<std::vector<std::string>> query_plan(const Statement& statement) const;
  Result<Statement> read_only_statement(std::string sql, const std::string& file) const;

  // PgRows' cursors: a new cursor name, and the transaction around the
  // cursors open at once (begun by the first outside a transaction, ended
  // by the last: committed, or rolled back after an error).
  std::string next_cursor_name() const { return "posture_c" + std::to_string(++cursors_made_); }
  Status cursor_opening() const;
  void cursor_closed() const;

 private:
  Result<std::vector<std::string>> explain_prepared(
      const std::string& sql, const std::vector<unsigned>& types, std::string_view options,
      const std::function<Status(const PGresult*)>& check) const;
  Status ensure_tables(bool read_only);
  PGconn* conn_ = nullptr;
  mutable std::unordered_map<int64_t, std::string> tenants_;  // tenant_of's
  mutable uint64_t cursors_made_ = 0;
  mutable int cursors_open_ = 0;
  mutable bool cursors_transaction_ = false;  // the cursors began the transaction
  std::string name_;
  const schema::Schema* schema_ = nullptr;
};

// The rows of one query, streamed: a server-side cursor (DECLARE ... NO
// SCROLL CURSOR) read kPgBatch rows at a time with FETCH, so memory holds
// one batch whatever the result's size; a Cursor steps through them. Other
// queries may run on the connection between batches (cursors nest). A cursor
// lives in a transaction: the first cursor opened outside one begins it and
// the last one closed ends it; inside a transaction already open (a
// PgWriter's) the cursors use it.
class PgRows {
 public:
  static constexpr int kPgBatch = 1000;
  // Binds the scan id as $1 and literal i as $(i+1) and opens `statement` as
  // a cursor (Cursor::open puts the scan's tenant first among the literals:
  // $2, as the PostgreSQL dialect numbers it).
  static Result<Cursor> open(const PgStore& store, const Statement& statement, int64_t scan_id);
  PgRows() = default;
  PgRows(const PgRows&) = delete;
  PgRows& operator=(const PgRows&) = delete;
  ~PgRows();

  Result<bool> next();
  std::string_view text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const { return pq().PQgetisnull(result_.get(), row_, column) != 0; }
  int columns() const { return pq().PQnfields(result_.get()); }
  int64_t rows() const { return rows_; }  // rows read so far

 private:
  const PgStore* store_ = nullptr;
  std::string name_;  // the server-side cursor's
  PgResult result_;   // the current batch
  int row_ = -1;
  bool last_batch_ = false;
  int64_t rows_ = 0;
};

// One scan written to PostgreSQL in one transaction: rows go through COPY
// into a temporary staging table per type (the last of a type's records with
// one ARM id wins, keeping the first one's _rid, as the SQLite store's upsert
// does); commit moves them into the asset tables, links parents and
// references, and records the scan.
class PgWriter {
 public:
  static Result<std::unique_ptr<PgWriter>> begin(const PgStore& store, std::string source,
                                                 std::string tenant);
  ~PgWriter();

  int64_t scan_id() const { return scan_id_; }
  Status add(const Record& record);
  Status add_error(const CollectionError& error);
  Status mark_collected(const schema::ObjectType& type);
  Status add_unmodelled(std::string_view id, std::string_view arm_type, std::string_view raw);
  Status adopt_orphans(const schema::Relationship& relationship, const std::string& parent_id);
  Status set_tenant(std::string tenant);
  void keep_original_json(bool keep) { keep_raw_ = keep; }
  Result<ScanInfo> commit(const std::string& status, const std::string& message);
  void rollback();
  Status fail(const std::string& message);

 private:
  struct Staged {
    const schema::ObjectType* type = nullptr;
    std::vector<const schema::Relationship*> parents;
    std::string table;    // the staging table
    std::string columns;  // its columns, as COPY lists them
    std::string buffer;   // COPY text not yet sent
    int64_t added = 0;    // records staged
    int64_t rows = 0;     // rows stored (one per ARM id)
  };
  Result<Staged*> staged(const schema::ObjectType* type);
  Status flush(std::string& buffer, const std::string& target);
  Status flush_all();
  Result<int64_t> next_rid();
  Status insert_scan_row(const std::string& status, const std::string& message);
  Status insert_error(const CollectionError& e);
  Status move_staged();
  Status retenant();
  Status link_parents();
  Status link_references();
  Status record_collected();
  void analyze_written();
  bool open() const { return open_; }

  const PgStore* store_ = nullptr;
  std::string source_, started_at_;
  std::string tenant_;          // the scan's, written with every row at commit
  std::string running_tenant_;  // the tenant of the `running` row begin() wrote
  int64_t scan_id_ = 0;
  int64_t ord_ = 0;  // the number of records added: the last of an ARM id wins
  bool open_ = false;
  bool keep_raw_ = true;  // ScanWriter::keep_original_json
  std::unordered_map<std::string, std::unique_ptr<Staged>> staged_;  // by type name
  std::string refs_, unmodelled_;  // COPY text for posture_refs and _unmodelled
  std::vector<int64_t> rids_;      // reserved _rid values, used from the back
  std::vector<CollectionError> errors_;
  std::set<std::string> collected_;
};

}  // namespace posture::store::internal
