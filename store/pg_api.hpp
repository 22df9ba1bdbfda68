// libpq as the PostgreSQL store calls it: loaded when a PostgreSQL store is
// first opened (base/dynlib.hpp), so that the processes that only read
// SQLite stores do not load it and the libraries it needs at every start.
#pragma once

#include <libpq-fe.h>

#include "base/result.hpp"

namespace posture::store::internal {

// clang-format off
#define POSTURE_PQ_FUNCTIONS(X) \
  X(PQclear) \
  X(PQcmdTuples) \
  X(PQconnectdb) \
  X(PQdescribePrepared) \
  X(PQerrorMessage) \
  X(PQexec) \
  X(PQexecParams) \
  X(PQfinish) \
  X(PQgetResult) \
  X(PQgetisnull) \
  X(PQgetlength) \
  X(PQgetvalue) \
  X(PQnfields) \
  X(PQnparams) \
  X(PQntuples) \
  X(PQparamtype) \
  X(PQprepare) \
  X(PQputCopyData) \
  X(PQputCopyEnd) \
  X(PQresultErrorMessage) \
  X(PQresultStatus) \
  X(PQsetClientEncoding) \
  X(PQsetNoticeProcessor) \
  X(PQstatus) \
  X(PQtransactionStatus)
// clang-format on

struct PqApi {
#define POSTURE_PQ_MEMBER(function) decltype(&::function) function = nullptr;
  POSTURE_PQ_FUNCTIONS(POSTURE_PQ_MEMBER)
#undef POSTURE_PQ_MEMBER
};

// Loads libpq.so.5 once per process. Errors (code "dependency"): the library
// cannot be loaded.
Result<const PqApi*> load_pq();
// The loaded functions; only after load_pq() succeeded (every PgStore did).
const PqApi& pq();

}  // namespace posture::store::internal
