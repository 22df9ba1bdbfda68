// The JSON report, written as it goes: one finding at a time, never a DOM.
// Its shape is documented in docs/output-formats.md; tests parse it back.
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <unordered_map>

#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using text::json_string;
using S = checks::Verdict;

void counts_object(std::ostream& out, const std::array<uint64_t, 4>& c) {
  out << "{\"pass\":" << c[0] << ",\"fail\":" << c[3] << ",\"error\":" << c[2]
      << ",\"muted\":" << c[1] << "}";
}

// Writes a waiver's fields as an object left open: the caller adds its own and the "}".
void open_exception_object(std::ostream& out, const checks::Waiver& e) {
  out << "{\"check\":";
  json_string(out, e.check);
  out << ",\"resource\":";
  json_string(out, e.resource);
  out << ",\"owner\":";
  json_string(out, e.owner);
  out << ",\"reason\":";
  json_string(out, e.reason);
  out << ",\"expires\":\"" << e.expires.str() << "\"";
  if (!e.ticket.empty()) {
    out << ",\"ticket\":";
    json_string(out, e.ticket);
  }
  out << ",\"source\":";
  json_string(out, e.where.source + ":" + std::to_string(e.where.line));
}

// The "reason" and "evidence" members of the reasons a check's findings
// share (Finding::reason_kept), each written once per check.
using ReasonTexts = std::unordered_map<const checks::Reason*, std::string>;

// One finding's object, appended to `out` (the report writes a string per
// finding: an ostream call per member and string was a tenth of `posture
// check`'s time with 400,000 findings).
void write_finding(std::string& out, const Report& report, const Finding& f, bool first,
                   ReasonTexts& reasons) {
  out += first ? "\n      {\"resource\":" : ",\n      {\"resource\":";
  json_string(out, f.resource);
  out += ",\"name\":";
  json_string(out, f.name);
  out += ",\"status\":\"";
  out += checks::verdict_name(f.status);
  out += '"';
  if (f.reason && f.reason_kept) {
    auto [it, added] = reasons.try_emplace(f.reason);
    if (added) write_reason_members(it->second, *f.reason);
    out += it->second;
  } else if (f.reason) {
    write_reason_members(out, *f.reason);
  }
  if (f.note) {
    out += ",\"detail\":";
    json_string(out, note_detail(report, *f.note));
    if (const checks::Waiver* e = note_exception(report, *f.note)) {
      std::ostringstream exception;
      open_exception_object(exception, *e);
      out += ",\"exception\":";
      out += exception.str();
      out += f.note->kind == checks::Note::Kind::ExpiredWaiver ? ",\"expired\":true}"
                                                               : ",\"expired\":false}";
    }
  }
  out += '}';
}

// One check's object, from "{" to "]}", into `sink` (write_sections).
Status write_check(const Report& report, const store::Store& store, size_t index,
                   const checks::CheckResult& r, SectionSink& sink) {
  const checks::Check& c = *r.check;
  std::string& out = sink.text;
  out += index ? ",\n    {\"id\":" : "\n    {\"id\":";
  json_string(out, c.id);
  out += ",\"title\":";
  json_string(out, c.title);
  out += ",\"severity\":\"";
  out += checks::severity_name(c.severity);
  out += "\",\"status\":\"";
  out += checks::verdict_name(r.status);
  out += "\",\"expect\":";
  json_string(out, c.expect.text);
  out += ",\"providers\":" + nlohmann::json(c.providers).dump() +
         ",\"frameworks\":" + nlohmann::json(c.frameworks).dump() +
         ",\"matched\":" + std::to_string(r.matched) + ",\"counts\":";
  std::ostringstream counts;
  counts_object(counts, r.counts);
  out += counts.str();
  out += ",\"findings\":[";
  bool first = true;
  ReasonTexts reasons;
  auto st = for_findings_while(report, store, r, [&](const Finding& f) {
    write_finding(out, report, f, first, reasons);
    first = false;
    sink.emit_if_large();
    return true;
  });
  if (!st) return st;
  out += first ? "]}" : "\n    ]}";
  return ok_status();
}

void write_exception_lists(std::ostream& out, const Report& report) {
  auto summaries = waiver_summaries(report);
  auto list = [&](bool expiring_only) {
    out << "[";
    bool first = true;
    for (const auto& s : summaries) {
      if (expiring_only && s.state != "expiring") continue;
      out << (first ? "\n    " : ",\n    ");
      first = false;
      open_exception_object(out, *s.waiver);
      out << ",\"state\":\"" << s.state << "\",\"days_left\":" << s.days_left
          << ",\"findings\":" << s.findings << "}";
    }
    out << (first ? "]" : "\n  ]");
  };
  out << ",\n  \"exceptions\":";
  list(false);
  out << ",\n  \"expiring_exceptions\":";
  list(true);
}

}  // namespace

Status write_json(const Report& report, std::ostream& out, unsigned jobs) {
  std::array<uint64_t, 4> by_status{}, findings{};
  for (const auto& r : report.results) {
    ++by_status[static_cast<size_t>(r.status)];
    for (size_t s = 0; s < 4; ++s) findings[s] += r.counts[s];
  }
  const auto& scan = report.scan;
  out << "{\n  \"tool\":{\"name\":\"posture\",\"version\":";
  json_string(out, report.tool_version);
  out << "},\n  \"scan\":{\"id\":" << scan.id << ",\"source\":";
  json_string(out, scan.source);
  out << ",\"started_at\":";
  json_string(out, scan.started_at);
  out << ",\"ended_at\":";
  json_string(out, scan.ended_at);
  out << ",\"status\":";
  json_string(out, scan.status);
  out << "},\n  \"today\":\"" << (report.context ? report.context->today.str() : "") << "\"";
  out << ",\n  \"summary\":{\"checks\":" << report.results.size()
      << ",\"pass\":" << by_status[static_cast<size_t>(S::Pass)]
      << ",\"fail\":" << by_status[static_cast<size_t>(S::Fail)]
      << ",\"error\":" << by_status[static_cast<size_t>(S::Error)]
      << ",\"muted\":" << by_status[static_cast<size_t>(S::Muted)] << ",\"findings\":";
  counts_object(out, findings);
  out << "},\n  \"checks\":[";
  auto check = [&](const store::Store& store, size_t i, const checks::CheckResult& r,
                   SectionSink& sink) { return write_check(report, store, i, r, sink); };
  if (auto st = write_sections(report, out, jobs, check); !st) return st;
  out << (report.results.empty() ? "]" : "\n  ]");
  write_exception_lists(out, report);
  out << "\n}\n";
  return ok_status();
}

}  // namespace posture::report
