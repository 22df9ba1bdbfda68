// The options `posture check`, `report` and `diff` share, and how they open a session.
#include "cli/evaluation.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/progress.hpp"

namespace posture::cli {

const std::vector<std::string>& severity_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (auto s : {checks::Severity::Low, checks::Severity::Medium, checks::Severity::High,
                   checks::Severity::Critical})
      out.emplace_back(checks::severity_name(s));
    return out;
  }();
  return names;
}

void add_evaluation_options(CLI::App* cmd, EvaluationOptions& o, const std::string& waivers_help) {
  cmd->add_option("--db", o.db, "The store")->required();
  add_queries_options(cmd, o);
  cmd->add_option("--jobs,-j", o.jobs,
                  "Parallel workers, each with its own read-only connection (default: one per CPU)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--exceptions", o.waivers, waivers_help);
  cmd->add_option("--today", o.today,
                  "The day exceptions expire against, YYYY-MM-DD (default: $POSTURE_TODAY, "
                  "else today in UTC)");
}

void add_selection_options(CLI::App* cmd, EvaluationOptions& o, const std::string& verb) {
  cmd->add_option("--check", o.ids, verb + " this check id (repeatable)");
  cmd->add_option("--framework", o.frameworks,
                  verb + " the checks of this framework, e.g. cis-azure-3.0.0 (repeatable)");
  cmd->add_option("--severity", o.severity, verb + " checks of at least this severity")
      ->check(CLI::IsMember(severity_names(), CLI::ignore_case));
  cmd->add_option("--provider", o.providers, verb + " checks for this provider (repeatable)");
}

Result<session::Session> open_session(const EvaluationOptions& o, std::optional<int64_t> scan,
                                      const Context& ctx) {
  session::SessionOptions options;
  options.scan = scan;
  options.tenant = ctx.tenant;
  auto dirs = queries_dirs(o);
  if (!dirs) return dirs.take_errors();
  auto vars = variables(o);
  if (!vars) return vars.take_errors();
  options.more_queries_dirs = std::move(dirs).value();
  options.variables = std::move(vars).value();
  options.waivers_file = o.waivers;
  options.today = o.today;
  if (o.progress) {
    auto line = std::make_shared<ProgressLine>(true);
    options.progress = [line](size_t done, size_t total) {
      if (done == total) return line->clear();
      line->draw("check: " + std::to_string(done) + "/" + std::to_string(total) + " checks");
    };
  }
  return session::Session::open(o.db, options);
}

checks::Selection selection(const EvaluationOptions& o) {
  checks::Selection selection{o.ids, o.frameworks, std::nullopt, o.providers};
  if (!o.severity.empty()) selection.min_severity = checks::severity_from_name(o.severity);
  return selection;
}

bool any_with_status(const std::vector<checks::CheckResult>& results, checks::Verdict status,
                     std::optional<checks::Severity> min) {
  return std::any_of(results.begin(), results.end(), [&](const checks::CheckResult& r) {
    return r.status == status && (!min || r.check->severity >= *min);
  });
}

bool use_color(const report::Output& output, const Context& ctx) {
  const char* no_color = std::getenv("NO_COLOR");
  return !ctx.no_color && output.is_stdout() && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

void print_summary(const std::string& output_file, const report::Report& report,
                   const Context& ctx) {
  if (!output_file.empty() && !ctx.quiet) std::cerr << report::summary_line(report) << "\n";
}

}  // namespace posture::cli
