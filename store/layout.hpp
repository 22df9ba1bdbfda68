// The store's layout as the SQL stage needs to know it: the columns every
// asset table has besides the schema's fields, and where the original JSON
// lives. No third-party header: engine/sql includes this, not store.hpp.
#pragma once

#include <string>

#include "base/model/schema.hpp"

namespace posture::store {

inline constexpr const char* kRowId = "_rid";  // INTEGER PRIMARY KEY
inline constexpr const char* kScan = "_scan";  // the scan's id
// The lower-cased ARM id, unique per scan: always store::arm_key() of the
// row's `id` column (the writers set `id` to the record's id). On SQLite a
// virtual column generated from `id` and held only by the (_scan, _key)
// index; a statement that reads `id` anyway derives the key from it rather
// than have SQLite compute lower() per row (docs/data-model.md).
inline constexpr const char* kKey = "_key";

// The field whose arm_key() is a row's key: the type's `id`, or null when the
// type has none stored (its key is then a stored column the writer fills).
inline const schema::Field* key_field(const schema::ObjectType& type) {
  const schema::Field* id = type.field("id");
  return id && !id->derived() && !id->list ? id : nullptr;
}

inline constexpr const char* kRaw = "_raw";  // the original JSON document (in the raw table)
// The tenant a PostgreSQL row belongs to (docs/scaling.md): the distribution
// column, first in every primary key. SQLite's asset tables have none.
inline constexpr const char* kTenant = "_tenant";

// The original JSON of a type's rows lives in a side table, "<table>_raw"
// (_rid, _raw), keyed by the row's _rid: the asset tables stay narrow, so the
// scans checks make read a third of the pages.
inline std::string raw_table(const std::string& table) {
  return table + "_raw";
}

// How the references a scan holds until commit (posture_refs.rel) name their
// @ref relationship: "<owner>.<name>".
inline std::string reference_name(const schema::Relationship& rel) {
  return rel.owner + "." + rel.name;
}

}  // namespace posture::store
