// `posture scans --db FILE [--format table|json]`: lists the store's scans
// (id, tenant, source, start, end, status, objects, message), newest last, the types
// each scan collected (when it recorded them), the objects of types not
// modelled that it kept raw, and the collection errors of every scan that has
// some (partial or failed ones).
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "cli/commands.hpp"

namespace posture::cli {
namespace {

using nlohmann::ordered_json;

// `text` left-aligned in `width` columns, and at least one space after it.
std::string pad(std::string text, size_t width) {
  text.append(text.size() < width ? width - text.size() : 1, ' ');
  return text;
}

std::string one_line(std::string text, size_t limit) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > limit) text = text.substr(0, limit - 3) + "...";
  return text;
}

struct ScanRow {
  store::ScanInfo scan;
  std::vector<store::CollectionError> errors;
  std::optional<std::vector<std::string>> collected;  // nullopt: not recorded
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> unmodelled;
};

// "all 64 types" or "3 of 64 types: A, B, C", word by word: which types a scan collected,
// so a reader sees at once why checks on the others are ERROR.
std::vector<std::string> collected_words(const std::vector<std::string>& collected,
                                         size_t modelled) {
  const std::string all = std::to_string(modelled);
  if (collected.size() >= modelled) return {"all", all, "types"};
  std::vector<std::string> words{std::to_string(collected.size()), "of", all,
                                 collected.empty() ? "types" : "types:"};
  for (size_t i = 0; i < collected.size(); ++i)
    words.push_back(collected[i] + (i + 1 < collected.size() ? "," : ""));
  return words;
}

void print_table(const std::vector<ScanRow>& rows, size_t modelled) {
  size_t source = 10;  // as wide as the longest source (a file path, "azure:<tenant>")
  size_t tenant = 8;   // as wide as the longest tenant ("-": none)
  for (const auto& row : rows) {
    source = std::max(source, row.scan.source.size() + 2);
    tenant = std::max(tenant, row.scan.tenant.size() + 2);
  }
  std::cout << pad("ID", 6) << pad("TENANT", tenant) << pad("SOURCE", source) << pad("STARTED", 22)
            << pad("ENDED", 22) << pad("STATUS", 10) << pad("OBJECTS", 9) << "MESSAGE\n";
  for (const auto& row : rows) {
    const auto& s = row.scan;
    std::cout << pad(std::to_string(s.id), 6) << pad(s.tenant.empty() ? "-" : s.tenant, tenant)
              << pad(s.source, source) << pad(s.started_at, 22)
              << pad(s.ended_at.empty() ? "-" : s.ended_at, 22) << pad(s.status, 10)
              << pad(std::to_string(s.objects), 9) << one_line(s.message, 120) << "\n";
    if (row.collected) {
      // Wrapped at about 100 columns, every name in full.
      std::string line = "      collected";
      for (const auto& word : collected_words(*row.collected, modelled)) {
        if (line.size() + 1 + word.size() > 100) {
          std::cout << line << "\n";
          line = "        ";
        } else {
          line += ' ';
        }
        line += word;
      }
      std::cout << line << "\n";
    }
    if (!row.unmodelled.empty()) {
      uint64_t objects = 0;
      for (const auto& u : row.unmodelled) objects += u.second.first;
      std::cout << "      kept raw " << text::counted(objects, "object", "objects") << " of "
                << text::counted(row.unmodelled.size(), "type", "types") << " not modelled\n";
    }
    for (const auto& e : row.errors) {
      std::cout << "      error " << e.resource;
      if (e.http_status) std::cout << " (HTTP " << e.http_status << ")";
      std::cout << ": " << one_line(e.message, 200) << "\n";
    }
  }
  if (rows.empty()) std::cout << "(no scans)\n";
}

void print_json(const std::vector<ScanRow>& rows) {
  ordered_json scans = ordered_json::array();
  for (const auto& row : rows) {
    const auto& s = row.scan;
    ordered_json errors = ordered_json::array();
    for (const auto& e : row.errors) {
      errors.push_back(
          {{"resource", e.resource},
           {"type", e.type},
           {"child_type", e.child_type.empty() ? ordered_json() : ordered_json(e.child_type)},
           {"http_status", e.http_status},
           {"message", e.message}});
    }
    ordered_json unmodelled = ordered_json::object();
    for (const auto& [arm_type, counts] : row.unmodelled) {
      unmodelled[arm_type] = {{"objects", counts.first}, {"bytes", counts.second}};
    }
    scans.push_back(
        {{"id", s.id},
         {"tenant", s.tenant},
         {"source", s.source},
         {"started_at", s.started_at},
         {"ended_at", s.ended_at.empty() ? ordered_json() : ordered_json(s.ended_at)},
         {"status", s.status},
         {"objects", s.objects},
         {"message", s.message},
         {"collected_types", row.collected ? ordered_json(*row.collected) : ordered_json()},
         {"unmodelled", unmodelled},
         {"errors", errors}});
  }
  // A source (a file's name) or a message may hold bytes that are not UTF-8:
  // replaced, never a reason to throw.
  std::cout << ordered_json{{"scans", scans}}.dump(2, ' ', false,
                                                   ordered_json::error_handler_t::replace)
            << "\n";
}

}  // namespace

void add_scans_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db;
    std::string format = "table";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "scans", "List the store's scans and the collection errors of partial or failed ones");
  cmd->add_option("--db", opts->db, "The store")->required();
  cmd->add_option("--format", opts->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->callback([opts, &ctx] {
    auto store =
        store::Store::open(opts->db, posture::schema::builtin(), store::OpenMode::ReadOnly);
    if (!store) {
      ctx.exit_code = report_errors(store.errors());
      return;
    }
    auto scans = store->scans();
    if (!scans) {
      ctx.exit_code = report_errors(scans.errors());
      return;
    }
    std::vector<ScanRow> rows;
    for (auto& scan : *scans) {
      if (ctx.tenant && scan.tenant != *ctx.tenant) continue;
      auto errors = store->collection_errors(scan.id);
      if (!errors) {
        ctx.exit_code = report_errors(errors.errors());
        return;
      }
      auto collected = store->collected_types(scan.id);
      auto unmodelled = store->unmodelled_counts(scan.id);
      if (!collected || !unmodelled) {
        ctx.exit_code = report_errors(!collected ? collected.errors() : unmodelled.errors());
        return;
      }
      rows.push_back(
          {std::move(scan), std::move(*errors), std::move(*collected), std::move(*unmodelled)});
    }
    if (opts->format == "json") {
      print_json(rows);
    } else {
      print_table(rows, store->schema().types().size());
    }
    ctx.exit_code = kExitOk;
  });
}

}  // namespace posture::cli
