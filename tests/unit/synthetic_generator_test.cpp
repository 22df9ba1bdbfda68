// Tests of the synthetic inventory generator: determinism (same seed, same
// bytes; connector i independent of N), that every line is an ARM object the
// importer reads (a subscription, a contact list envelope, or a bare array of
// contacts), that the mix of situations matches the configured proportions, and
// that file output equals stream output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "collectors/synthetic/generator.hpp"

namespace {

using nlohmann::json;
using posture::synthetic::GeneratorOptions;
using posture::synthetic::Mix;

std::string generate_with(GeneratorOptions options, uint64_t seed,
                          posture::synthetic::GeneratorSummary* summary = nullptr) {
  options.seed = seed;
  std::ostringstream out;
  auto result = posture::synthetic::generate(options, out);
  EXPECT_TRUE(result.ok());
  if (summary && result.ok()) *summary = *result;
  return out.str();
}

std::string generate(uint64_t connectors, uint64_t seed) {
  GeneratorOptions options;
  options.connectors = connectors;
  return generate_with(options, seed);
}

uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// o[key], or null when o is not an object or lacks the key (never asserts).
json at(const json& o, const char* key) {
  return o.is_object() && o.contains(key) ? o[key] : json();
}

TEST(SyntheticGenerator, SameSeedGivesSameBytes) {
  std::string a = generate(3000, 42);
  std::string b = generate(3000, 42);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(fnv1a(a), fnv1a(b));
  EXPECT_EQ(a, b);
}

TEST(SyntheticGenerator, DifferentSeedGivesDifferentInventory) {
  EXPECT_NE(fnv1a(generate(500, 1)), fnv1a(generate(500, 2)));
}

TEST(SyntheticGenerator, ConnectorIDoesNotDependOnTheTotal) {
  std::string small = generate(100, 7);
  std::string large = generate(300, 7);
  EXPECT_EQ(large.substr(0, small.size()), small);
}

TEST(SyntheticGenerator, ZeroConnectorsIsEmpty) {
  EXPECT_EQ(generate(0, 1), "");
}

// Whether `s` is a GUID (8-4-4-4-12 hex digits); `version4` also requires the
// version nibble 4 and the RFC 4122 variant, in lower case.
bool is_guid(std::string_view s, bool version4 = false) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    } else if (version4 && std::isupper(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return !version4 || (s[14] == '4' && std::string_view("89ab").find(s[19]) != s.npos);
}

constexpr std::string_view kSubscriptions = "/subscriptions/";
constexpr std::string_view kContacts = "/providers/Microsoft.Security/securityContacts/";

// A subscription as GET /subscriptions?api-version=2022-12-01 lists it.
void expect_subscription(const json& s, size_t line) {
  SCOPED_TRACE("line " + std::to_string(line));
  ASSERT_TRUE(s.is_object());
  const std::string id = s.value("id", "");
  EXPECT_TRUE(id.starts_with(kSubscriptions) && is_guid(id.substr(kSubscriptions.size()), true))
      << id;
  EXPECT_EQ(id, "/subscriptions/" + s.value("subscriptionId", ""));
  EXPECT_TRUE(is_guid(s.value("tenantId", ""), true));
  EXPECT_TRUE(at(s, "displayName").is_string());
  EXPECT_TRUE(at(s, "state").is_string());
  EXPECT_EQ(s.value("authorizationSource", ""), "RoleBased");
  EXPECT_TRUE(at(s, "managedByTenants").is_array());
  EXPECT_TRUE(at(s, "subscriptionPolicies").is_object());
}

// A security contact of any API version, under subscription `sub_id`.
void expect_contact(const json& c, const std::string& sub_id, size_t line) {
  SCOPED_TRACE("line " + std::to_string(line));
  ASSERT_TRUE(c.is_object());
  const std::string id = c.value("id", "");
  const size_t guid_at = kSubscriptions.size(), contacts_at = guid_at + 36;
  ASSERT_TRUE(id.starts_with(kSubscriptions) && id.size() > contacts_at + kContacts.size()) << id;
  EXPECT_TRUE(is_guid(id.substr(guid_at, 36))) << id;
  EXPECT_EQ(id.substr(contacts_at, kContacts.size()), kContacts) << id;
  EXPECT_EQ(posture::text::ascii_lower(id.substr(0, contacts_at)), sub_id);
  const std::string name = id.substr(contacts_at + kContacts.size());
  EXPECT_TRUE(name == "default" || name == "default1" || name == "default2") << id;
  EXPECT_EQ(c.value("name", ""), name);
  EXPECT_EQ(c.value("type", ""), "Microsoft.Security/securityContacts");
  const json p = at(c, "properties");
  ASSERT_TRUE(p.is_object());
  if (p.contains("email")) {  // 2017-08-01-preview
    EXPECT_TRUE(at(p, "email").is_string());
    EXPECT_TRUE(at(p, "alertNotifications") == "On" || at(p, "alertNotifications") == "Off");
    EXPECT_TRUE(at(p, "alertsToAdmins") == "On" || at(p, "alertsToAdmins") == "Off");
  } else {
    EXPECT_TRUE(at(p, "emails").is_string());
    EXPECT_TRUE(at(p, "phone").is_string());
    EXPECT_TRUE(at(at(p, "notificationsByRole"), "roles").is_array());
    EXPECT_TRUE(p.contains("isEnabled") ? at(p, "notificationsSources").is_array()
                                        : at(p, "alertNotifications").is_object());
  }
}

TEST(SyntheticGenerator, EveryLineIsASubscriptionOrAContactListResponse) {
  const auto lines = lines_of(generate(3000, 3));
  ASSERT_EQ(lines.size(), 6000u);
  std::string sub_id;
  bool saw_escape = false, saw_utf8 = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    json doc = json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(doc.is_discarded()) << "line " << i + 1 << ": " << lines[i];
    if (i % 2 == 0) {
      expect_subscription(doc, i + 1);
      sub_id = doc.value("id", "");
      const std::string name = doc.value("displayName", "");
      saw_escape |= name.find('"') != std::string::npos;
      saw_utf8 |= name.find("Caf\xc3\xa9") != std::string::npos;
      continue;
    }
    const json* items = &doc;
    if (doc.is_object()) {
      ASSERT_TRUE(doc.contains("value") && doc["value"].is_array()) << lines[i];
      items = &doc["value"];
    }
    ASSERT_TRUE(items->is_array()) << lines[i];
    for (const json& c : *items) expect_contact(c, sub_id, i + 1);
  }
  EXPECT_TRUE(saw_escape) << "a displayName with quotes exercises JSON escaping";
  EXPECT_TRUE(saw_utf8) << "a displayName with UTF-8 passes through";
}

// Counts of each situation in a generated inventory.
struct Tally {
  double connectors = 0, empty_lists = 0, lists[3] = {0, 0, 0}, bare_2020 = 0;
  double several_2017 = 0, contacts = 0, empty_email = 0, role_contacts = 0, no_owner = 0;
  double contacts_2020 = 0, alerts_off_2020 = 0, contacts_2023 = 0, disabled_2023 = 0;
  double upper_case = 0;
};

void tally_contact(Tally& t, const json& c) {
  const json& p = c["properties"];
  t.contacts += 1;
  const bool v2017 = p.contains("email");
  t.empty_email += (v2017 ? p["email"] : p["emails"]) == "";
  const std::string guid = c.value("id", "").substr(15, 36);  // after "/subscriptions/"
  if (guid != posture::text::ascii_lower(guid)) t.upper_case += 1;
  if (v2017) return;
  t.role_contacts += 1;
  const json& roles = p["notificationsByRole"]["roles"];
  t.no_owner += std::find(roles.begin(), roles.end(), "Owner") == roles.end();
  if (p.contains("isEnabled")) {
    t.contacts_2023 += 1;
    t.disabled_2023 += p["isEnabled"] == false;
  } else {
    t.contacts_2020 += 1;
    t.alerts_off_2020 += p["alertNotifications"]["state"] == "Off";
  }
}

Tally tally(const std::string& text) {
  Tally t;
  const auto lines = lines_of(text);
  for (size_t i = 1; i < lines.size(); i += 2) {
    json doc = json::parse(lines[i]);
    t.connectors += 1;
    const json& items = doc.is_array() ? doc : doc["value"];
    if (items.empty()) {
      t.empty_lists += 1;
      continue;
    }
    const json& first = items[0]["properties"];
    int version = first.contains("email") ? 0 : first.contains("isEnabled") ? 2 : 1;
    t.lists[version] += 1;
    t.bare_2020 += version == 1 && doc.is_array();
    t.several_2017 += version == 0 && items.size() > 1;
    for (const json& c : items) tally_contact(t, c);
  }
  return t;
}

TEST(SyntheticGenerator, MixMatchesTheConfiguredProportions) {
  const Mix mix;
  const Tally t = tally(generate(10000, 11));
  ASSERT_EQ(t.connectors, 10000);
  const double with_contacts = t.lists[0] + t.lists[1] + t.lists[2];
  EXPECT_NEAR(t.empty_lists / t.connectors, mix.no_contacts, 0.02);
  EXPECT_NEAR(t.lists[2] / with_contacts, mix.api_2023, 0.03);
  EXPECT_NEAR(t.lists[1] / with_contacts, mix.api_2020, 0.03);
  EXPECT_NEAR(t.lists[0] / with_contacts, 1 - mix.api_2023 - mix.api_2020, 0.03);
  EXPECT_NEAR(t.bare_2020 / t.lists[1], mix.bare_array_2020, 0.04);
  EXPECT_NEAR(t.several_2017 / t.lists[0], mix.several_2017, 0.04);
  EXPECT_NEAR(t.empty_email / t.contacts, mix.empty_email, 0.015);
  EXPECT_NEAR(t.no_owner / t.role_contacts, mix.roles_without_owner, 0.02);
  EXPECT_NEAR(t.alerts_off_2020 / t.contacts_2020, mix.alerts_off, 0.025);
  EXPECT_NEAR(t.disabled_2023 / t.contacts_2023, mix.disabled_2023, 0.02);
  EXPECT_NEAR(t.upper_case / t.contacts, mix.upper_case_id, 0.01);
}

TEST(SyntheticGenerator, FileOutputEqualsStreamOutputAndSummaryCounts) {
  GeneratorOptions options;
  options.connectors = 1234;
  options.seed = 5;
  const auto path = std::filesystem::temp_directory_path() /
                    ("posture-synthetic-" + std::to_string(getpid()) + ".jsonl");
  uint64_t calls = 0;
  options.progress = [&calls](uint64_t, uint64_t) { ++calls; };
  auto summary = posture::synthetic::generate_file(options, path.string());
  ASSERT_TRUE(summary.ok());
  std::ifstream in(path, std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  const std::string stream = generate(1234, 5);
  EXPECT_EQ(file, stream);
  EXPECT_EQ(summary->connectors, 1234u);
  EXPECT_EQ(summary->lines, 2468u);
  EXPECT_EQ(summary->bytes, stream.size());
  EXPECT_EQ(summary->contacts, static_cast<uint64_t>(tally(stream).contacts));
  EXPECT_GE(calls, 1u);
}

// ---- every modelled type (GeneratorOptions::resources) ----------------------

std::string generate_all(uint64_t resources, uint64_t seed,
                         posture::synthetic::GeneratorSummary* summary = nullptr) {
  GeneratorOptions options;
  options.resources = resources;
  return generate_with(options, seed, summary);
}

TEST(SyntheticGenerator, AllTypesSameSeedGivesSameBytes) {
  posture::synthetic::GeneratorSummary summary;
  std::string a = generate_all(5000, 42, &summary);
  std::string b = generate_all(5000, 42);
  EXPECT_EQ(a, b);
  EXPECT_NE(fnv1a(a), fnv1a(generate_all(5000, 43)));
  EXPECT_GE(summary.resources, 5000u);
  EXPECT_LT(summary.resources, 5000u + 2000u) << "stops after the subscription that reaches N";
  EXPECT_EQ(summary.bytes, a.size());
  EXPECT_EQ(summary.lines, lines_of(a).size());
}

// The subscription and contact lines are the connector mode's: the resources
// draw from a stream of their own.
TEST(SyntheticGenerator, AllTypesKeepsTheConnectorModesLines) {
  posture::synthetic::GeneratorSummary summary;
  std::vector<std::string> all = lines_of(generate_all(3000, 9, &summary));
  std::vector<std::string> connectors = lines_of(generate(summary.connectors, 9));
  ASSERT_EQ(connectors.size(), 2 * summary.connectors);
  size_t next = 0;
  for (const auto& line : all)
    if (next < connectors.size() && line == connectors[next]) ++next;
  EXPECT_EQ(next, connectors.size());
}

// Every line parses and is an ARM object, an ARM list envelope or a Microsoft
// Graph response.
TEST(SyntheticGenerator, AllTypesLinesAreJson) {
  size_t graph = 0;
  for (const auto& line : lines_of(generate_all(4000, 3))) {
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line.substr(0, 200);
    if (j.is_object() && j.contains("@odata.context")) {
      ++graph;
    } else if (j.is_object() && j.contains("value")) {
      EXPECT_TRUE(j["value"].is_array());
    } else if (j.is_object()) {
      EXPECT_TRUE(j.contains("id")) << line.substr(0, 200);
    } else {
      EXPECT_TRUE(j.is_array());  // a bare contact list
    }
  }
  EXPECT_GE(graph, 8u);
}

TEST(SyntheticGenerator, UnwritablePathIsAnIoError) {
  GeneratorOptions options;
  auto summary = posture::synthetic::generate_file(options, "/nonexistent-dir/x.jsonl");
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.errors()[0].code, "io");
  EXPECT_NE(summary.errors()[0].message.find("/nonexistent-dir/x.jsonl"), std::string::npos);
}

}  // namespace
