// The evaluation session (engine/session/): which scan it opens, the trust
// rule (a failed scan is never evaluated, a partial one is and says so),
// the errors for a missing scan or store without a complete scan, and the
// workers' default.
#include <gtest/gtest.h>

#include <thread>

#include "checks_fixture.hpp"

namespace posture::testing {
namespace {

using session::Session;
using session::SessionOptions;

// Writes a scan of one connector that fails with `message`; returns its id.
int64_t write_failed_scan(const std::string& db, const std::string& message) {
  auto store = store::Store::open(db, posture::schema::builtin());
  EXPECT_TRUE(store.ok());
  auto writer = store::ScanWriter::begin(*store, "test:failed");
  EXPECT_TRUE(writer.ok());
  store::Record r;
  r.type = store->schema().type("Connector");
  r.id = "/subscriptions/f1";
  r.fields = {{"name", "lost"}, {"provider", "azure"}};
  r.raw = "{}";
  EXPECT_TRUE(writer->add(r).ok());
  EXPECT_TRUE(writer->fail(message).ok());
  return writer->scan_id();
}

// Writes a partial scan: kBroken's contacts unreadable; returns its id.
int64_t write_partial_scan(const std::string& db) {
  auto store = store::Store::open(db, posture::schema::builtin());
  EXPECT_TRUE(store.ok());
  auto writer = store::ScanWriter::begin(*store, "test:partial");
  EXPECT_TRUE(writer.ok());
  for (const std::string& id : {kBroken, kBare}) {
    store::Record r;
    r.type = store->schema().type("Connector");
    r.id = id;
    r.fields = {{"name", id == kBroken ? "Broken" : "Bare"}, {"provider", "azure"}};
    r.raw = "{}";
    EXPECT_TRUE(writer->add(r).ok());
  }
  EXPECT_TRUE(writer->add_error({kBroken, "Connector", "HTTP 403: no access", 403}).ok());
  auto info = writer->commit("partial", "1 subscription unreadable");
  EXPECT_TRUE(info.ok()) << (info.ok() ? "" : format(info.errors()));
  return info.ok() ? info->id : 0;
}

SessionOptions with_queries(std::optional<int64_t> scan = std::nullopt) {
  SessionOptions o;
  o.scan = scan;
  o.queries_dir = queries_dir();
  o.today = "2025-01-01";
  return o;
}

TEST(Session, OpensTheLatestCompleteScanOrTheOneGiven) {
  StoreFixture fx;
  int64_t first = fx.import_sample();
  int64_t second = fx.import_sample();
  auto latest = Session::open(fx.db(), with_queries());
  ASSERT_TRUE(latest.ok()) << format(latest.errors());
  EXPECT_EQ(latest->scan().id, second);
  EXPECT_EQ(latest->today().str(), "2025-01-01");
  EXPECT_EQ(latest->workspace().catalog.checks().size(), 71u);  // every queries/*.graphql
  auto given = Session::open(fx.db(), with_queries(first));
  ASSERT_TRUE(given.ok()) << format(given.errors());
  EXPECT_EQ(given->scan().id, first);
  auto other = given->with_scan(second);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->scan().id, second);
  EXPECT_EQ(&other->workspace(), &given->workspace()) << "shared, not loaded again";
}

TEST(Session, SelectsAndEvaluatesIntoAReport) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto session = Session::open(fx.db(), with_queries());
  ASSERT_TRUE(session.ok()) << format(session.errors());
  auto selected = session->select({{}, {"dutch-cloud-baseline"}, {}, {}});
  ASSERT_TRUE(selected.ok()) << format(selected.errors());
  ASSERT_EQ(selected->size(), 1u);
  auto evaluated = session->evaluate(*selected, checks::Order::Store, 2);
  ASSERT_TRUE(evaluated.ok()) << format(evaluated.errors());
  EXPECT_EQ(evaluated->report.scan.id, scan);
  ASSERT_EQ(evaluated->results().size(), 1u);
  EXPECT_EQ(evaluated->results()[0].check, selected->front());
  EXPECT_EQ(evaluated->results()[0].findings(), 16u);
  EXPECT_EQ(evaluated->report.context->today.str(), "2025-01-01");

  auto typo = session->select({{"azure-additional-email"}, {}, {}, {}});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.errors()[0].code, "unknown-check");
}

TEST(Session, AnEvaluationOutlivesItsSession) {
  StoreFixture fx;
  fx.import_sample();
  session::Evaluation kept;
  {
    auto session = Session::open(fx.db(), with_queries());
    ASSERT_TRUE(session.ok());
    auto selected = session->select({});
    ASSERT_TRUE(selected.ok());
    auto evaluated = session->evaluate(*selected);
    ASSERT_TRUE(evaluated.ok());
    kept = std::move(evaluated).value();
  }
  std::ostringstream out;
  ASSERT_TRUE(report::write(kept.report, report::Format::Csv, out).ok());
  EXPECT_NE(out.str().find("azure-additional-email-address"), std::string::npos);
}

TEST(Session, AFailedScanIsNeverEvaluated) {
  StoreFixture fx;
  int64_t complete = fx.import_sample();
  int64_t failed = write_failed_scan(fx.db(), "collection aborted: HTTP 401");
  auto session = Session::open(fx.db(), with_queries(failed));
  ASSERT_FALSE(session.ok());
  const Diagnostic& d = session.errors().front();
  EXPECT_EQ(d.code, "failed-scan");
  EXPECT_EQ(d.message, "scan " + std::to_string(failed) +
                           " has status `failed` (collection aborted: HTTP 401): a failed scan "
                           "holds no data and is never evaluated");
  EXPECT_EQ(d.where.source, fx.db());
  ASSERT_EQ(d.hints.size(), 1u);
  EXPECT_EQ(d.hints[0], "the latest complete scan is " + std::to_string(complete));

  // Not by default (the latest complete scan is still the one read), nor as a diff's other side.
  auto latest = Session::open(fx.db(), with_queries());
  ASSERT_TRUE(latest.ok()) << format(latest.errors());
  EXPECT_EQ(latest->scan().id, complete);
  auto other = latest->with_scan(failed);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.errors().front().code, "failed-scan");
}

TEST(Session, AFailedScanInAStoreWithoutACompleteOneSaysSo) {
  StoreFixture fx;
  int64_t failed = write_failed_scan(fx.db(), "token expired");
  auto session = Session::open(fx.db(), with_queries(failed));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.errors().front().code, "failed-scan");
  EXPECT_EQ(session.errors().front().hints,
            std::vector<std::string>{"the store holds no complete scan yet"});

  auto latest = Session::open(fx.db(), with_queries());
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.errors().front().code, "no-scan");
  EXPECT_EQ(latest.errors().front().message, "the store holds no complete scan yet");
}

TEST(Session, AScanThatDoesNotExistIsAnError) {
  StoreFixture fx;
  fx.import_sample();
  auto session = Session::open(fx.db(), with_queries(9));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.errors().front().code, "no-scan");
  EXPECT_EQ(session.errors().front().message, "no scan 9 in the store");
  // The store has scans: the hint names the one a user most likely meant.
  EXPECT_NE(format(session.errors()).find("the latest complete scan is 1"), std::string::npos)
      << format(session.errors());
}

TEST(Session, APartialScanIsEvaluatedWithErrorFindingsAndSaysPartial) {
  StoreFixture fx;
  int64_t partial = write_partial_scan(fx.db());
  auto session = Session::open(fx.db(), with_queries());
  ASSERT_TRUE(session.ok()) << format(session.errors());
  EXPECT_EQ(session->scan().id, partial) << "a partial scan is the latest readable one";
  auto selected = session->select({});
  ASSERT_TRUE(selected.ok());
  auto evaluated = session->evaluate(*selected);
  ASSERT_TRUE(evaluated.ok()) << format(evaluated.errors());
  EXPECT_EQ(evaluated->report.scan.status, "partial");
  EXPECT_EQ(evaluated->report.scan.message, "1 subscription unreadable");
  for (const auto& r : evaluated->results()) {
    EXPECT_EQ(r.count(checks::Verdict::Error), 1u) << r.check->id;
    EXPECT_EQ(r.count(checks::Verdict::Pass), 0u) << r.check->id << ": missing data never passes";
  }
  std::ostringstream table;
  ASSERT_TRUE(report::write(evaluated->report, report::Format::Table, table).ok());
  EXPECT_NE(table.str().find("partial"), std::string::npos) << table.str();
}

TEST(Session, ABadTodayIsAnError) {
  StoreFixture fx;
  fx.import_sample();
  SessionOptions o = with_queries();
  o.today = "2025-02-29";
  auto session = Session::open(fx.db(), o);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(format(session.errors()).find("--today"), std::string::npos)
      << format(session.errors());
}

TEST(Session, AQuerySessionLoadsNoChecks) {
  StoreFixture fx;
  int64_t scan = fx.import_sample();
  auto session = Session::open(fx.db());
  ASSERT_TRUE(session.ok()) << format(session.errors());
  EXPECT_EQ(session->scan().id, scan);
  EXPECT_TRUE(session->workspace().catalog.checks().empty());
}

TEST(Session, JobsDefaultToOnePerCore) {
  EXPECT_EQ(session::resolve_jobs(3), 3u);
  EXPECT_EQ(session::resolve_jobs(0), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace posture::testing
