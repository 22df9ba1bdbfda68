// The synthetic inventory generator (see generator.hpp). Each connector draws
// from its own splitmix64 stream, seeded from (seed, index), so connector i is
// the same whatever N is, and the output is the same on every platform. Lines are
// built with string appends into one buffer that is flushed every megabyte.
#include "collectors/synthetic/generator.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace posture::synthetic {
namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;
constexpr size_t kFlushBytes = size_t{1} << 20;
constexpr uint64_t kTenants = 16;
constexpr uint64_t kProgressEvery = 16384;

// The splitmix64 finaliser: a bijective 64-bit mix.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified, so the
// same seed gives the same numbers everywhere.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t next() { return mix64(state_ += kGamma); }
  // Uniform in [0, n) by multiply-shift (Lemire); the bias is below 2^-40.
  uint64_t below(uint64_t n) {
    __extension__ using u128 = unsigned __int128;  // GCC and Clang: no ISO 128-bit type
    return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64);
  }
  // True with probability p.
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <class T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  uint64_t state_;
};

// A version-4 GUID formatted from 128 random bits.
void append_guid(std::string& o, Rng& rng, bool upper = false) {
  uint64_t hi = rng.next();
  uint64_t lo = rng.next();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // RFC 4122 variant
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char text[36];
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) text[pos++] = '-';
    uint64_t word = i < 16 ? hi : lo;
    text[pos++] = digits[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  o.append(text, sizeof text);
}

// Compact JSON written by appending to a string; commas are tracked per depth.
class JsonOut {
 public:
  explicit JsonOut(std::string& out) : o_(out) {}
  JsonOut& begin_object() { return open('{'); }
  JsonOut& end_object() { return close('}'); }
  JsonOut& begin_array() { return open('['); }
  JsonOut& end_array() { return close(']'); }
  JsonOut& key(std::string_view k) {
    separate();
    o_ += '"';
    o_.append(k);  // keys are literals of this file: nothing to escape
    o_ += "\":";
    after_key_ = true;
    return *this;
  }
  JsonOut& str(std::string_view v) {
    separate();
    append_escaped(v);
    return *this;
  }
  JsonOut& boolean(bool v) {
    separate();
    o_ += v ? "true" : "false";
    return *this;
  }
  // A string value whose text the caller appends to raw() (already JSON-safe).
  std::string& raw_string_begin() {
    separate();
    o_ += '"';
    return o_;
  }
  void raw_string_end() { o_ += '"'; }

 private:
  JsonOut& open(char c) {
    separate();
    o_ += c;
    comma_[++depth_] = false;
    return *this;
  }
  JsonOut& close(char c) {
    o_ += c;
    --depth_;
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (comma_[depth_]) o_ += ',';
    comma_[depth_] = true;
  }
  void append_escaped(std::string_view v);

  std::string& o_;
  std::array<bool, 16> comma_{};
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `v` quoted, escaping '"', '\\' and control characters; runs of plain
// characters (UTF-8 included) are appended in one piece.
void JsonOut::append_escaped(std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  o_ += '"';
  size_t plain = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    o_.append(v.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        o_ += "\\\"";
        break;
      case '\\':
        o_ += "\\\\";
        break;
      case '\n':
        o_ += "\\n";
        break;
      case '\t':
        o_ += "\\t";
        break;
      case '\r':
        o_ += "\\r";
        break;
      default:
        o_ += "\\u00";
        o_ += kHex[c >> 4];
        o_ += kHex[c & 0xF];
    }
  }
  o_.append(v.data() + plain, v.size() - plain);
  o_ += '"';
}

// ---- the pools the inventory draws from ------------------------------------

constexpr std::array<std::string_view, 16> kCompanies = {"Contoso",
                                                         "Fabrikam",
                                                         "Tailspin",
                                                         "Northwind",
                                                         "Woodgrove",
                                                         "Adventure Works",
                                                         "Litware",
                                                         "Proseware",
                                                         "Wingtip",
                                                         "Alpine Ski House",
                                                         "Fourth Coffee",
                                                         "Margie's Travel",
                                                         "Humongous Insurance",
                                                         "Lucerne Publishing",
                                                         "Trey Research",
                                                         "Wide World Importers"};
constexpr std::array<std::string_view, 12> kEnvironments = {
    "Production",      "Staging",         "Development",  "Sandbox",
    "Shared Services", "Data Platform",   "Identity",     "Connectivity",
    "Management",      "Caf\xc3\xa9 Ops", "R&D \"Labs\"", "Legacy (do not use)"};
constexpr std::array<std::string_view, 5> kQuotas = {
    "PayAsYouGo_2014-09-01", "EnterpriseAgreement_2014-09-01", "MSDN_2014-09-01", "CSP_2015-05-01",
    "Internal_2014-09-01"};
constexpr std::array<std::string_view, 7> kLocalParts = {
    "secops", "soc", "security", "cloud-sec", "it-alerts", "azure-admins", "incident-response"};
constexpr std::array<std::string_view, 3> kDomains = {"example.com", "example.org", "example.net"};
constexpr std::array<std::string_view, 3> kSeparators = {";", ",", "; "};
constexpr std::array<std::string_view, 3> kSeverities = {"High", "Medium", "Low"};
constexpr std::array<std::string_view, 4> kRiskLevels = {"Critical", "High", "Medium", "Low"};
constexpr std::array<std::string_view, 3> kOtherRoles = {"AccountAdmin", "ServiceAdmin",
                                                         "Contributor"};

enum class Api { V2017, V2020, V2023 };

// What one connector looks like, drawn before anything is written.
struct ConnectorPlan {
  uint64_t tenant = 0;
  Api api = Api::V2023;
  bool no_contacts = false;
  bool bare_array = false;
  bool upper_case_id = false;
  int contacts = 1;
};

ConnectorPlan plan_connector(Rng& rng, const Mix& mix) {
  ConnectorPlan p;
  p.tenant = rng.below(kTenants);
  double r = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
  p.api = r < mix.api_2023 ? Api::V2023 : r < mix.api_2023 + mix.api_2020 ? Api::V2020 : Api::V2017;
  p.no_contacts = rng.chance(mix.no_contacts);
  p.bare_array = p.api == Api::V2020 && rng.chance(mix.bare_array_2020);
  p.upper_case_id = rng.chance(mix.upper_case_id);
  p.contacts = p.no_contacts ? 0 : (p.api == Api::V2017 && rng.chance(mix.several_2017)) ? 2 : 1;
  return p;
}

// ---- one subscription ------------------------------------------------------

void write_subscription(std::string& o, Rng& rng, uint64_t seed_base, const ConnectorPlan& p,
                        std::string& guid) {
  Rng tenant_rng(mix64(seed_base ^ (0x7E4A47ULL + p.tenant * kGamma)));
  std::string tenant;
  append_guid(tenant, tenant_rng);
  guid.clear();
  append_guid(guid, rng);

  JsonOut j(o);
  j.begin_object();
  std::string& id = j.key("id").raw_string_begin();
  id += "/subscriptions/";
  id += guid;
  j.raw_string_end();
  j.key("authorizationSource").str("RoleBased");
  j.key("managedByTenants").begin_array();
  if (rng.chance(0.1)) {
    j.begin_object().key("tenantId");
    append_guid(j.raw_string_begin(), rng);
    j.raw_string_end();
    j.end_object();
  }
  j.end_array();
  j.key("subscriptionId").str(guid);
  j.key("tenantId").str(tenant);
  std::string name(rng.pick(kCompanies));
  name += ' ';
  name += rng.pick(kEnvironments);
  if (rng.chance(0.5)) name += " " + std::to_string(1 + rng.below(99));
  j.key("displayName").str(name);
  uint64_t s = rng.below(100);
  j.key("state").str(s < 93 ? "Enabled" : s < 96 ? "Disabled" : s < 98 ? "Warned" : "PastDue");
  j.key("subscriptionPolicies").begin_object();
  j.key("locationPlacementId").str("Public_2014-09-01");
  j.key("quotaId").str(rng.pick(kQuotas));
  j.key("spendingLimit").str(rng.chance(0.9) ? "Off" : "On");
  j.end_object();
  j.end_object();
  o += '\n';
}

// ---- security contacts -----------------------------------------------------

// What one contact says, drawn per contact.
struct ContactPlan {
  bool empty = false;  // unconfigured: email and phone ""
  bool no_phone = false;
  bool alerts_on = true;
  bool admins_on = true;
  bool owner = true;
};

ContactPlan plan_contact(Rng& rng, const Mix& mix) {
  ContactPlan c;
  c.empty = rng.chance(mix.empty_email);
  c.no_phone = rng.chance(mix.no_phone);
  c.alerts_on = !rng.chance(mix.alerts_off);
  c.admins_on = !rng.chance(mix.admins_off);
  c.owner = !rng.chance(mix.roles_without_owner);
  return c;
}

void append_emails(std::string& o, Rng& rng) {
  uint64_t r = rng.below(10);
  int count = r < 6 ? 1 : r < 9 ? 2 : 3;
  std::string_view separator = rng.pick(kSeparators);
  for (int i = 0; i < count; ++i) {
    if (i) o.append(separator);
    o.append(rng.pick(kLocalParts));
    if (rng.chance(0.3)) {
      char digits[8];
      auto end = std::to_chars(digits, digits + sizeof digits, 1 + rng.below(999)).ptr;
      o += '-';
      o.append(digits, end);
    }
    o += '@';
    o.append(rng.pick(kDomains));
  }
}

void append_phone(std::string& o, Rng& rng) {
  uint64_t n = rng.below(100);  // +1-555-0100 .. 0199: reserved for fiction
  o += "+1-555-01";
  o += static_cast<char>('0' + n / 10);
  o += static_cast<char>('0' + n % 10);
}

void write_contact_header(JsonOut& j, const std::string& sub_guid, bool upper,
                          std::string_view name) {
  j.begin_object();
  std::string& id = j.key("id").raw_string_begin();
  id += "/subscriptions/";
  if (upper) {
    for (char ch : sub_guid) id += (ch >= 'a' && ch <= 'f') ? static_cast<char>(ch - 32) : ch;
  } else {
    id += sub_guid;
  }
  id += "/providers/Microsoft.Security/securityContacts/";
  id.append(name);
  j.raw_string_end();
  j.key("name").str(name);
  j.key("type").str("Microsoft.Security/securityContacts");
  j.key("properties").begin_object();
}

// Email and phone in either shape: `email` (2017) or `emails` (2020, 2023). A
// 2017 contact without a phone omits the key; later versions return "".
void write_email_phone(JsonOut& j, Rng& rng, const ContactPlan& c, Api api) {
  std::string& email = j.key(api == Api::V2017 ? "email" : "emails").raw_string_begin();
  if (!c.empty) append_emails(email, rng);
  j.raw_string_end();
  if (api == Api::V2017 && c.no_phone && !c.empty) return;
  std::string& phone = j.key("phone").raw_string_begin();
  if (!c.empty && !c.no_phone) append_phone(phone, rng);
  j.raw_string_end();
}

void write_roles(JsonOut& j, Rng& rng, const ContactPlan& c) {
  j.key("notificationsByRole").begin_object();
  j.key("state").str(c.admins_on ? "On" : "Off");
  j.key("roles").begin_array();
  if (c.owner) j.str("Owner");
  uint64_t others = rng.below(8);  // a subset of the other roles
  for (size_t i = 0; i < kOtherRoles.size(); ++i)
    if (others & (1u << i)) j.str(kOtherRoles[i]);
  if (!c.owner && others == 0) j.str("ServiceAdmin");  // never an empty list without Owner
  j.end_array();
  j.end_object();
}

void write_contact(std::string& o, Rng& rng, const Mix& mix, const ConnectorPlan& p,
                   const std::string& sub_guid, std::string_view name) {
  ContactPlan c = plan_contact(rng, mix);
  JsonOut j(o);
  write_contact_header(j, sub_guid, p.upper_case_id, name);
  write_email_phone(j, rng, c, p.api);
  if (p.api == Api::V2017) {
    j.key("alertNotifications").str(c.alerts_on && !c.empty ? "On" : "Off");
    j.key("alertsToAdmins").str(c.admins_on && !c.empty ? "On" : "Off");
  } else if (p.api == Api::V2020) {
    j.key("alertNotifications").begin_object();
    j.key("state").str(c.alerts_on ? "On" : "Off");
    j.key("minimalSeverity").str(rng.pick(kSeverities));
    j.end_object();
    write_roles(j, rng, c);
  } else {
    j.key("isEnabled").boolean(!rng.chance(mix.disabled_2023));
    write_roles(j, rng, c);
    j.key("notificationsSources").begin_array();
    if (!rng.chance(mix.no_alert_source_2023))
      j.begin_object()
          .key("sourceType")
          .str("Alert")
          .key("minimalSeverity")
          .str(rng.pick(kSeverities))
          .end_object();
    if (rng.chance(0.6))
      j.begin_object()
          .key("sourceType")
          .str("AttackPath")
          .key("minimalRiskLevel")
          .str(rng.pick(kRiskLevels))
          .end_object();
    j.end_array();
  }
  j.end_object();  // properties
  j.end_object();
}

// The contact list response: a bare array (2020-01-01-preview, mostly) or an
// envelope {"value": [...]}.
uint64_t write_contact_list(std::string& o, Rng& rng, const Mix& mix, const ConnectorPlan& p,
                            const std::string& sub_guid) {
  o += p.bare_array ? "[" : "{\"value\":[";
  for (int i = 0; i < p.contacts; ++i) {
    if (i) o += ',';
    std::string_view name = p.api != Api::V2017 ? "default" : i == 0 ? "default1" : "default2";
    write_contact(o, rng, mix, p, sub_guid, name);
  }
  o += p.bare_array ? "]\n" : "]}\n";
  return static_cast<uint64_t>(p.contacts);
}

// Writes every connector through `flush`, which receives chunks of about a
// megabyte and returns false when the output fails.
template <class Flush>
Result<GeneratorSummary> run(const GeneratorOptions& options, Flush&& flush) {
  GeneratorSummary summary;
  std::string buffer;
  buffer.reserve(kFlushBytes + 64 * 1024);
  std::string guid;
  const uint64_t seed_base = mix64(options.seed);
  for (uint64_t i = 0; i < options.connectors; ++i) {
    Rng rng(mix64(seed_base + i * kGamma));
    ConnectorPlan plan = plan_connector(rng, options.mix);
    write_subscription(buffer, rng, seed_base, plan, guid);
    summary.contacts += write_contact_list(buffer, rng, options.mix, plan, guid);
    summary.lines += 2;
    if (buffer.size() >= kFlushBytes) {
      if (!flush(buffer)) return Diagnostic::error("io", "writing the inventory failed");
      summary.bytes += buffer.size();
      buffer.clear();
    }
    if (options.progress && (i + 1) % kProgressEvery == 0)
      options.progress(i + 1, options.connectors);
  }
  if (!buffer.empty() && !flush(buffer))
    return Diagnostic::error("io", "writing the inventory failed");
  summary.bytes += buffer.size();
  summary.connectors = options.connectors;
  if (options.progress) options.progress(options.connectors, options.connectors);
  return summary;
}

}  // namespace

Result<GeneratorSummary> generate(const GeneratorOptions& options, std::ostream& out) {
  return run(options, [&out](const std::string& chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return static_cast<bool>(out);
  });
}

Result<GeneratorSummary> generate_file(const GeneratorOptions& options, const std::string& path) {
  const bool to_stdout = path == "-";
  std::FILE* file = to_stdout ? stdout : std::fopen(path.c_str(), "wb");
  if (!file)
    return Diagnostic::error("io", "cannot open " + path + " for writing: " + std::strerror(errno),
                             {path});
  auto result = run(options, [file](const std::string& chunk) {
    return std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
  });
  bool closed = to_stdout ? std::fflush(file) == 0 : std::fclose(file) == 0;
  if (result.ok() && closed) return result;
  if (!to_stdout) std::remove(path.c_str());
  return Diagnostic::error("io", "writing " + path + " failed: " + std::strerror(errno), {path});
}

}  // namespace posture::synthetic
