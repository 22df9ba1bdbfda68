// Test fixture shared by the checks_* and report_* unit tests: a store file in
// a temporary directory holding the bundled sample (scan 1) and, on demand, a
// hand-written scan with a collection error and awkward names; helpers to load
// the bundled checks with waivers and evaluate through a session, as `posture
// check` does.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "collectors/snapshot/importer.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/report/report.hpp"
#include "engine/session/session.hpp"

namespace posture::testing {

namespace fs = std::filesystem;

inline fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "posture-bulk-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  return made ? fs::path(made) : fs::path();
}

inline std::string sample_path() {
  return (fs::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" / "azure-sample.jsonl").string();
}

inline std::string queries_dir() {
  return (fs::path(POSTURE_SOURCE_DIR) / "queries").string();
}

// The awkward names the hand-written scan uses (they exercise every escaper).
inline const std::string kWeirdName = "Weird, \"quoted\"\nname <&> \xC3\xA9t\xC3\xA9 \x01 \xFF";
inline const std::string kWeird = "/subscriptions/0000aaaa-0000-4000-8000-000000000001";
inline const std::string kBroken = "/subscriptions/0000aaaa-0000-4000-8000-000000000002";
inline const std::string kBare = "/subscriptions/0000aaaa-0000-4000-8000-000000000003";

// An evaluation as `posture check` makes it: keeps everything the report points into.
using Evaluation = session::Evaluation;
// A workspace loaded once and shared by the sessions of a test.
using SharedWorkspace = std::shared_ptr<const checks::Workspace>;

class StoreFixture {
 public:
  StoreFixture() : dir_(make_temp_dir()), db_((dir_ / "store.db").string()) {}
  ~StoreFixture() {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }
  const std::string& db() const { return db_; }
  const fs::path& dir() const { return dir_; }

  // Imports the bundled sample as a new scan; returns its id.
  int64_t import_sample() {
    auto store = store::Store::open(db_, posture::schema::builtin());
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : format(store.errors()));
    auto summary = snapshot::import_files(*store, {sample_path()});
    EXPECT_TRUE(summary.ok()) << (summary.ok() ? "" : format(summary.errors()));
    return summary.ok() ? summary->scan_id : 0;
  }

  // Writes a scan of three connectors: kWeird (a complete contact: passes
  // everything), kBroken (its contacts could not be read: a collection error)
  // and kBare (no contact: fails everything).
  int64_t write_awkward_scan() {
    auto store = store::Store::open(db_, posture::schema::builtin());
    EXPECT_TRUE(store.ok());
    const auto& schema = store->schema();
    const schema::ObjectType* connector = schema.type("Connector");
    const schema::ObjectType* contact = schema.type("SecurityContact");
    auto writer = store::ScanWriter::begin(*store, "test:awkward");
    EXPECT_TRUE(writer.ok());
    for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
             {kWeird, kWeirdName}, {kBroken, "Broken"}, {kBare, "Bare"}}) {
      store::Record r;
      r.type = connector;
      r.id = id;
      r.fields = {{"name", name}, {"provider", "azure"}, {"subscriptionId", id.substr(15)}};
      r.raw = "{}";
      EXPECT_TRUE(writer->add(r).ok());
    }
    store::Record c;
    c.type = contact;
    c.id = kWeird + "/providers/Microsoft.Security/securityContacts/default";
    c.fields = {{"name", "default"},
                {"provider", "azure"},
                {"email", "soc@example.com"},
                {"emails", {"soc@example.com"}},
                {"phone", "+31 20 000 0000"},
                {"alertNotifications", true},
                {"alertMinimalSeverity", "High"},
                {"notificationByRoleState", "On"},
                {"notificationRoles", {"Owner"}},
                {"apiVersion", "2020-01-01-preview"}};
    c.raw = "{}";
    c.relationship = schema.relationships_into("SecurityContact").front();
    c.parent_id = kWeird;
    EXPECT_TRUE(writer->add(c).ok());
    EXPECT_TRUE(writer->add_error({kBroken, "Connector", "HTTP 403: no access", 403}).ok());
    auto info = writer->commit();
    EXPECT_TRUE(info.ok()) << (info.ok() ? "" : format(info.errors()));
    return info.ok() ? info->id : 0;
  }

  // Writes `text` to a file in the fixture's directory; returns its path.
  std::string write_file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  fs::path dir_;
  std::string db_;
};

inline SharedWorkspace load_workspace(const std::string& waivers_file = "") {
  auto ws = checks::Workspace::load(queries_dir(), waivers_file);
  EXPECT_TRUE(ws.ok()) << (ws.ok() ? "" : format(ws.errors()));
  if (!ws) return std::make_shared<const checks::Workspace>();
  return std::make_shared<const checks::Workspace>(std::move(ws).value());
}

// The checks on security contacts. The checks_* and report_* unit tests were
// written for them: their scans (the sample, and the awkward scan of
// connectors only) exercise evaluation, waivers and reports through them. The
// other bundled checks' verdicts on the sample are asserted in
// tests/e2e/sample_resource_verdicts_test.cpp, and all of them are evaluated
// together in checks_evaluate_test.cpp.
inline std::vector<const checks::Check*> contact_checks(const checks::Workspace& ws) {
  std::vector<const checks::Check*> out;
  for (const char* id : {"azure-additional-email-address", "azure-notify-alerts-high-severity",
                         "azure-security-alert-emails-owners", "azure-security-contact-configured"})
    if (const checks::Check* c = ws.catalog.find(id)) out.push_back(c);
  return out;
}

// Evaluates `selected` on `scan` through a session. By default: the four checks
// on security contacts (contact_checks) of the bundled workspace, or every
// check of a workspace of the test's own that has none of them.
inline Evaluation evaluate(const std::string& db, int64_t scan, const SharedWorkspace& ws,
                           checks::Date today, unsigned jobs = 1,
                           checks::Order order = checks::Order::Store,
                           std::vector<const checks::Check*> selected = {}) {
  session::SessionOptions options;
  options.scan = scan;
  options.workspace = ws;
  options.today_date = today;
  auto session = session::Session::open(db, options);
  EXPECT_TRUE(session.ok()) << (session.ok() ? "" : format(session.errors()));
  if (!session) return {};
  if (selected.empty()) selected = contact_checks(*ws);
  if (selected.empty())
    for (const auto& c : ws->catalog.checks()) selected.push_back(&c);
  auto evaluated = session->evaluate(selected, order, jobs);
  EXPECT_TRUE(evaluated.ok()) << (evaluated.ok() ? "" : format(evaluated.errors()));
  if (!evaluated) return {};
  return std::move(evaluated).value();
}

}  // namespace posture::testing
