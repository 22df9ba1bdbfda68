// Reading waiver files (JSON Lines or a JSON array) into validated entries,
// and matching a (check, resource) pair against them: exact entries through a
// hash map, globs by a linear scan of the (few) glob entries.
#include "engine/checks/waivers.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/json_scan.hpp"
#include "base/text.hpp"
#include "engine/checks/catalog.hpp"

namespace posture::checks {

namespace {

using nlohmann::json;

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2)),
              static_cast<int>(m), static_cast<int>(d)};
}

bool has_wildcard(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

const std::vector<std::string> kKeys = {"check",  "resource", "owner",
                                        "reason", "expires",  "ticket"};

// Validates one entry; appends its errors to `errors`.
std::optional<Waiver> read_entry(const json& j, const SourceLocation& at, Diagnostics& errors) {
  if (!j.is_object()) {
    errors.push_back(Diagnostic::error("exception", "an exception is a JSON object", at)
                         .hint("{\"check\": ID, \"resource\": ID-OR-GLOB, \"owner\": ..., "
                               "\"reason\": ..., \"expires\": \"YYYY-MM-DD\", \"ticket\": ...}"));
    return std::nullopt;
  }
  size_t before = errors.size();
  for (const auto& [key, value] : j.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end()) continue;
    Diagnostic d = Diagnostic::error("exception", "unknown key `" + key + "`", at);
    if (std::string guess = closest_match(key, kKeys); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    errors.push_back(std::move(d));
  }
  auto text = [&](const char* key, bool required) -> std::string {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required)
        errors.push_back(Diagnostic::error("exception", std::string("missing `") + key + "`", at));
      return "";
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
      errors.push_back(Diagnostic::error(
          "exception", std::string("`") + key + "` must be a non-empty string", at));
      return "";
    }
    return it->get<std::string>();
  };
  Waiver e;
  e.check = text("check", true);
  e.resource = text("resource", true);
  e.owner = text("owner", true);
  e.reason = text("reason", true);
  std::string expires = text("expires", true);
  e.ticket = text("ticket", false);
  e.where = at;
  if (!expires.empty()) {
    if (auto date = Date::parse(expires))
      e.expires = *date;
    else
      errors.push_back(Diagnostic::error(
          "exception", "`expires` must be a date YYYY-MM-DD, not \"" + expires + "\"", at));
  }
  if (errors.size() != before) return std::nullopt;
  return e;
}

// Parses `text` (which starts at line `first_line` of `file`) as JSON; on
// failure a diagnostic at the line and column of the error.
std::optional<json> parse_json(std::string_view text, const std::string& file, int first_line,
                               Diagnostics& errors) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    size_t at = std::min(e.byte == 0 ? size_t{0} : e.byte - 1, text.size());
    size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    int line = first_line + file::line_at(text, at) - 1;
    std::string message = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto p = message.find(": "); p != std::string::npos) message = message.substr(p + 2);
    errors.push_back(Diagnostic::error("exception", "not valid JSON: " + message,
                                       {file, line, static_cast<int>(at - line_start) + 1}));
    return std::nullopt;
  }
}

// Offsets of the elements of a (syntactically valid) top-level JSON array.
std::vector<size_t> array_element_offsets(std::string_view text) {
  std::vector<size_t> out;
  int depth = 0;
  bool expect_element = false;
  json_scan::StringTracker strings;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!strings.outside(c)) continue;
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (depth == 1 && expect_element && c != ']') {
      out.push_back(i);
      expect_element = false;
    }
    if (c == '[' || c == '{') {
      if (++depth == 1) expect_element = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_element = true;
    }
  }
  return out;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  std::string_view y = t.substr(0, 4), m = t.substr(5, 2), d = t.substr(8, 2);
  if (!is_digits(y) || !is_digits(m) || !is_digits(d)) return std::nullopt;
  Date date{std::stoi(std::string(y)), std::stoi(std::string(m)), std::stoi(std::string(d))};
  if (date.month < 1 || date.month > 12 || date.day < 1) return std::nullopt;
  // Round-tripping through the day count rejects 31 April, 29 February 2025, ...
  if (civil_from_days(date.days()) != date) return std::nullopt;
  return date;
}

Date Date::today_utc() {
  return civil_from_days(static_cast<int64_t>(std::time(nullptr)) / 86400);
}

Result<Date> Date::resolve(std::string_view option, const char* env, std::string_view option_name) {
  std::string_view value = !option.empty() ? option : env ? std::string_view(env) : "";
  if (value.empty()) return today_utc();
  if (auto date = parse(value)) return *date;
  return Diagnostic::error(
      "bad-date",
      std::string(option_name) + " must be a date YYYY-MM-DD, not \"" + std::string(value) + "\"");
}

int64_t Date::days() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string Date::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with backtracking to the last `*`: linear in practice.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<WaiverList> WaiverList::parse(std::string_view text, const std::string& file) {
  WaiverList list;
  Diagnostics errors;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    auto doc = parse_json(text, file, 1, errors);
    if (!doc) return errors;
    std::vector<size_t> offsets = array_element_offsets(text);
    for (size_t i = 0; i < doc->size(); ++i) {
      int line = i < offsets.size() ? file::line_at(text, offsets[i]) : 0;
      if (auto e = read_entry((*doc)[i], {file, line, 1}, errors)) list.entries_.push_back(*e);
    }
  } else {
    int line = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view row = text.substr(start, end - start);
      ++line;
      start = end + 1;
      size_t lead = row.find_first_not_of(" \t\r");
      if (lead == std::string_view::npos || row[lead] == '#') continue;
      auto doc = parse_json(row, file, line, errors);
      if (!doc) continue;
      if (auto e = read_entry(*doc, {file, line, 1}, errors)) list.entries_.push_back(*e);
    }
  }
  if (!errors.empty()) return errors;
  list.index();
  return list;
}

Result<WaiverList> WaiverList::load(const std::string& path) {
  auto text = file::read(path);
  if (!text) return text.take_errors();
  return parse(*text, path);
}

posture::Status WaiverList::validate(const Catalog& catalog) const {
  Diagnostics errors;
  std::vector<std::string> ids;
  for (const auto& c : catalog.checks()) ids.push_back(c.id);
  for (const auto& e : entries_) {
    if (has_wildcard(e.check) || catalog.find(e.check)) continue;
    Diagnostic d = Diagnostic::error("exception", "no stored check `" + e.check + "`", e.where);
    if (std::string guess = closest_match(e.check, ids); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    errors.push_back(std::move(d));
  }
  if (!errors.empty()) return errors;
  return ok_status();
}

void WaiverList::index() {
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const Waiver& e = entries_[i];
    if (has_wildcard(e.check) || has_wildcard(e.resource))
      globs_.emplace_back(i, text::ascii_lower(e.resource));
    else
      exact_[e.check + '\n' + text::ascii_lower(e.resource)].push_back(i);
  }
}

std::optional<uint32_t> WaiverList::match(std::string_view check_id,
                                             std::string_view resource_id, Date today) const {
  if (entries_.empty()) return std::nullopt;
  std::string key = text::ascii_lower(resource_id);
  std::optional<uint32_t> best;
  auto consider = [&](uint32_t i) {
    if (!best) {
      best = i;
      return;
    }
    const Waiver& a = entries_[*best];
    const Waiver& b = entries_[i];
    bool a_active = !a.expired(today), b_active = !b.expired(today);
    if (b_active != a_active) {
      if (b_active) best = i;
    } else if (b_active ? i < *best : b.expires > a.expires) {
      best = i;
    }
  };
  if (!exact_.empty()) {
    auto it = exact_.find(std::string(check_id) + '\n' + key);
    if (it != exact_.end())
      for (uint32_t i : it->second) consider(i);
  }
  for (const auto& [i, resource] : globs_)
    if (glob_match(entries_[i].check, check_id) && glob_match(resource, key)) consider(i);
  return best;
}

}  // namespace posture::checks
