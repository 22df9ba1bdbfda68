// Opening the asset store (file mode 0600, pragmas, tables from the schema,
// SQL functions) and reading its scans and collection errors. Writing a scan is
// in scan_writer.cpp, the DDL in ddl.cpp, posture_regexp in regexp.cpp, the
// Cursor in cursor.cpp, the other reads (counts, plans, modes) in read.cpp.
#include "store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "store/pg_store.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

namespace internal {

Diagnostic store_error(const std::string& path, std::string_view what) {
  return Diagnostic::error("store", "store " + path + ": " + std::string(what),
                           SourceLocation{path, 0, 0});
}

Diagnostic sqlite_error(const std::string& path, sqlite3* db, std::string_view what) {
  if (db && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_NOTADB)
    return store_error(path, "not a Posture store (file is not a SQLite database)");
  std::string message = db ? sqlite3_errmsg(db) : "out of memory";
  return store_error(path, std::string(what) + ": " + message);
}

// The statement's text stays out of the message: users see what failed and
// SQLite's reason, never the store's internal SQL.
Status exec(sqlite3* db, const std::string& path, std::string_view sql) {
  std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return ok_status();
  return sqlite_error(path, db, "cannot use the store");
}

// Turns the store `db` writes to WAL; SQLite's result code (SQLITE_BUSY
// while another connection is in a transaction on a file in rollback mode).
int turn_to_wal(sqlite3* db) {
  if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) == SQLITE_OK)
    return SQLITE_OK;
  return sqlite3_errcode(db);
}

void after_commit(Store& store) {
  // Best effort: should another connection hold the file now, the next
  // writer's open turns it to WAL (set_pragmas).
  if (store.wal_after_commit_ && turn_to_wal(connection(store)) == SQLITE_OK)
    store.wal_after_commit_ = false;
}

}  // namespace internal

using internal::exec;
using internal::prepare;
using internal::sqlite_error;
using internal::step;
using internal::store_error;

namespace {

// Creates `path` with mode 0600 unless it exists, so SQLite (and its -wal and
// -shm or -journal files, which copy the database's mode) never make it
// world-readable.
// True when this call created it.
Result<bool> create_private_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return store_error(path, std::string("cannot create the file: ") + std::strerror(errno));
  }
  ::fchmod(fd, 0600);  // exactly 0600 whatever the umask
  ::close(fd);
  return true;
}

// `created`: the file was created by this open. Its first writes go through
// a rollback journal (which writes nothing for pages the file did not have),
// not the WAL (which writes each page twice: to the WAL, then at the
// checkpoint); the store turns to WAL when its first scan commits
// (internal::after_commit). docs/robustness.md, "Crash consistency".
Status set_pragmas(sqlite3* db, const std::string& path, OpenMode mode, bool created) {
  sqlite3_busy_timeout(db, 10000);
  // Writers keep a 64 MiB page cache (an import updates its indexes all over
  // them), no map, and their temporary tables and sorts (the references a
  // scan links at commit) in files, so an import's resident memory stays
  // bounded however large the store or the scan grows; readers read as
  // kReadPragmas says, their temporary B-trees in memory.
  if (mode == OpenMode::ReadOnly)
    return exec(db, path,
                "PRAGMA temp_store = MEMORY; " + std::string(internal::kReadPragmas) +
                    " PRAGMA query_only = 1;");
  // A new store's pages are 32 KiB (SQLite's default is 4):
  // a scan reads a table with one read(2) per page, and on the virtual
  // machines we measure on a system call costs as much as reading the page
  // (docs/performance.md, "Page size"). Set before the file's first write;
  // an existing store keeps the size it was made with.
  Status set =
      exec(db, path,
           std::string(created ? "PRAGMA page_size = 32768; " : "") + "PRAGMA temp_store = FILE; " +
               internal::cache_size_pragma(internal::kWriterCacheSize) +
               " PRAGMA mmap_size = 0; PRAGMA synchronous = NORMAL;");
  if (!set || created) return set;
  // A store whose first scan another process is writing cannot turn to WAL
  // now; that process turns it when its scan commits, and this connection
  // follows (SQLite reads the mode from the file).
  int rc = internal::turn_to_wal(db);
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return ok_status();
  return internal::sqlite_error(path, db, "cannot use the store");
}

ScanInfo read_scan(const Cursor& s) {
  ScanInfo info;
  info.id = s.integer(0);
  info.source = s.text(1);
  info.started_at = s.text(2);
  info.ended_at = s.text(3);
  info.status = s.text(4);
  info.objects = s.integer(5);
  info.message = s.text(6);
  info.tenant = s.text(7);
  return info;
}

constexpr const char* kScanColumns =
    "SELECT id, source, started_at, ended_at, status, objects, message, _tenant FROM _scans ";

// Runs a _scans query (with `id` bound to ?1 when non-zero, or `tenant` to ?1
// when given) and collects the rows.
Result<std::vector<ScanInfo>> query_scans(sqlite3* db, const std::string& path,
                                          const std::string& tail, int64_t id = 0,
                                          const std::string* tenant = nullptr) {
  auto stmt = prepare(db, path, kScanColumns + tail);
  if (!stmt) return stmt.take_errors();
  if (id) stmt->bind(1, id);
  if (tenant) stmt->bind(1, std::string_view(*tenant));
  std::vector<ScanInfo> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW) out.push_back(read_scan(*stmt));
  if (rc != SQLITE_DONE) return sqlite_error(path, db, "reading _scans");
  return out;
}

}  // namespace

namespace {

// `path` as an SQLite URI (file:...) with `query`; '%', '?' and '#' escaped.
std::string file_uri(const std::string& path, const std::string& query) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
}

// Opens the connection of `store` (its path and schema set) on `name` and
// readies it: pragmas, functions, tables. `rc` is SQLite's extended code of
// the first failure.
Status connect(Store& store, sqlite3*& db, const std::string& name, int flags, OpenMode mode,
               int& rc, bool created = false) {
  const std::string& path = store.path();
  rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  Status status = ok_status();
  if (rc != SQLITE_OK) {
    status = sqlite_error(path, db, "cannot open");
  } else {
    sqlite3_extended_result_codes(db, 1);
    status = set_pragmas(db, path, mode, created);
    if (status) status = internal::register_functions(db, path);
    if (status)
      status = internal::ensure_tables(db, path, store.schema(), mode == OpenMode::ReadOnly);
  }
  if (!status) rc = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
  return status;
}

// SQLite's process-wide settings, before its first use: no memory
// statistics, which took a global mutex around every allocation SQLite
// made (4% of an import's writer thread; docs/performance.md). Too late
// once SQLite is initialised (by another component), and then harmless.
void configure_sqlite() {
  static const bool done = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

// Plays back the journal a killed write left in `path` (SQLite does it when a
// connection that may write first reads the file).
Status undo_interrupted_write(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> close(db, sqlite3_close_v2);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return ok_status();
  return store_error(path,
                     "holds a write that was interrupted (" + path +
                         "-journal), which only a process that may write the file can undo: " +
                         (db ? sqlite3_errmsg(db) : "out of memory"));
}

// Whether `path`-wal holds changes not yet in the database file, or
// `path`-journal those a killed write made to it.
bool changes_outside(const std::string& path) {
  struct stat st {};
  for (const char* suffix : {"-wal", "-journal"})
    if (::stat((path + suffix).c_str(), &st) == 0 && st.st_size > 0) return true;
  return false;
}

}  // namespace

// A reader opens the file read-only (mode=ro). SQLite's WAL mode wants a
// shared-memory file (-shm) beside the store even for reading; where it can be
// neither created nor opened (a read-only directory or file system) and no
// -wal or -journal file holds changes, the store is read as immutable: nothing
// is created or locked, and the evaluation writes nothing anywhere. The
// journal a killed write left (a new store's first scan) is played back
// first, which needs the file writable (undo_interrupted_write).
Result<Store> Store::open(const std::string& path, const schema::Schema& schema, OpenMode mode) {
  configure_sqlite();
  if (is_postgres_uri(path)) {
    Store store;
    store.path_ = display_name(path);
    store.schema_ = &schema;
    auto pg = internal::PgStore::connect(path, store.path_, schema, mode);
    if (!pg) return pg.take_errors();
    store.pg_ = std::move(*pg);
    return store;
  }
  bool memory = path == ":memory:" || path.empty();
  bool created = false;
  if (!memory && mode == OpenMode::ReadWrite) {
    auto made = create_private_file(path);
    if (!made) return made.take_errors();
    created = *made;
  }
  if (!memory && mode == OpenMode::ReadOnly && ::access(path.c_str(), F_OK) != 0)
    return store_error(path,
                       "does not exist (create it with `posture import` or `posture collect`)");
  Store store;
  store.path_ = path;
  store.schema_ = &schema;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (mode == OpenMode::ReadWrite || memory) {
    flags |= mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3* db = nullptr;
    int rc = SQLITE_OK;
    Status s = connect(store, db, path, flags, mode, rc, created);
    store.db_ = db;  // closed by ~Store, whatever happened
    store.wal_after_commit_ = created;
    if (!s) return s.take_errors();
    return store;
  }
  flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
  sqlite3* db = nullptr;
  int rc = SQLITE_OK;
  Status s = connect(store, db, file_uri(path, "mode=ro"), flags, mode, rc);
  if (!s && rc == SQLITE_READONLY_ROLLBACK) {
    // A first import or collection that was killed left its journal, which a
    // read-only connection may not play back: a writing one does, once.
    sqlite3_close_v2(db);
    db = nullptr;
    if (auto undone = undo_interrupted_write(path); !undone) return undone.take_errors();
    s = connect(store, db, file_uri(path, "mode=ro"), flags, mode, rc);
  }
  int primary = rc & 0xff;
  if (!s && (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY) && !changes_outside(path)) {
    sqlite3_close_v2(db);
    db = nullptr;
    s = connect(store, db, file_uri(path, "mode=ro&immutable=1"), flags, mode, rc);
  }
  store.db_ = db;
  if (!s) return s.take_errors();
  return store;
}

Store::Store(Store&& other) noexcept
    : db_(other.db_),
      schema_(other.schema_),
      path_(std::move(other.path_)),
      pg_(std::move(other.pg_)),
      wal_after_commit_(other.wal_after_commit_) {
  other.db_ = nullptr;
}

Store& Store::operator=(Store&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(static_cast<sqlite3*>(db_));
    db_ = other.db_;
    schema_ = other.schema_;
    path_ = std::move(other.path_);
    pg_ = std::move(other.pg_);
    wal_after_commit_ = other.wal_after_commit_;
    other.db_ = nullptr;
  }
  return *this;
}

Store::~Store() {
  sqlite3_close_v2(static_cast<sqlite3*>(db_));
}

Result<std::vector<ScanInfo>> Store::scans() const {
  if (pg_) return pg_->scans("ORDER BY id", 0);
  return query_scans(internal::connection(*this), path_, "ORDER BY id");
}

namespace {

// The latest complete (or partial) scan of `store`, of `tenant` when given:
// the one query behind both latest_complete_scan()s.
Result<std::optional<ScanInfo>> latest_complete(const Store& store, const std::string* tenant) {
  const std::string tail = "status IN ('complete', 'partial') ORDER BY id DESC LIMIT 1";
  const internal::PgStore* pg = internal::StoreAccess::pg(store);
  auto rows = pg ? pg->scans((tenant ? "WHERE _tenant = $1 AND " : "WHERE ") + tail, 0, tenant)
                 : query_scans(internal::connection(store), store.path(),
                               (tenant ? "WHERE _tenant = ?1 AND " : "WHERE ") + tail, 0, tenant);
  if (!rows) return rows.take_errors();
  if (rows->empty()) return std::optional<ScanInfo>{};
  return std::optional<ScanInfo>{std::move(rows->front())};
}

}  // namespace

Result<std::optional<ScanInfo>> Store::latest_complete_scan() const {
  return latest_complete(*this, nullptr);
}

Result<std::optional<ScanInfo>> Store::latest_complete_scan(const std::string& tenant) const {
  return latest_complete(*this, &tenant);
}

Result<std::vector<std::string>> Store::tenants() const {
  auto rows = pg_ ? pg_->scans("WHERE status IN ('complete', 'partial') ORDER BY _tenant, id", 0)
                  : query_scans(internal::connection(*this), path_,
                                "WHERE status IN ('complete', 'partial') ORDER BY _tenant, id");
  if (!rows) return rows.take_errors();
  std::vector<std::string> out;
  for (const auto& scan : *rows)
    if (out.empty() || out.back() != scan.tenant) out.push_back(scan.tenant);
  return out;
}

Result<std::optional<ScanInfo>> Store::scan(int64_t id) const {
  auto rows = pg_ ? pg_->scans("WHERE id = $1", id)
                  : query_scans(internal::connection(*this), path_, "WHERE id = ?1", id);
  if (!rows) return rows.take_errors();
  if (rows->empty()) return std::optional<ScanInfo>{};
  return std::optional<ScanInfo>{std::move(rows->front())};
}

Result<std::vector<CollectionError>> Store::collection_errors(int64_t scan_id) const {
  if (pg_) return pg_->collection_errors(scan_id);
  sqlite3* db = internal::connection(*this);
  auto stmt = prepare(db, path_,
                      "SELECT resource, type, message, http_status, coalesce(child_type, '') FROM "
                      "_collection_errors WHERE scan = ?1 ORDER BY rowid");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  std::vector<CollectionError> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW)
    out.push_back({std::string(stmt->text(0)), std::string(stmt->text(1)),
                   std::string(stmt->text(2)), static_cast<int>(stmt->integer(3)),
                   std::string(stmt->text(4))});
  if (rc != SQLITE_DONE) return sqlite_error(path_, db, "reading _collection_errors");
  return out;
}

Result<std::optional<std::vector<std::string>>> Store::collected_types(int64_t scan_id) const {
  if (pg_) return pg_->collected_types(scan_id);
  sqlite3* db = internal::connection(*this);
  auto stmt = prepare(db, path_, "SELECT type FROM _scan_types WHERE scan = ?1 ORDER BY type");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  std::vector<std::string> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW) out.emplace_back(stmt->text(0));
  if (rc != SQLITE_DONE) return sqlite_error(path_, db, "reading _scan_types");
  if (out.empty()) return std::optional<std::vector<std::string>>{};
  return std::optional<std::vector<std::string>>{std::move(out)};
}

Result<std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>>> Store::unmodelled_counts(
    int64_t scan_id) const {
  if (pg_) return pg_->unmodelled_counts(scan_id);
  sqlite3* db = internal::connection(*this);
  auto stmt = prepare(db, path_,
                      "SELECT arm_type, count(*), sum(length(CAST(raw AS BLOB))) FROM _unmodelled "
                      "WHERE scan = ?1 GROUP BY arm_type ORDER BY arm_type");
  if (!stmt) return stmt.take_errors();
  stmt->bind(1, scan_id);
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> out;
  int rc;
  while ((rc = step(*stmt)) == SQLITE_ROW)
    out.push_back(
        {std::string(stmt->text(0)),
         {static_cast<uint64_t>(stmt->integer(1)), static_cast<uint64_t>(stmt->integer(2))}});
  if (rc != SQLITE_DONE) return sqlite_error(path_, db, "reading _unmodelled");
  return out;
}

std::string arm_key(std::string_view id) {
  return text::ascii_lower(id);
}

void arm_key(std::string_view id, std::string& out) {
  text::ascii_lower(id, out);
}

}  // namespace posture::store
