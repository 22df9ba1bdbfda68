// The SDL loader: GraphQL SDL text (engine/schema/assets.graphql, or a test's
// own) -> the asset model of base/model/schema.hpp. Object types with @store
// become tables and root fields, scalar fields columns, and list fields of
// object type with @relationship one-to-many links.
#pragma once

#include <string_view>

#include "base/model/schema.hpp"
#include "base/result.hpp"

namespace posture::schema {

// Loads SDL text. Errors name the source and line:column.
Result<Schema> parse(std::string_view sdl, std::string_view source_name);

// The model compiled into the program (engine/schema/assets.graphql): parsed
// when the program is built (pack_schema.cpp) and decoded at the first call
// (base/model/schema_codec.hpp), far quicker than parsing the SDL.
const Schema& builtin();

std::string_view builtin_sdl();    // generated from assets.graphql
std::string_view builtin_model();  // generated: encode(parse(builtin_sdl()))

}  // namespace posture::schema
