// The store of bench_harness_test.cpp's and bench_postgresql_test.cpp's edge
// cases: values the synthetic mix never produces, in two scans of one store,
// so the baselines are shown equal to the engine where the SQL shapes could
// differ: NULLs, "" and " ", case, a role holding a quote ("x\"Owner"), empty
// and missing lists, several contacts, an orphan contact (no parent: NULL
// FK), and the same subscriptions in an older scan (scan 1) with the
// opposite configuration. 12 subscriptions in each scan.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace posture::testing::bench_edge {

using json = nlohmann::json;

inline std::string sub(int i) {
  return "/subscriptions/00000000-0000-4000-8000-" + std::string(11, '0') + std::to_string(i);
}

inline store::Record connector(const store::Store& s, int i) {
  store::Record r;
  r.type = s.schema().type("Connector");
  r.id = sub(i);
  r.fields = {{"id", r.id}, {"name", "edge " + std::to_string(i)}, {"provider", "azure"}};
  r.raw = json{{"id", r.id}}.dump();
  return r;
}

// A contact of subscription `i` named `name` with `fields` (schema names).
inline store::Record contact(const store::Store& s, int i, const std::string& name, json fields) {
  store::Record r;
  r.type = s.schema().type("SecurityContact");
  r.id = sub(i) + "/providers/Microsoft.Security/securityContacts/" + name;
  fields["id"] = r.id;
  fields["name"] = name;
  r.fields = std::move(fields);
  r.raw = json{{"id", r.id}}.dump();
  r.relationship = s.schema().relationships_into("SecurityContact").at(0);
  r.parent_id = sub(i);
  return r;
}

inline json good() {
  return {{"email", "sec@example.com"},      {"phone", "+1-555-0100"},
          {"alertNotifications", true},      {"alertMinimalSeverity", "High"},
          {"notificationByRoleState", "On"}, {"notificationRoles", {"Owner"}}};
}
inline json with(json base, const json& changes) {
  base.update(changes);
  return base;
}

// The contacts of the latest scan (`older`: every subscription fully configured).
inline std::vector<store::Record> contacts(const store::Store& s, bool older) {
  if (older) {
    std::vector<store::Record> out;
    for (int i = 2; i <= 12; ++i) out.push_back(contact(s, i, "default", good()));
    return out;
  }
  return {
      contact(s, 2, "default", with(good(), {{"notificationRoles", {"x\"Owner"}}})),
      contact(s, 3, "default", with(good(), {{"notificationRoles", {"x\"Owner", "Owner"}}})),
      contact(s, 4, "default",
              with(good(), {{"notificationRoles", {"owner"}}, {"alertMinimalSeverity", "high"}})),
      contact(s, 5, "default", json::object()),
      contact(s, 6, "default",
              with(good(), {{"email", " "}, {"phone", ""}, {"alertMinimalSeverity", "Critical"}})),
      contact(s, 7, "default1", good()),
      contact(s, 7, "default2", with(good(), {{"email", ""}, {"notificationRoles", json()}})),
      contact(s, 8, "default",
              with(good(), {{"alertNotifications", nullptr}, {"alertMinimalSeverity", nullptr}})),
      contact(s, 9, "default", with(good(), {{"notificationRoles", json::array()}})),
      contact(s, 10, "default",
              with(good(), {{"email", nullptr}, {"notificationByRoleState", "Off"}})),
      contact(s, 11, "default", with(good(), {{"alertMinimalSeverity", nullptr}})),
      contact(s, 99, "orphan", good()),  // subscription 99 does not exist: NULL FK
  };
}

inline void write_scan(store::Store& s, bool older) {
  auto writer = store::ScanWriter::begin(s, older ? "edge-older" : "edge");
  ASSERT_TRUE(writer.ok()) << format(writer.errors());
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE(writer->add(connector(s, i)).ok());
  for (const auto& c : contacts(s, older)) {
    auto st = writer->add(c);
    ASSERT_TRUE(st.ok()) << format(st.errors());
  }
  auto info = writer->commit();
  ASSERT_TRUE(info.ok()) << format(info.errors());
}

}  // namespace posture::testing::bench_edge

namespace posture::testing {

// Writes the older scan (1), then the latest (2).
inline void write_bench_edge_scans(store::Store& s) {
  bench_edge::write_scan(s, true);
  bench_edge::write_scan(s, false);
}

}  // namespace posture::testing
