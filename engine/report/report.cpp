// Writing reports. JSON is streamed object by object (a million findings do not
// build a document in memory); strings are escaped with nlohmann::json.
#include "engine/report/report.hpp"

#include <iomanip>

#include <nlohmann/json.hpp>

namespace posture::report {

namespace {

std::string q(const std::string& s) {
  return nlohmann::json(s).dump();
}

void write_finding(std::ostream& out, const checks::Resource& r, checks::Status status,
                   const std::string* detail, bool& first) {
  out << (first ? "\n      " : ",\n      ");
  first = false;
  out << "{\"resource\":" << q(r.id) << ",\"name\":" << q(r.name) << ",\"status\":\""
      << checks::status_name(status) << "\"";
  if (detail) out << ",\"detail\":" << q(*detail);
  out << "}";
}

void write_check(std::ostream& out, const checks::CheckResult& r) {
  const checks::Check& c = *r.check;
  out << "{\"id\":" << q(c.id) << ",\"title\":" << q(c.title) << ",\"severity\":\""
      << checks::severity_name(c.severity) << "\",\"status\":\"" << checks::status_name(r.status)
      << "\",\"expect\":" << q(c.expect.text)
      << ",\"frameworks\":" << nlohmann::json(c.frameworks).dump() << ",\"matched\":" << r.matched
      << ",\"counts\":{";
  using S = checks::Status;
  out << "\"pass\":" << r.count(S::Pass) << ",\"fail\":" << r.count(S::Fail)
      << ",\"error\":" << r.count(S::Error) << ",\"muted\":" << r.count(S::Muted)
      << "},\"findings\":[";
  bool first = true;
  if (r.subjects) {
    for (size_t i = 0; i < r.verdicts.size(); ++i) {
      auto d = r.details.find(i);
      write_finding(out, r.subjects->resources[i], r.verdicts[i],
                    d == r.details.end() ? nullptr : &d->second, first);
    }
  } else {
    for (const auto& res : r.returned) write_finding(out, res, r.status, nullptr, first);
  }
  out << (first ? "]}" : "\n    ]}");
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  using S = checks::Status;
  uint64_t by_status[4] = {0, 0, 0, 0};
  for (const auto& r : report.results) ++by_status[static_cast<int>(r.status)];
  out << "{\n  \"scan\":{\"id\":" << report.scan.id << ",\"source\":" << q(report.scan.source)
      << ",\"started_at\":" << q(report.scan.started_at)
      << ",\"ended_at\":" << q(report.scan.ended_at) << ",\"status\":" << q(report.scan.status)
      << "},\n  \"summary\":{\"checks\":" << report.results.size()
      << ",\"pass\":" << by_status[static_cast<int>(S::Pass)]
      << ",\"fail\":" << by_status[static_cast<int>(S::Fail)]
      << ",\"error\":" << by_status[static_cast<int>(S::Error)]
      << ",\"muted\":" << by_status[static_cast<int>(S::Muted)] << "},\n  \"checks\":[";
  for (size_t i = 0; i < report.results.size(); ++i) {
    out << (i ? ",\n    " : "\n    ");
    write_check(out, report.results[i]);
  }
  out << (report.results.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

namespace {

std::string paint(checks::Status s, bool color) {
  std::string name(checks::status_name(s));
  if (!color) return name;
  const char* code = s == checks::Status::Pass ? "32" : s == checks::Status::Fail ? "31" : "33";
  return std::string("\033[") + code + "m" + name + "\033[0m";
}

std::string padded(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace

void write_table(const Report& report, std::ostream& out, bool color) {
  using S = checks::Status;
  out << "Scan " << report.scan.id << " (" << report.scan.source << ", " << report.scan.ended_at
      << ", " << report.scan.status << ")\n\n";
  size_t width = 5;
  for (const auto& r : report.results) width = std::max(width, r.check->id.size());
  out << padded("STATUS", 7) << padded("SEVERITY", 9) << padded("CHECK", width + 1)
      << "  PASS  FAIL ERROR MUTED\n";
  uint64_t failed = 0, errored = 0;
  for (const auto& r : report.results) {
    std::string status(checks::status_name(r.status));
    out << paint(r.status, color) << std::string(7 - status.size(), ' ')
        << padded(std::string(checks::severity_name(r.check->severity)), 9)
        << padded(r.check->id, width + 1) << std::setw(6) << r.count(S::Pass) << std::setw(6)
        << r.count(S::Fail) << std::setw(6) << r.count(S::Error) << std::setw(6)
        << r.count(S::Muted) << "\n";
    failed += r.status == S::Fail;
    errored += r.status == S::Error;
  }
  for (const auto& r : report.results) {
    if (r.status == S::Pass) continue;
    out << "\n" << r.check->id << ": " << r.check->title << "\n";
    if (!r.subjects) {
      out << "  expected " << r.check->expect.text << ", the query returned " << r.matched << "\n";
      continue;
    }
    for (size_t i = 0; i < r.verdicts.size(); ++i) {
      if (r.verdicts[i] == S::Pass) continue;
      const auto& res = r.subjects->resources[i];
      out << "  " << paint(r.verdicts[i], color) << "  " << res.id << "  " << res.name;
      if (auto d = r.details.find(i); d != r.details.end()) out << "  (" << d->second << ")";
      out << "\n";
    }
  }
  out << "\n"
      << report.results.size() << " checks: " << report.results.size() - failed - errored
      << " passed, " << failed << " failed, " << errored << " with errors\n";
}

}  // namespace posture::report
