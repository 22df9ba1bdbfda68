// CSV (RFC 4180): a header row, then one row per finding of every check, PASS
// included, records ending in CRLF; fields holding a comma, quote, CR or LF are
// quoted with "" for a quote. Columns are fixed (docs/output-formats.md).
#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

constexpr const char* kHeader =
    "check,title,severity,check_status,resource,name,status,detail,exception_owner,"
    "exception_reason,exception_expires,exception_ticket,exception_expired,reason\r\n";

void row(std::ostream& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out.put(',');
    first = false;
    text::csv_field(out, f);
  }
  out << "\r\n";
}

}  // namespace

Status write_csv(const Report& report, std::ostream& out) {
  out << kHeader;
  for (const auto& r : report.results) {
    const checks::Check& c = *r.check;
    std::string_view severity = checks::severity_name(c.severity);
    std::string_view check_status = checks::verdict_name(r.status);
    auto st = for_each_finding(report, r, [&](const Finding& f) {
      std::string detail = f.note ? note_detail(report, *f.note) : "";
      const checks::Waiver* e = f.note ? note_exception(report, *f.note) : nullptr;
      std::string expires = e ? e->expires.str() : "";
      bool expired = f.note && f.note->kind == checks::Note::Kind::ExpiredWaiver;
      row(out, {c.id, c.title, severity, check_status, f.resource, f.name,
                checks::verdict_name(f.status), detail, e ? e->owner : "", e ? e->reason : "",
                expires, e ? e->ticket : "", e ? (expired ? "true" : "false") : "",
                f.reason ? std::string_view(f.reason->text) : ""});
    });
    if (!st) return st;
  }
  return ok_status();
}

}  // namespace posture::report
