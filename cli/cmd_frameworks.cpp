// `posture frameworks [ID]`: lists the frameworks (the bundled queries/frameworks/
// and each --queries DIR's frameworks/) and their requirements, each with the
// checks that assess it; a requirement without one is not assessed (manual).
// A table for people or, with --format json, the JSON of docs/output-formats.md.
// Exit status: 0 listed; 2 an error (a file that does not load, an unknown id).
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/workspace_options.hpp"

namespace posture::cli {

namespace {

struct FrameworksOptions : QueriesOptions {
  std::string format = "table";
  std::string id;  // one framework ("": all)
};

nlohmann::ordered_json framework_json(const checks::Framework& f) {
  nlohmann::ordered_json reqs = nlohmann::ordered_json::array();
  for (const auto& r : f.requirements)
    reqs.push_back(
        {{"id", r.id}, {"section", r.section}, {"title", r.title}, {"checks", r.checks}});
  return {{"id", f.id},   {"title", f.title}, {"version", f.version}, {"publisher", f.publisher},
          {"url", f.url}, {"scope", f.scope}, {"file", f.file},       {"requirements", reqs}};
}

void print_framework(const checks::Framework& f) {
  size_t id_width = 0, title_width = 0, assessed = 0;
  for (const auto& r : f.requirements) {
    id_width = std::max(id_width, r.id.size());
    title_width = std::max(title_width, r.title.size());
    if (!r.checks.empty()) ++assessed;
  }
  std::cout << f.id << "  " << f.title << (f.version.empty() ? "" : " " + f.version) << "\n"
            << "  " << f.requirements.size()
            << (f.requirements.size() == 1 ? " requirement, " : " requirements, ") << assessed
            << " assessed by checks (" << f.file << ")\n";
  for (const auto& r : f.requirements) {
    std::string checks;
    for (const auto& c : r.checks) checks += (checks.empty() ? "" : ", ") + c;
    std::cout << "  " << r.id << std::string(id_width - r.id.size(), ' ') << "  " << r.title
              << std::string(title_width - r.title.size(), ' ') << "  "
              << (checks.empty() ? "(not assessed)" : checks) << "\n";
  }
}

int run(const FrameworksOptions& o) {
  auto ws = load_workspace(o);
  if (!ws) return report_errors(ws.errors());
  std::vector<const checks::Framework*> shown;
  for (const auto& f : ws->frameworks.all())
    if (o.id.empty() || f.id == o.id) shown.push_back(&f);
  if (!o.id.empty() && shown.empty()) {  // select explains: no such framework, the nearest
    auto none = checks::select_checks(ws->catalog, ws->frameworks, {{}, {o.id}, {}, {}});
    return report_errors(none.errors());
  }
  if (o.format == "json") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto* f : shown) list.push_back(framework_json(*f));
    nlohmann::ordered_json doc = {{"frameworks", list}};
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    if (i) std::cout << "\n";
    print_framework(*shown[i]);
  }
  if (shown.empty()) std::cout << "no frameworks\n";
  return kExitOk;
}

}  // namespace

void add_frameworks_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FrameworksOptions>();
  CLI::App* cmd = app.add_subcommand(
      "frameworks", "List the frameworks and their requirements, with the checks assessing each");
  cmd->add_option("id", o->id, "Only this framework, e.g. cis-azure-3.0.0");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  add_queries_options(cmd, *o);
  cmd->callback([o, &ctx] { ctx.exit_code = run(*o); });
}

}  // namespace posture::cli
