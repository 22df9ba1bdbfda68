// Checks judged together (Evaluator::evaluate_together: the checks of one
// subject type and providers in one statement) and explained together (each
// failing subject read once for all of them, in slices shared among the
// workers) give exactly the findings and reasons of a statement and an
// explanation per check: every stored check, on a generated inventory of
// every modelled type with a child that could not be read, with and without
// waivers, with one and two workers, in both finding orders.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/synthetic/generator.hpp"
#include "engine/checks/catalog.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/checks/waivers.hpp"
#include "engine/schema/schema.hpp"
#include "engine/sql/statements.hpp"
#include "store/cursor.hpp"
#include "store/store.hpp"

namespace posture::checks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ChecksTogetherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("posture-together-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    std::string jsonl = (*dir_ / "inventory.jsonl").string();
    synthetic::GeneratorOptions generator;
    generator.resources = 6000;
    generator.seed = 11;
    ASSERT_TRUE(synthetic::generate_file(generator, jsonl).ok());
    // A storage account whose blob service could not be read: its checks
    // reading blobServices are ERROR for it, the others judge it.
    std::string account;
    {
      std::ifstream in(jsonl);
      for (std::string line; account.empty() && std::getline(in, line);) {
        json object = json::parse(line);
        if (object.value("type", "") == "Microsoft.Storage/storageAccounts") account = object["id"];
      }
    }
    ASSERT_FALSE(account.empty());
    std::ofstream(jsonl, std::ios::app)
        << json{{"id", account + "/blobServices/default"},
                {"type", "Microsoft.Storage/storageAccounts/blobServices"},
                {"status", 403},
                {"error", {{"code", "AuthorizationFailed"}, {"message", "denied"}}}}
               .dump()
        << "\n";
    std::ofstream(*dir_ / "waivers.jsonl")
        << R"({"check": "azure-defender-*", "resource": "/subscriptions/*", "owner": "o@example.com", "reason": "r", "expires": "2099-12-31"})"
           "\n"
        << R"({"check": "azure-storage-*", "resource": "/subscriptions/*", "owner": "o@example.com", "reason": "r", "expires": "2001-01-31"})"
           "\n";
    db_ = new std::string((*dir_ / "store.db").string());
    auto store = store::Store::open(*db_, posture::schema::builtin());
    ASSERT_TRUE(store.ok()) << format(store.errors());
    ASSERT_TRUE(snapshot::import_files(*store, {jsonl}).ok());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    delete db_;
  }

  static fs::path* dir_;
  static std::string* db_;
};

fs::path* ChecksTogetherTest::dir_ = nullptr;
std::string* ChecksTogetherTest::db_ = nullptr;

// A result's explained findings: (verdict index, reason and evidence as text).
std::vector<std::pair<uint32_t, std::string>> reasons_of(const CheckResult& result) {
  std::vector<std::pair<uint32_t, std::string>> out;
  if (!result.reasons) return out;
  posture::checks::ReasonFile::Reader reader(*result.reasons);
  uint32_t index = 0;
  posture::checks::Reason reason;
  while (true) {
    auto more = reader.next(index, reason);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    std::string text = reason.text;
    for (const auto& e : reason.evidence)
      text +=
          "\n" + e.path + " " + e.op + " " + e.expected + " " + e.actual + (e.holds ? " 1" : " 0");
    out.emplace_back(index, text);
  }
  EXPECT_EQ(out.size(), result.reasons->size());
  return out;
}

void expect_same(const CheckResult& together, const CheckResult& single) {
  SCOPED_TRACE(single.check->id);
  EXPECT_EQ(together.check, single.check);
  EXPECT_EQ(together.status, single.status);
  EXPECT_EQ(together.subject_type, single.subject_type);
  EXPECT_EQ(together.verdicts, single.verdicts);
  ASSERT_EQ(together.notes.size(), single.notes.size());
  for (size_t i = 0; i < single.notes.size(); ++i) {
    EXPECT_EQ(together.notes[i].first, single.notes[i].first);
    EXPECT_EQ(together.notes[i].second.kind, single.notes[i].second.kind);
    EXPECT_EQ(together.notes[i].second.ref, single.notes[i].second.ref);
  }
  EXPECT_EQ(together.no_subjects, single.no_subjects);
  EXPECT_EQ(reasons_of(together), reasons_of(single));
  EXPECT_EQ(together.matched, single.matched);
  EXPECT_EQ(together.counts, single.counts);
  EXPECT_EQ(together.waiver_uses, single.waiver_uses);
}

TEST_F(ChecksTogetherTest, GiveTheFindingsOfAStatementPerCheck) {
  auto catalog = Catalog::load(std::string(POSTURE_SOURCE_DIR) + "/queries");
  ASSERT_TRUE(catalog.ok()) << format(catalog.errors());
  std::vector<const Check*> all;
  for (const auto& c : catalog->checks()) all.push_back(&c);
  auto waivers = WaiverList::load((*dir_ / "waivers.jsonl").string());
  ASSERT_TRUE(waivers.ok()) << format(waivers.errors());
  auto store = store::Store::open(*db_, posture::schema::builtin(), store::OpenMode::ReadOnly);
  ASSERT_TRUE(store.ok()) << format(store.errors());

  size_t judged = 0, errors = 0, muted = 0;
  const WaiverList* with = &*waivers;
  // Per order, without waivers: each check's reasons by their finding's resource.
  std::map<Order, std::vector<std::map<std::string, std::string>>> by_resource;
  for (const WaiverList* w : {static_cast<const WaiverList*>(nullptr), with}) {
    for (Order order : {Order::Store, Order::Key}) {
      SCOPED_TRACE(std::string(w ? "waivers, " : "no waivers, ") +
                   (order == Order::Store ? "store order" : "key order"));
      auto context = EvaluationContext::load(*store, 1, w, Date::today_utc());
      ASSERT_TRUE(context.ok()) << format(context.errors());
      context->order = order;
      context->together = 1;
      context->explain_batch = 4096;
      auto single = evaluate_all(*db_, all, *context, 1);
      ASSERT_TRUE(single.ok()) << format(single.errors());
      // Explained in batches of 5 subjects, each worker takes several slices.
      for (auto [jobs, together, batch] :
           {std::tuple{1u, size_t{64}, size_t{4096}}, std::tuple{2u, size_t{64}, size_t{4096}},
            std::tuple{1u, size_t{3}, size_t{4096}}, std::tuple{2u, size_t{3}, size_t{4096}},
            std::tuple{1u, size_t{64}, size_t{5}}, std::tuple{2u, size_t{64}, size_t{5}}}) {
        {
          SCOPED_TRACE("jobs " + std::to_string(jobs) + ", together " + std::to_string(together) +
                       ", explained " + std::to_string(batch) + " at a time");
          context->together = together;
          context->explain_batch = batch;
          auto results = evaluate_all(*db_, all, *context, jobs);
          ASSERT_TRUE(results.ok()) << format(results.errors());
          ASSERT_EQ(results->size(), single->size());
          for (size_t i = 0; i < results->size(); ++i) expect_same((*results)[i], (*single)[i]);
        }
      }
      if (!w)
        for (const auto& r : *single) {
          std::map<std::string, std::string> reasons;
          if (r.per_resource() && !r.no_subjects) {
            std::vector<std::string> ids;  // by finding index
            auto cursor =
                store::Cursor::open(*store,
                                    subjects_statement(*r.check, *r.subject_type, order,
                                                       posture::sql::dialect(store->backend())),
                                    1);
            ASSERT_TRUE(cursor.ok()) << format(cursor.errors());
            while (*cursor->next()) ids.emplace_back(cursor->text(0));
            for (const auto& [index, text] : reasons_of(r)) reasons[ids.at(index)] = text;
          }
          by_resource[order].push_back(std::move(reasons));
        }
      for (const auto& r : *single) {
        judged += r.per_resource() ? 1 : 0;
        errors += r.count(Verdict::Error);
        muted += r.count(Verdict::Muted);
      }
    }
  }
  // A finding's reason is about its resource whichever the order of the
  // findings (the explainer reads the subjects in rowid order).
  size_t explained = 0;
  ASSERT_EQ(by_resource[Order::Store].size(), by_resource[Order::Key].size());
  for (size_t i = 0; i < by_resource[Order::Store].size(); ++i) {
    EXPECT_EQ(by_resource[Order::Store][i], by_resource[Order::Key][i]) << all[i]->id;
    explained += by_resource[Order::Store][i].size();
  }
  EXPECT_GT(explained, 100u);
  // The comparison covers what it means to: checks judged per resource,
  // a child's collection error, active waivers.
  EXPECT_GT(judged, 4 * 60u);
  EXPECT_GT(errors, 0u);
  EXPECT_GT(muted, 0u);
}

// The statement itself: one pass, a flag per check, their literals numbered
// in one list after which the providers follow.
TEST(SubjectsJudged, OneColumnPerPredicateAndOneParameterList) {
  auto catalog = Catalog::load(std::string(POSTURE_SOURCE_DIR) + "/queries");
  ASSERT_TRUE(catalog.ok()) << format(catalog.errors());
  std::vector<const ir::Predicate*> wheres;
  const schema::ObjectType* type = nullptr;
  size_t literals = 0;
  for (const auto& c : catalog->checks()) {
    if (subject_type(c) == nullptr || subject_type(c)->name != "Connector") continue;
    type = subject_type(c);
    wheres.push_back(&c.query.optimised.roots.front().where);
    literals += sql::compile_predicate(*type, *wheres.back(), "s").params.size();
  }
  ASSERT_GE(wheres.size(), 4u);
  auto st = sql::subjects_judged(*type, {sql::Column::Rid}, {"azure"}, wheres);
  size_t flags = 0;
  for (size_t at = 0; (at = st.sql.find("CASE WHEN (", at)) != std::string::npos; ++at) ++flags;
  EXPECT_EQ(flags, wheres.size()) << st.sql;
  ASSERT_EQ(st.params.size(), literals + 1) << "each check's literals, then the provider";
  EXPECT_EQ(std::get<std::string>(st.params.back()), "azure");
  EXPECT_NE(st.sql.find(":p" + std::to_string(literals + 1) + "))"), std::string::npos) << st.sql;
}

}  // namespace
}  // namespace posture::checks
