// SARIF 2.1.0 for code-scanning and security tools: one run, a rule per check
// (title, rationale, remediation, severity as `security-severity`), a result
// per finding that did not pass, located by the resource's ARM id as a logical
// location. MUTED results carry an accepted external suppression (the
// waiver); ERROR results are kind "review". Streamed, never a DOM.
#include <nlohmann/json.hpp>

#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;
using text::json_string;

const char* level_of(checks::Severity s) {
  switch (s) {
    case checks::Severity::Low:
      return "note";
    case checks::Severity::Medium:
      return "warning";
    default:
      return "error";
  }
}

// GitHub code scanning reads this number: >= 9 critical, >= 7 high, >= 4 medium.
const char* security_severity(checks::Severity s) {
  switch (s) {
    case checks::Severity::Low:
      return "3.0";
    case checks::Severity::Medium:
      return "5.5";
    case checks::Severity::High:
      return "8.0";
    case checks::Severity::Critical:
      return "9.5";
  }
  return "5.5";
}

void text_object(std::ostream& out, const char* name, std::string_view value) {
  out << ",\"" << name << "\":{\"text\":";
  json_string(out, value);
  out << "}";
}

void write_rule(std::ostream& out, const checks::Check& c) {
  out << "{\"id\":";
  json_string(out, c.id);
  text_object(out, "shortDescription", c.title);
  text_object(out, "fullDescription", c.rationale.empty() ? c.title : c.rationale);
  if (!c.remediation.empty()) text_object(out, "help", c.remediation);
  if (!c.references.empty()) {
    out << ",\"helpUri\":";
    json_string(out, c.references.front());
  }
  out << ",\"defaultConfiguration\":{\"level\":\"" << level_of(c.severity) << "\"}";
  std::vector<std::string> tags{"security", "compliance"};
  tags.insert(tags.end(), c.frameworks.begin(), c.frameworks.end());
  out << ",\"properties\":{\"tags\":" << nlohmann::json(tags).dump() << ",\"security-severity\":\""
      << security_severity(c.severity) << "\",\"severity\":\"" << checks::severity_name(c.severity)
      << "\"}}";
}

void write_result(std::ostream& out, const Report& report, const checks::Check& c, size_t rule,
                  const Finding& f, bool first) {
  out << (first ? "\n        {" : ",\n        {") << "\"ruleId\":";
  json_string(out, c.id);
  bool error = f.status == S::Error;
  out << ",\"ruleIndex\":" << rule << ",\"kind\":\"" << (error ? "review" : "fail")
      << "\",\"level\":\"" << (error ? "none" : level_of(c.severity)) << "\"";
  std::string who = f.resource.empty() ? "the inventory" : std::string(f.resource);
  if (!f.name.empty()) who = std::string(f.name) + " (" + who + ")";
  std::string detail = f.note ? note_detail(report, *f.note) : "";
  std::string message =
      error ? who + " could not be evaluated for: " + c.title : who + " fails: " + c.title;
  if (f.reason) message += ". Reason: " + f.reason->text;
  text_object(out, "message", message + (detail.empty() ? "" : ". " + detail));
  if (!f.resource.empty()) {
    out << ",\"locations\":[{\"logicalLocations\":[{\"name\":";
    json_string(out, f.name.empty() ? f.resource : f.name);
    out << ",\"fullyQualifiedName\":";
    json_string(out, f.resource);
    out << ",\"kind\":\"resource\"}]}]";
  }
  out << ",\"partialFingerprints\":{\"postureFinding/v1\":";
  json_string(out, c.id + ":" + std::string(f.key()));
  out << "},\"properties\":{\"status\":\"" << checks::verdict_name(f.status) << "\"";
  if (f.reason) write_reason_members(out, *f.reason);
  out << "}";
  if (f.status == S::Muted) {
    out << ",\"suppressions\":[{\"kind\":\"external\",\"status\":\"accepted\",\"justification\":";
    json_string(out, detail);
    out << "}]";
  }
  out << "}";
}

}  // namespace

Status write_sarif(const Report& report, std::ostream& out) {
  out << "{\n  \"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\n"
         "  \"version\":\"2.1.0\",\n  \"runs\":[{\n    \"tool\":{\"driver\":{\"name\":\"posture\","
         "\"version\":";
  json_string(out, report.tool_version);
  out << ",\"rules\":[";
  for (size_t i = 0; i < report.results.size(); ++i) {
    out << (i ? ",\n      " : "\n      ");
    write_rule(out, *report.results[i].check);
  }
  out << "\n    ]}},\n    \"automationDetails\":{\"id\":";
  json_string(out, "posture/scan/" + std::to_string(report.scan.id) + "/");
  out << "},\n    \"invocations\":[{\"executionSuccessful\":true";
  if (!report.scan.ended_at.empty()) {
    out << ",\"endTimeUtc\":";
    json_string(out, report.scan.ended_at);
  }
  out << "}],\n    \"properties\":{\"scan\":" << report.scan.id << ",\"source\":";
  json_string(out, report.scan.source);
  out << "},\n    \"results\":[";
  bool first = true;
  for (size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    if (r.status == S::Pass) continue;
    auto st = for_each_finding(report, r, [&](const Finding& f) {
      if (f.status == S::Pass) return;
      write_result(out, report, *r.check, i, f, first);
      first = false;
    });
    if (!st) return st;
  }
  out << (first ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n");
  return ok_status();
}

}  // namespace posture::report
