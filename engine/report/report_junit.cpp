// JUnit XML for CI systems: a <testsuite> per check, a <testcase> per check x
// resource; FAIL is a <failure>, ERROR an <error>, MUTED <skipped> (with the
// waiver), PASS an empty testcase. Counts in the attributes come from the
// evaluation, so the document streams.
#include "engine/report/report.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;
using text::xml_text;

void attribute(std::ostream& out, const char* name, std::string_view value) {
  out << ' ' << name << "=\"";
  xml_text(out, value);
  out << '"';
}

void testcase(std::ostream& out, const Report& report, const checks::Check& c, const Finding& f) {
  out << "    <testcase";
  attribute(out, "classname", "posture." + c.id);
  std::string name = f.resource.empty() ? c.id : std::string(f.resource);
  if (!f.name.empty()) name += " (" + std::string(f.name) + ")";
  attribute(out, "name", name);
  attribute(out, "time", "0");
  if (f.status == S::Pass) {
    out << "/>\n";
    return;
  }
  out << ">\n      ";
  std::string detail = f.note ? note_detail(report, *f.note) : "";
  switch (f.status) {
    case S::Fail:
      out << "<failure";
      attribute(out, "message", f.reason ? c.title + ": " + f.reason->text : c.title);
      attribute(out, "type", checks::severity_name(c.severity));
      out << ">";
      xml_text(out, std::string(f.resource) + " fails " + c.id + " (expected " + c.expect.text +
                        ")" + (f.reason ? ": " + f.reason->text : "") +
                        (detail.empty() ? "" : ". " + detail));
      out << "</failure>\n";
      break;
    case S::Error:
      out << "<error";
      attribute(out, "message", detail.empty() ? "the resource could not be evaluated" : detail);
      attribute(out, "type", "collection-error");
      out << "/>\n";
      break;
    default:
      out << "<skipped";
      attribute(out, "message", f.reason ? detail + ". Fails: " + f.reason->text : detail);
      out << "/>\n";
  }
  out << "    </testcase>\n";
}

}  // namespace

Status write_junit(const Report& report, std::ostream& out) {
  std::array<uint64_t, 4> total{};
  for (const auto& r : report.results)
    for (size_t s = 0; s < 4; ++s) total[s] += r.counts[s];
  auto counts = [&](const std::array<uint64_t, 4>& c) {
    out << " tests=\"" << c[0] + c[1] + c[2] + c[3] << "\" failures=\"" << c[3] << "\" errors=\""
        << c[2] << "\" skipped=\"" << c[1] << "\"";
  };
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites";
  attribute(out, "name", "posture scan " + std::to_string(report.scan.id));
  counts(total);
  out << ">\n";
  for (const auto& r : report.results) {
    const checks::Check& c = *r.check;
    out << "  <testsuite";
    attribute(out, "name", c.id);
    counts(r.counts);
    attribute(out, "timestamp", report.scan.ended_at);
    out << ">\n    <properties>\n";
    for (const auto& [k, v] : {std::pair<const char*, std::string>{"title", c.title},
                               {"severity", std::string(checks::severity_name(c.severity))},
                               {"status", std::string(checks::verdict_name(r.status))}}) {
      out << "      <property";
      attribute(out, "name", k);
      attribute(out, "value", v);
      out << "/>\n";
    }
    out << "    </properties>\n";
    auto st = for_each_finding(report, r, [&](const Finding& f) { testcase(out, report, c, f); });
    if (!st) return st;
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return ok_status();
}

}  // namespace posture::report
