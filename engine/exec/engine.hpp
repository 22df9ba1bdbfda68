// The engine's public API for one query: text -> parse -> analyze -> optimize -> compile,
// then execute on a scan of a store, streaming the GraphQL response.
//   Engine engine;
//   auto q = engine.compile(text);            // Result<CompiledQuery>, diagnostics with
//   line:column exec::execute(*q, store, scan_id, std::cout);   // {"data": {...}}
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "engine/schema/schema.hpp"
#include "engine/semantic/analyzer.hpp"
#include "engine/sql/compiler.hpp"
#include "engine/syntax/ast.hpp"
#include "store/store.hpp"

namespace posture::exec {

// One query through every stage: its syntax tree, the IR as analysed, the IR
// the optimizer rewrote (what the SQL is built from), and one statement per
// root field, in order.
struct CompiledQuery {
  syntax::Document document;
  ir::Query analysed;
  ir::Query optimised;
  std::vector<sql::Statement> statements;
};

class Engine {
 public:
  explicit Engine(const schema::Schema& schema = schema::builtin()) : schema_(&schema) {}
  const schema::Schema& schema() const { return *schema_; }

  // Parses, analyses and compiles `text`. Any error: no query at all.
  Result<CompiledQuery> compile(std::string_view text,
                                const semantic::AnalyzeOptions& options = {}) const;
  // Analyses and compiles an already parsed document.
  Result<CompiledQuery> compile(syntax::Document document,
                                const semantic::AnalyzeOptions& options = {}) const;

 private:
  const schema::Schema* schema_;
};

struct ExecuteOptions {
  // Threads that may read a root field's rows, each part of them on a
  // read-only connection of its own (SQLite; the root fields the executor
  // puts in key order: docs/performance.md, "A query on two cores").
  unsigned jobs = 1;
  // A part has at least this many rowids of the scan's range: a smaller
  // field is read on one thread.
  int64_t min_part_rows = 32768;
  // When set, counts the parts read: one per root field read on one
  // thread, one per worker's part otherwise.
  size_t* parts_read = nullptr;
};

// Runs `query` on scan `scan_id` and writes `{"data": {...}}` to `out` as it
// goes, in blocks of 64 KiB. On a failure mid-way nothing more is written and
// the error is returned (the caller reports it as a GraphQL error). The
// response is the same byte for byte whatever `options` say.
Status execute(const CompiledQuery& query, const store::Store& store, int64_t scan_id,
               std::ostream& out, const ExecuteOptions& options = {});

// `{"errors": [{"message", "locations": [{"line", "column"}], "extensions": {"code"}}]}`
std::string errors_response(const Diagnostics& errors);

}  // namespace posture::exec
