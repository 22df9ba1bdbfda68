// `posture checks`: lists the stored checks (id, severity, title, the
// framework requirements each assesses); `posture checks show ID` prints one
// check's metadata, rationale, remediation and query. Both read the bundled
// checks and each --queries DIR (only those with --no-bundled), and write a
// table for people or, with --format json, the JSON of docs/output-formats.md.
// Exit status: 0 listed; 2 an error (a check that does not load, an unknown id).
#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"

namespace posture::cli {

namespace {

struct ChecksOptions : QueriesOptions {
  std::string format = "table";
  std::string id;  // `show ID`
};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void print_json(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

nlohmann::ordered_json summary_json(const checks::Check& c, const checks::FrameworkSet& fw) {
  return {{"id", c.id},
          {"severity", std::string(checks::severity_name(c.severity))},
          {"title", c.title},
          {"providers", c.providers},
          {"subjects", c.subjects},
          {"frameworks", fw.citations(c)},
          {"file", c.file}};
}

void print_list(const checks::Workspace& ws, bool json) {
  const auto& all = ws.catalog.checks();
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& c : all) list.push_back(summary_json(c, ws.frameworks));
    print_json({{"checks", list}});
    return;
  }
  size_t id_width = 2, title_width = 5;
  for (const auto& c : all) {
    id_width = std::max(id_width, c.id.size());
    title_width = std::max(title_width, c.title.size());
  }
  auto pad = [](const std::string& s, size_t width) {
    return s + std::string(width > s.size() ? width - s.size() : 0, ' ');
  };
  std::cout << pad("ID", id_width) << "  SEVERITY  " << pad("TITLE", title_width)
            << "  FRAMEWORKS\n";
  for (const auto& c : all)
    std::cout << pad(c.id, id_width) << "  "
              << pad(std::string(checks::severity_name(c.severity)), 8) << "  "
              << pad(c.title, title_width) << "  " << joined(ws.frameworks.citations(c)) << "\n";
  std::cout << all.size() << (all.size() == 1 ? " check\n" : " checks\n");
}

// `text` with every line indented by two spaces.
std::string indented(const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) out += (line.empty() ? "" : "  " + line) + "\n";
  return out;
}

void print_check(const checks::Check& c, const checks::FrameworkSet& fw, bool json) {
  if (json) {
    nlohmann::ordered_json j = summary_json(c, fw);
    j["references"] = c.references;
    j["expect"] = c.expect.text;
    j["variables"] = c.variables;
    j["rationale"] = c.rationale;
    j["remediation"] = c.remediation;
    j["query"] = c.text;
    print_json(j);
    return;
  }
  std::cout << c.id << "\n"
            << "  title:       " << c.title << "\n"
            << "  severity:    " << checks::severity_name(c.severity) << "\n"
            << "  providers:   " << joined(c.providers) << "\n"
            << "  subjects:    " << joined(c.subjects) << "\n"
            << "  expect:      " << c.expect.text << "\n"
            << "  frameworks:  " << joined(fw.citations(c)) << "\n"
            << "  references:  " << joined(c.references) << "\n"
            << "  file:        " << c.file << "\n";
  if (!c.variables.empty()) std::cout << "  variables:   $" << joined(c.variables) << "\n";
  std::cout << "\nRationale\n"
            << indented(c.rationale.empty() ? "(none)" : c.rationale) << "\nRemediation\n"
            << indented(c.remediation.empty() ? "(none)" : c.remediation) << "\nQuery\n"
            << indented(c.text);
}

int run(const ChecksOptions& o, bool show) {
  auto ws = load_workspace(o);
  if (!ws) return report_errors(ws.errors());
  bool json = o.format == "json";
  if (!show) {
    print_list(*ws, json);
    return kExitOk;
  }
  const checks::Check* check = ws->catalog.find(o.id);
  if (!check) {  // select explains: no such check, with the nearest id
    auto none = checks::select_checks(ws->catalog, ws->frameworks, {{o.id}, {}, {}, {}});
    return report_errors(none.errors());
  }
  print_check(*check, ws->frameworks, json);
  return kExitOk;
}

}  // namespace

void add_checks_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ChecksOptions>();
  CLI::App* cmd = app.add_subcommand(
      "checks", "List the stored checks: id, severity, title and the frameworks they assess");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  add_queries_options(cmd, *o);
  CLI::App* show =
      cmd->add_subcommand("show", "Print one check: metadata, rationale, remediation, query");
  show->add_option("id", o->id, "The check id")->required();
  show->fallthrough();
  cmd->callback([o, show, &ctx] { ctx.exit_code = run(*o, show->parsed()); });
}

}  // namespace posture::cli
