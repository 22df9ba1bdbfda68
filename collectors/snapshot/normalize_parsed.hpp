// The importer's fast path for the objects most inventories are made of
// (private to collectors/snapshot): a subscription or a security contact
// normalised straight from simdjson's DOM (json_line.hpp), by the same code
// as normalize() reads an nlohmann value with, without making one.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>

#include "base/model/schema.hpp"
#include "store/store.hpp"

namespace posture::snapshot::internal {

// `element` (an element of a JSON Lines line) normalised as normalize()
// would, with `raw` taken as its text; nullopt, `raw` untouched, when it is
// anything but a subscription or a security contact whose normalisation
// succeeds and which the importer would take as it is: a list envelope, an
// ARM error, an az CLI shape, a type with inline elements, or an object
// normalize() refuses is left to the nlohmann path, which says why.
std::optional<store::Record> normalize_parsed(simdjson::dom::element element, std::string& raw,
                                              const schema::Schema& schema);

}  // namespace posture::snapshot::internal
