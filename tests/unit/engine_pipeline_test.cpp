// The engine's path in-process, on the bundled sample: import -> compile the
// seed query -> execute -> GraphQL JSON; and the stored catalogue loads and
// evaluates. (tests/e2e checks every verdict through the CLI.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/synthetic/generator.hpp"
#include "engine/checks/catalog.hpp"
#include "engine/exec/engine.hpp"
#include "engine/semantic/lint.hpp"
#include "engine/syntax/parser.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;

const char* kSeedQuery = R"({ connectors(where: { OR: [
    { securityContacts_SOME: null }
    { securityContacts_SOME: { email: null } }
    { securityContacts_SOME: { email: { eq: "" } } } ] }) { ...AssetFragment } })";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("posture-pipeline-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto store = store::Store::open((dir_ / "s.db").string(), posture::schema::builtin());
    ASSERT_TRUE(store) << format(store.errors());
    store_.emplace(std::move(store).value());
    auto summary = snapshot::import_files(
        *store_, {std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"});
    ASSERT_TRUE(summary) << format(summary.errors());
    scan_ = summary->scan_id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  nlohmann::json run(const std::string& text) {
    auto compiled = exec::Engine().compile(text);
    EXPECT_TRUE(compiled) << format(compiled.errors());
    if (!compiled) return nullptr;
    std::ostringstream out;
    auto status = exec::execute(*compiled, *store_, scan_, out);
    EXPECT_TRUE(status) << format(status.errors());
    return nlohmann::json::parse(out.str());
  }

  fs::path dir_;
  std::optional<store::Store> store_;
  int64_t scan_ = 0;
};

TEST_F(PipelineTest, SeedQueryReturnsExactlyTheConnectorsWithoutAUsableContactEmail) {
  nlohmann::json response = run(kSeedQuery);
  ASSERT_TRUE(response.contains("data"));
  // Independently of SQL: a connector fails when it has no contact, or a
  // contact whose email is missing or empty.
  nlohmann::json all = run("{ connectors { id securityContacts { email } } }");
  std::set<std::string> expected, actual;
  for (const auto& c : all["data"]["connectors"]) {
    bool fails = c["securityContacts"].empty();
    for (const auto& s : c["securityContacts"])
      fails = fails || s["email"].is_null() || s["email"] == "";
    if (fails) expected.insert(c["id"].get<std::string>());
  }
  for (const auto& c : response["data"]["connectors"]) actual.insert(c["id"].get<std::string>());
  EXPECT_FALSE(expected.empty());
  EXPECT_LT(expected.size(), all["data"]["connectors"].size());
  EXPECT_EQ(actual, expected);
  // ...AssetFragment selects the Asset interface's fields.
  for (const auto& c : response["data"]["connectors"]) {
    EXPECT_TRUE(c.contains("id") && c.contains("name") && c.contains("provider")) << c.dump();
    EXPECT_EQ(c["provider"], "azure");
  }
}

TEST_F(PipelineTest, ResponseCarriesTypedValuesAliasesAndAggregates) {
  nlohmann::json r = run(R"({
    n: connectorsAggregate { count }
    first: connectors(options: { limit: 1, sort: [{ name: DESC }] }) {
      __typename name
      securityContacts { alertNotifications emails notificationRoles }
      contacts: securityContactsAggregate { count }
    } })");
  ASSERT_EQ(r["data"]["first"].size(), 1u);
  EXPECT_GE(r["data"]["n"]["count"].get<int>(), 12);
  const auto& c = r["data"]["first"][0];
  EXPECT_EQ(c["__typename"], "Connector");
  EXPECT_EQ(c["contacts"]["count"].get<size_t>(), c["securityContacts"].size());
  for (const auto& s : c["securityContacts"]) {
    EXPECT_TRUE(s["alertNotifications"].is_boolean() || s["alertNotifications"].is_null());
    EXPECT_TRUE(s["emails"].is_array() || s["emails"].is_null());
  }
}

TEST_F(PipelineTest, StoredChecksLoadAndEachFindsFailuresInTheSample) {
  auto catalog = checks::Catalog::load(std::string(POSTURE_SOURCE_DIR) + "/queries");
  ASSERT_TRUE(catalog) << format(catalog.errors());
  // 4 checks on security contacts and 67 on Defender plans and other resource types.
  ASSERT_EQ(catalog->checks().size(), 71u);
  for (const auto& check : catalog->checks()) {
    ASSERT_EQ(check.query.statements.size(), 1u) << check.id;
    std::ostringstream out;
    ASSERT_TRUE(exec::execute(check.query, *store_, scan_, out)) << check.id;
    auto response = nlohmann::json::parse(out.str());
    ASSERT_EQ(response["data"].size(), 1u) << check.id << ": one root field";
    EXPECT_FALSE(response["data"].begin().value().empty())
        << check.id << ": the sample fails every check somewhere";
  }
}

// A root field read in parts on several threads (ExecuteOptions::jobs;
// docs/performance.md, "A query on two cores") gives the response one thread
// gives, byte for byte: the stored checks over 3,000 generated connectors and
// their contacts, a list without a filter, nested lists, and a field too
// small to divide.
TEST(ExecuteInParts, TheResponseIsTheOneThreadsResponse) {
  const fs::path dir = fs::temp_directory_path() / ("posture-parts-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{dir};  // after the store closes
  synthetic::GeneratorOptions generator;
  generator.connectors = 3000;
  generator.seed = 7;
  const std::string jsonl = (dir / "inventory.jsonl").string();
  ASSERT_TRUE(synthetic::generate_file(generator, jsonl).ok());
  auto store = store::Store::open((dir / "s.db").string(), posture::schema::builtin());
  ASSERT_TRUE(store) << format(store.errors());
  auto summary = snapshot::import_files(*store, {jsonl});
  ASSERT_TRUE(summary) << format(summary.errors());
  std::vector<std::string> queries = {
      kSeedQuery, "{ connectors { id name } }",
      "{ connectors(where: { name_CONTAINS: \"1\" }) { id securityContacts { email phone } } }",
      "{ securityContacts(where: { alertNotifications: true }) { id email } }",
      "{ a: connectors { id } b: securityContacts { id } }"};
  for (const char* id :
       {"azure-security-contact-configured", "azure-additional-email-address",
        "azure-notify-alerts-high-severity", "azure-security-alert-emails-owners"}) {
    std::ifstream in(std::string(POSTURE_SOURCE_DIR) + "/queries/" + id + ".graphql");
    queries.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const auto& text : queries) {
    auto compiled = exec::Engine().compile(text);
    ASSERT_TRUE(compiled) << format(compiled.errors());
    std::string one;
    for (unsigned jobs : {1u, 2u, 3u}) {
      std::ostringstream out;
      size_t parts = 0;
      exec::ExecuteOptions options;
      options.jobs = jobs;
      options.min_part_rows = 500;
      options.parts_read = &parts;
      auto status = exec::execute(*compiled, *store, summary->scan_id, out, options);
      ASSERT_TRUE(status) << format(status.errors());
      if (jobs == 1) {
        one = out.str();
        EXPECT_GT(one.size(), 100u) << text;
        EXPECT_EQ(parts, compiled->statements.size()) << text;
      } else {
        EXPECT_EQ(out.str(), one) << jobs << " jobs: " << text;
        EXPECT_GE(parts, compiled->statements.size() * jobs) << text;
      }
    }
  }
  // Too few rows to divide: one part whatever the jobs.
  auto compiled = exec::Engine().compile("{ connectors { id } }");
  ASSERT_TRUE(compiled);
  std::ostringstream out;
  size_t parts = 0;
  exec::ExecuteOptions options;
  options.jobs = 2;
  options.parts_read = &parts;
  ASSERT_TRUE(exec::execute(*compiled, *store, summary->scan_id, out, options));
  EXPECT_EQ(parts, 1u);
}

TEST(Lint, FlagsConstructsWhoseMeaningDiffersAcrossVersions) {
  auto doc = syntax::parse(R"({ connectors(where: { OR: [
      { securityContacts_SOME: {} }
      { securityContacts_ALL: { email_NOT: "" } } ] }) { id }
    securityContacts(where: { OR: [] }) { id } })");
  ASSERT_TRUE(doc) << format(doc.errors());
  std::multiset<std::string> codes;
  for (const auto& d : semantic::lint(*doc, schema::builtin(), "<q>")) codes.insert(d.code);
  EXPECT_EQ(codes.count("empty-quantifier"), 1u);
  EXPECT_EQ(codes.count("all-quantifier"), 1u);
  EXPECT_EQ(codes.count("two-valued-not"), 1u);
  EXPECT_EQ(codes.count("empty-or"), 1u);
  EXPECT_EQ(codes.count("matches-nothing"), 1u);
}

// What `posture lint` says of the stored checks: nothing. Every queries/*.graphql
// is loaded through the catalogue (so each parses and compiles) and linted.
TEST(Lint, StoredChecksAreClean) {
  const std::string dir = std::string(POSTURE_SOURCE_DIR) + "/queries";
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    files += entry.path().extension() == ".graphql";
  auto catalog = checks::Catalog::load(dir);
  ASSERT_TRUE(catalog) << format(catalog.errors());
  ASSERT_EQ(catalog->checks().size(), files) << "every queries/*.graphql is a check";
  ASSERT_GE(files, 4u);
  for (const auto& check : catalog->checks()) {
    auto found = semantic::lint(check.query.document, schema::builtin(), check.file);
    EXPECT_TRUE(found.empty()) << check.file << ":\n" << format(found);
  }
}

// The lint codes of `text` linted as a stored check (`lists_failing`) or not.
std::multiset<std::string> lint_codes(const std::string& text, bool lists_failing = false) {
  auto doc = syntax::parse(text);
  EXPECT_TRUE(doc) << format(doc.errors());
  std::multiset<std::string> codes;
  if (doc)
    for (const auto& d : semantic::lint(*doc, schema::builtin(), "<q>", lists_failing))
      codes.insert(d.code);
  return codes;
}

// A check lists failing resources: a positive comparison of a field that may be
// missing lets a resource without it pass. The warning names the field, and is
// silent where the check says what missing means or where missing is listed anyway.
TEST(Lint, APositiveComparisonOfAFieldThatMayBeMissingPassesOnIt) {
  // allowCrossTenantReplication has no documented default: null when absent.
  const std::string passes_on_null =
      R"({ storageAccounts(where: { allowCrossTenantReplication: true }) { id } })";
  EXPECT_EQ(lint_codes(passes_on_null, true).count("missing-passes"), 1u);
  // Not a check that lists failing resources: no verdict rides on it.
  EXPECT_EQ(lint_codes(passes_on_null, false).count("missing-passes"), 0u);
  // A stored check says so through its expectation.
  EXPECT_EQ(lint_codes(R"(query Q @check(id: "q", title: "t", severity: LOW, expect: "eq []") {
      storageAccounts(where: { publicNetworkAccess_IN: ["Enabled"] }) { id } })")
                .count("missing-passes"),
            1u);
  // Spelt out: missing fails too.
  EXPECT_EQ(lint_codes(R"({ storageAccounts(where: { OR: [{ allowCrossTenantReplication: null },
      { allowCrossTenantReplication: true }] }) { id } })",
                       true)
                .count("missing-passes"),
            0u);
  EXPECT_EQ(lint_codes(R"({ storageAccounts(where: {
      allowCrossTenantReplication_IN: [null, true] }) { id } })",
                       true)
                .count("missing-passes"),
            0u);
  // A documented default is stored by the import: never missing.
  EXPECT_EQ(
      lint_codes(R"({ storageAccounts(where: { minimumTlsVersion: "TLS1_0" }) { id } })", true)
          .count("missing-passes"),
      0u);
  // Under NOT or _NONE a false comparison lists the resource: missing fails already.
  EXPECT_EQ(lint_codes(R"({ storageAccounts(where: { NOT: { publicNetworkAccess: "Disabled" } })
      { id } })",
                       true)
                .count("missing-passes"),
            0u);
  // Inside a quantifier the related node's field counts the same way.
  EXPECT_EQ(lint_codes(R"({ sqlServers(where: { firewallRules_SOME: { startIpAddress: "0.0.0.0" } })
      { id } })",
                       true)
                .count("missing-passes"),
            1u);
  EXPECT_EQ(lint_codes(R"({ sqlServers(where: { firewallRules_NONE: { startIpAddress: "1.2.3.4" } })
      { id } })",
                       true)
                .count("missing-passes"),
            0u);
}

// A stored check accepts a warning only with a reason after the code.
TEST(Lint, AStoredCheckAcceptsAWarningWithItsReason) {
  auto check = [](const std::string& lint) {
    return R"(query Q @check(id: "q", title: "t", severity: LOW, expect: "eq []", lint: )" + lint +
           R"() { storageAccounts(where: { publicNetworkAccess: "Enabled" }) { id } })";
  };
  EXPECT_EQ(lint_codes(check(R"(["missing-passes: judged by another check"])")).size(), 0u);
  EXPECT_EQ(lint_codes(check(R"(["missing-passes"])")).count("missing-passes"), 1u);
  EXPECT_EQ(lint_codes(check(R"(["missing-passes:  "])")).count("missing-passes"), 1u);
  EXPECT_EQ(lint_codes(check(R"(["two-valued-not: unrelated"])")).count("missing-passes"), 1u);
}

TEST(Lint, NullListedNegationIsNotFlagged) {
  auto doc = syntax::parse(
      R"({ securityContacts(where: { email_NOT_IN: [null, ""], NOT: { phone: "" } }) { id } })");
  ASSERT_TRUE(doc) << format(doc.errors());
  auto found = semantic::lint(*doc, schema::builtin(), "<q>");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front().code, "two-valued-not");
  EXPECT_NE(found.front().message.find("phone"), std::string::npos);
  // Catalogue spelling on types we do not model is still linted.
  auto other = syntax::parse(
      R"(buckets(where: { policies_ALL: { effect: "Deny" }, tags_SOME: {} }) { id })");
  ASSERT_TRUE(other) << format(other.errors());
  std::multiset<std::string> codes;
  for (const auto& d : semantic::lint(*other, schema::builtin(), "<q>")) codes.insert(d.code);
  EXPECT_EQ(codes.count("all-quantifier"), 1u);
  EXPECT_EQ(codes.count("empty-quantifier"), 1u);
  EXPECT_EQ(codes.count("unknown-root-field"), 1u);
}

}  // namespace
}  // namespace posture
