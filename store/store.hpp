// The asset store: one SQLite file holding scans of the inventory. Tables come
// from the schema (one per object type, a column per scalar field, the original
// JSON in `_raw`); every row belongs to a scan. Checks read the latest complete
// scan. Writes go through ScanWriter: one transaction per scan, so a failed
// import or collection leaves the store exactly as it was. The store is sealed:
// SQLite stays behind this header and store/cursor.hpp (reads go through a
// Cursor over a Statement; counts, plans and modes are methods here), so no
// caller names a SQLite type or function.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/model/schema.hpp"
#include "base/result.hpp"
#include "store/cursor.hpp"
#include "store/layout.hpp"

namespace posture::store {

struct ScanInfo {
  int64_t id = 0;
  std::string source;      // "import:<files>", "azure", ...
  std::string started_at;  // ISO 8601 UTC
  std::string ended_at;
  std::string status;   // running | complete | partial | failed
  int64_t objects = 0;  // rows written
  std::string message;  // why a scan failed or is partial; "" otherwise
  std::string tenant;   // the Azure tenant the scan is of ("" when unknown): docs/scaling.md
};

// A resource whose collection failed inside a scan (e.g. HTTP 403 reading a
// subscription's contacts). Checks report such resources as ERROR findings:
// every check on the resource when `child_type` is empty, else the checks
// whose query uses `child_type` (a child resource or setting of the resource
// that could not be read, e.g. a storage account's blobServices/default).
struct CollectionError {
  std::string resource;  // ARM id of the resource the error is about
  std::string type;      // schema type of that resource (Connector)
  std::string message;   // never contains a token
  int http_status = 0;
  std::string child_type{};  // schema type that could not be read; "": the resource itself
};

enum class OpenMode { ReadWrite, ReadOnly };

namespace internal {
struct StoreAccess;
// After a scan's transaction committed: a store this process created turns
// from its rollback journal to WAL (store.cpp, set_pragmas).
void after_commit(Store& store);
class PgStore;
class PgWriter;
}  // namespace internal

// Whether `target` (a --db value) names a PostgreSQL database: a libpq
// connection URI, postgresql://... or postgres://...; anything else is a path.
bool is_postgres_uri(std::string_view target);
// `target` as it may be shown: a URI's password (user:PASSWORD@ or
// password=...) replaced by "***"; a path unchanged.
std::string display_name(std::string_view target);

class Store {
 public:
  // Opens (and on first use creates, with file mode 0600) the store at `path`,
  // or, when `path` is a PostgreSQL connection URI (is_postgres_uri), connects
  // to that database through libpq (PGPASSWORD, ~/.pgpass and PGSERVICE
  // honoured) and creates or checks its tables (store/pg_store.cpp);
  // creates or checks the tables for `schema`, and sets the pragmas. `schema`
  // must outlive the Store. A Store is one SQLite connection, for one thread
  // at a time: parallel workers each open their own (ReadOnly). Errors (code
  // "store") name the path and SQLite's message; a file that is not a Posture
  // store, or was made by an incompatible format or schema, is refused.
  // ReadWrite adds the columns of fields a newer schema introduced.
  static Result<Store> open(const std::string& path, const schema::Schema& schema,
                            OpenMode mode = OpenMode::ReadWrite);
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const schema::Schema& schema() const { return *schema_; }
  // The path, or the URI without its password (display_name).
  const std::string& path() const { return path_; }
  store::Backend backend() const { return pg_ ? Backend::Postgresql : Backend::Sqlite; }

  Result<std::vector<ScanInfo>> scans() const;
  // The newest scan whose status is complete (or partial), if any, of any
  // tenant; with `tenant`, the newest of that tenant's.
  Result<std::optional<ScanInfo>> latest_complete_scan() const;
  Result<std::optional<ScanInfo>> latest_complete_scan(const std::string& tenant) const;
  // The tenants that have a complete (or partial) scan, in byte order.
  Result<std::vector<std::string>> tenants() const;
  Result<std::optional<ScanInfo>> scan(int64_t id) const;
  Result<std::vector<CollectionError>> collection_errors(int64_t scan_id) const;
  // The schema types scan `scan_id` collected (listed completely, so a type
  // here with no rows has none), or nullopt when the scan has no such record
  // (a store made before it existed, or a writer that keeps none).
  Result<std::optional<std::vector<std::string>>> collected_types(int64_t scan_id) const;
  // Objects of types the schema does not model that scan `scan_id` kept raw
  // (table _unmodelled): ARM type -> (objects, bytes of JSON).
  Result<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>> unmodelled_counts(
      int64_t scan_id) const;

  // The rows of `type` in scan `scan_id`.
  Result<uint64_t> count_rows(const schema::ObjectType& type, int64_t scan_id) const;
  // Whether scan `scan_id` holds any row of `type` (without counting them).
  Result<bool> has_rows(const schema::ObjectType& type, int64_t scan_id) const;
  // The lowest and highest rowid of scan `scan_id`'s rows of `type` (a
  // scan's rows are one rowid range), or nullopt when it has none. SQLite
  // only: what a Statement's parts divide.
  Result<std::optional<RowidRange>> scan_rowids(const schema::ObjectType& type,
                                                int64_t scan_id) const;
  // How the store would run `statement`: one line per step of its plan
  // (SQLite's EXPLAIN QUERY PLAN), each indented two spaces per level below
  // the top. Nothing is bound or run.
  Result<std::vector<std::string>> query_plan(const Statement& statement) const;
  // Bulk reads (a worker reading whole tables) on this connection: the
  // settings a read-only connection has from the start (no memory map, a
  // 2 MiB page cache), so memory does not grow with the store's size or the
  // number of workers; the pages read stay in the OS page cache (shared,
  // reclaimable). A writer's connection gives up its 64 MiB cache.
  Status use_bulk_read_mode() const;
  // `sql`, a user's file holding one read-only statement (a benchmark
  // baseline), as a Statement to open a Cursor on. Its only parameter is the
  // scan: `:scan`, or `?1`. Refused (code "store", naming `file`) when it holds
  // no statement or more than one, writes, or uses any other parameter.
  Result<Statement> read_only_statement(std::string sql, const std::string& file) const;

 private:
  friend struct internal::StoreAccess;
  Store() = default;
  void* db_ = nullptr;  // sqlite3
  const schema::Schema* schema_ = nullptr;
  std::string path_;
  std::unique_ptr<internal::PgStore> pg_;  // set: a PostgreSQL store (db_ unused)
  // Created by this open: written through a rollback journal until its first
  // scan commits, then WAL (internal::after_commit).
  bool wal_after_commit_ = false;
  friend void internal::after_commit(Store&);
};

// One asset to store. `fields` maps schema field names to JSON values: string,
// boolean, number, array of strings, or null (missing fields are NULL).
struct Record {
  const schema::ObjectType* type = nullptr;
  std::string id;  // ARM id as the API returned it; the row's `id` field, whatever `fields` says
  nlohmann::json fields = nlohmann::json::object();
  std::string raw;  // the original JSON document, verbatim
  // The parent this row belongs to through `relationship` (whose target is
  // `type`): the parent's ARM id. Matched case-insensitively at commit.
  const schema::Relationship* relationship = nullptr;
  std::string parent_id;
  // The parent may be the owner of any relationship into `type` (a child
  // whose parent type the id does not tell, e.g. the config of a web app or
  // of a function app, a diagnostic setting of any resource): the parent key
  // is recorded for each, and commit links the one whose owner holds it.
  bool any_parent = false;
  // Relationships by id reference (@ref) this row owns: each relationship
  // with the ARM id of one target. Linked when the scan commits.
  std::vector<std::pair<const schema::Relationship*, std::string>> references;
};

// A record's row as its type's INSERT binds it: the key, the parent's key
// and each field's value as a parameter, the lists' JSON written out.
// RowEncoder makes it on any thread, so that a writer on another thread only
// binds and steps (the importer encodes on its reading thread while its
// writing thread writes; docs/performance.md, "Import against SQLite's own
// load"). Its texts point into its record, which must outlive it.
struct EncodedRow {
  enum class Kind : uint8_t { Integer, Real, Text, List };
  struct Param {
    int index = 0;  // the INSERT's parameter
    Kind kind = Kind::Integer;
    int64_t integer = 0;
    double real = 0;
    std::string_view text;          // Text: in the record
    size_t offset = 0, length = 0;  // List: in `lists`
  };
  const schema::ObjectType* type = nullptr;  // the record's type it was encoded for
  std::vector<Param> params;                 // non-null fields, but `id` (always the record's)
  std::string key;                           // arm_key(record.id)
  std::string parent_key;                    // arm_key(record.parent_id)
  std::string lists;                         // the JSON texts of the list fields
  std::optional<Diagnostic> error;           // a field of the wrong type, which add() returns
};

// Encodes records into EncodedRows; one per thread (it keeps each type's
// fields in name order, and the serializer the lists are written with).
class RowEncoder {
 public:
  RowEncoder();
  ~RowEncoder();
  RowEncoder(const RowEncoder&) = delete;
  RowEncoder& operator=(const RowEncoder&) = delete;
  // `record` into `out`, reusing its storage, with the parameters of `as`
  // (a type of the same name: its fields are matched by name), by default
  // the record's own type.
  void encode(const Record& record, EncodedRow& out, const schema::ObjectType* as = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes one scan in one transaction. Destroying an uncommitted writer rolls
// everything back; the store is then as it was before begin(). The Store must
// outlive the writer and stay where it is (not be moved) meanwhile.
class ScanWriter {
 public:
  // A scan of `tenant` (docs/scaling.md): every row it writes carries it.
  static Result<ScanWriter> begin(Store& store, std::string source, std::string tenant = "");
  ScanWriter(ScanWriter&&) noexcept;
  ScanWriter& operator=(ScanWriter&&) = delete;
  ~ScanWriter();

  int64_t scan_id() const { return scan_id_; }
  // Adds or replaces (same type and ARM id, case-insensitively) one asset.
  Status add(const Record& record);
  // The same, with `row` the record's encoding (RowEncoder::encode), made on
  // another thread. A PostgreSQL writer does not use it.
  Status add(const Record& record, const EncodedRow& row);
  // Whether add() takes an EncodedRow's work off its caller (SQLite) or not.
  bool uses_encoded_rows() const { return pg_ == nullptr; }
  Status add_error(const CollectionError& error);
  // Records that this scan collected `type` completely: a type declared here
  // with no rows has none (its checks find nothing to fail), where a type not
  // collected is unknown (its checks are ERROR). The first call starts the
  // scan's record; from then on every type add() writes a row of is
  // collected too, and so are the @elements types of a collected type (read
  // from the same JSON). A writer that never calls it keeps no record.
  Status mark_collected(const schema::ObjectType& type);
  // Keeps an object of a type the schema does not model, as it came (table
  // _unmodelled: scan, id, ARM type, JSON text). `id` and `arm_type` may be "".
  Status add_unmodelled(std::string_view id, std::string_view arm_type, std::string_view raw);
  // Whether the scan keeps the original JSON (default: yes): each row's in
  // <table>_raw and the objects add_unmodelled() is given. Without it the
  // scan's rows are the same and its checks judge the same (they read only
  // the asset tables), in a store about half the size (docs/data-model.md,
  // "The original JSON"). Set it before the first add().
  void keep_original_json(bool keep);
  // Once the scan has written `after_rows` rows (default 200,000: below it
  // the indexes fit the page cache and are cheaper kept up to date as rows
  // come) into tables that were empty when it first wrote into them, each
  // such table has its (_scan, _key) index dropped, and built again at
  // commit by one sort; a row whose key the scan wrote before is appended
  // meanwhile, and commit merges the two as the upsert would have. 0: from
  // the first row. SQLite only.
  void defer_key_index(int64_t after_rows);
  // Gives each row of `relationship`'s target written so far in this scan
  // that has no parent through it the parent `parent_id` (linked at commit):
  // how an import attaches tenant-side objects to its only tenant.
  Status adopt_orphans(const schema::Relationship& relationship, const std::string& parent_id);
  // Makes the scan one of `tenant` instead of the one begin() named (an
  // import that learns its tenant from the input). Rows are written with
  // their tenant at commit, so this may come at any time before it.
  Status set_tenant(std::string tenant);
  // Links children to parents, marks the scan `status` ("complete" or
  // "partial"), and commits. Returns the scan as stored.
  Result<ScanInfo> commit(std::string status = "complete");
  // As commit(status), also recording `message` (why the scan is partial).
  Result<ScanInfo> commit(std::string status, std::string message);
  // Discards everything written: the store is byte-for-byte as before begin()
  // (what a failed import does).
  void rollback();
  // Discards the assets but records the scan as `failed` with `message`, in a
  // transaction of its own (what a failed collection does, so `posture scans`
  // shows it). The last complete scan stays the one checks read.
  Status fail(std::string message);

 private:
  struct Impl;
  explicit ScanWriter(std::unique_ptr<Impl> impl);
  explicit ScanWriter(std::unique_ptr<internal::PgWriter> pg);  // pg_writer.cpp
  std::unique_ptr<Impl> impl_;
  int64_t scan_id_ = 0;
  std::unique_ptr<internal::PgWriter> pg_;  // set: writing to PostgreSQL (impl_ unused)
};

// Lower-cases an ARM id for keying (ARM ids are case-insensitive).
std::string arm_key(std::string_view id);
// The same into `out`, reusing its storage: for readers that derive the key
// of many rows from their ids (store/layout.hpp, kKey).
void arm_key(std::string_view id, std::string& out);

// The version of SQLite (the default engine behind the store: "3.40.1").
std::string engine_version();

}  // namespace posture::store
