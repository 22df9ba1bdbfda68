// The synthetic inventory generator (see generator.hpp). Each connector draws
// from its own splitmix64 stream, seeded from (seed, index), so connector i is
// the same whatever N is, and the output is the same on every platform. Lines are
// built with string appends into one buffer that is flushed every megabyte.
#include "collectors/synthetic/generator.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

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
  JsonOut& num(int64_t v) {
    separate();
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    o_.append(digits, end);
    return *this;
  }
  JsonOut& null() {
    separate();
    o_ += "null";
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

// ---- every modelled type (GeneratorOptions::resources) ---------------------
//
// Each subscription is followed by its resources, one ARM object per line (the
// shape a GET of the resource returns), children after their parent. What each
// resource says is drawn from the subscription's own resource stream (seeded
// from (seed, index) apart from the connector's), so the subscription and
// contact lines are the bytes the connector mode writes. Properties that ARM
// omits at their default are left out in a share of the resources, and every
// stored check meets resources that pass and resources that fail.

constexpr std::array<std::string_view, 6> kLocations = {
    "westeurope", "northeurope", "eastus", "eastus2", "uksouth", "swedencentral"};

// Appends `n` in decimal.
void append_number(std::string& o, uint64_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  o.append(digits, end);
}

// One subscription's resources: ids, names and the count of stored rows.
class Resources {
 public:
  Resources(std::string& out, Rng& rng, const std::string& sub_guid)
      : o_(out), rng_(rng), sub_(sub_guid) {
    location_ = rng_.pick(kLocations);
    short_.assign(sub_guid, 0, 8);
  }
  uint64_t rows() const { return rows_; }
  void write_all();

 private:
  // "/subscriptions/<guid>/resourceGroups/<rg>/providers/<provider>/<name>"
  std::string arm_id(std::string_view rg, std::string_view provider, std::string_view name) const {
    std::string id = "/subscriptions/";
    id += sub_;
    id += "/resourceGroups/";
    id += rg;
    id += "/providers/";
    id += provider;
    id += '/';
    id += name;
    return id;
  }
  // prefix-<first 8 hex of the subscription>-<i>, e.g. vm-1f2e3d4c-7.
  std::string name(std::string_view prefix, uint64_t i, std::string_view sep = "-") const {
    std::string n(prefix);
    n += sep;
    n += short_;
    n += sep;
    append_number(n, i);
    return n;
  }
  // Opens a resource object: id, name, type (and location when given).
  void begin(JsonOut& j, const std::string& id, std::string_view name, std::string_view type,
             bool located = true) {
    j.begin_object();
    j.key("id").str(id);
    j.key("name").str(name);
    j.key("type").str(type);
    if (located) j.key("location").str(location_);
    ++rows_;
  }
  void end_line(JsonOut& j) {
    j.end_object();
    o_ += '\n';
  }
  bool chance(double p) { return rng_.chance(p); }
  static void sku(JsonOut& j, std::string_view name, std::string_view tier) {
    j.key("sku").begin_object().key("name").str(name).key("tier").str(tier).end_object();
  }
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + rng_.below(hi - lo + 1); }

  void defender();
  void subscription_level();
  void storage_accounts();
  void blob_service(const std::string& account_id, bool hardened);
  void private_endpoints(JsonOut& j, const std::string& owner_id, std::string_view type,
                         uint64_t count);
  void virtual_machines();
  void disk(const std::string& id, std::string_view name, const std::string* vm_id, bool hardened);
  void network_security_groups();
  void public_ips();
  void key_vaults();
  void diagnostic_setting(const std::string& owner_id, bool audit);
  void single_servers(std::string_view provider, std::string_view prefix, uint64_t max);
  void flexible_servers(std::string_view provider, std::string_view prefix, uint64_t max);
  void configuration(const std::string& server_id, std::string_view type, std::string_view name,
                     std::string_view value, std::string_view default_value);
  void firewall_rules(const std::string& server_id, std::string_view type, uint64_t max);
  void sql_servers();
  void other_services();
  void web_apps();

  std::string& o_;
  Rng& rng_;
  const std::string& sub_;
  std::string short_;
  std::string_view location_;
  uint64_t rows_ = 0;
};

// Microsoft Defender for Cloud: the plans (one list response), the integration
// settings and the vulnerability assessment setting.
void Resources::defender() {
  static constexpr std::array<std::string_view, 13> kPlans = {"VirtualMachines",
                                                              "SqlServers",
                                                              "AppServices",
                                                              "StorageAccounts",
                                                              "SqlServerVirtualMachines",
                                                              "KeyVaults",
                                                              "Dns",
                                                              "Arm",
                                                              "OpenSourceRelationalDatabases",
                                                              "Containers",
                                                              "CosmosDbs",
                                                              "Api",
                                                              "CloudPosture"};
  const double standard = 0.25 + 0.7 * static_cast<double>(rng_.below(100)) / 100.0;
  JsonOut j(o_);
  o_ += "{\"value\":[";
  for (std::string_view plan : kPlans) {
    std::string id = "/subscriptions/" + sub_ + "/providers/Microsoft.Security/pricings/";
    id += plan;
    j.begin_object();
    j.key("id").str(id);
    j.key("name").str(plan);
    j.key("type").str("Microsoft.Security/pricings");
    ++rows_;
    j.key("properties").begin_object();
    if (chance(standard)) {
      j.key("pricingTier").str("Standard");
      if (plan == "VirtualMachines") j.key("subPlan").str(chance(0.7) ? "P2" : "P1");
      if (plan == "StorageAccounts") j.key("subPlan").str("DefenderForStorageV2");
      j.key("freeTrialRemainingTime").str("PT0S");
      j.key("enablementTime").str("2024-02-12T09:30:00.0000000Z");
    } else {
      j.key("pricingTier").str("Free");
      j.key("freeTrialRemainingTime").str("P30D");
    }
    j.end_object();
    j.end_object();
  }
  o_ += "]}\n";
  static constexpr std::array<std::string_view, 3> kSettings = {"MCAS", "WDATP", "Sentinel"};
  o_ += "{\"value\":[";
  JsonOut s(o_);
  for (std::string_view setting : kSettings) {
    std::string id = "/subscriptions/" + sub_ + "/providers/Microsoft.Security/settings/";
    id += setting;
    s.begin_object();
    s.key("id").str(id);
    s.key("name").str(setting);
    s.key("type").str("Microsoft.Security/settings");
    s.key("kind").str(setting == "Sentinel" ? "AlertSyncSettings" : "DataExportSettings");
    ++rows_;
    s.key("properties").begin_object().key("enabled").boolean(chance(0.7)).end_object();
    s.end_object();
  }
  o_ += "]}\n";
  if (chance(0.6)) {
    JsonOut v(o_);
    v.begin_object();
    v.key("id").str("/subscriptions/" + sub_ +
                    "/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/"
                    "azureServersSetting");
    v.key("name").str("azureServersSetting");
    v.key("type").str("Microsoft.Security/serverVulnerabilityAssessmentsSettings");
    v.key("kind").str("AzureServersSetting");
    ++rows_;
    v.key("properties").begin_object().key("selectedProvider").str("MdeTvm").end_object();
    end_line(v);
  }
}

// The activity log's diagnostic setting, Bastion hosts, Application Insights.
void Resources::subscription_level() {
  if (chance(0.7)) {
    static constexpr std::array<std::string_view, 5> kCategories = {
        "Administrative", "Security", "Alert", "Policy", "ServiceHealth"};
    JsonOut j(o_);
    std::string id =
        "/subscriptions/" + sub_ + "/providers/microsoft.insights/diagnosticSettings/activity-log";
    begin(j, id, "activity-log", "Microsoft.Insights/diagnosticSettings", false);
    j.key("properties").begin_object();
    j.key("workspaceId")
        .str(arm_id("rg-ops", "Microsoft.OperationalInsights/workspaces", name("law", 1)));
    j.key("logs").begin_array();
    for (std::string_view c : kCategories) {
      j.begin_object().key("category").str(c).key("enabled").boolean(chance(0.8)).end_object();
      ++rows_;
    }
    j.end_array();
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(3); i < n; ++i) {
    JsonOut j(o_);
    std::string nm = name("bas", i);
    begin(j, arm_id("rg-net", "Microsoft.Network/bastionHosts", nm), nm,
          "Microsoft.Network/bastionHosts");
    j.key("sku").begin_object().key("name").str(chance(0.5) ? "Standard" : "Basic").end_object();
    j.key("properties").begin_object().key("provisioningState").str("Succeeded").end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(4); i < n; ++i) {
    JsonOut j(o_);
    std::string nm = name("appi", i);
    begin(j, arm_id("rg-ops", "Microsoft.Insights/components", nm), nm,
          "microsoft.insights/components");
    j.key("kind").str("web");
    j.key("properties").begin_object();
    j.key("ApplicationId").str(nm);
    j.key("Application_Type").str("web");
    if (chance(0.7))
      j.key("WorkspaceResourceId")
          .str(arm_id("rg-ops", "Microsoft.OperationalInsights/workspaces", name("law", 1)));
    j.end_object();
    end_line(j);
  }
}

void Resources::private_endpoints(JsonOut& j, const std::string& owner_id, std::string_view type,
                                  uint64_t count) {
  j.key("privateEndpointConnections").begin_array();
  for (uint64_t i = 0; i < count; ++i) {
    std::string pe = name("pe", i);
    j.begin_object();
    j.key("id").str(owner_id + "/privateEndpointConnections/" + pe);
    j.key("name").str(pe);
    j.key("type").str(type);
    j.key("properties").begin_object();
    j.key("provisioningState").str("Succeeded");
    j.key("privateEndpoint")
        .begin_object()
        .key("id")
        .str(arm_id("rg-net", "Microsoft.Network/privateEndpoints", pe))
        .end_object();
    j.key("privateLinkServiceConnectionState").begin_object();
    j.key("status").str(chance(0.9) ? "Approved" : "Pending");
    j.key("actionRequired").str("None");
    j.end_object();
    j.end_object();
    j.end_object();
    ++rows_;
  }
  j.end_array();
}

// Storage accounts (10-40), each with its blobServices/default and a few containers.
void Resources::storage_accounts() {
  for (uint64_t i = 0, n = between(10, 40); i < n; ++i) {
    // A hardened account sets everything; a legacy one omits what ARM leaves
    // out at its default; the rest draw each setting.
    uint64_t style = rng_.below(10);
    bool hardened = style < 3;
    bool legacy = style == 9;
    std::string nm = name("st", i, "");
    std::string id =
        arm_id(chance(0.5) ? "rg-data" : "rg-apps", "Microsoft.Storage/storageAccounts", nm);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.Storage/storageAccounts");
    j.key("kind").str(legacy ? "Storage" : "StorageV2");
    j.key("sku").begin_object().key("name").str(chance(0.5) ? "Standard_LRS" : "Standard_ZRS");
    j.key("tier").str("Standard").end_object();
    j.key("properties").begin_object();
    if (!legacy) {
      if (hardened || chance(0.5))
        j.key("keyPolicy")
            .begin_object()
            .key("keyExpirationPeriodInDays")
            .num(hardened ? 60 : static_cast<int64_t>(between(30, 365)))
            .end_object();
      if (hardened || chance(0.4)) {
        j.key("sasPolicy").begin_object();
        j.key("sasExpirationPeriod").str(hardened || chance(0.5) ? "0.00:30:00" : "1.00:00:00");
        j.key("expirationAction").str(chance(0.7) ? "Block" : "Log");
        j.end_object();
      }
      if (hardened || chance(0.7)) j.key("allowBlobPublicAccess").boolean(!hardened && chance(0.2));
      if (hardened || chance(0.6))
        j.key("allowCrossTenantReplication").boolean(!hardened && chance(0.3));
      if (hardened || chance(0.5)) j.key("allowSharedKeyAccess").boolean(!hardened && chance(0.5));
      if (hardened || chance(0.85))
        j.key("minimumTlsVersion")
            .str(hardened       ? "TLS1_2"
                 : chance(0.75) ? "TLS1_2"
                 : chance(0.5)  ? "TLS1_1"
                                : "TLS1_0");
      if (hardened || chance(0.6))
        j.key("publicNetworkAccess")
            .str(hardened      ? "Disabled"
                 : chance(0.4) ? "Disabled"
                               : "Enabled");
    }
    j.key("networkAcls").begin_object();
    j.key("bypass").str(hardened      ? "AzureServices"
                        : chance(0.8) ? "AzureServices"
                        : chance(0.5) ? "Logging, Metrics"
                                      : "None");
    j.key("defaultAction").str(hardened || chance(0.4) ? "Deny" : "Allow");
    j.key("ipRules").begin_array().end_array();
    j.key("virtualNetworkRules").begin_array().end_array();
    j.end_object();
    j.key("encryption").begin_object();
    j.key("services").begin_object().key("blob").begin_object().key("keyType").str("Account");
    j.key("enabled").boolean(true).end_object().end_object();
    if (hardened || chance(0.3))
      j.key("requireInfrastructureEncryption").boolean(hardened || chance(0.5));
    bool cmk = hardened || chance(0.15);
    j.key("keySource").str(cmk ? "Microsoft.Keyvault" : "Microsoft.Storage");
    if (cmk) {
      j.key("keyvaultproperties").begin_object();
      j.key("keyname").str("cmk-storage");
      j.key("keyvaulturi").str("https://" + name("kv", 0) + ".vault.azure.net");
      j.end_object();
    }
    j.end_object();
    if (!legacy && (hardened || chance(0.9)))
      j.key("supportsHttpsTrafficOnly").boolean(hardened || chance(0.9));
    if (chance(0.2)) j.key("isHnsEnabled").boolean(true);
    j.key("provisioningState").str("Succeeded");
    uint64_t pes = hardened ? 1 : chance(0.1) ? 1 : 0;
    if (pes)
      private_endpoints(j, id, "Microsoft.Storage/storageAccounts/privateEndpointConnections", pes);
    j.end_object();
    end_line(j);
    blob_service(id, hardened);
  }
}

void Resources::blob_service(const std::string& account_id, bool hardened) {
  std::string id = account_id + "/blobServices/default";
  JsonOut j(o_);
  begin(j, id, "default", "Microsoft.Storage/storageAccounts/blobServices", false);
  j.key("properties").begin_object();
  if (hardened || chance(0.6)) {
    bool on = hardened || chance(0.7);
    j.key("deleteRetentionPolicy").begin_object().key("enabled").boolean(on);
    if (on) j.key("days").num(static_cast<int64_t>(between(7, 30)));
    j.end_object();
  }
  if (hardened || chance(0.5)) {
    bool on = hardened || chance(0.7);
    j.key("containerDeleteRetentionPolicy").begin_object().key("enabled").boolean(on);
    if (on) j.key("days").num(static_cast<int64_t>(between(7, 30)));
    j.end_object();
  }
  if (hardened || chance(0.3)) j.key("isVersioningEnabled").boolean(true);
  if (hardened || chance(0.2))
    j.key("changeFeed")
        .begin_object()
        .key("enabled")
        .boolean(true)
        .key("retentionInDays")
        .num(30)
        .end_object();
  j.key("cors").begin_object().key("corsRules").begin_array().end_array().end_object();
  j.end_object();
  end_line(j);
  static constexpr std::array<std::string_view, 3> kAccess = {"None", "Blob", "Container"};
  for (uint64_t c = 0, n = rng_.below(4); c < n; ++c) {
    std::string nm = "data" + std::to_string(c);
    JsonOut k(o_);
    begin(k, id + "/containers/" + nm, nm,
          "Microsoft.Storage/storageAccounts/blobServices/containers", false);
    k.key("properties").begin_object();
    if (!chance(0.1))
      k.key("publicAccess")
          .str(hardened ? "None" : kAccess[rng_.below(10) < 8 ? 0 : 1 + rng_.below(2)]);
    k.key("hasLegalHold").boolean(chance(0.05));
    k.key("hasImmutabilityPolicy").boolean(chance(0.05));
    k.end_object();
    end_line(k);
  }
}

// One managed disk: attached to `vm_id` or unattached.
void Resources::disk(const std::string& id, std::string_view nm, const std::string* vm_id,
                     bool hardened) {
  JsonOut j(o_);
  begin(j, id, nm, "Microsoft.Compute/disks");
  j.key("sku")
      .begin_object()
      .key("name")
      .str(chance(0.6) ? "Premium_LRS" : "StandardSSD_LRS")
      .end_object();
  if (vm_id) j.key("managedBy").str(*vm_id);
  j.key("properties").begin_object();
  j.key("diskSizeGB").num(static_cast<int64_t>(32 << rng_.below(5)));
  j.key("diskState").str(vm_id ? "Attached" : chance(0.8) ? "Unattached" : "Reserved");
  if (hardened || chance(0.7))
    j.key("networkAccessPolicy")
        .str(hardened      ? "DenyAll"
             : chance(0.3) ? "AllowPrivate"
                           : "AllowAll");
  if (hardened || chance(0.3))
    j.key("dataAccessAuthMode").str(hardened || chance(0.6) ? "AzureActiveDirectory" : "None");
  j.key("encryption").begin_object();
  if (hardened || chance(0.2)) {
    j.key("type").str("EncryptionAtRestWithCustomerKey");
    j.key("diskEncryptionSetId")
        .str(arm_id("rg-vm", "Microsoft.Compute/diskEncryptionSets", name("des", 0)));
  } else {
    j.key("type").str("EncryptionAtRestWithPlatformKey");
  }
  j.end_object();
  j.end_object();
  end_line(j);
}

// Virtual machines (10-40): the VM (its disks as elements, its NIC by id),
// its managed disks, its network interface and its extensions; then a few
// unattached disks.
void Resources::virtual_machines() {
  uint64_t n = between(10, 40);
  uint64_t nsgs = 3;  // NICs point at nsg-<sub>-0..2, which network_security_groups() writes
  for (uint64_t i = 0; i < n; ++i) {
    bool linux_vm = chance(0.6);
    bool hardened = chance(0.3);
    std::string vm = name("vm", i);
    std::string vm_id = arm_id("rg-vm", "Microsoft.Compute/virtualMachines", vm);
    std::string nic_id = arm_id("rg-vm", "Microsoft.Network/networkInterfaces", name("nic", i));
    std::string os_disk = vm + "_OsDisk_1";
    std::string os_disk_id = arm_id("rg-vm", "Microsoft.Compute/disks", os_disk);
    uint64_t data_disks = rng_.below(3);
    JsonOut j(o_);
    begin(j, vm_id, vm, "Microsoft.Compute/virtualMachines");
    j.key("properties").begin_object();
    j.key("hardwareProfile")
        .begin_object()
        .key("vmSize")
        .str(chance(0.5) ? "Standard_D2s_v5" : "Standard_B2ms")
        .end_object();
    uint64_t security = rng_.below(10);
    if (hardened || security < 5) {
      j.key("securityProfile").begin_object();
      j.key("securityType").str(security == 0 && !hardened ? "ConfidentialVM" : "TrustedLaunch");
      j.key("uefiSettings").begin_object();
      j.key("secureBootEnabled").boolean(hardened || chance(0.8));
      j.key("vTpmEnabled").boolean(hardened || chance(0.9));
      j.end_object();
      j.end_object();
    }
    j.key("storageProfile").begin_object();
    j.key("osDisk").begin_object();
    j.key("osType").str(linux_vm ? "Linux" : "Windows");
    j.key("name").str(os_disk);
    j.key("createOption").str("FromImage");
    j.key("caching").str("ReadWrite");
    j.key("managedDisk")
        .begin_object()
        .key("storageAccountType")
        .str("Premium_LRS")
        .key("id")
        .str(os_disk_id)
        .end_object();
    j.end_object();
    ++rows_;
    j.key("dataDisks").begin_array();
    for (uint64_t d = 0; d < data_disks; ++d) {
      std::string dn = vm + "_data" + std::to_string(d);
      j.begin_object();
      j.key("lun").num(static_cast<int64_t>(d));
      j.key("name").str(dn);
      j.key("createOption").str("Attach");
      j.key("caching").str("None");
      j.key("managedDisk")
          .begin_object()
          .key("id")
          .str(arm_id("rg-vm", "Microsoft.Compute/disks", dn))
          .end_object();
      j.end_object();
      ++rows_;
    }
    j.end_array();
    j.end_object();
    j.key("networkProfile").begin_object().key("networkInterfaces").begin_array();
    j.begin_object()
        .key("id")
        .str(nic_id)
        .key("properties")
        .begin_object()
        .key("primary")
        .boolean(true)
        .end_object()
        .end_object();
    j.end_array().end_object();
    j.key("provisioningState").str("Succeeded");
    j.end_object();
    end_line(j);
    disk(os_disk_id, os_disk, &vm_id, hardened);
    for (uint64_t d = 0; d < data_disks; ++d) {
      std::string dn = vm + "_data" + std::to_string(d);
      disk(arm_id("rg-vm", "Microsoft.Compute/disks", dn), dn, &vm_id, hardened);
    }
    // The network interface.
    JsonOut k(o_);
    begin(k, nic_id, name("nic", i), "Microsoft.Network/networkInterfaces");
    k.key("properties").begin_object();
    k.key("provisioningState").str("Succeeded");
    k.key("ipConfigurations").begin_array().begin_object();
    k.key("name").str("ipconfig1");
    k.key("id").str(nic_id + "/ipConfigurations/ipconfig1");
    k.key("properties").begin_object();
    std::string ip = "10.0." + std::to_string(i / 250) + "." + std::to_string(4 + i % 250);
    k.key("privateIPAddress").str(ip);
    k.key("privateIPAllocationMethod").str("Dynamic");
    if (chance(0.2))
      k.key("publicIPAddress")
          .begin_object()
          .key("id")
          .str(arm_id("rg-net", "Microsoft.Network/publicIPAddresses", name("pip", rng_.below(2))))
          .end_object();
    k.key("subnet")
        .begin_object()
        .key("id")
        .str(arm_id("rg-net", "Microsoft.Network/virtualNetworks", name("vnet", 0)) +
             "/subnets/default")
        .end_object();
    k.key("primary").boolean(true);
    k.end_object();
    k.end_object().end_array();
    if (chance(0.7))
      k.key("networkSecurityGroup")
          .begin_object()
          .key("id")
          .str(arm_id("rg-net", "Microsoft.Network/networkSecurityGroups",
                      name("nsg", rng_.below(nsgs))))
          .end_object();
    k.key("virtualMachine").begin_object().key("id").str(vm_id).end_object();
    k.end_object();
    end_line(k);
    // Extensions: Defender for Endpoint on most, the monitoring agent on some.
    if (hardened || chance(0.6)) {
      std::string ext = linux_vm ? "MDE.Linux" : "MDE.Windows";
      JsonOut e(o_);
      begin(e, vm_id + "/extensions/" + ext, ext, "Microsoft.Compute/virtualMachines/extensions");
      e.key("properties").begin_object();
      e.key("publisher").str("Microsoft.Azure.AzureDefenderForServers");
      e.key("type").str(ext);
      e.key("typeHandlerVersion").str("1.0");
      e.key("autoUpgradeMinorVersion").boolean(true);
      e.key("provisioningState").str(hardened || chance(0.9) ? "Succeeded" : "Failed");
      e.end_object();
      end_line(e);
    }
    if (chance(0.5)) {
      std::string ext = linux_vm ? "AzureMonitorLinuxAgent" : "AzureMonitorWindowsAgent";
      JsonOut e(o_);
      begin(e, vm_id + "/extensions/" + ext, ext, "Microsoft.Compute/virtualMachines/extensions");
      e.key("properties").begin_object();
      e.key("publisher").str("Microsoft.Azure.Monitor");
      e.key("type").str(ext);
      e.key("typeHandlerVersion").str("1.0");
      e.key("provisioningState").str("Succeeded");
      e.end_object();
      end_line(e);
    }
  }
  for (uint64_t d = 0, m = rng_.below(6); d < m; ++d) {
    std::string dn = name("disk-spare", d);
    disk(arm_id("rg-vm", "Microsoft.Compute/disks", dn), dn, nullptr, chance(0.3));
  }
}

// Network security groups (3-12) with their rules inline, some rules open to
// the internet on SSH/RDP; flow logs for most of them.
void Resources::network_security_groups() {
  static constexpr std::array<std::string_view, 8> kPorts = {
      "22", "3389", "443", "80", "1433", "8080-8090", "*", "5985-5986"};
  static constexpr std::array<std::string_view, 5> kSources = {"*", "Internet", "VirtualNetwork",
                                                               "203.0.113.0/24", "10.0.0.0/8"};
  for (uint64_t i = 0, n = between(3, 12); i < n; ++i) {
    std::string nm = name("nsg", i);
    std::string id = arm_id("rg-net", "Microsoft.Network/networkSecurityGroups", nm);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.Network/networkSecurityGroups");
    j.key("properties").begin_object();
    j.key("provisioningState").str("Succeeded");
    j.key("securityRules").begin_array();
    for (uint64_t r = 0, rules = between(1, 9); r < rules; ++r) {
      std::string rn = "rule-" + std::to_string(r);
      j.begin_object();
      j.key("name").str(rn);
      j.key("id").str(id + "/securityRules/" + rn);
      j.key("type").str("Microsoft.Network/networkSecurityGroups/securityRules");
      j.key("properties").begin_object();
      j.key("provisioningState").str("Succeeded");
      j.key("protocol").str(chance(0.7) ? "Tcp" : chance(0.5) ? "Udp" : "*");
      j.key("sourcePortRange").str("*");
      if (chance(0.15)) {
        j.key("destinationPortRanges").begin_array().str("80").str("443").str("8443").end_array();
      } else {
        j.key("destinationPortRange").str(rng_.pick(kPorts));
      }
      if (chance(0.1)) {
        j.key("sourceAddressPrefixes")
            .begin_array()
            .str("198.51.100.10")
            .str("198.51.100.11")
            .end_array();
      } else {
        j.key("sourceAddressPrefix").str(rng_.pick(kSources));
      }
      j.key("destinationAddressPrefix").str("*");
      j.key("access").str(chance(0.8) ? "Allow" : "Deny");
      j.key("priority").num(static_cast<int64_t>(100 + 10 * r));
      j.key("direction").str(chance(0.8) ? "Inbound" : "Outbound");
      j.end_object();
      j.end_object();
      ++rows_;
    }
    j.end_array();
    j.end_object();
    end_line(j);
    if (chance(0.7)) {
      std::string fl = "fl-" + nm;
      JsonOut f(o_);
      std::string watcher = "/subscriptions/" + sub_ +
                            "/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/"
                            "networkWatchers/NetworkWatcher_";
      watcher += location_;
      begin(f, watcher + "/flowLogs/" + fl, fl, "Microsoft.Network/networkWatchers/flowLogs");
      f.key("properties").begin_object();
      f.key("targetResourceId").str(id);
      f.key("storageId")
          .str(arm_id("rg-logs", "Microsoft.Storage/storageAccounts", name("st", 0, "")));
      f.key("enabled").boolean(chance(0.9));
      if (chance(0.9)) {
        bool on = chance(0.8);
        f.key("retentionPolicy")
            .begin_object()
            .key("days")
            .num(on ? static_cast<int64_t>(chance(0.6) ? 90 + rng_.below(300) : 7 + rng_.below(60))
                    : 0);
        f.key("enabled").boolean(on).end_object();
      }
      f.key("format").begin_object().key("type").str("JSON").key("version").num(2).end_object();
      if (chance(0.6)) {
        f.key("flowAnalyticsConfiguration")
            .begin_object()
            .key("networkWatcherFlowAnalyticsConfiguration")
            .begin_object();
        f.key("enabled").boolean(chance(0.8));
        f.key("workspaceResourceId")
            .str(arm_id("rg-ops", "Microsoft.OperationalInsights/workspaces", name("law", 1)));
        f.key("trafficAnalyticsInterval").num(60);
        f.end_object().end_object();
      }
      f.end_object();
      end_line(f);
    }
  }
}

void Resources::public_ips() {
  for (uint64_t i = 0, n = between(2, 10); i < n; ++i) {
    std::string nm = name("pip", i);
    JsonOut j(o_);
    begin(j, arm_id("rg-net", "Microsoft.Network/publicIPAddresses", nm), nm,
          "Microsoft.Network/publicIPAddresses");
    bool standard = chance(0.7);
    sku(j, standard ? "Standard" : "Basic", "Regional");
    j.key("properties").begin_object();
    j.key("publicIPAddressVersion").str("IPv4");
    j.key("publicIPAllocationMethod").str(standard || chance(0.5) ? "Static" : "Dynamic");
    if (standard || chance(0.5))
      j.key("ipAddress").str("203.0.113." + std::to_string(1 + rng_.below(254)));
    j.key("idleTimeoutInMinutes").num(4);
    if (chance(0.6))
      j.key("ipConfiguration")
          .begin_object()
          .key("id")
          .str(arm_id("rg-vm", "Microsoft.Network/networkInterfaces", name("nic", i)) +
               "/ipConfigurations/ipconfig1")
          .end_object();
    j.end_object();
    end_line(j);
  }
}

// A diagnostic setting of a resource (an extension resource under its id).
void Resources::diagnostic_setting(const std::string& owner_id, bool audit) {
  JsonOut j(o_);
  begin(j, owner_id + "/providers/microsoft.insights/diagnosticSettings/diag", "diag",
        "Microsoft.Insights/diagnosticSettings", false);
  j.key("properties").begin_object();
  j.key("workspaceId")
      .str(arm_id("rg-ops", "Microsoft.OperationalInsights/workspaces", name("law", 1)));
  j.key("logs").begin_array();
  if (audit) {
    j.begin_object()
        .key("categoryGroup")
        .str("audit")
        .key("enabled")
        .boolean(chance(0.8))
        .end_object();
    j.begin_object()
        .key("categoryGroup")
        .str("allLogs")
        .key("enabled")
        .boolean(chance(0.5))
        .end_object();
  } else {
    j.begin_object()
        .key("category")
        .str("AppServiceHTTPLogs")
        .key("enabled")
        .boolean(chance(0.7))
        .end_object();
    j.begin_object()
        .key("category")
        .str("AppServiceAuditLogs")
        .key("enabled")
        .boolean(chance(0.7))
        .end_object();
  }
  rows_ += 2;
  j.end_array();
  j.end_object();
  end_line(j);
}

// Key vaults (2-8) with keys and secrets.
void Resources::key_vaults() {
  for (uint64_t i = 0, n = between(2, 8); i < n; ++i) {
    std::string nm = name("kv", i);
    std::string id = arm_id("rg-kv", "Microsoft.KeyVault/vaults", nm);
    bool hardened = chance(0.35);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.KeyVault/vaults");
    j.key("properties").begin_object();
    j.key("sku")
        .begin_object()
        .key("family")
        .str("A")
        .key("name")
        .str(chance(0.3) ? "premium" : "standard")
        .end_object();
    j.key("tenantId").str("00000000-0000-0000-0000-000000000000");
    if (hardened || chance(0.8)) j.key("enableSoftDelete").boolean(hardened || chance(0.95));
    if (hardened || chance(0.85)) j.key("softDeleteRetentionInDays").num(90);
    if (hardened || chance(0.4)) j.key("enablePurgeProtection").boolean(true);
    if (hardened || chance(0.6)) j.key("enableRbacAuthorization").boolean(hardened || chance(0.6));
    if (hardened || chance(0.6))
      j.key("publicNetworkAccess").str(hardened ? "Disabled" : "Enabled");
    j.key("vaultUri").str("https://" + nm + ".vault.azure.net/");
    if (hardened && chance(0.5))
      private_endpoints(j, id, "Microsoft.KeyVault/vaults/privateEndpointConnections", 1);
    j.end_object();
    end_line(j);
    for (uint64_t k = 0, keys = rng_.below(6); k < keys; ++k) {
      std::string kn = "key-" + std::to_string(k);
      JsonOut e(o_);
      begin(e, id + "/keys/" + kn, kn, "Microsoft.KeyVault/vaults/keys");
      e.key("properties").begin_object();
      e.key("attributes").begin_object();
      e.key("enabled").boolean(chance(0.95));
      e.key("created").num(1598533051);
      e.key("updated").num(1598533051);
      if (hardened || chance(0.5))
        e.key("exp").num(static_cast<int64_t>(1735689600 + rng_.below(94608000)));
      e.key("recoveryLevel").str("Recoverable+Purgeable");
      e.end_object();
      e.key("kty").str(chance(0.8) ? "RSA" : "EC");
      e.key("keyUri").str("https://" + nm + ".vault.azure.net:443/keys/" + kn);
      if (hardened || chance(0.3)) {
        e.key("rotationPolicy").begin_object();
        e.key("attributes").begin_object().key("expiryTime").str("P2Y").end_object();
        e.key("lifetimeActions").begin_array();
        e.begin_object()
            .key("trigger")
            .begin_object()
            .key("timeAfterCreate")
            .str("P18M")
            .end_object();
        e.key("action").begin_object().key("type").str("rotate").end_object().end_object();
        e.begin_object()
            .key("trigger")
            .begin_object()
            .key("timeBeforeExpiry")
            .str("P30D")
            .end_object();
        e.key("action").begin_object().key("type").str("notify").end_object().end_object();
        e.end_array();
        e.end_object();
      }
      e.end_object();
      end_line(e);
    }
    for (uint64_t s = 0, secrets = rng_.below(6); s < secrets; ++s) {
      std::string sn = "secret-" + std::to_string(s);
      JsonOut e(o_);
      begin(e, id + "/secrets/" + sn, sn, "Microsoft.KeyVault/vaults/secrets");
      e.key("properties").begin_object();
      e.key("attributes").begin_object();
      e.key("enabled").boolean(true);
      e.key("created").num(1514940950);
      e.key("updated").num(1514940950);
      if (hardened || chance(0.4))
        e.key("exp").num(static_cast<int64_t>(1735689600 + rng_.below(94608000)));
      e.end_object();
      if (chance(0.3)) e.key("contentType").str("text/plain");
      e.key("secretUri").str("https://" + nm + ".vault.azure.net/secrets/" + sn);
      e.end_object();
      end_line(e);
    }
    if (hardened || chance(0.4)) diagnostic_setting(id, true);
  }
}

void Resources::configuration(const std::string& server_id, std::string_view type,
                              std::string_view nm, std::string_view value,
                              std::string_view default_value) {
  JsonOut j(o_);
  std::string id = server_id + "/configurations/";
  id += nm;
  begin(j, id, nm, type, false);
  j.key("properties").begin_object();
  j.key("value").str(value);
  j.key("defaultValue").str(default_value);
  j.key("source").str(value == default_value ? "system-default" : "user-override");
  j.end_object();
  end_line(j);
}

void Resources::firewall_rules(const std::string& server_id, std::string_view type, uint64_t max) {
  bool azure_rule = false, open_rule = false;  // each at most once: rule names are unique
  for (uint64_t r = 0, n = rng_.below(max + 1); r < n; ++r) {
    uint64_t kind = rng_.below(10);
    if ((kind < 2 && azure_rule) || (kind == 2 && open_rule)) kind = 3;
    azure_rule = azure_rule || kind < 2;
    open_rule = open_rule || kind == 2;
    std::string nm = kind < 2    ? "AllowAllWindowsAzureIps"
                     : kind == 2 ? "everyone"
                                 : "office-" + std::to_string(r);
    JsonOut j(o_);
    begin(j, server_id + "/firewallRules/" + nm, nm, type, false);
    j.key("properties").begin_object();
    if (kind < 2) {
      j.key("startIpAddress").str("0.0.0.0").key("endIpAddress").str("0.0.0.0");
    } else if (kind == 2) {
      j.key("startIpAddress").str("0.0.0.0").key("endIpAddress").str("255.255.255.255");
    } else {
      std::string net = "203.0.113." + std::to_string(r * 16);
      j.key("startIpAddress").str(net);
      j.key("endIpAddress").str("203.0.113." + std::to_string(r * 16 + 15));
    }
    j.end_object();
    end_line(j);
  }
}

// PostgreSQL, MySQL and MariaDB single servers, with configurations and firewall rules.
void Resources::single_servers(std::string_view provider, std::string_view prefix, uint64_t max) {
  const bool pg = provider == "Microsoft.DBforPostgreSQL";
  std::string type = std::string(provider) + "/servers";
  for (uint64_t i = 0, n = rng_.below(max + 1); i < n; ++i) {
    std::string nm = name(prefix, i);
    std::string id = arm_id("rg-db", type, nm);
    JsonOut j(o_);
    begin(j, id, nm, type);
    sku(j, "GP_Gen5_2", "GeneralPurpose");
    j.key("properties").begin_object();
    j.key("administratorLogin").str("dbadmin");
    j.key("version").str(pg                                   ? (chance(0.5) ? "11" : "10")
                         : provider == "Microsoft.DBforMySQL" ? "5.7"
                                                              : "10.3");
    if (chance(0.85)) {
      bool ssl = chance(0.75);
      j.key("sslEnforcement").str(ssl ? "Enabled" : "Disabled");
      j.key("minimalTlsVersion")
          .str(ssl ? (chance(0.8) ? "TLS1_2" : "TLS1_0") : "TLSEnforcementDisabled");
    }
    if (chance(0.7)) j.key("infrastructureEncryption").str(chance(0.4) ? "Enabled" : "Disabled");
    if (chance(0.7)) j.key("publicNetworkAccess").str(chance(0.4) ? "Disabled" : "Enabled");
    j.key("userVisibleState").str("Ready");
    j.key("fullyQualifiedDomainName").str(nm + ".database.azure.com");
    j.end_object();
    end_line(j);
    std::string config_type = type + "/configurations";
    if (pg) {
      static constexpr std::array<std::string_view, 4> kLogs = {
          "log_checkpoints", "log_connections", "log_disconnections", "connection_throttling"};
      for (std::string_view c : kLogs)
        if (chance(0.9))
          configuration(id, config_type, c, chance(0.75) ? (chance(0.5) ? "on" : "ON") : "off",
                        "on");
      if (chance(0.9))
        configuration(id, config_type, "log_retention_days", std::to_string(between(1, 7)), "3");
    } else {
      if (chance(0.8))
        configuration(id, config_type, "audit_log_enabled", chance(0.5) ? "ON" : "OFF", "OFF");
      if (chance(0.5)) configuration(id, config_type, "slow_query_log", "OFF", "OFF");
    }
    firewall_rules(id, type + "/firewallRules", 3);
  }
}

// PostgreSQL and MySQL flexible servers.
void Resources::flexible_servers(std::string_view provider, std::string_view prefix, uint64_t max) {
  const bool pg = provider == "Microsoft.DBforPostgreSQL";
  std::string type = std::string(provider) + "/flexibleServers";
  for (uint64_t i = 0, n = rng_.below(max + 1); i < n; ++i) {
    std::string nm = name(prefix, i);
    std::string id = arm_id("rg-db", type, nm);
    JsonOut j(o_);
    begin(j, id, nm, type);
    sku(j, "Standard_D2ds_v4", "GeneralPurpose");
    j.key("properties").begin_object();
    if (!pg) j.key("administratorLogin").str("dbadmin");
    j.key("version").str(pg ? (chance(0.5) ? "16" : "14") : "8.0.21");
    j.key("state").str("Ready");
    if (chance(0.9))
      j.key("network")
          .begin_object()
          .key("publicNetworkAccess")
          .str(chance(0.4) ? "Disabled" : "Enabled")
          .end_object();
    j.end_object();
    end_line(j);
    std::string config_type = type + "/configurations";
    auto on_off = [this](bool upper) {
      bool on = chance(0.75);
      return std::string(upper ? (on ? "ON" : "OFF") : (on ? "on" : "off"));
    };
    if (pg) {
      if (chance(0.95))
        configuration(id, config_type, "require_secure_transport", on_off(false), "on");
      if (chance(0.9)) configuration(id, config_type, "log_checkpoints", on_off(false), "on");
      if (chance(0.9))
        configuration(id, config_type, "connection_throttle.enable", on_off(false), "on");
      if (chance(0.9))
        configuration(id, config_type, "logfiles.retention_days", std::to_string(between(1, 7)),
                      "3");
    } else {
      if (chance(0.95))
        configuration(id, config_type, "require_secure_transport", on_off(true), "ON");
      if (chance(0.9))
        configuration(id, config_type, "tls_version",
                      chance(0.7)   ? "TLSv1.2"
                      : chance(0.5) ? "TLSv1.2,TLSv1.3"
                                    : "TLSv1,TLSv1.1,TLSv1.2",
                      "TLSv1.2");
      if (chance(0.9)) configuration(id, config_type, "audit_log_enabled", on_off(true), "OFF");
      if (chance(0.8))
        configuration(id, config_type, "audit_log_events", chance(0.6) ? "CONNECTION,DDL" : "QUERY",
                      "CONNECTION");
    }
    firewall_rules(id, type + "/firewallRules", 3);
  }
}

// Azure SQL servers and their settings, databases and TDE.
void Resources::sql_servers() {
  for (uint64_t i = 0, n = rng_.below(5); i < n; ++i) {
    std::string nm = name("sql", i);
    std::string id = arm_id("rg-sql", "Microsoft.Sql/servers", nm);
    bool hardened = chance(0.3);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.Sql/servers");
    j.key("kind").str("v12.0");
    j.key("properties").begin_object();
    j.key("administratorLogin").str("dbadmin");
    j.key("version").str("12.0");
    j.key("state").str("Ready");
    j.key("fullyQualifiedDomainName").str(nm + ".database.windows.net");
    if (hardened || chance(0.8))
      j.key("minimalTlsVersion").str(hardened || chance(0.7) ? "1.2" : "1.0");
    if (hardened || chance(0.9))
      j.key("publicNetworkAccess").str(hardened || chance(0.3) ? "Disabled" : "Enabled");
    j.end_object();
    end_line(j);
    if (!hardened) firewall_rules(id, "Microsoft.Sql/servers/firewallRules", 3);
    {
      JsonOut a(o_);
      begin(a, id + "/auditingSettings/default", "default",
            "Microsoft.Sql/servers/auditingSettings", false);
      bool on = hardened || chance(0.6);
      a.key("properties").begin_object();
      a.key("state").str(on ? "Enabled" : "Disabled");
      a.key("retentionDays").num(on ? static_cast<int64_t>(chance(0.5) ? 0 : between(30, 120)) : 0);
      a.key("auditActionsAndGroups").begin_array().end_array();
      a.key("isAzureMonitorTargetEnabled").boolean(on && chance(0.6));
      a.end_object();
      end_line(a);
    }
    if (hardened || chance(0.5)) {
      JsonOut a(o_);
      begin(a, id + "/administrators/ActiveDirectory", "ActiveDirectory",
            "Microsoft.Sql/servers/administrators", false);
      a.key("properties").begin_object();
      a.key("administratorType").str("ActiveDirectory");
      a.key("login").str("sql-admins");
      a.key("sid").str("c6b82b90-a647-49cb-8a62-0d2d3cb7ac7c");
      a.key("azureADOnlyAuthentication").boolean(hardened || chance(0.4));
      a.end_object();
      end_line(a);
    }
    {
      JsonOut p(o_);
      bool cmk = hardened || chance(0.2);
      begin(p, id + "/encryptionProtector/current", "current",
            "Microsoft.Sql/servers/encryptionProtector");
      p.key("kind").str(cmk ? "azurekeyvault" : "servicemanaged");
      p.key("properties").begin_object();
      p.key("serverKeyName").str(cmk ? "kv_key_1" : "ServiceManaged");
      p.key("serverKeyType").str(cmk ? "AzureKeyVault" : "ServiceManaged");
      p.key("autoRotationEnabled").boolean(cmk && chance(0.5));
      p.end_object();
      end_line(p);
    }
    for (uint64_t d = 0, dbs = rng_.below(4); d < dbs; ++d) {
      std::string dn = "db" + std::to_string(d);
      std::string db_id = id + "/databases/" + dn;
      JsonOut b(o_);
      begin(b, db_id, dn, "Microsoft.Sql/servers/databases");
      b.key("kind").str("v12.0,user");
      sku(b, "S0", "Standard");
      b.key("properties").begin_object();
      b.key("collation").str("SQL_Latin1_General_CP1_CI_AS");
      b.key("status").str("Online");
      b.end_object();
      end_line(b);
      JsonOut t(o_);
      begin(t, db_id + "/transparentDataEncryption/current", "current",
            "Microsoft.Sql/servers/databases/transparentDataEncryption", false);
      t.key("properties")
          .begin_object()
          .key("state")
          .str(hardened || chance(0.9) ? "Enabled" : "Disabled")
          .end_object();
      end_line(t);
    }
  }
}

// Container registries, Cosmos DB, AKS, application gateways, Redis, Service Bus.
void Resources::other_services() {
  for (uint64_t i = 0, n = rng_.below(4); i < n; ++i) {
    std::string nm = name("acr", i, "");
    JsonOut j(o_);
    begin(j, arm_id("rg-acr", "Microsoft.ContainerRegistry/registries", nm), nm,
          "Microsoft.ContainerRegistry/registries");
    bool premium = chance(0.4);
    sku(j, premium ? "Premium" : "Standard", premium ? "Premium" : "Standard");
    j.key("properties").begin_object();
    j.key("loginServer").str(nm + ".azurecr.io");
    if (chance(0.8)) j.key("adminUserEnabled").boolean(chance(0.3));
    if (chance(0.7))
      j.key("publicNetworkAccess").str(premium && chance(0.6) ? "Disabled" : "Enabled");
    if (chance(0.7)) j.key("networkRuleBypassOptions").str(chance(0.8) ? "AzureServices" : "None");
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(4); i < n; ++i) {
    std::string nm = name("cosmos", i);
    std::string id = arm_id("rg-data", "Microsoft.DocumentDB/databaseAccounts", nm);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.DocumentDB/databaseAccounts");
    j.key("kind").str("GlobalDocumentDB");
    j.key("properties").begin_object();
    j.key("databaseAccountOfferType").str("Standard");
    if (chance(0.7)) j.key("isVirtualNetworkFilterEnabled").boolean(chance(0.5));
    if (chance(0.6)) j.key("disableLocalAuth").boolean(chance(0.5));
    if (chance(0.8)) j.key("publicNetworkAccess").str(chance(0.3) ? "Disabled" : "Enabled");
    if (chance(0.2))
      private_endpoints(j, id, "Microsoft.DocumentDB/databaseAccounts/privateEndpointConnections",
                        1);
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(3); i < n; ++i) {
    std::string nm = name("aks", i);
    JsonOut j(o_);
    begin(j, arm_id("rg-aks", "Microsoft.ContainerService/managedClusters", nm), nm,
          "Microsoft.ContainerService/managedClusters");
    j.key("properties").begin_object();
    j.key("kubernetesVersion").str(chance(0.5) ? "1.29.2" : "1.28.5");
    j.key("dnsPrefix").str(nm);
    if (chance(0.95)) j.key("enableRBAC").boolean(chance(0.9));
    j.key("provisioningState").str("Succeeded");
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(3); i < n; ++i) {
    std::string nm = name("agw", i);
    JsonOut j(o_);
    begin(j, arm_id("rg-net", "Microsoft.Network/applicationGateways", nm), nm,
          "Microsoft.Network/applicationGateways");
    bool waf = chance(0.6);
    j.key("properties").begin_object();
    j.key("sku").begin_object().key("name").str(waf ? "WAF_v2" : "Standard_v2");
    j.key("tier").str(waf ? "WAF_v2" : "Standard_v2").key("capacity").num(2).end_object();
    if (waf) {
      j.key("webApplicationFirewallConfiguration").begin_object();
      j.key("enabled").boolean(chance(0.9));
      j.key("firewallMode").str(chance(0.6) ? "Prevention" : "Detection");
      j.key("ruleSetType").str("OWASP").key("ruleSetVersion").str("3.2");
      j.end_object();
    }
    j.key("operationalState").str("Running");
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(4); i < n; ++i) {
    std::string nm = name("redis", i);
    JsonOut j(o_);
    begin(j, arm_id("rg-cache", "Microsoft.Cache/Redis", nm), nm, "Microsoft.Cache/Redis");
    j.key("properties").begin_object();
    j.key("sku")
        .begin_object()
        .key("name")
        .str("Standard")
        .key("family")
        .str("C")
        .key("capacity")
        .num(1)
        .end_object();
    if (chance(0.8)) j.key("enableNonSslPort").boolean(chance(0.15));
    if (chance(0.85)) j.key("minimumTlsVersion").str(chance(0.8) ? "1.2" : "1.0");
    if (chance(0.7)) j.key("publicNetworkAccess").str(chance(0.3) ? "Disabled" : "Enabled");
    j.key("hostName").str(nm + ".redis.cache.windows.net");
    j.key("port").num(6379).key("sslPort").num(6380);
    j.end_object();
    end_line(j);
  }
  for (uint64_t i = 0, n = rng_.below(3); i < n; ++i) {
    std::string nm = name("sb", i);
    JsonOut j(o_);
    begin(j, arm_id("rg-msg", "Microsoft.ServiceBus/namespaces", nm), nm,
          "Microsoft.ServiceBus/namespaces");
    j.key("sku").begin_object().key("name").str("Premium").key("tier").str("Premium");
    j.key("capacity").num(1).end_object();
    j.key("properties").begin_object();
    if (chance(0.7)) j.key("publicNetworkAccess").str(chance(0.5) ? "Disabled" : "Enabled");
    if (chance(0.7)) j.key("disableLocalAuth").boolean(chance(0.5));
    j.key("status").str("Active");
    j.end_object();
    end_line(j);
  }
}

// Web apps (2-10) and function apps (1-5), each with config/web, authsettings,
// both publishing-credential policies and, for some, a diagnostic setting.
void Resources::web_apps() {
  uint64_t sites = between(2, 10), functions = between(1, 5);
  for (uint64_t i = 0; i < sites + functions; ++i) {
    bool function = i >= sites;
    bool linux_app = chance(0.5);
    bool hardened = chance(0.3);
    std::string nm = function ? name("func", i - sites) : name("app", i);
    std::string id = arm_id("rg-web", "Microsoft.Web/sites", nm);
    JsonOut j(o_);
    begin(j, id, nm, "Microsoft.Web/sites");
    j.key("kind").str(function ? (linux_app ? "functionapp,linux" : "functionapp")
                               : (linux_app ? "app,linux" : "app"));
    j.key("properties").begin_object();
    j.key("state").str(chance(0.95) ? "Running" : "Stopped");
    j.key("hostNames").begin_array().str(nm + ".azurewebsites.net").end_array();
    j.key("enabled").boolean(true);
    j.key("serverFarmId").str(arm_id("rg-web", "Microsoft.Web/serverfarms", name("asp", 0)));
    j.key("reserved").boolean(linux_app);
    if (hardened || chance(0.8)) j.key("httpsOnly").boolean(hardened || chance(0.6));
    if (hardened || chance(0.7)) {
      j.key("clientCertEnabled").boolean(hardened || chance(0.3));
      j.key("clientCertMode").str("Required");
    }
    if (hardened || chance(0.6))
      j.key("publicNetworkAccess").str(hardened ? "Disabled" : "Enabled");
    j.end_object();
    end_line(j);
    {
      JsonOut c(o_);
      begin(c, id + "/config/web", "web", "Microsoft.Web/sites/config");
      c.key("properties").begin_object();
      c.key("numberOfWorkers").num(1);
      c.key("netFrameworkVersion").str("v4.0");
      c.key("linuxFxVersion").str(linux_app ? (function ? "PYTHON|3.11" : "NODE|20-lts") : "");
      c.key("requestTracingEnabled").boolean(false);
      c.key("remoteDebuggingEnabled").boolean(!hardened && chance(0.1));
      c.key("httpLoggingEnabled").boolean(hardened || chance(0.5));
      c.key("http20Enabled").boolean(hardened || chance(0.5));
      c.key("minTlsVersion").str(hardened || chance(0.85) ? "1.2" : "1.0");
      c.key("scmMinTlsVersion").str(hardened || chance(0.85) ? "1.2" : "1.0");
      c.key("ftpsState").str(hardened ? "Disabled" : chance(0.4) ? "FtpsOnly" : "AllAllowed");
      c.end_object();
      end_line(c);
    }
    {
      JsonOut a(o_);
      begin(a, id + "/config/authsettings", "authsettings", "Microsoft.Web/sites/config", false);
      bool on = hardened || chance(0.3);
      a.key("properties").begin_object();
      a.key("enabled").boolean(on);
      if (on) {
        a.key("unauthenticatedClientAction").str("RedirectToLoginPage");
        a.key("defaultProvider").str("AzureActiveDirectory");
      }
      a.end_object();
      end_line(a);
    }
    for (std::string_view policy : {std::string_view("ftp"), std::string_view("scm")}) {
      JsonOut p(o_);
      std::string pid = id + "/basicPublishingCredentialsPolicies/";
      pid += policy;
      begin(p, pid, policy, "Microsoft.Web/sites/basicPublishingCredentialsPolicies", false);
      p.key("properties")
          .begin_object()
          .key("allow")
          .boolean(!hardened && chance(0.6))
          .end_object();
      end_line(p);
    }
    if (hardened || chance(0.3)) diagnostic_setting(id, false);
  }
}

void Resources::write_all() {
  defender();
  subscription_level();
  storage_accounts();
  virtual_machines();
  network_security_groups();
  public_ips();
  key_vaults();
  single_servers("Microsoft.DBforPostgreSQL", "psql", 4);
  single_servers("Microsoft.DBforMySQL", "mysql", 3);
  single_servers("Microsoft.DBforMariaDB", "mariadb", 2);
  flexible_servers("Microsoft.DBforPostgreSQL", "pgflex", 4);
  flexible_servers("Microsoft.DBforMySQL", "mysqlflex", 3);
  sql_servers();
  other_services();
  web_apps();
}

// ---- the Entra ID tenant ---------------------------------------------------

// The tenant's groups (one per 10 users, 3 at least), directory role
// assignments (Global Administrator for `admins`, and one group holding a
// role) and service principals (one per 5 users, 2 at least), each a page of
// Microsoft Graph's list (GET /groups, /roleManagement/directory/
// roleAssignments, /servicePrincipals). Returns the objects written.
uint64_t write_directory(std::string& o, Rng& rng, const std::string& tenant,
                         const std::vector<std::string>& admins, uint64_t users) {
  const std::string graph = "https://graph.microsoft.com/v1.0/$metadata#";
  uint64_t rows = 0;
  std::vector<std::string> role_groups;
  {
    JsonOut j(o);
    j.begin_object().key("@odata.context").str(graph + "groups").key("value").begin_array();
    for (uint64_t g = 0; g < std::max<uint64_t>(3, users / 10); ++g) {
      std::string id;
      append_guid(id, rng);
      bool unified = g % 3 == 0, dynamic = g % 3 == 2, role = g % 3 == 1 && rng.chance(0.5);
      j.begin_object();
      j.key("id").str(id);
      j.key("displayName").str("Group " + std::to_string(g));
      j.key("groupTypes").begin_array();
      if (unified) j.str("Unified");
      if (dynamic) j.str("DynamicMembership");
      j.end_array();
      j.key("securityEnabled").boolean(!unified);
      j.key("mailEnabled").boolean(unified);
      if (unified) {
        j.key("mail").str("group" + std::to_string(g) + "@example.com");
        j.key("visibility").str(rng.chance(0.7) ? "Private" : "Public");
      } else {
        j.key("mail").null();
        j.key("visibility").null();
      }
      j.key("isAssignableToRole").boolean(role);
      if (dynamic)
        j.key("membershipRule").str("(user.department -eq \"Sales\")");
      else
        j.key("membershipRule").null();
      j.end_object();
      ++rows;
      if (role) role_groups.push_back(id);
    }
    j.end_array().end_object();
    o += '\n';
  }
  {
    JsonOut j(o);
    j.begin_object()
        .key("@odata.context")
        .str(graph + "roleManagement/directory/roleAssignments")
        .key("value")
        .begin_array();
    auto assignment = [&](const std::string& principal, const char* role, const char* scope) {
      std::string id;
      append_guid(id, rng);
      j.begin_object();
      j.key("id").str(id);
      j.key("principalId").str(principal);
      j.key("directoryScopeId").str(scope);
      j.key("roleDefinitionId").str(role);
      j.end_object();
      ++rows;
    };
    for (const auto& admin : admins)  // Global Administrator
      assignment(admin, "62e90394-69f5-4237-9190-012177145e10", "/");
    for (const auto& group : role_groups)  // Security Reader
      assignment(group, "5d6b6bb7-de71-4623-b4af-96380a352509", "/");
    j.end_array().end_object();
    o += '\n';
  }
  {
    JsonOut j(o);
    j.begin_object()
        .key("@odata.context")
        .str(graph + "servicePrincipals")
        .key("value")
        .begin_array();
    for (uint64_t p = 0; p < std::max<uint64_t>(2, users / 5); ++p) {
      std::string id, app;
      append_guid(id, rng);
      append_guid(app, rng);
      bool managed = p % 2 == 1;
      j.begin_object();
      j.key("id").str(id);
      j.key("appId").str(app);
      j.key("displayName").str((managed ? "identity-" : "app-") + std::to_string(p));
      j.key("servicePrincipalType").str(managed ? "ManagedIdentity" : "Application");
      j.key("accountEnabled").boolean(!rng.chance(0.05));
      if (managed)
        j.key("appOwnerOrganizationId").null();
      else
        j.key("appOwnerOrganizationId").str(rng.chance(0.8) ? tenant : app);
      j.key("appRoleAssignmentRequired").boolean(rng.chance(0.3));
      // Credential metadata only: Graph never returns a secret's value.
      j.key("passwordCredentials").begin_array();
      for (int c = managed ? 0 : static_cast<int>(rng.below(3)); c > 0; --c) {
        std::string key;
        append_guid(key, rng);
        j.begin_object().key("keyId").str(key).key("secretText").null().end_object();
      }
      j.end_array();
      j.key("keyCredentials").begin_array().end_array();
      j.end_object();
      ++rows;
    }
    j.end_array().end_object();
    o += '\n';
  }
  return rows;
}

// One Entra ID tenant (tenant 0 of the subscriptions) read from Microsoft
// Graph: the organization, conditional access policies, named locations, the
// tenant's policies and settings, and `users` users. Graph objects do not name
// their tenant: the importer gives them the import's only tenant.
uint64_t write_tenant(std::string& o, uint64_t seed_base, uint64_t users) {
  Rng tenant_rng(mix64(seed_base ^ (0x7E4A47ULL + 0 * kGamma)));
  std::string tenant;
  append_guid(tenant, tenant_rng);
  Rng rng(mix64(seed_base ^ 0xE7A1D0ULL));
  uint64_t rows = 0;
  const std::string graph = "https://graph.microsoft.com/v1.0/$metadata#";
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "organization");
    j.key("value").begin_array().begin_object();
    j.key("id").str(tenant);
    j.key("displayName").str("Contoso");
    j.key("tenantType").str("AAD");
    j.end_object().end_array();
    j.end_object();
    o += '\n';
    ++rows;
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "identity/conditionalAccess/policies");
    j.key("value").begin_array();
    static constexpr std::array<std::string_view, 6> kPolicies = {
        "Require MFA for administrators", "Require MFA for everyone",
        "Block legacy authentication",    "Block device code flow",
        "Sign-in frequency for admins",   "Risky sign-ins"};
    static constexpr std::array<std::string_view, 3> kStates = {
        "enabled", "disabled", "enabledForReportingButNotEnforced"};
    for (size_t p = 0; p < kPolicies.size(); ++p) {
      j.begin_object();
      std::string id;
      append_guid(id, rng);
      j.key("id").str(id);
      j.key("displayName").str(kPolicies[p]);
      j.key("state").str(kStates[rng.below(10) < 7 ? 0 : 1 + rng.below(2)]);
      j.key("conditions").begin_object();
      j.key("signInRiskLevels").begin_array();
      if (p == 5) j.str("high").str("medium");
      j.end_array();
      j.key("clientAppTypes").begin_array().str(p == 2 ? "exchangeActiveSync" : "all");
      if (p == 2) j.str("other");
      j.end_array();
      j.key("applications")
          .begin_object()
          .key("includeApplications")
          .begin_array()
          .str("All")
          .end_array();
      j.key("excludeApplications").begin_array().end_array().end_object();
      j.key("users").begin_object();
      j.key("includeUsers").begin_array().str(p == 0 || p == 4 ? "None" : "All").end_array();
      j.key("excludeUsers").begin_array().end_array();
      j.key("includeGroups").begin_array().end_array();
      j.key("excludeGroups").begin_array().end_array();
      j.key("includeRoles").begin_array();
      if (p == 0 || p == 4) j.str("62e90394-69f5-4237-9190-012177145e10");
      j.end_array();
      j.key("excludeRoles").begin_array().end_array();
      j.end_object();
      if (p == 3)
        j.key("authenticationFlows")
            .begin_object()
            .key("transferMethods")
            .str("deviceCodeFlow,authenticationTransfer")
            .end_object();
      j.end_object();
      ++rows;
      j.key("grantControls").begin_object();
      j.key("operator").str("OR");
      j.key("builtInControls").begin_array().str(p == 2 || p == 3 ? "block" : "mfa").end_array();
      j.end_object();
      ++rows;
      if (p == 4) {
        j.key("sessionControls").begin_object().key("signInFrequency").begin_object();
        j.key("value").num(4).key("type").str("hours").key("frequencyInterval").str("timeBased");
        j.key("isEnabled").boolean(true);
        j.end_object().end_object();
        ++rows;
      } else {
        j.key("sessionControls").null();
      }
      j.end_object();
      ++rows;
    }
    j.end_array();
    j.end_object();
    o += '\n';
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "identity/conditionalAccess/namedLocations");
    j.key("value").begin_array();
    for (int l = 0; l < 3; ++l) {
      std::string id;
      append_guid(id, rng);
      j.begin_object();
      if (l < 2) {
        j.key("@odata.type").str("#microsoft.graph.ipNamedLocation");
        j.key("id").str(id);
        j.key("displayName").str(l == 0 ? "Office egress" : "VPN");
        j.key("isTrusted").boolean(l == 0 || rng.chance(0.5));
        j.key("ipRanges").begin_array().begin_object();
        j.key("@odata.type").str("#microsoft.graph.iPv4CidrRange");
        j.key("cidrAddress").str(l == 0 ? "203.0.113.0/24" : "198.51.100.0/24");
        j.end_object().end_array();
      } else {
        j.key("@odata.type").str("#microsoft.graph.countryNamedLocation");
        j.key("id").str(id);
        j.key("displayName").str("Allowed countries");
        j.key("countriesAndRegions").begin_array().str("NL").str("BE").end_array();
        j.key("includeUnknownCountriesAndRegions").boolean(false);
      }
      j.end_object();
      ++rows;
    }
    j.end_array();
    j.end_object();
    o += '\n';
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "policies/authorizationPolicy/$entity");
    j.key("id").str("authorizationPolicy");
    j.key("displayName").str("Authorization Policy");
    j.key("allowInvitesFrom").str(rng.chance(0.5) ? "everyone" : "adminsAndGuestInviters");
    j.key("allowedToUseSSPR").boolean(true);
    j.key("blockMsolPowerShell").boolean(rng.chance(0.5));
    j.key("guestUserRoleId")
        .str(rng.chance(0.5) ? "10dae51f-b6af-4016-8d66-8c2a99b929b3"
                             : "2af84b1e-32c8-42b7-82bc-daa82404023b");
    j.key("defaultUserRolePermissions").begin_object();
    j.key("allowedToCreateApps").boolean(rng.chance(0.5));
    j.key("allowedToCreateSecurityGroups").boolean(rng.chance(0.5));
    j.key("allowedToCreateTenants").boolean(rng.chance(0.5));
    j.key("allowedToReadOtherUsers").boolean(true);
    j.key("permissionGrantPoliciesAssigned")
        .begin_array()
        .str("ManagePermissionGrantsForSelf.microsoft-user-default-legacy")
        .end_array();
    j.end_object();
    j.end_object();
    o += '\n';
    ++rows;
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context")
        .str(graph + "policies/identitySecurityDefaultsEnforcementPolicy/$entity");
    j.key("id").str("00000000-0000-0000-0000-000000000005");
    j.key("displayName").str("Security Defaults");
    j.key("isEnabled").boolean(rng.chance(0.3));
    j.end_object();
    o += '\n';
    ++rows;
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "policies/deviceRegistrationPolicy/$entity");
    j.key("id").str("deviceRegistrationPolicy");
    j.key("displayName").str("Device Registration Policy");
    j.key("userDeviceQuota").num(rng.chance(0.5) ? 50 : 20);
    j.key("multiFactorAuthConfiguration").str(rng.chance(0.5) ? "required" : "notRequired");
    j.end_object();
    o += '\n';
    ++rows;
  }
  {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "groupSettings");
    j.key("value").begin_array();
    j.begin_object();
    j.key("id").str("84af2ca5-c274-41bf-86e4-6e374ec4def6");
    j.key("displayName").str("Group.Unified");
    j.key("templateId").str("62375ab9-6b52-47ed-826b-58e47e0e304b");
    j.key("values").begin_array();
    j.begin_object()
        .key("name")
        .str("EnableGroupCreation")
        .key("value")
        .str(rng.chance(0.5) ? "true" : "false")
        .end_object();
    j.begin_object()
        .key("name")
        .str("AllowGuestsToBeGroupOwner")
        .key("value")
        .str("false")
        .end_object();
    j.end_array();
    j.end_object();
    j.begin_object();
    j.key("id").str("2b8e0f5c-1d3a-4e7b-9c6d-5a4f3e2d1c0b");
    j.key("displayName").str("Password Rule Settings");
    j.key("templateId").str("5cf42378-d67d-4f36-ba46-e8b86229381d");
    j.key("values").begin_array();
    j.begin_object()
        .key("name")
        .str("EnableBannedPasswordCheck")
        .key("value")
        .str(rng.chance(0.5) ? "True" : "False")
        .end_object();
    j.begin_object()
        .key("name")
        .str("LockoutDurationInSeconds")
        .key("value")
        .str("60")
        .end_object();
    j.begin_object().key("name").str("LockoutThreshold").key("value").str("10").end_object();
    j.end_array();
    j.end_object();
    j.end_array();
    j.end_object();
    o += '\n';
    rows += 2;
  }
  // Users, a page of at most 999 per line (Graph's largest $top).
  std::vector<std::string> admins;  // the first users, who hold directory roles
  for (uint64_t u = 0; u < users;) {
    JsonOut j(o);
    j.begin_object();
    j.key("@odata.context").str(graph + "users");
    j.key("value").begin_array();
    std::vector<std::pair<std::string, std::string>> page_users;  // id, userPrincipalName
    for (uint64_t page = 0; page < 999 && u < users; ++page, ++u) {
      std::string id;
      append_guid(id, rng);
      bool guest = rng.chance(0.1);
      std::string upn = "user" + std::to_string(u);
      j.begin_object();
      j.key("id").str(id);
      j.key("displayName").str("User " + std::to_string(u));
      j.key("mail").str(upn + (guest ? "@example.org" : "@example.com"));
      j.key("userPrincipalName")
          .str(guest ? upn + "_example.org#EXT#@contoso.onmicrosoft.com" : upn + "@example.com");
      if (!rng.chance(0.05)) j.key("userType").str(guest ? "Guest" : "Member");
      j.key("accountEnabled").boolean(!rng.chance(0.05));
      j.end_object();
      ++rows;
      page_users.emplace_back(id, upn + "@example.com");
      if (admins.size() < 5) admins.push_back(id);
    }
    j.end_array();
    j.end_object();
    o += '\n';
    // Their authentication-method registration reports; Graph has none for a
    // user who never signed in (here one in ten).
    JsonOut r(o);
    r.begin_object();
    r.key("@odata.context").str(graph + "reports/authenticationMethods/userRegistrationDetails");
    r.key("value").begin_array();
    for (const auto& [id, upn] : page_users) {
      if (rng.chance(0.1)) continue;
      bool mfa = rng.chance(0.7);
      r.begin_object();
      r.key("id").str(id);
      r.key("userPrincipalName").str(upn);
      r.key("isAdmin").boolean(rng.chance(0.05));
      r.key("isMfaRegistered").boolean(mfa);
      r.key("isMfaCapable").boolean(mfa && !rng.chance(0.1));
      r.key("methodsRegistered").begin_array();
      if (mfa) r.str("microsoftAuthenticatorPush");
      r.end_array();
      r.end_object();
      ++rows;
    }
    r.end_array();
    r.end_object();
    o += '\n';
  }
  rows += write_directory(o, rng, tenant, admins, users);
  return rows;
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
  const bool all_types = options.resources > 0;
  auto count_lines = [&buffer](size_t from) {
    return static_cast<uint64_t>(
        std::count(buffer.begin() + static_cast<std::ptrdiff_t>(from), buffer.end(), '\n'));
  };
  if (all_types) {
    // One Entra ID tenant, with a user per 500 resources (20 at least).
    summary.resources += write_tenant(buffer, seed_base, 20 + options.resources / 500);
    summary.lines += count_lines(0);
  }
  const uint64_t total = all_types ? options.resources : options.connectors;
  uint64_t i = 0;
  for (; all_types ? summary.resources < options.resources : i < options.connectors; ++i) {
    Rng rng(mix64(seed_base + i * kGamma));
    ConnectorPlan plan = plan_connector(rng, options.mix);
    write_subscription(buffer, rng, seed_base, plan, guid);
    uint64_t contacts = write_contact_list(buffer, rng, options.mix, plan, guid);
    summary.contacts += contacts;
    summary.lines += 2;
    if (all_types) {
      // The resources draw from their own stream: the lines above are the
      // connector mode's bytes.
      size_t from = buffer.size();
      Rng resource_rng(mix64((seed_base ^ 0x5E5011BCE5ULL) + i * kGamma));
      Resources resources(buffer, resource_rng, guid);
      resources.write_all();
      summary.resources += 1 + contacts + resources.rows();
      summary.lines += count_lines(from);
    }
    if (buffer.size() >= kFlushBytes) {
      if (!flush(buffer)) return Diagnostic::error("io", "writing the inventory failed");
      summary.bytes += buffer.size();
      buffer.clear();
    }
    if (options.progress) {
      uint64_t done = all_types ? summary.resources : i + 1;
      if (all_types ? (i + 1) % 64 == 0 : (i + 1) % kProgressEvery == 0)
        options.progress(std::min(done, total), total);
    }
  }
  if (!buffer.empty() && !flush(buffer))
    return Diagnostic::error("io", "writing the inventory failed");
  summary.bytes += buffer.size();
  summary.connectors = i;
  if (!all_types) summary.resources = summary.connectors + summary.contacts;
  if (options.progress) options.progress(total, total);
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
