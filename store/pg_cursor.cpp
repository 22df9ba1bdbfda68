// The rows of a query on the PostgreSQL store: the Statement's scan id bound
// as $1 and its literals as $2, $3, ... (Cursor::open puts the scan's tenant
// first among them, so the dialect's literal i is $(i+2)), booleans as the integers 1 and 0 they
// are stored as, the result streamed through a server-side cursor kPgBatch rows at a time and read
// as text.
#include <cstdio>
#include <cstdlib>

#include "store/pg_store.hpp"

namespace posture::store::internal {

namespace {

PgParam pg_value(const Value& v) {
  struct Converter {
    PgParam operator()(std::monostate) const { return {std::nullopt, 0}; }
    PgParam operator()(bool b) const { return pg_int(b ? 1 : 0); }
    PgParam operator()(int64_t n) const { return pg_int(n); }
    PgParam operator()(double d) const {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", d);
      return {std::string(text), kFloat8Oid};
    }
    PgParam operator()(const std::string& t) const { return pg_text(t); }
  };
  return std::visit(Converter{}, v);
}

}  // namespace

Result<Cursor> PgRows::open(const PgStore& store, const Statement& statement, int64_t scan_id) {
  std::vector<PgParam> params{pg_int(scan_id)};
  for (const auto& v : statement.params) params.push_back(pg_value(v));
  if (auto st = store.cursor_opening(); !st) return st.take_errors();
  auto rows = std::make_unique<PgRows>();
  rows->store_ = &store;  // from here on, its destructor closes the cursor
  rows->name_ = store.next_cursor_name();
  auto declared = store.run("DECLARE " + rows->name_ + " NO SCROLL CURSOR FOR " + statement.sql,
                            params, "a query failed");
  if (!declared) return declared.take_errors();
  Cursor c;
  c.path_ = store.name();
  c.pg_ = std::move(rows);
  return c;
}

PgRows::~PgRows() {
  if (!store_) return;
  // After an error the transaction is aborted and the cursor gone with it.
  if (pq().PQtransactionStatus(store_->conn()) == PQTRANS_INTRANS)
    (void)store_->exec("CLOSE " + name_, "closing a cursor");
  store_->cursor_closed();
}

Result<bool> PgRows::next() {
  if (result_ && ++row_ < pq().PQntuples(result_.get())) {
    ++rows_;
    return true;
  }
  if (last_batch_) return false;
  auto batch = store_->run("FETCH FORWARD " + std::to_string(kPgBatch) + " FROM " + name_, {},
                           "a query failed");
  if (!batch) return batch.take_errors();
  result_ = std::move(*batch);
  row_ = 0;
  int n = pq().PQntuples(result_.get());
  last_batch_ = n < kPgBatch;
  if (n == 0) return false;
  ++rows_;
  return true;
}

std::string_view PgRows::text(int column) const {
  const PGresult* r = result_.get();
  return {pq().PQgetvalue(r, row_, column), static_cast<size_t>(pq().PQgetlength(r, row_, column))};
}

// Integers as text; a boolean expression reads as 1 or 0.
int64_t PgRows::integer(int column) const {
  const char* v = pq().PQgetvalue(result_.get(), row_, column);
  if (v[0] == 't' && v[1] == '\0') return 1;
  if (v[0] == 'f' && v[1] == '\0') return 0;
  return std::strtoll(v, nullptr, 10);
}

double PgRows::real(int column) const {
  return std::strtod(pq().PQgetvalue(result_.get(), row_, column), nullptr);
}

}  // namespace posture::store::internal
