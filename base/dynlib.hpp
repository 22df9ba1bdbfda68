// Shared libraries loaded when first needed (dlopen) rather than at every
// process start: libpq and libcurl, with the thirty libraries they pull in,
// cost about 2.6 ms of CPU to load, a third of a small `posture query`, and
// only `collect` and PostgreSQL stores use them (docs/performance.md, "The
// query path").
#pragma once

#include <mutex>
#include <string>

#include "base/result.hpp"

namespace posture::dynlib {

// dlopen() with RTLD_NOW | RTLD_LOCAL; null with `error` set on failure.
void* open(const char* soname, std::string& error);
// dlsym(); null when the library has no such symbol.
void* symbol(void* handle, const char* name);
Diagnostic load_error(const char* soname, const char* what, const std::string& why);

// One library and the table of its functions `Api`, which `bind` fills from
// the opened library (setting `missing` to a symbol it lacks). `what` names
// the features that need it, for errors: "cannot load libpq.so.5, which
// PostgreSQL stores need: <dlerror>" (code "dependency").
template <typename Api>
class Library {
 public:
  using Bind = bool (*)(void* handle, Api& api, std::string& missing);
  Library(const char* soname, const char* what, Bind bind)
      : soname_(soname), what_(what), bind_(bind) {}

  // Opens and binds the library once per process; later calls return the
  // first outcome.
  Result<const Api*> load() {
    std::call_once(once_, [this] {
      void* handle = open(soname_, error_);
      if (!handle) return;
      std::string missing;
      if (!bind_(handle, api_, missing)) error_ = "it has no symbol " + missing;
    });
    if (!error_.empty()) return load_error(soname_, what_, error_);
    return &api_;
  }
  // The functions; only after load() succeeded (on this thread or one that
  // started after it).
  const Api& api() const { return api_; }

 private:
  const char* soname_;
  const char* what_;
  Bind bind_;
  std::once_flag once_;
  std::string error_;
  Api api_;
};

}  // namespace posture::dynlib

// In a Library's bind function (parameters handle, api, missing): sets
// api.member to the library's symbol `name`, or returns false naming it.
#define POSTURE_DYNLIB_BIND(member, name)                                                       \
  api.member = reinterpret_cast<decltype(api.member)>(::posture::dynlib::symbol(handle, name)); \
  if (!api.member) {                                                                            \
    missing = name;                                                                             \
    return false;                                                                               \
  }
