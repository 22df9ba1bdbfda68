// Escaping text for the report formats: JSON strings, XML character data and
// attributes, CSV fields (RFC 4180). Input is treated as UTF-8; invalid bytes
// become U+FFFD so every output stays well-formed whatever the store holds.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace posture::report::text {

// Writes `s` as a quoted JSON string.
void json_string(std::ostream& out, std::string_view s);
// Appends it to `out`.
void json_string(std::string& out, std::string_view s);
std::string json_quoted(std::string_view s);

// Writes `s` escaped for XML 1.0 (attribute-safe: quotes escaped too);
// characters XML 1.0 forbids (most C0 controls) become U+FFFD.
void xml_text(std::ostream& out, std::string_view s);

// Writes one CSV field: quoted (with "" for ") when it holds a comma, quote,
// CR or LF, or starts with a space; as is otherwise.
void csv_field(std::ostream& out, std::string_view s);

// Milliseconds since the epoch of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ"
// (0 when it cannot be read).
int64_t epoch_millis(std::string_view iso);

}  // namespace posture::report::text
