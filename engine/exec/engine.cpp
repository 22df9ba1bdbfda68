// Compilation pipeline and streaming execution of queries into GraphQL JSON.
#include "engine/exec/engine.hpp"

#include <future>
#include <thread>

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

// Puts the rows of `cursor` (a root statement with `columns`, sorted by the
// executor) into `order` as (key, object).
Status collect(store::Cursor& cursor, const sql::RootColumns& columns, KeyOrder& order) {
  std::string object, key;
  while (true) {
    auto row = cursor.next();
    if (!row) return row.take_errors();
    if (!*row) return ok_status();
    object_of(cursor, columns, object);
    std::string_view k = cursor.text(static_cast<int>(columns.keys.size()));
    if (columns.key_from) {
      store::arm_key(k, key);
      k = key;
    }
    if (auto st = order.add(k, object); !st) return st;
  }
}

// The rowid ranges the rows of `root` in scan `scan_id` are read in: one per
// worker, each of at least options.min_part_rows rowids; one (every row)
// when the field is too small to divide or cannot be divided.
Result<std::vector<store::RowidRange>> parts_of(const ir::RootField& root,
                                                const sql::Statement& statement,
                                                const store::Store& store, int64_t scan_id,
                                                const ExecuteOptions& options) {
  std::vector<store::RowidRange> parts(1);
  if (options.jobs < 2 || statement.part_table.empty() || store.backend() != store::Backend::Sqlite)
    return parts;
  auto span = store.scan_rowids(*root.type, scan_id);
  if (!span) return span.take_errors();
  if (!*span) return parts;
  const int64_t lo = (*span)->lo, rows = (*span)->hi - lo + 1;
  const int64_t n =
      std::min<int64_t>(options.jobs, rows / std::max<int64_t>(1, options.min_part_rows));
  if (n < 2) return parts;
  parts.clear();
  for (int64_t k = 0; k < n; ++k) parts.push_back({lo + rows * k / n, lo + rows * (k + 1) / n - 1});
  return parts;
}

// The rows of a root field read in `parts`: the first on `store`, where its
// row sets are computed, each other on a worker with a read-only connection
// of its own that opens while the sets are computed, then reads its part
// with those sets; each worker sorts its own rows into its part's order.
Result<std::vector<std::unique_ptr<KeyOrder>>> collect_parts(
    const sql::Statement& statement, const sql::RootColumns& columns, const store::Store& store,
    int64_t scan_id, const std::vector<store::RowidRange>& parts) {
  std::vector<std::unique_ptr<KeyOrder>> orders;
  for (size_t k = 0; k < parts.size(); ++k) orders.push_back(std::make_unique<KeyOrder>());
  std::vector<Status> status(parts.size(), ok_status());
  std::promise<const store::Cursor*> first_opened;
  std::shared_future<const store::Cursor*> sets = first_opened.get_future().share();
  std::vector<std::thread> workers;
  for (size_t k = 1; k < parts.size(); ++k)
    workers.emplace_back([&, k] {
      auto own = store::Store::open(store.path(), store.schema(), store::OpenMode::ReadOnly);
      const store::Cursor* first = sets.get();
      if (!first) return;  // the first part failed; its error is the one reported
      if (!own) {
        status[k] = own.take_errors();
        return;
      }
      auto cursor = first->open_part(*own, statement, scan_id, parts[k]);
      if (!cursor) {
        status[k] = cursor.take_errors();
        return;
      }
      status[k] = collect(*cursor, columns, *orders[k]);
      if (status[k]) status[k] = orders[k]->finish();
    });
  auto cursor = store::Cursor::open(store, statement, scan_id, parts[0]);
  first_opened.set_value(cursor ? &*cursor : nullptr);
  if (!cursor)
    status[0] = cursor.take_errors();
  else
    status[0] = collect(*cursor, columns, *orders[0]);
  for (auto& w : workers) w.join();  // before the first cursor and its sets go
  for (auto& st : status)
    if (!st) return st.take_errors();
  return orders;
}

}  // namespace

Status execute(const CompiledQuery& query, const store::Store& store, int64_t scan_id,
               std::ostream& out, const ExecuteOptions& options) {
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
    const sql::Statement statement = store.backend() == store::Backend::Sqlite
                                         ? query.statements[i]
                                         : sql::compile_root(root, sql::dialect(store.backend()));
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
    if (columns && columns->sorted_by_executor) {
      // Put in key order by the executor, from one or more parts.
      auto parts = parts_of(root, statement, store, scan_id, options);
      if (!parts) return parts.take_errors();
      if (options.parts_read) *options.parts_read += parts->size();
      auto orders = collect_parts(statement, *columns, store, scan_id, *parts);
      if (!orders) return orders.take_errors();
      if (auto st = KeyOrder::drain(*orders, write); !st) return st;
    } else {
      auto cursor = store::Cursor::open(store, statement, scan_id);
      if (!cursor) return cursor.take_errors();
      std::string object;
      while (true) {
        auto row = cursor->next();
        if (!row) return row.take_errors();
        if (!*row) break;
        if (!columns) {
          write(cursor->text(0));
          continue;
        }
        object_of(*cursor, *columns, object);
        write(object);
      }
    }
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
