// The Cursor: preparing a Statement, binding its literals (by the number in
// each parameter's name) and its scan id (by name), stepping the rows. Also
// the raw prepare/step the store's own statements use (store_internal.hpp).
#include "store/cursor.hpp"

#include <charconv>
#include <cstring>

#include "base/text.hpp"
#include "store/pg_store.hpp"
#include "store/row_set.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

using internal::connection;
using internal::sqlite_error;
using internal::store_error;

namespace {

sqlite3_stmt* raw(void* stmt) {
  return static_cast<sqlite3_stmt*>(stmt);
}

int bind_value(sqlite3_stmt* stmt, int index, const Value& v) {
  struct Binder {
    sqlite3_stmt* s;
    int i;
    int operator()(std::monostate) const { return sqlite3_bind_null(s, i); }
    int operator()(bool b) const { return sqlite3_bind_int(s, i, b ? 1 : 0); }
    int operator()(int64_t n) const { return sqlite3_bind_int64(s, i, n); }
    int operator()(double d) const { return sqlite3_bind_double(s, i, d); }
    int operator()(const std::string& t) const {
      return sqlite3_bind_text(s, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    }
  };
  return std::visit(Binder{stmt, index}, v);
}

// The number a parameter's name ends in (`:p3`, `?3` -> 3); 0 when none.
size_t literal_number(std::string_view name) {
  size_t digits = 0;
  while (digits < name.size() &&
         std::isdigit(static_cast<unsigned char>(name[name.size() - 1 - digits])))
    ++digits;
  if (digits == 0 || digits > 9) return 0;
  return std::stoul(std::string(name.substr(name.size() - digits)));
}

}  // namespace

namespace internal {

Result<Cursor> CursorAccess::prepare(sqlite3* db, const std::string& path, std::string_view sql,
                                     bool persistent) {
  Cursor c;
  c.db_ = db;
  c.path_ = path;
  sqlite3_stmt* stmt = nullptr;
  unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  c.stmt_ = stmt;
  if (rc != SQLITE_OK) return sqlite_error(path, db, "cannot prepare a statement");
  return c;
}

}  // namespace internal

namespace {

// The row set a parameter names: `:set3` -> 3; 0 when it names none.
size_t set_number(std::string_view name) {
  constexpr std::string_view kSet = ":set";
  return name.substr(0, kSet.size()) == kSet ? literal_number(name) : 0;
}

using RowSets = std::vector<std::shared_ptr<const internal::RowSet>>;

// The parameters that narrow a statement's rowid range to a part.
constexpr std::string_view kPartLo = ":part_lo", kPartHi = ":part_hi";

// Binds row set `set` to parameter `param` (posture_in only reads the set).
int bind_set(sqlite3_stmt* stmt, int param, const internal::RowSet* set) {
  return sqlite3_bind_pointer(stmt, param, const_cast<internal::RowSet*>(set),
                              internal::kRowSetPointer, nullptr);
}

// Prepares `sql` on `db` into `stmt` and binds the literals, scan and part of
// `statement` and the first sets.size() row sets; each row set parameter
// bound is added to `set_params` when it is not null.
Status prepare_bound(sqlite3* db, const std::string& path, std::string_view sql,
                     const Statement& statement, int64_t scan_id, RowidRange part,
                     const RowSets& sets, sqlite3_stmt*& stmt,
                     std::vector<std::pair<int, size_t>>* set_params) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(path, db, "cannot prepare a query");
  if (!stmt) return store_error(path, "a query holds no statement");
  int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    std::string_view n = name ? name : "?";
    if (!statement.scan.empty() && n == statement.scan) {
      rc = sqlite3_bind_int64(stmt, i, scan_id);
    } else if (!statement.part_table.empty() && (n == kPartLo || n == kPartHi)) {
      rc = sqlite3_bind_int64(stmt, i, n == kPartLo ? part.lo : part.hi);
    } else if (size_t set = set_number(n)) {
      if (set > sets.size() || !sets[set - 1])
        return store_error(path,
                           "query parameter " + std::string(n) + " names no row set before it");
      rc = bind_set(stmt, i, sets[set - 1].get());
      if (set_params) set_params->emplace_back(i, set - 1);
    } else {
      size_t k = literal_number(n);
      if (k == 0 || k > statement.params.size())
        return store_error(path, "query parameter " + std::string(n) + " has no value");
      rc = bind_value(stmt, i, statement.params[k - 1]);
    }
    if (rc != SQLITE_OK) return sqlite_error(path, db, "cannot bind a query parameter");
  }
  return ok_status();
}

}  // namespace

std::vector<std::vector<size_t>> row_set_numbers(const std::vector<std::string>& sets) {
  std::vector<std::vector<size_t>> out;
  std::vector<bool> filled;
  for (const std::string& sql : sets) {
    // Its flag columns, `AS "set<N>"` (no other name the SQL stage writes
    // is quoted after AS).
    std::vector<size_t> numbers;
    constexpr std::string_view kFlag = " AS \"set";
    for (size_t at = 0; (at = sql.find(kFlag, at)) != std::string::npos;) {
      at += kFlag.size();
      size_t n = 0, digits = at;
      while (at < sql.size() && sql[at] >= '0' && sql[at] <= '9') n = n * 10 + (sql[at++] - '0');
      if (at > digits && at < sql.size() && sql[at] == '"' && n) numbers.push_back(n);
    }
    if (numbers.empty()) {
      size_t lowest = 1;
      while (lowest <= filled.size() && filled[lowest - 1]) ++lowest;
      numbers.push_back(lowest);
    }
    for (size_t n : numbers) {
      if (filled.size() < n) filled.resize(n, false);
      filled[n - 1] = true;
    }
    out.push_back(std::move(numbers));
  }
  return out;
}

std::string row_set_names(const std::vector<size_t>& numbers) {
  std::string out;
  for (size_t n : numbers) out += (out.empty() ? ":set" : ", :set") + std::to_string(n);
  return out;
}

Result<Cursor> Cursor::open(const Store& store, const Statement& statement, int64_t scan_id,
                            RowidRange part) {
  if (const internal::PgStore* pg = internal::StoreAccess::pg(store)) {
    if (!statement.sets.empty())
      return store_error(store.path(), "row sets are SQLite's (the statement is not PostgreSQL's)");
    // The PostgreSQL dialect's $2 is the scan's tenant (docs/scaling.md):
    // bound ahead of the literals, which follow as $3, $4, ...
    auto tenant = pg->tenant_of(scan_id);
    if (!tenant) return tenant.take_errors();
    Statement bound = statement;
    bound.params.insert(bound.params.begin(), Value{std::move(*tenant)});
    return internal::PgRows::open(*pg, bound, scan_id);
  }
  sqlite3* db = connection(store);
  Cursor c;
  c.db_ = db;
  c.path_ = store.path();
  // The row sets from their statements, in order: a set may read those before it.
  const auto numbers = row_set_numbers(statement.sets);
  for (size_t k = 0; k < statement.sets.size(); ++k) {
    sqlite3_stmt* raw_set = nullptr;
    Status prepared = prepare_bound(db, c.path_, statement.sets[k], statement, scan_id, {}, c.sets_,
                                    raw_set, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> set_stmt(raw_set, sqlite3_finalize);
    if (!prepared) return prepared.take_errors();
    const std::vector<size_t>& fills = numbers[k];
    const bool flags = sqlite3_column_count(raw_set) > 1;
    if (flags && sqlite3_column_count(raw_set) != static_cast<int>(fills.size()) + 1)
      return store_error(c.path_, "a row set statement's columns do not name its sets");
    std::vector<std::shared_ptr<internal::RowSet>> made(fills.size());
    for (auto& set : made) set = std::make_shared<internal::RowSet>();
    int rc;
    while ((rc = sqlite3_step(raw_set)) == SQLITE_ROW) {
      if (sqlite3_column_type(raw_set, 0) != SQLITE_INTEGER) continue;
      const int64_t rid = sqlite3_column_int64(raw_set, 0);
      if (!flags) {
        made[0]->add(rid);
        continue;
      }
      for (size_t f = 0; f < made.size(); ++f)
        if (sqlite3_column_int(raw_set, static_cast<int>(f) + 1) == 1) made[f]->add(rid);
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.path_, db, "a query failed");
    c.set_steps_ += sqlite3_stmt_status(raw_set, SQLITE_STMTSTATUS_VM_STEP, 0);
    for (size_t f = 0; f < made.size(); ++f) {
      made[f]->finish();
      if (c.sets_.size() < fills[f]) c.sets_.resize(fills[f]);
      c.sets_[fills[f] - 1] = std::move(made[f]);
    }
  }
  if (auto st = internal::CursorAccess::prepare_main(c, statement, scan_id, part); !st)
    return st.take_errors();
  return c;
}

Result<Cursor> Cursor::open_part(const Store& store, const Statement& statement, int64_t scan_id,
                                 RowidRange part) const {
  if (internal::StoreAccess::pg(store) || pg_)
    return store_error(store.path(), "a statement's parts are SQLite's");
  Cursor c;
  c.db_ = connection(store);
  c.path_ = store.path();
  c.sets_ = sets_;
  if (auto st = internal::CursorAccess::prepare_main(c, statement, scan_id, part); !st)
    return st.take_errors();
  return c;
}

Status internal::CursorAccess::prepare_main(Cursor& c, const Statement& statement, int64_t scan_id,
                                            RowidRange part) {
  sqlite3_stmt* stmt = nullptr;
  Status prepared = prepare_bound(db(c), c.path_, statement.sql, statement, scan_id, part, c.sets_,
                                  stmt, &c.set_params_);
  c.stmt_ = stmt;
  return prepared;
}

Cursor::Cursor() = default;

Cursor::Cursor(Cursor&& other) noexcept
    : stmt_(other.stmt_),
      db_(other.db_),
      path_(std::move(other.path_)),
      pg_(std::move(other.pg_)),
      sets_(std::move(other.sets_)),
      set_params_(std::move(other.set_params_)),
      set_steps_(other.set_steps_) {
  other.stmt_ = nullptr;
}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(raw(stmt_));
    stmt_ = other.stmt_;
    db_ = other.db_;
    path_ = std::move(other.path_);
    pg_ = std::move(other.pg_);
    sets_ = std::move(other.sets_);
    set_params_ = std::move(other.set_params_);
    set_steps_ = other.set_steps_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Cursor::~Cursor() {
  sqlite3_finalize(raw(stmt_));
}

Result<bool> Cursor::next() {
  if (pg_) return pg_->next();
  int rc = sqlite3_step(raw(stmt_));
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(path_, static_cast<sqlite3*>(db_), "a query failed");
}

std::string_view Cursor::text(int column) const {
  if (pg_) return pg_->text(column);
  const unsigned char* p = sqlite3_column_text(raw(stmt_), column);
  return p ? std::string_view(reinterpret_cast<const char*>(p),
                              static_cast<size_t>(sqlite3_column_bytes(raw(stmt_), column)))
           : std::string_view();
}

int64_t Cursor::integer(int column) const {
  if (pg_) return pg_->integer(column);
  return sqlite3_column_int64(raw(stmt_), column);
}

double Cursor::real(int column) const {
  if (pg_) return pg_->real(column);
  return sqlite3_column_double(raw(stmt_), column);
}

bool Cursor::is_null(int column) const {
  if (pg_) return pg_->is_null(column);
  return sqlite3_column_type(raw(stmt_), column) == SQLITE_NULL;
}

namespace {

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // the start of the bytes not yet copied
  size_t i = 0;
  while (i < text.size()) {
    // Eight bytes at a time while none needs escaping (ids and names seldom do).
    if (i + 8 <= text.size()) {
      uint64_t w;
      std::memcpy(&w, text.data() + i, sizeof w);
      if (text::json_plain_word(w, false)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c != '"' && c != '\\' && c > 0x1f) {
      ++i;
      continue;
    }
    out.append(text.data() + plain, i - plain);
    plain = ++i;
    out += '\\';
    switch (c) {
      case '\b':
        out += 'b';
        break;
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\f':
        out += 'f';
        break;
      case '\r':
        out += 'r';
        break;
      case '"':
      case '\\':
        out += static_cast<char>(c);
        break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

}  // namespace

void Cursor::append_json(int column, std::string& out) const {
  if (pg_) {
    if (pg_->is_null(column)) return void(out += "null");
    return append_json_string(pg_->text(column), out);
  }
  switch (sqlite3_column_type(raw(stmt_), column)) {  // once: each call is an API call
    case SQLITE_NULL:
      out += "null";
      return;
    case SQLITE_INTEGER: {
      char buf[24];
      auto end = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(raw(stmt_), column)).ptr;
      out.append(buf, end);
      return;
    }
    case SQLITE_FLOAT: {
      // SQLite's own JSON formatting of a REAL ("%!.15g", its printf's "!"
      // flag keeping a decimal point: 3.0, 1.0e+20).
      char buf[64];
      sqlite3_snprintf(sizeof buf, buf, "%!.15g", sqlite3_column_double(raw(stmt_), column));
      out += buf;
      return;
    }
    default:
      append_json_string(text(column), out);
  }
}

int Cursor::columns() const {
  if (pg_) return pg_->columns();
  return sqlite3_column_count(raw(stmt_));
}

// PostgreSQL: the rows the query returned.
int64_t Cursor::steps() const {
  if (pg_) return pg_->rows();
  return set_steps_ + sqlite3_stmt_status(raw(stmt_), SQLITE_STMTSTATUS_VM_STEP, 0);
}

void Cursor::reset() {
  sqlite3_reset(raw(stmt_));
  sqlite3_clear_bindings(raw(stmt_));
  for (const auto& [param, set] : set_params_) bind_set(raw(stmt_), param, sets_[set].get());
}

void Cursor::bind(int index, int64_t value) {
  sqlite3_bind_int64(raw(stmt_), index, value);
}

void Cursor::bind(int index, double value) {
  sqlite3_bind_double(raw(stmt_), index, value);
}

void Cursor::bind(int index, std::string_view value) {
  sqlite3_bind_text(raw(stmt_), index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}

void Cursor::bind_static(int index, std::string_view value) {
  sqlite3_bind_text(raw(stmt_), index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

void Cursor::bind_null(int index) {
  sqlite3_bind_null(raw(stmt_), index);
}

}  // namespace posture::store
