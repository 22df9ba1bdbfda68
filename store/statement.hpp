// What the store runs: SQL text, its literal parameters, and the name of the
// parameter that takes the scan id. Plain data with no third-party include:
// the SQL stage (engine/sql) produces it, store::Cursor runs it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace posture::store {

// The database engine behind a store: the SQL stage writes each one's dialect.
enum class Backend { Sqlite, Postgresql };

// A value bound to a parameter (the same alternatives as the IR's literals).
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

// What a Cursor runs. Literal i (1-based) is bound to the parameter whose name
// ends in the number i (`:p3`, `?3`); the scan id to the parameter named
// `scan` (`:scan`, or `?1` in a baseline file). Any other parameter is an error.
struct Statement {
  std::string sql;
  std::vector<Value> params;  // the literals only
  std::string scan;           // the scan parameter's name; "" when the SQL has none
};

}  // namespace posture::store
