// Framework summaries (worst status per resource across a requirement's
// checks) and their table, JSON and CSV forms.
#include "engine/report/framework_report.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <map>

#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;
constexpr size_t kNotAssessed = 4;

std::optional<double> score_of(const std::array<uint64_t, 4>& c) {
  uint64_t scored = c[0] + c[2] + c[3];
  if (scored == 0) return std::nullopt;
  return 100.0 * static_cast<double>(c[0]) / static_cast<double>(scored);
}

std::string score_text(const std::optional<double>& score) {
  if (!score) return "n/a";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *score);
  return buf;
}

// "87.50", or "" when there is nothing to score.
std::string score_number(const std::optional<double>& score) {
  if (!score) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *score);
  return buf;
}

void json_score(std::ostream& out, const std::optional<double>& score) {
  out << (score ? score_number(score) : "null");
}

// Per-resource worst status over `checks`: checks with the same subject type
// and providers are merged resource by resource, the others added up.
std::array<uint64_t, 4> combine(const std::vector<const checks::CheckResult*>& checks) {
  std::array<uint64_t, 4> counts{};
  std::map<std::string, std::vector<S>> merged;  // subjects -> worst verdicts
  for (const auto* r : checks) {
    if (!r->per_resource() || r->no_subjects) {
      for (size_t s = 0; s < 4; ++s) counts[s] += r->counts[s];
      continue;
    }
    std::string group = r->subject_type->name;
    for (const auto& p : r->check->providers) group += "\n" + p;
    auto& worst = merged[group];
    if (worst.empty()) worst.assign(r->verdicts.size(), S::Pass);
    for (size_t i = 0; i < worst.size() && i < r->verdicts.size(); ++i)
      worst[i] = std::max(worst[i], r->verdicts[i]);
  }
  for (const auto& [group, verdicts] : merged)
    for (S v : verdicts) ++counts[static_cast<size_t>(v)];
  return counts;
}

std::string requirement_status(const RequirementResult& r) {
  if (r.checks.empty()) return "NOT_ASSESSED";
  for (S s : {S::Fail, S::Error, S::Muted})
    if (r.counts[static_cast<size_t>(s)]) return std::string(checks::verdict_name(s));
  return "PASS";
}

void write_counts(std::ostream& out, const std::array<uint64_t, 4>& c) {
  out << "{\"pass\":" << c[0] << ",\"fail\":" << c[3] << ",\"error\":" << c[2]
      << ",\"muted\":" << c[1] << "}";
}

void write_json(const Report& report, const FrameworkResult& result, std::ostream& out) {
  const checks::Framework& fw = *result.framework;
  out << "{\n  \"framework\":{\"id\":" << text::json_quoted(fw.id)
      << ",\"title\":" << text::json_quoted(fw.title)
      << ",\"version\":" << text::json_quoted(fw.version)
      << ",\"publisher\":" << text::json_quoted(fw.publisher)
      << ",\"url\":" << text::json_quoted(fw.url) << ",\"scope\":" << text::json_quoted(fw.scope)
      << "},\n  \"scan\":{\"id\":" << report.scan.id
      << ",\"source\":" << text::json_quoted(report.scan.source)
      << ",\"ended_at\":" << text::json_quoted(report.scan.ended_at) << "},\n  \"today\":\""
      << (report.context ? report.context->today.str() : "") << "\",\n  \"summary\":{";
  const auto& b = result.by_status;
  out << "\"requirements\":" << result.requirements.size()
      << ",\"assessed\":" << result.requirements.size() - b[kNotAssessed] << ",\"pass\":" << b[0]
      << ",\"fail\":" << b[3] << ",\"error\":" << b[2] << ",\"muted\":" << b[1]
      << ",\"not_assessed\":" << b[kNotAssessed] << ",\"findings\":";
  write_counts(out, result.counts);
  out << ",\"score\":";
  json_score(out, result.score);
  out << "},\n  \"requirements\":[";
  for (size_t i = 0; i < result.requirements.size(); ++i) {
    const auto& r = result.requirements[i];
    out << (i ? ",\n    " : "\n    ") << "{\"id\":" << text::json_quoted(r.requirement->id)
        << ",\"title\":" << text::json_quoted(r.requirement->title)
        << ",\"section\":" << text::json_quoted(r.requirement->section) << ",\"status\":\""
        << r.status << "\",\"checks\":[";
    for (size_t k = 0; k < r.checks.size(); ++k)
      out << (k ? "," : "") << "{\"id\":" << text::json_quoted(r.checks[k]->check->id)
          << ",\"status\":\"" << checks::verdict_name(r.checks[k]->status) << "\"}";
    out << "],\"counts\":";
    write_counts(out, r.counts);
    out << ",\"score\":";
    json_score(out, r.score);
    out << "}";
  }
  out << (result.requirements.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void write_csv(const FrameworkResult& result, std::ostream& out) {
  out << "framework,requirement,title,status,checks,pass,fail,error,muted,score\r\n";
  for (const auto& r : result.requirements) {
    std::string ids;
    for (const auto* c : r.checks) ids += (ids.empty() ? "" : " ") + c->check->id;
    for (std::string_view f :
         {std::string_view(result.framework->id), std::string_view(r.requirement->id),
          std::string_view(r.requirement->title), std::string_view(r.status),
          std::string_view(ids)}) {
      text::csv_field(out, f);
      out << ',';
    }
    out << r.counts[0] << ',' << r.counts[3] << ',' << r.counts[2] << ',' << r.counts[1] << ','
        << score_number(r.score) << "\r\n";
  }
}

void write_table(const Report& report, const FrameworkResult& result, std::ostream& out,
                 bool color) {
  const checks::Framework& fw = *result.framework;
  out << fw.title << (fw.version.empty() ? "" : " " + fw.version) << " (" << fw.id << "), scan "
      << report.scan.id << " (" << report.scan.ended_at << ")\n";
  if (!fw.scope.empty()) out << "Scope: " << fw.scope << "\n";
  size_t width = 11;
  for (const auto& r : result.requirements) width = std::max(width, r.requirement->id.size());
  out << "\n"
      << std::left << std::setw(static_cast<int>(width) + 2) << "REQUIREMENT" << std::setw(14)
      << "STATUS" << std::right << "    PASS    FAIL   ERROR   MUTED   SCORE  TITLE\n";
  for (const auto& r : result.requirements) {
    std::string status = r.status == "NOT_ASSESSED" ? "not assessed" : r.status;
    const char* code = r.status == "PASS"           ? "32"
                       : r.status == "FAIL"         ? "31"
                       : r.status == "NOT_ASSESSED" ? "90"
                                                    : "33";
    out << std::left << std::setw(static_cast<int>(width) + 2) << r.requirement->id
        << (color ? std::string("\033[") + code + "m" : "") << std::setw(14) << status
        << (color ? "\033[0m" : "") << std::right;
    if (r.checks.empty())
      out << std::string(40, ' ');
    else
      out << std::setw(8) << r.counts[0] << std::setw(8) << r.counts[3] << std::setw(8)
          << r.counts[2] << std::setw(8) << r.counts[1] << std::setw(8) << score_text(r.score);
    out << "  " << r.requirement->title << "\n";
  }
  const auto& b = result.by_status;
  out << "\nScore: " << score_text(result.score) << " of assessed findings pass; "
      << result.requirements.size() - b[kNotAssessed] << " of " << result.requirements.size()
      << " requirements assessed: " << b[0] << " pass, " << b[3] << " fail, " << b[2]
      << " with errors, " << b[1] << " muted\n";
}

}  // namespace

FrameworkResult summarize(const checks::Framework& framework,
                          const std::vector<checks::CheckResult>& results) {
  FrameworkResult out;
  out.framework = &framework;
  for (const auto& req : framework.requirements) {
    RequirementResult r;
    r.requirement = &req;
    for (const auto& result : results)
      if (std::find(req.checks.begin(), req.checks.end(), result.check->id) != req.checks.end())
        r.checks.push_back(&result);
    r.counts = combine(r.checks);
    r.status = requirement_status(r);
    if (!r.checks.empty()) {
      r.score = score_of(r.counts);
      for (size_t s = 0; s < 4; ++s) out.counts[s] += r.counts[s];
    }
    size_t slot = r.checks.empty()      ? kNotAssessed
                  : r.status == "PASS"  ? 0
                  : r.status == "MUTED" ? 1
                  : r.status == "ERROR" ? 2
                                        : 3;
    ++out.by_status[slot];
    out.requirements.push_back(std::move(r));
  }
  out.score = score_of(out.counts);
  return out;
}

Status write_framework(const Report& report, const FrameworkResult& result, Format format,
                       std::ostream& out, const WriteOptions& options) {
  switch (format) {
    case Format::Table:
      write_table(report, result, out, options.color);
      break;
    case Format::Json:
      write_json(report, result, out);
      break;
    case Format::Csv:
      write_csv(result, out);
      break;
    case Format::Html:
      if (auto st = write_html(report, out, &result); !st) return st;
      break;
    default:
      return Diagnostic::error("bad-format",
                               "a framework report is written as table, json, csv or html");
  }
  out.flush();
  if (!out) return Diagnostic::error("io", "writing the report failed");
  return ok_status();
}

}  // namespace posture::report
