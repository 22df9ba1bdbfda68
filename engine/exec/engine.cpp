// Compilation pipeline and streaming execution of queries into GraphQL JSON.
#include "engine/exec/engine.hpp"

#include <nlohmann/json.hpp>

#include "engine/exec/key_order.hpp"
#include "engine/optimizer/optimizer.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::exec {

Result<CompiledQuery> Engine::compile(std::string_view text,
                                      const semantic::AnalyzeOptions& options) const {
  auto doc = syntax::parse(text, options.source_name);
  if (!doc) return doc.take_errors();
  return compile(std::move(doc).value(), options);
}

Result<CompiledQuery> Engine::compile(syntax::Document document,
                                      const semantic::AnalyzeOptions& options) const {
  auto query = semantic::analyze(document, *schema_, options);
  if (!query) return query.take_errors();
  ir::Query optimised = optimizer::optimize(*query);
  CompiledQuery compiled{std::move(document), std::move(query).value(), std::move(optimised), {}};
  for (const auto& root : compiled.optimised.roots)
    compiled.statements.push_back(sql::compile_root(root));
  return compiled;
}

namespace {

// The JSON object of a row of a root statement with root_columns: `"key":`
// and each column's JSON, in order (as json_object() writes them).
void object_of(const store::Cursor& cursor, const sql::RootColumns& columns, std::string& out) {
  out.assign(1, '{');
  for (size_t c = 0; c < columns.keys.size(); ++c) {
    if (c) out += ',';
    out += '"';  // a GraphQL name: letters, digits and _, nothing to escape
    out += columns.keys[c];
    out += "\":";
    const int column = static_cast<int>(c);
    if (!columns.json[c])
      cursor.append_json(column, out);
    else if (cursor.is_null(column))
      out += "null";
    else
      out += cursor.text(column);
  }
  out += '}';
}

}  // namespace

Status execute(const CompiledQuery& query, const store::Store& store, int64_t scan_id,
               std::ostream& out) {
  // The response goes out in blocks: an ostream call per object and comma
  // went through stdio's locking twice per object.
  constexpr size_t kBlock = size_t{64} << 10;
  std::string response = "{\"data\":{";
  auto flush = [&] {
    out.write(response.data(), static_cast<std::streamsize>(response.size()));
    response.clear();
  };
  for (size_t i = 0; i < query.statements.size(); ++i) {
    const ir::RootField& root = query.optimised.roots[i];
    // Compiled for SQLite; a store on another engine gets its own dialect's.
    auto cursor = store.backend() == store::Backend::Sqlite
                      ? store::Cursor::open(store, query.statements[i], scan_id)
                      : store::Cursor::open(
                            store, sql::compile_root(root, sql::dialect(store.backend())), scan_id);
    if (!cursor) return cursor.take_errors();
    if (i) response += ',';
    response += nlohmann::json(root.response_key).dump();
    response += ':';
    if (!root.aggregate) response += '[';
    bool first = true;
    auto write = [&](std::string_view object) {
      if (!first) response += ',';
      first = false;
      response += object;
      if (response.size() >= kBlock) flush();
    };
    const auto columns = sql::root_columns(root, sql::dialect(store.backend()));
    KeyOrder order;
    std::string object, key;
    while (true) {
      auto row = cursor->next();
      if (!row) return row.take_errors();
      if (!*row) break;
      if (!columns) {
        write(cursor->text(0));
        continue;
      }
      object_of(*cursor, *columns, object);
      if (!columns->sorted_by_executor) {
        write(object);
      } else {
        std::string_view k = cursor->text(static_cast<int>(columns->keys.size()));
        if (columns->key_from) {
          store::arm_key(k, key);
          k = key;
        }
        if (auto st = order.add(k, object); !st) return st;
      }
    }
    if (auto st = order.drain(write); !st) return st;
    if (!root.aggregate) response += ']';
  }
  response += "}}\n";
  flush();
  return ok_status();
}

std::string errors_response(const Diagnostics& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : errors) {
    if (d.level != Level::Error) continue;
    nlohmann::json e{{"message", d.message}, {"extensions", {{"code", d.code}}}};
    if (d.where.line > 0) e["locations"] = {{{"line", d.where.line}, {"column", d.where.column}}};
    if (!d.hints.empty()) e["extensions"]["hints"] = d.hints;
    list.push_back(std::move(e));
  }
  // A message may quote bytes that are not UTF-8 (a variable's value, a file's
  // name): they are replaced, never a reason to throw.
  return nlohmann::json{{"errors", list}}.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace posture::exec
