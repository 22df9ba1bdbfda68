#include "store/pg_api.hpp"

#include <string>

#include "base/dynlib.hpp"

namespace posture::store::internal {
namespace {

bool bind(void* handle, PqApi& api, std::string& missing) {
#define POSTURE_PQ_BIND(function) POSTURE_DYNLIB_BIND(function, #function)
  POSTURE_PQ_FUNCTIONS(POSTURE_PQ_BIND)
#undef POSTURE_PQ_BIND
  return true;
}

dynlib::Library<PqApi>& library() {
  static dynlib::Library<PqApi> pq("libpq.so.5", "PostgreSQL stores", &bind);
  return pq;
}

}  // namespace

Result<const PqApi*> load_pq() {
  return library().load();
}

const PqApi& pq() {
  return library().api();
}

}  // namespace posture::store::internal
