#include "base/dynlib.hpp"

#include <dlfcn.h>

namespace posture::dynlib {

void* open(const char* soname, std::string& error) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    error = why ? why : "dlopen failed";
  }
  return handle;
}

void* symbol(void* handle, const char* name) {
  return ::dlsym(handle, name);
}

Diagnostic load_error(const char* soname, const char* what, const std::string& why) {
  return Diagnostic::error(
      "dependency", std::string("cannot load ") + soname + ", which " + what + " need: " + why);
}

}  // namespace posture::dynlib
