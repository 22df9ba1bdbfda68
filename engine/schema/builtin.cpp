// The built-in model: the bytes the build encoded from assets.graphql
// (pack_schema.cpp), decoded once.
#include <cstdio>
#include <cstdlib>

#include "base/model/schema_codec.hpp"
#include "engine/schema/schema.hpp"

namespace posture::schema {

const Schema& builtin() {
  static const Schema schema = [] {
    auto decoded = decode(builtin_model(), std::string(builtin_sdl()));
    if (!decoded) {
      // The encoded model is part of the program: a broken one is a build defect.
      std::fputs("posture: the built-in asset model does not decode (a build defect)\n", stderr);
      std::abort();
    }
    return std::move(*decoded);
  }();
  return schema;
}

}  // namespace posture::schema
