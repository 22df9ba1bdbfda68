#include "collectors/azure/curl_api.hpp"

#include <string>

#include "base/dynlib.hpp"

namespace posture::azure {
namespace {

bool bind(void* handle, CurlApi& api, std::string& missing) {
#define POSTURE_CURL_BIND(member, function) POSTURE_DYNLIB_BIND(member, #function)
  POSTURE_CURL_FUNCTIONS(POSTURE_CURL_BIND)
#undef POSTURE_CURL_BIND
  api.global_init(CURL_GLOBAL_DEFAULT);
  return true;
}

dynlib::Library<CurlApi>& library() {
  static dynlib::Library<CurlApi> curl("libcurl.so.4", "Azure collection and sign-in", &bind);
  return curl;
}

}  // namespace

Result<const CurlApi*> load_curl() {
  return library().load();
}

const CurlApi& curl() {
  return library().api();
}

}  // namespace posture::azure
