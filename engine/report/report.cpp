// What every report format shares: walking a check's findings (re-reading the
// subjects from the store in evaluation order), explaining notes, summarising
// waivers, and choosing a writer by format name.
#include "engine/report/report.hpp"

#include <array>
#include <map>
#include <optional>

#include "base/text.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

Status for_findings_while(const Report& report, const checks::CheckResult& result,
                          const std::function<bool(const Finding&)>& visit) {
  if (!result.per_resource()) {
    Finding f;
    f.status = result.status;
    if (result.returned.empty()) {
      if (!result.notes.empty()) f.note = &result.notes.front().second;  // uncollected type
      visit(f);  // a check-level finding: the query's count decided
      return ok_status();
    }
    for (const auto& r : result.returned) {
      f.resource = r.id;
      f.name = r.name;
      f.key = r.key;
      if (!visit(f)) break;
    }
    return ok_status();
  }
  if (result.no_subjects) {
    Finding f;
    f.status = result.status;
    f.note = &result.notes.front().second;
    visit(f);  // a check-level finding: there was nothing to check
    return ok_status();
  }
  auto st = checks::subjects_statement(*result.check, *result.subject_type, result.order,
                                       sql::dialect(report.store->backend()));
  auto cursor = store::Cursor::open(*report.store, st, report.scan.id);
  if (!cursor) return cursor.take_errors();
  size_t i = 0;
  std::string key;  // the finding's, its id lower-cased
  auto note = result.notes.begin();
  // The next explained finding's reason, read ahead (reason_index: its
  // verdict index; past the last: none).
  std::optional<checks::ReasonFile::Reader> reasons;
  checks::Reason reason;
  uint32_t reason_index = 0;
  bool reason_ahead = false;
  auto read_reason = [&]() -> Status {
    auto more = reasons->next(reason_index, reason);
    if (!more) return more.take_errors();
    reason_ahead = *more;
    return ok_status();
  };
  if (result.reasons) {
    reasons.emplace(*result.reasons);
    if (auto read = read_reason(); !read) return read;
  }
  bool more_rows = false;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    if (i >= result.verdicts.size()) {
      more_rows = true;
      break;
    }
    store::arm_key(cursor->text(0), key);
    Finding f{cursor->text(0), cursor->text(1), key, result.verdicts[i], nullptr, nullptr};
    while (note != result.notes.end() && note->first < i) ++note;
    if (note != result.notes.end() && note->first == i) f.note = &note->second;
    while (reason_ahead && reason_index < i)
      if (auto read = read_reason(); !read) return read;
    const bool explained = reason_ahead && reason_index == i;
    if (explained) f.reason = &reason;
    if (!visit(f)) return ok_status();
    if (explained)
      if (auto read = read_reason(); !read) return read;
    ++i;
  }
  if (more_rows || i != result.verdicts.size())
    return Diagnostic::error("report", "scan " + std::to_string(report.scan.id) +
                                           " changed while the report was being written");
  return ok_status();
}

Status for_each_finding(const Report& report, const checks::CheckResult& result,
                        const std::function<void(const Finding&)>& visit) {
  return for_findings_while(report, result, [&](const Finding& f) {
    visit(f);
    return true;
  });
}

const checks::Waiver* note_exception(const Report& report, const checks::Note& note) {
  if (note.kind == checks::Note::Kind::CollectionError || !report.context ||
      !report.context->waivers)
    return nullptr;
  return &report.context->waivers->entries()[note.ref];
}

std::string note_detail(const Report& report, const checks::Note& note) {
  if (note.kind == checks::Note::Kind::CollectionError) {
    if (!report.context || note.ref >= report.context->errors.size()) return "collection failed";
    const store::CollectionError& e = report.context->errors[note.ref];
    // A scan-level error (no resource) is the whole reason: "no connectors in this scan".
    return e.resource.empty() ? e.message : "collection failed: " + e.message;
  }
  const checks::Waiver* e = note_exception(report, note);
  if (!e) return "";
  std::string who = " (owner " + e->owner + (e->ticket.empty() ? "" : ", ticket " + e->ticket);
  if (note.kind == checks::Note::Kind::ExpiredWaiver)
    return "exception expired on " + e->expires.str() + who + "): " + e->reason;
  return "muted until " + e->expires.str() + who + "): " + e->reason;
}

void write_reason_members(std::string& out, const checks::Reason& reason) {
  out += ",\"reason\":";
  text::json_string(out, reason.text);
  out += ",\"evidence\":[";
  for (size_t i = 0; i < reason.evidence.size(); ++i) {
    const checks::Evidence& e = reason.evidence[i];
    out += i ? ",{\"path\":" : "{\"path\":";
    text::json_string(out, e.path);
    out += ",\"operator\":";
    text::json_string(out, e.op);
    // JSON texts already (checks::Evidence).
    out += ",\"expected\":";
    out += e.expected;
    out += ",\"actual\":";
    out += e.actual;
    out += e.holds ? ",\"holds\":true}" : ",\"holds\":false}";
  }
  out += ']';
}

void write_reason_members(std::ostream& out, const checks::Reason& reason) {
  std::string members;
  write_reason_members(members, reason);
  out << members;
}

std::vector<WaiverSummary> waiver_summaries(const Report& report) {
  std::vector<WaiverSummary> out;
  if (!report.context || !report.context->waivers) return out;
  std::map<uint32_t, uint64_t> uses;
  for (const auto& r : report.results)
    for (const auto& [index, n] : r.waiver_uses) uses[index] += n;
  const auto& entries = report.context->waivers->entries();
  const checks::Date today = report.context->today;
  for (uint32_t i = 0; i < entries.size(); ++i) {
    const checks::Waiver& e = entries[i];
    bool relevant = false;
    for (const auto& r : report.results) relevant |= checks::glob_match(e.check, r.check->id);
    if (!relevant) continue;
    WaiverSummary s;
    s.waiver = &e;
    s.days_left = e.days_left(today);
    s.state = e.expired(today) ? "expired" : e.expiring(today) ? "expiring" : "active";
    s.findings = uses.count(i) ? uses[i] : 0;
    out.push_back(std::move(s));
  }
  return out;
}

std::string summary_line(const Report& report) {
  using S = checks::Verdict;
  std::array<uint64_t, 4> checks{}, findings{};
  for (const auto& r : report.results) {
    ++checks[static_cast<size_t>(r.status)];
    for (size_t s = 0; s < findings.size(); ++s) findings[s] += r.counts[s];
  }
  auto of = [](const std::array<uint64_t, 4>& c, S s) { return c[static_cast<size_t>(s)]; };
  std::string line =
      posture::text::counted(report.results.size(), "check", "checks") + ": " +
      std::to_string(of(checks, S::Pass)) + " passed, " + std::to_string(of(checks, S::Fail)) +
      " failed, " + std::to_string(of(checks, S::Error)) + " with errors, " +
      std::to_string(of(checks, S::Muted)) + " muted; " +
      posture::text::counted(findings[0] + findings[1] + findings[2] + findings[3], "finding",
                             "findings") +
      ": " + std::to_string(of(findings, S::Pass)) + " pass, " +
      std::to_string(of(findings, S::Fail)) + " fail, " + std::to_string(of(findings, S::Error)) +
      " error, " + std::to_string(of(findings, S::Muted)) + " muted";
  if (report.scan.status == "partial")
    line += " (scan " + std::to_string(report.scan.id) + " is partial" +
            (report.scan.message.empty() ? "" : ": " + report.scan.message) + ")";
  return line;
}

std::optional<Format> format_from_name(std::string_view name) {
  static const std::pair<const char*, Format> names[] = {
      {"table", Format::Table}, {"json", Format::Json},   {"csv", Format::Csv},
      {"junit", Format::Junit}, {"sarif", Format::Sarif}, {"ocsf", Format::Ocsf},
      {"html", Format::Html}};
  for (const auto& [n, f] : names)
    if (name == n) return f;
  return std::nullopt;
}

std::vector<std::string> format_names() {
  return {"table", "json", "csv", "junit", "sarif", "ocsf", "html"};
}

Status write(const Report& report, Format format, std::ostream& out, const WriteOptions& options) {
  Status written = ok_status();
  switch (format) {
    case Format::Table:
      written = write_table(report, out, options);
      break;
    case Format::Json:
      written = write_json(report, out);
      break;
    case Format::Csv:
      written = write_csv(report, out);
      break;
    case Format::Junit:
      written = write_junit(report, out);
      break;
    case Format::Sarif:
      written = write_sarif(report, out);
      break;
    case Format::Ocsf:
      written = write_ocsf(report, out);
      break;
    case Format::Html:
      written = write_html(report, out);
      break;
  }
  if (!written) return written;
  out.flush();
  if (!out) return Diagnostic::error("io", "writing the report failed");
  return ok_status();
}

}  // namespace posture::report
