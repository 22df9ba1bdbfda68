// Bulk evaluation: a finding for every resource (PASS/FAIL/ERROR/MUTED), the
// same results whatever the number of workers and in either order, waivers
// before and after their expiry, and the selection of checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include "checks_fixture.hpp"

namespace posture::testing {
namespace {

using checks::Date;
using checks::Verdict;

Date day(const char* s) {
  return *Date::parse(s);
}

// Per check: resource id -> status (and the note kind, if any), via the report walker.
std::map<std::string, std::map<std::string, std::string>> findings(const Evaluation& e) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& r : e.report.results) {
    auto& m = out[r.check->id];
    auto st = report::for_each_finding(e.report, r, [&](const report::Finding& f) {
      std::string v(checks::verdict_name(f.status));
      if (f.note) v += "/" + report::note_detail(e.report, *f.note);
      EXPECT_TRUE(m.emplace(std::string(f.resource), v).second) << "twice: " << f.resource;
    });
    EXPECT_TRUE(st.ok());
  }
  return out;
}

TEST(Evaluate, EveryResourceGetsAFindingAndTheCheckStatusIsTheWorst) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  auto e = evaluate(fx.db(), scan, ws, day("2025-01-01"));
  ASSERT_EQ(e.report.results.size(), 4u);
  for (const auto& r : e.report.results) {
    EXPECT_TRUE(r.per_resource()) << r.check->id;
    EXPECT_EQ(r.verdicts.size(), 16u) << r.check->id;
    EXPECT_EQ(r.findings(), 16u);
    EXPECT_EQ(r.status, Verdict::Fail) << "the sample fails every check";
    EXPECT_EQ(r.matched, r.count(Verdict::Fail));
  }
  auto f = findings(e);
  EXPECT_EQ(
      f["azure-additional-email-address"]["/subscriptions/c0ffee00-0000-4000-8000-000000000002"],
      "FAIL");
  EXPECT_EQ(
      f["azure-additional-email-address"]["/subscriptions/c0ffee00-0000-4000-8000-000000000001"],
      "PASS");
}

// Every bundled check, not only the four the fixture selects: on the sample
// each judges every resource of its type (16 subscriptions, or the sample's 2
// to 4 resources of the type); on a scan that holds connectors only, the checks
// on other types have nothing to judge and get one check-level ERROR each.
TEST(Evaluate, EveryBundledCheckOnTheSampleAndOnAScanOfConnectorsOnly) {
  StoreFixture fx;
  int64_t sample = fx.import_sample();
  auto ws = load_workspace();
  std::vector<const checks::Check*> all;
  for (const auto& c : ws->catalog.checks()) all.push_back(&c);
  ASSERT_EQ(all.size(), 71u);
  auto e = evaluate(fx.db(), sample, ws, day("2025-01-01"), 2, checks::Order::Store, all);
  ASSERT_EQ(e.report.results.size(), 71u);
  size_t on_connectors = 0;
  for (const auto& r : e.report.results) {
    EXPECT_TRUE(r.per_resource()) << r.check->id;
    EXPECT_EQ(r.status, Verdict::Fail) << r.check->id << ": the sample fails every check";
    EXPECT_GE(r.count(Verdict::Pass), 1u) << r.check->id << ": and passes it somewhere";
    EXPECT_EQ(r.count(Verdict::Error), 0u) << r.check->id;
    if (r.check->subjects == std::vector<std::string>{"Connector"}) {
      ++on_connectors;
      EXPECT_EQ(r.findings(), 16u) << r.check->id;
    } else {
      EXPECT_TRUE(r.findings() >= 2u && r.findings() <= 4u) << r.check->id;
    }
  }
  EXPECT_EQ(on_connectors, 4u + 13u);

  int64_t awkward = fx.write_awkward_scan();
  auto only_connectors =
      evaluate(fx.db(), awkward, ws, day("2025-01-01"), 2, checks::Order::Store, all);
  size_t without_subjects = 0;
  for (const auto& r : only_connectors.report.results) {
    if (r.check->subjects == std::vector<std::string>{"Connector"}) continue;
    ++without_subjects;
    EXPECT_TRUE(r.no_subjects) << r.check->id;
    EXPECT_EQ(r.status, Verdict::Error) << r.check->id << ": no subject is never a PASS";
    EXPECT_EQ(r.findings(), 1u) << r.check->id;
  }
  EXPECT_EQ(without_subjects, 54u);
}

TEST(Evaluate, CollectionErrorsAreErrorFindingsNeverPassOrFail) {
  StoreFixture fx;
  int64_t scan = fx.write_awkward_scan();
  auto ws = load_workspace();
  auto e = evaluate(fx.db(), scan, ws, day("2025-01-01"));
  auto f = findings(e);
  for (const auto& r : e.report.results) {
    EXPECT_EQ(f[r.check->id][kWeird], "PASS") << r.check->id;
    EXPECT_EQ(f[r.check->id][kBroken], "ERROR/collection failed: HTTP 403: no access")
        << r.check->id;
    EXPECT_EQ(f[r.check->id][kBare], "FAIL") << r.check->id;
    EXPECT_EQ(r.status, Verdict::Fail);
    EXPECT_EQ(r.count(Verdict::Error), 1u);
  }
}

// The types a check reads decide which collection errors of a child type and
// which uncollected types make it ERROR.
TEST(Evaluate, ACheckReadsItsRootTypeAndTheTypesItsFilterReaches) {
  auto ws = load_workspace();
  const checks::Check* soft = ws->catalog.find("azure-storage-blob-soft-delete-enabled");
  ASSERT_NE(soft, nullptr);
  EXPECT_EQ(checks::query_types(*soft),
            (std::vector<std::string>{"StorageAccount", "BlobService"}));
  const checks::Check* tls = ws->catalog.find("azure-storage-minimum-tls-1-2");
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ(checks::query_types(*tls), (std::vector<std::string>{"StorageAccount"}));
  const checks::Check* email = ws->catalog.find("azure-additional-email-address");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(checks::query_types(*email),
            (std::vector<std::string>{"Connector", "SecurityContact"}));
}

TEST(Evaluate, TheWorkersDoNotChangeTheResults) {
  StoreFixture fx;
  fx.import_sample();
  int64_t scan = fx.write_awkward_scan();
  auto ws = load_workspace();
  auto one = evaluate(fx.db(), scan, ws, day("2025-01-01"), 1);
  for (unsigned jobs : {2u, 4u, 16u}) {
    auto many = evaluate(fx.db(), scan, ws, day("2025-01-01"), jobs);
    ASSERT_EQ(many.report.results.size(), one.report.results.size());
    for (size_t i = 0; i < one.report.results.size(); ++i) {
      const auto& a = one.report.results[i];
      const auto& b = many.report.results[i];
      EXPECT_EQ(a.check, b.check) << "catalog order, whatever the workers";
      EXPECT_EQ(a.verdicts, b.verdicts);
      EXPECT_EQ(a.counts, b.counts);
      ASSERT_EQ(a.notes.size(), b.notes.size());
      for (size_t k = 0; k < a.notes.size(); ++k) {
        EXPECT_EQ(a.notes[k].first, b.notes[k].first);
        EXPECT_EQ(a.notes[k].second.ref, b.notes[k].second.ref);
      }
    }
  }
}

TEST(Evaluate, KeyOrderHoldsTheSameFindingsSortedByKey) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto ws = load_workspace();
  auto stored = evaluate(fx.db(), scan, ws, day("2025-01-01"), 2, checks::Order::Store);
  auto keyed = evaluate(fx.db(), scan, ws, day("2025-01-01"), 2, checks::Order::Key);
  EXPECT_EQ(findings(stored), findings(keyed));
  std::string previous;
  auto st = report::for_each_finding(keyed.report, keyed.report.results.front(),
                                     [&](const report::Finding& f) {
                                       EXPECT_LT(previous, std::string(f.key()));
                                       previous = f.key();
                                     });
  EXPECT_TRUE(st.ok());
}

// Checks share one read of their subjects per run only when they apply to
// the same resources: here three checks with the same query differ in their
// providers, and each must get a finding for exactly its own subjects.
TEST(Evaluate, ChecksForDifferentProvidersEachGetTheirOwnSubjects) {
  StoreFixture fx;
  {
    auto store = store::Store::open(fx.db(), posture::schema::builtin());
    ASSERT_TRUE(store.ok());
    auto writer = store::ScanWriter::begin(*store, "test:providers");
    ASSERT_TRUE(writer.ok());
    const schema::ObjectType* connector = store->schema().type("Connector");
    const std::vector<std::tuple<std::string, std::string, std::string>> rows{
        {"/subscriptions/a1", "azure", "fails"},
        {"/subscriptions/a2", "azure", "ok"},
        {"/subscriptions/w1", "aws", "fails"},
        {"/subscriptions/n1", "", "fails"}};  // no provider: every check applies to it
    for (const auto& [id, provider, name] : rows) {
      store::Record r;
      r.type = connector;
      r.id = id;
      r.fields = {{"name", name}};
      if (!provider.empty()) r.fields["provider"] = provider;
      r.raw = "{}";
      ASSERT_TRUE(writer->add(r).ok());
    }
    ASSERT_TRUE(writer->commit().ok());
  }
  fs::create_directory(fx.dir() / "queries");
  for (const auto& [id, providers] :
       std::vector<std::pair<std::string, std::string>>{{"on-azure", "providers: [\"azure\"]"},
                                                        {"on-aws", "providers: [\"aws\"]"},
                                                        {"anywhere", ""}})
    fx.write_file("queries/" + id + ".graphql",
                  "query Q @check(id: \"" + id + "\", title: \"t\", severity: LOW, " + providers +
                      " subjects: [Connector], expect: \"eq []\") {\n"
                      "  connectors(where: { name: \"fails\" }) { id }\n}\n");
  checks::Workspace loaded;
  auto catalog = checks::Catalog::load((fx.dir() / "queries").string());
  ASSERT_TRUE(catalog.ok()) << format(catalog.errors());
  loaded.catalog = std::move(catalog).value();
  auto ws = std::make_shared<const checks::Workspace>(std::move(loaded));
  auto expected = [](const std::string& id) -> std::map<std::string, std::string> {
    if (id == "on-azure")
      return {{"/subscriptions/a1", "FAIL"},
              {"/subscriptions/a2", "PASS"},
              {"/subscriptions/n1", "FAIL"}};
    if (id == "on-aws") return {{"/subscriptions/w1", "FAIL"}, {"/subscriptions/n1", "FAIL"}};
    return {{"/subscriptions/a1", "FAIL"},
            {"/subscriptions/a2", "PASS"},
            {"/subscriptions/w1", "FAIL"},
            {"/subscriptions/n1", "FAIL"}};
  };
  for (auto order : {checks::Order::Store, checks::Order::Key}) {
    auto e = evaluate(fx.db(), 1, ws, day("2025-01-01"), 1, order);
    auto f = findings(e);
    ASSERT_EQ(f.size(), 3u);
    for (const auto& [id, by_resource] : f) EXPECT_EQ(by_resource, expected(id)) << id;
  }
}

constexpr const char* kStaging = "/subscriptions/c0ffee00-0000-4000-8000-000000000002";

TEST(Evaluate, AnExceptionMutesUntilItsExpiryAndIsReportedExpiredAfter) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  std::string path = fx.write_file(
      "ex.jsonl",
      "{\"check\":\"azure-additional-email-address\",\"resource\":\"/SUBSCRIPTIONS/"
      "C0FFEE00-0000-4000-8000-000000000002\",\"owner\":\"alice\",\"reason\":\"migrating\","
      "\"expires\":\"2025-06-30\",\"ticket\":\"SEC-1\"}\n");
  auto ws = load_workspace(path);
  const char* check = "azure-additional-email-address";

  auto before = evaluate(fx.db(), scan, ws, day("2025-06-30"));
  auto f = findings(before);
  EXPECT_EQ(f[check][kStaging],
            "MUTED/muted until 2025-06-30 (owner alice, ticket SEC-1): migrating");
  const auto& r = before.report.results.front();
  EXPECT_EQ(r.count(Verdict::Muted), 1u);
  EXPECT_EQ(r.count(Verdict::Fail), 3u);
  EXPECT_EQ(r.waiver_uses, (std::vector<std::pair<uint32_t, uint64_t>>{{0, 1}}));
  auto summaries = report::waiver_summaries(before.report);
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].state, "expiring");
  EXPECT_EQ(summaries[0].days_left, 0);
  EXPECT_EQ(summaries[0].findings, 1u);

  auto after = evaluate(fx.db(), scan, ws, day("2025-07-01"));
  f = findings(after);
  EXPECT_EQ(f[check][kStaging],
            "FAIL/exception expired on 2025-06-30 (owner alice, ticket SEC-1): migrating");
  EXPECT_EQ(after.report.results.front().count(Verdict::Fail), 4u);
  EXPECT_EQ(report::waiver_summaries(after.report)[0].state, "expired");

  auto long_before = evaluate(fx.db(), scan, ws, day("2025-01-01"));
  EXPECT_EQ(report::waiver_summaries(long_before.report)[0].state, "active");
}

TEST(Evaluate, AnExceptionNeverTurnsAnErrorIntoMuted) {
  StoreFixture fx;
  int64_t scan = fx.write_awkward_scan();
  std::string path =
      fx.write_file("ex.json",
                    "[{\"check\":\"*\",\"resource\":\"*\",\"owner\":\"o\",\"reason\":\"all\","
                    "\"expires\":\"2030-01-01\"}]");
  auto ws = load_workspace(path);
  auto e = evaluate(fx.db(), scan, ws, day("2025-01-01"));
  auto f = findings(e);
  for (const auto& r : e.report.results) {
    EXPECT_EQ(f[r.check->id][kBare].substr(0, 6), "MUTED/");
    EXPECT_EQ(f[r.check->id][kBroken].substr(0, 6), "ERROR/");
    EXPECT_EQ(r.status, Verdict::Error) << "worst of PASS, ERROR, MUTED";
  }
}

TEST(Select, ByIdFrameworkSeverityAndProvider) {
  auto ws = load_workspace();
  auto ids = [&](const checks::Selection& s) {
    std::vector<std::string> out;
    auto selected = checks::select_checks(ws->catalog, ws->frameworks, s);
    EXPECT_TRUE(selected.ok()) << (selected.ok() ? "" : format(selected.errors()));
    if (selected.ok())
      for (const auto* c : *selected) out.push_back(c->id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({}).size(), 71u) << "4 checks on security contacts, 67 on other types";
  EXPECT_EQ(
      ids({{"azure-security-contact-configured", "azure-additional-email-address"}, {}, {}, {}}),
      (V{"azure-additional-email-address", "azure-security-contact-configured"}))
      << "catalog order";
  EXPECT_EQ(ids({{}, {"dutch-cloud-baseline"}, {}, {}}), V{"azure-security-contact-configured"});
  // The 15 high-severity checks that cite CIS 3.0.0, among them the one on
  // high-severity alert notifications; 23 high-severity checks in all.
  V high_cis = ids({{}, {"cis-azure-3.0.0"}, checks::Severity::High, {}});
  EXPECT_EQ(high_cis.size(), 15u);
  EXPECT_NE(std::find(high_cis.begin(), high_cis.end(), "azure-notify-alerts-high-severity"),
            high_cis.end());
  for (const auto& id : high_cis)
    EXPECT_EQ(ws->catalog.find(id)->severity, checks::Severity::High) << id;
  EXPECT_EQ(ids({{}, {}, checks::Severity::High, {"azure"}}).size(), 23u);

  auto none = checks::select_checks(ws->catalog, ws->frameworks, {{}, {}, {}, {"aws"}});
  EXPECT_FALSE(none.ok());
  auto typo = checks::select_checks(ws->catalog, ws->frameworks, {{}, {"cis-azure-3.0"}, {}, {}});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(format(typo.errors()).find("did you mean `cis-azure-3.0.0`?"), std::string::npos);
}

}  // namespace
}  // namespace posture::testing
