// Waivers: accepted risks that mute a check's failing finding until a date.
// Users write them as JSON, either one object per line (JSON Lines) or one JSON
// array of objects:
//   {"check": "azure-notify-alerts-high-severity",
//    "resource": "/subscriptions/c0ffee00-*", "owner": "secops@example.com",
//    "reason": "sandbox, no production data", "expires": "2025-06-30",
//    "ticket": "SEC-1234"}
// `check` and `resource` may be globs (`*` any run of characters, `?` one);
// resources match case-insensitively, as ARM ids do. A waiver applies up
// to and including its `expires` day; from the next day on it is expired and
// no longer mutes. Every malformed entry is reported with file:line.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace posture::checks {

class Catalog;

// A calendar day (proleptic Gregorian calendar), written YYYY-MM-DD.
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  // Strict YYYY-MM-DD naming a real day (2025-02-29 is rejected); nullopt otherwise.
  static std::optional<Date> parse(std::string_view text);
  // Today in UTC.
  static Date today_utc();
  // The day waivers are judged against: `option` (e.g. --today) if not
  // empty, else `env` (e.g. $POSTURE_TODAY) if set and not empty, else today
  // in UTC. An unreadable value is an error naming `option_name`.
  static Result<Date> resolve(std::string_view option, const char* env,
                              std::string_view option_name = "--today");
  // Days since 1970-01-01 (negative before).
  int64_t days() const;
  std::string str() const;  // YYYY-MM-DD
  auto operator<=>(const Date&) const = default;
};

// Waivers expiring within this many days are listed by the reports.
inline constexpr int kExpiringWithinDays = 30;

struct Waiver {
  std::string check;     // a check id or a glob of check ids
  std::string resource;  // an ARM id or a glob, as written
  std::string owner;
  std::string reason;
  Date expires;  // the last day on which the waiver mutes
  std::string ticket;
  SourceLocation where;  // file:line of the entry

  bool expired(Date today) const { return today > expires; }
  // Days from `today` until `expires` (0 on the last day, negative when expired).
  int64_t days_left(Date today) const { return expires.days() - today.days(); }
  bool expiring(Date today) const {
    return !expired(today) && days_left(today) <= kExpiringWithinDays;
  }
};

// Whether `text` matches `pattern` (`*` any run, `?` one character; no escapes).
// Case-sensitive: fold both beforehand for ARM ids.
bool glob_match(std::string_view pattern, std::string_view text);

class WaiverList {
 public:
  // Reads JSON Lines or a JSON array (the first non-blank character `[`).
  // Blank lines and lines starting with `#` are skipped in JSON Lines. Returns
  // every malformed entry as a diagnostic with `file`:line.
  static Result<WaiverList> parse(std::string_view text, const std::string& file);
  static Result<WaiverList> load(const std::string& path);

  // Errors (file:line) for entries naming a check the catalog does not hold.
  posture::Status validate(const Catalog& catalog) const;

  const std::vector<Waiver>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

  // The waiver covering (check, resource) as of `today`, as an index into
  // entries(): an active one if any (the first in the file), else the expired
  // one that expired last; nullopt when none matches. Thread-safe.
  std::optional<uint32_t> match(std::string_view check_id, std::string_view resource_id,
                                Date today) const;

 private:
  void index();
  std::vector<Waiver> entries_;
  // Exact (check + '\n' + lower-cased resource) -> entry indices; globs apart.
  std::unordered_map<std::string, std::vector<uint32_t>> exact_;
  std::vector<std::pair<uint32_t, std::string>> globs_;  // entry, lower-cased resource
};

}  // namespace posture::checks
