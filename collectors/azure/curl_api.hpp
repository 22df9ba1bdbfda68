// libcurl as the collector calls it: loaded when an HTTP transfer is first
// needed (base/dynlib.hpp), so that the processes that never collect do not
// load it and the libraries it needs at every start.
#pragma once

#include <curl/curl.h>

#include "base/result.hpp"

namespace posture::azure {

// clang-format off
#define POSTURE_CURL_FUNCTIONS(X) \
  X(global_init, curl_global_init) \
  X(easy_init, curl_easy_init) \
  X(easy_cleanup, curl_easy_cleanup) \
  X(easy_reset, curl_easy_reset) \
  X(easy_setopt, curl_easy_setopt) \
  X(easy_getinfo, curl_easy_getinfo) \
  X(easy_perform, curl_easy_perform) \
  X(easy_strerror, curl_easy_strerror) \
  X(slist_append, curl_slist_append) \
  X(slist_free_all, curl_slist_free_all) \
  X(getdate, curl_getdate) \
  X(multi_init, curl_multi_init) \
  X(multi_cleanup, curl_multi_cleanup) \
  X(multi_setopt, curl_multi_setopt) \
  X(multi_add_handle, curl_multi_add_handle) \
  X(multi_remove_handle, curl_multi_remove_handle) \
  X(multi_perform, curl_multi_perform) \
  X(multi_poll, curl_multi_poll) \
  X(multi_info_read, curl_multi_info_read)
// clang-format on

// The functions, by their names without `curl_` (a call through a member
// named like the function would meet curl.h's type-checking macros).
struct CurlApi {
#define POSTURE_CURL_MEMBER(member, function) decltype(&::function) member = nullptr;
  POSTURE_CURL_FUNCTIONS(POSTURE_CURL_MEMBER)
#undef POSTURE_CURL_MEMBER
};

// Loads libcurl.so.4 and runs curl_global_init once per process. Errors (code
// "dependency"): the library cannot be loaded.
Result<const CurlApi*> load_curl();
// The loaded functions; only after load_curl() succeeded.
const CurlApi& curl();

}  // namespace posture::azure
