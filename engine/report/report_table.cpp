// The table for people: a line per check with its counts, the findings that did
// not pass (at most WriteOptions::max_rows per check), the waivers expiring
// soon or expired, and a closing summary. ANSI colours only when asked (the CLI
// asks on a terminal without NO_COLOR).
#include <algorithm>
#include <iomanip>

#include "engine/report/report.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;

const char* colour_of(S s) {
  switch (s) {
    case S::Pass:
      return "32";  // green
    case S::Muted:
      return "36";  // cyan
    case S::Error:
      return "33";  // yellow
    case S::Fail:
      return "31";  // red
  }
  return "0";
}

// The status name padded to `width`, coloured when `color`.
std::string painted(S s, bool color, size_t width) {
  std::string name(checks::verdict_name(s));
  std::string pad(name.size() < width ? width - name.size() : 1, ' ');
  if (!color) return name + pad;
  return std::string("\033[") + colour_of(s) + "m" + name + "\033[0m" + pad;
}

std::string padded(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

Status write_details(std::ostream& out, const Report& report, const checks::CheckResult& r,
                     const WriteOptions& options) {
  out << "\n" << r.check->id << ": " << r.check->title << "\n";
  if (!r.per_resource() && r.returned.empty()) {
    out << "  expected " << r.check->expect.text << ", the query returned " << r.matched << "\n";
    return ok_status();
  }
  // Non-passing findings are counted already (at least one: the check did
  // not pass): the walk stops at the last one shown, so a large inventory's
  // ids are not all read for a few lines.
  const uint64_t listed = r.findings() - r.count(S::Pass);
  uint64_t shown = 0;
  auto st = for_findings_while(report, r, [&](const Finding& f) {
    if (f.status == S::Pass) return true;
    ++shown;
    out << "  " << painted(f.status, options.color, 7) << f.resource << "  " << f.name;
    if (f.note) out << "  (" << note_detail(report, *f.note) << ")";
    out << "\n";
    if (f.reason) out << std::string(9, ' ') << f.reason->text << "\n";
    return (!options.max_rows || shown < options.max_rows) && shown < listed;
  });
  if (!st) return st;
  const uint64_t hidden = listed - shown;
  if (hidden)
    out << "  ... and " << hidden
        << " more (--max-rows 0 lists all; --format csv or json has every finding)\n";
  return ok_status();
}

void write_exceptions(std::ostream& out, const Report& report) {
  auto summaries = waiver_summaries(report);
  for (const char* state : {"expiring", "expired"}) {
    bool header = false;
    for (const auto& s : summaries) {
      if (s.state != state) continue;
      if (!header) {
        out << "\n"
            << (s.state == "expiring" ? "Exceptions expiring within " +
                                            std::to_string(checks::kExpiringWithinDays) + " days:"
                                      : std::string("Expired exceptions (no longer muting):"))
            << "\n";
        header = true;
      }
      const checks::Waiver& e = *s.waiver;
      out << "  " << e.expires.str() << " ("
          << (s.days_left >= 0 ? std::to_string(s.days_left) + " days left"
                               : std::to_string(-s.days_left) + " days ago")
          << ")  " << e.check << "  " << e.resource << "  owner " << e.owner;
      if (!e.ticket.empty()) out << "  ticket " << e.ticket;
      out << "  [" << e.where.source << ":" << e.where.line << "]\n";
    }
  }
}

}  // namespace

Status write_table(const Report& report, std::ostream& out, const WriteOptions& options) {
  out << "Scan " << report.scan.id << " (" << report.scan.source << ", " << report.scan.ended_at
      << ", " << report.scan.status << ")";
  if (report.context) out << ", exceptions as of " << report.context->today.str();
  out << "\n\n";
  size_t width = 5;
  for (const auto& r : report.results) width = std::max(width, r.check->id.size());
  out << padded("STATUS", 7) << padded("SEVERITY", 9) << padded("CHECK", width + 1)
      << "    PASS    FAIL   ERROR   MUTED\n";
  for (const auto& r : report.results) {
    out << painted(r.status, options.color, 7)
        << padded(std::string(checks::severity_name(r.check->severity)), 9)
        << padded(r.check->id, width + 1) << std::setw(8) << r.count(S::Pass) << std::setw(8)
        << r.count(S::Fail) << std::setw(8) << r.count(S::Error) << std::setw(8)
        << r.count(S::Muted) << "\n";
  }
  for (const auto& r : report.results) {
    if (r.status == S::Pass) continue;
    if (auto st = write_details(out, report, r, options); !st) return st;
  }
  write_exceptions(out, report);
  out << "\n" << summary_line(report) << "\n";
  return ok_status();
}

}  // namespace posture::report
