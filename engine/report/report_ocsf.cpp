// OCSF 1.1.0 Detection Finding (class_uid 2004, category_uid 2 Findings) as
// JSON Lines: one event per line for every finding that did not pass, so a
// SIEM can ingest the stream as it is written. FAIL is status New, MUTED is
// Suppressed (with the waiver), ERROR is Other ("Error": not evaluated).
#include <nlohmann/json.hpp>

#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;
using text::json_string;

constexpr const char* kOcsfVersion = "1.1.0";

int severity_id(checks::Severity s) {
  switch (s) {
    case checks::Severity::Low:
      return 2;
    case checks::Severity::Medium:
      return 3;
    case checks::Severity::High:
      return 4;
    case checks::Severity::Critical:
      return 5;
  }
  return 0;
}

std::string severity_caption(checks::Severity s) {
  std::string name(checks::severity_name(s));
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

// "/subscriptions/<guid>/..." -> "<guid>" ("" otherwise).
std::string_view subscription_of(std::string_view arm_id) {
  constexpr std::string_view prefix = "/subscriptions/";
  if (arm_id.size() <= prefix.size() || arm_id.substr(0, prefix.size()) != prefix) return "";
  std::string_view rest = arm_id.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

void key(std::ostream& out, const char* name, std::string_view value) {
  out << ",\"" << name << "\":";
  json_string(out, value);
}

void finding_info(std::ostream& out, const checks::Check& c, const Finding& f, int64_t scan) {
  out << ",\"finding_info\":{\"uid\":";
  json_string(out, c.id + ":" + std::string(f.key()) + ":scan-" + std::to_string(scan));
  key(out, "title", c.title);
  if (!c.rationale.empty()) key(out, "desc", c.rationale);
  out << ",\"types\":[\"Posture Management\"],\"analytic\":{\"uid\":";
  json_string(out, c.id);
  key(out, "name", c.id);
  out << ",\"type_id\":1,\"type\":\"Rule\"}}";
}

void write_event(std::ostream& out, const Report& report, const checks::Check& c, const Finding& f,
                 int64_t time) {
  int status_id = f.status == S::Fail ? 1 : f.status == S::Muted ? 3 : 99;
  const char* status = f.status == S::Fail ? "New" : f.status == S::Muted ? "Suppressed" : "Error";
  out << "{\"class_uid\":2004,\"class_name\":\"Detection Finding\",\"category_uid\":2,"
         "\"category_name\":\"Findings\",\"activity_id\":1,\"activity_name\":\"Create\","
         "\"type_uid\":200401,\"type_name\":\"Detection Finding: Create\",\"time\":"
      << time << ",\"severity_id\":" << severity_id(c.severity) << ",\"severity\":\""
      << severity_caption(c.severity) << "\",\"status_id\":" << status_id << ",\"status\":\""
      << status << "\"";
  std::string detail = f.note ? note_detail(report, *f.note) : "";
  if (f.reason) detail = f.reason->text + (detail.empty() ? "" : ". " + detail);
  if (!detail.empty()) key(out, "status_detail", detail);
  std::string who = f.resource.empty() ? std::string("the inventory") : std::string(f.resource);
  key(out, "message",
      (f.status == S::Error ? who + " could not be evaluated for: " : who + " fails: ") + c.title);
  finding_info(out, c, f, report.scan.id);
  if (!f.resource.empty()) {
    out << ",\"resources\":[{\"uid\":";
    json_string(out, f.resource);
    key(out, "name", f.name);
    key(out, "type", c.query.optimised.roots.front().type->name);
    out << "}]";
  }
  out << ",\"cloud\":{\"provider\":\"Azure\"";
  if (auto sub = subscription_of(f.resource); !sub.empty()) {
    out << ",\"account\":{\"uid\":";
    json_string(out, sub);
    out << "}";
  }
  out << "}";
  if (!c.remediation.empty()) {
    out << ",\"remediation\":{\"desc\":";
    json_string(out, c.remediation);
    out << ",\"references\":" << nlohmann::json(c.references).dump() << "}";
  }
  out << ",\"metadata\":{\"version\":\"" << kOcsfVersion
      << "\",\"product\":{\"name\":\"Posture\",\"vendor_name\":\"Posture\",\"version\":";
  json_string(out, report.tool_version);
  out << "}},\"unmapped\":{\"check_status\":\"" << checks::verdict_name(f.status)
      << "\",\"frameworks\":" << nlohmann::json(c.frameworks).dump()
      << ",\"scan_id\":" << report.scan.id << "}}\n";
}

}  // namespace

Status write_ocsf(const Report& report, std::ostream& out) {
  int64_t time = text::epoch_millis(report.scan.ended_at);
  for (const auto& r : report.results) {
    if (r.status == S::Pass) continue;
    auto st = for_each_finding(report, r, [&](const Finding& f) {
      if (f.status != S::Pass) write_event(out, report, *r.check, f, time);
    });
    if (!st) return st;
  }
  return ok_status();
}

}  // namespace posture::report
