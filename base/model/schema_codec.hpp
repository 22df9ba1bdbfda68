// The asset model as bytes: what the build makes of engine/schema/assets.graphql
// (engine/schema/pack_schema.cpp), so that a process reads the built-in model
// instead of parsing 80 KB of SDL at every start (docs/performance.md, "The
// query path"). Lengths and counts are LEB128 varints, strings their bytes;
// each struct's members are listed once (schema_codec.cpp) for both ways.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/model/schema.hpp"

namespace posture::schema {

// The types and interfaces of `schema` (not its SDL text).
std::string encode(const Schema& schema);
// The schema `encode` wrote, with `sdl` as its text; nothing when `bytes`
// are not a whole encoding.
std::optional<Schema> decode(std::string_view bytes, std::string sdl);

}  // namespace posture::schema
