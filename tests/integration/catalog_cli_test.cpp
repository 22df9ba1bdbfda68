// Finding the checks and frameworks through the real `posture` program:
// `posture checks`, `checks show ID` and `frameworks` (table and JSON);
// --queries DIR (repeatable) adding to the bundled checks, --no-bundled, a
// check id defined twice; --var/--vars on check, report, explain and bench, a
// variable no document declares; and @check metadata validated like the query.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

namespace posture::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBundled = std::string(POSTURE_SOURCE_DIR) + "/queries";
const std::string kSample =
    std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl";

// A check of the user's: fails while a subscription is named $name.
constexpr const char* kNamedCheck = R"(# The subscription named $name must not exist.
query NamedSubscription($name: String = "Contoso Production")
@check(
  id: "user-named-subscription"
  title: "No subscription has the retired name"
  severity: LOW
  providers: ["azure"]
  subjects: [Connector]
  expect: "eq []"
  frameworks: ["user-baseline:U.1"]
  rationale: "Retired names confuse the on-call rota."
  remediation: "Rename the subscription."
) {
  connectors(where: { name: $name }) {
    ...AssetFragment
  }
}
)";

constexpr const char* kUserFramework = R"({
  "id": "user-baseline",
  "title": "Our own baseline",
  "version": "1",
  "requirements": [
    {"id": "U.1", "title": "Retired names are gone", "checks": []},
    {"id": "U.2", "title": "Reviewed by hand", "checks": []}
  ]
}
)";

ProcessResult posture(const std::vector<std::string>& args) {
  return run_process(POSTURE_BINARY, args, {});
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CatalogCli : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> serial{0};
    dir_ = fs::temp_directory_path() /
           ("posture-catalog-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "mine" / "frameworks");
    write("mine/named.graphql", kNamedCheck);
    write("mine/frameworks/user-baseline.json", kUserFramework);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A store holding the bundled sample inventory.
  std::string sample_db() {
    std::string db = path("sample.db");
    auto r = posture({"-q", "import", "--db", db, kSample});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
  }

  // A check file like kNamedCheck, with `replace` substituted for `find`.
  std::string variant(const std::string& find, const std::string& replace) {
    std::string text = kNamedCheck;
    text.replace(text.find(find), find.size(), replace);
    return text;
  }

  fs::path dir_;
};

std::vector<std::string> ids_of(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.at("id").get<std::string>());
  return out;
}

TEST_F(CatalogCli, ChecksListsTheBundledChecksInATableAndAsJson) {
  auto table = posture({"checks"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(has(table.out, "ID")) << table.out;
  EXPECT_TRUE(has(table.out, "SEVERITY")) << table.out;
  EXPECT_TRUE(has(table.out, "azure-security-contact-configured")) << table.out;
  EXPECT_TRUE(has(table.out, "Security contact additional email addresses are configured"));
  EXPECT_TRUE(has(table.out, "cis-azure-3.0.0:3.1.13")) << table.out;
  // The four security-contact checks and the 67 on Defender plans and the other
  // resource types (queries/*.graphql).
  EXPECT_TRUE(has(table.out, "71 checks")) << table.out;

  auto r = posture({"checks", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kBundled))
    if (e.path().extension() == ".graphql") files.push_back(e.path().stem().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(ids_of(doc.at("checks")), files);
  for (const auto& c : doc.at("checks")) {
    EXPECT_TRUE(c.at("severity").is_string());
    EXPECT_FALSE(c.at("title").get<std::string>().empty());
    EXPECT_FALSE(c.at("frameworks").empty()) << c.dump();
  }
}

TEST_F(CatalogCli, ShowPrintsMetadataRationaleRemediationAndARunnableQuery) {
  auto r = posture({"checks", "show", "azure-additional-email-address"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part :
       {"severity:    medium", "subjects:    Connector", "expect:      eq []", "Rationale\n",
        "Defender for Cloud sends alert emails", "Remediation\n", "Additional email addresses",
        "Query\n", "query AzureAdditionalEmailAddress {"})
    EXPECT_TRUE(has(r.out, part)) << part << "\n" << r.out;
  EXPECT_FALSE(has(r.out, "@check")) << r.out;

  auto j = posture({"checks", "show", "azure-additional-email-address", "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  json doc = json::parse(j.out);
  EXPECT_EQ(doc.at("id"), "azure-additional-email-address");
  EXPECT_EQ(doc.at("severity"), "medium");
  EXPECT_TRUE(has(doc.at("rationale").get<std::string>(), "Defender for Cloud"));
  EXPECT_TRUE(has(doc.at("remediation").get<std::string>(), "Environment settings"));
  // The query as shown runs as it is.
  std::string db = sample_db();
  auto q = posture({"query", "--db", db, "-e", doc.at("query").get<std::string>()});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_TRUE(has(q.out, "Contoso Staging")) << q.out;

  auto typo = posture({"checks", "show", "azure-additonal-email-address"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(has(typo.err, "no stored check `azure-additonal-email-address`")) << typo.err;
  EXPECT_TRUE(has(typo.err, "did you mean `azure-additional-email-address`?")) << typo.err;
}

TEST_F(CatalogCli, FrameworksListsEachFrameworkWithItsRequirements) {
  auto table = posture({"frameworks"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(has(table.out, "cis-azure-3.0.0  CIS Microsoft Azure Foundations Benchmark"));
  EXPECT_TRUE(has(table.out, "3.1.13")) << table.out;
  EXPECT_TRUE(has(table.out, "(not assessed)")) << table.out;

  auto r = posture({"frameworks", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  std::vector<std::string> ids = ids_of(doc.at("frameworks"));
  EXPECT_EQ(ids, (std::vector<std::string>{"cis-azure-2.0.0", "cis-azure-3.0.0",
                                           "dutch-cloud-baseline"}));
  bool found = false;
  for (const auto& fw : doc.at("frameworks"))
    for (const auto& req : fw.at("requirements"))
      if (fw.at("id") == "cis-azure-3.0.0" && req.at("id") == "3.1.13") {
        found = true;
        EXPECT_EQ(req.at("checks"), json::array({"azure-additional-email-address"}));
      }
  EXPECT_TRUE(found) << r.out;

  auto one = posture({"frameworks", "cis-azure-2.0.0", "--format", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(ids_of(json::parse(one.out).at("frameworks")),
            std::vector<std::string>{"cis-azure-2.0.0"});
  auto typo = posture({"frameworks", "cis-azure-3.0"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(has(typo.err, "did you mean `cis-azure-3.0.0`?")) << typo.err;
}

TEST_F(CatalogCli, RepeatedQueriesAddToTheBundledChecksAndNoBundledLeavesThemOut) {
  write("more/named-other.graphql", variant("user-named-subscription", "user-named-other"));
  auto r =
      posture({"checks", "--format", "json", "--queries", path("mine"), "--queries", path("more")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> ids = ids_of(json::parse(r.out).at("checks"));
  ASSERT_EQ(ids.size(), 71u + 2u) << r.out;  // the 71 bundled checks, then each directory's
  EXPECT_EQ(ids[71], "user-named-subscription");
  EXPECT_EQ(ids[72], "user-named-other");

  auto mine = posture({"checks", "--format", "json", "--no-bundled", "--queries", path("mine")});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_EQ(ids_of(json::parse(mine.out).at("checks")),
            std::vector<std::string>{"user-named-subscription"});

  // Frameworks come from each directory's frameworks/, citations included.
  auto fw = posture({"frameworks", "--format", "json", "--queries", path("mine")});
  ASSERT_EQ(fw.exit_code, 0) << fw.err;
  json frameworks = json::parse(fw.out).at("frameworks");
  EXPECT_EQ(ids_of(frameworks).size(), 4u);
  EXPECT_EQ(frameworks.back().at("id"), "user-baseline");
  EXPECT_EQ(frameworks.back().at("requirements")[0].at("checks"),
            json::array({"user-named-subscription"}));

  // The example directory the README shows loads beside the bundled checks.
  auto example = posture({"checks", "--format", "json", "--queries",
                          std::string(POSTURE_SOURCE_DIR) + "/docs/examples/my-checks"});
  ASSERT_EQ(example.exit_code, 0) << example.err;
  EXPECT_EQ(ids_of(json::parse(example.out).at("checks")).back(),
            "example-retired-subscription-name");

  auto none = posture({"checks", "--no-bundled"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(has(none.err, "--no-bundled leaves no checks")) << none.err;
}

TEST_F(CatalogCli, ACheckIdDefinedTwiceNamesBothFiles) {
  std::string copy =
      write("dup/copy.graphql", slurp(kBundled + "/azure-security-contact-configured.graphql"));
  auto r = posture({"checks", "--queries", path("dup")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "check id `azure-security-contact-configured` is defined twice")) << r.err;
  EXPECT_TRUE(has(r.err, kBundled + "/azure-security-contact-configured.graphql")) << r.err;
  EXPECT_TRUE(has(r.err, copy)) << r.err;
  // The same on `check`, before any store is read.
  auto check = posture({"check", "--db", path("none.db"), "--queries", path("dup")});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_TRUE(has(check.err, copy)) << check.err;
  // Without the bundled checks there is no clash.
  auto alone = posture({"checks", "--no-bundled", "--queries", path("dup")});
  EXPECT_EQ(alone.exit_code, 0) << alone.err;
}

TEST_F(CatalogCli, VarAndVarsReachTheChecksOfCheckAndReport) {
  std::string db = sample_db();
  std::vector<std::string> base{"--db", db, "--no-bundled", "--queries", path("mine")};
  auto with = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), base.begin(), base.end());
    args.insert(args.end(), more.begin(), more.end());
    return posture(args);
  };
  // The default name exists in the sample: the check fails on it.
  auto fails = with({"check", "--format", "json"}, {});
  EXPECT_EQ(fails.exit_code, 1) << fails.err;
  EXPECT_EQ(json::parse(fails.out).at("checks")[0].at("status"), "FAIL");
  auto passes = with({"check", "--format", "json"}, {"--var", "name=Nobody"});
  EXPECT_EQ(passes.exit_code, 0) << passes.err;
  EXPECT_EQ(json::parse(passes.out).at("checks")[0].at("status"), "PASS");
  std::string vars = write("vars.json", R"({"name": "Contoso Staging"})");
  auto from_file = with({"check", "--format", "json"}, {"--vars", vars});
  EXPECT_EQ(from_file.exit_code, 1) << from_file.err;
  EXPECT_TRUE(has(from_file.out, "Contoso Staging")) << from_file.out;

  auto report_fail = with({"report", "--framework", "user-baseline", "--format", "json"}, {});
  auto report_pass = with({"report", "--framework", "user-baseline", "--format", "json"},
                          {"--var", "name=Nobody"});
  ASSERT_EQ(report_fail.exit_code, 0) << report_fail.err;
  ASSERT_EQ(report_pass.exit_code, 0) << report_pass.err;
  EXPECT_EQ(json::parse(report_fail.out).at("requirements")[0].at("status"), "FAIL");
  EXPECT_EQ(json::parse(report_pass.out).at("requirements")[0].at("status"), "PASS");
}

TEST_F(CatalogCli, VarReachesExplainAndBench) {
  auto explain =
      posture({"explain", "-e",
               R"(query($name: String = "a") { connectors(where: { name: $name }) { id } })",
               "--var", "name=Zed Corp"});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_TRUE(has(explain.out, "\"Zed Corp\"")) << explain.out;

  std::string db = sample_db();
  auto bench = [&](const std::vector<std::string>& more) {
    std::string out = path("bench.json");
    std::vector<std::string> args{"-q",           "bench",     "--db",       db,       "-r", "1",
                                  "--no-bundled", "--queries", path("mine"), "--json", out};
    args.insert(args.end(), more.begin(), more.end());
    auto r = posture(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(slurp(out)).at("checks")[0].at("rows").get<int>();
  };
  EXPECT_EQ(bench({}), 2);  // the sample names two subscriptions "Contoso Production"
  EXPECT_EQ(bench({"--var", "name=Nobody"}), 0);
}

TEST_F(CatalogCli, AVariableNoDocumentDeclaresIsAnErrorWithASuggestion) {
  std::string db = sample_db();
  auto query =
      posture({"query", "--db", db, "-e",
               R"(query($name: String = "x") { connectors(where: { name: $name }) { id } })",
               "--var", "nmae=Contoso Production"});
  EXPECT_EQ(query.exit_code, 2);
  EXPECT_TRUE(has(query.err, "<query>:1:1: error: the operation declares no variable $nmae"))
      << query.err;
  EXPECT_TRUE(has(query.err, "did you mean `name`?")) << query.err;

  auto check = posture({"check", "--db", db, "--queries", path("mine"), "--var", "nmae=x"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_TRUE(has(check.err, "no stored check declares the variable $nmae")) << check.err;
  EXPECT_TRUE(has(check.err, "did you mean `name`?")) << check.err;
  auto explain = posture({"explain", "-e", "{ connectors { id } }", "--var", "name=x"});
  EXPECT_EQ(explain.exit_code, 2);
  EXPECT_TRUE(has(explain.err, "declares no variable $name")) << explain.err;
}

TEST_F(CatalogCli, AMisspelledCheckArgumentIsAnErrorAtItsPosition) {
  std::string file = write("bad/named.graphql", variant("  severity: LOW", "  severty: LOW"));
  auto r = posture({"checks", "--no-bundled", "--queries", path("bad")});
  EXPECT_EQ(r.exit_code, 2);
  // Line 6, column 3 of the file: where `severty` is written.
  EXPECT_TRUE(has(r.err, file + ":6:3: error: @check takes no argument `severty`")) << r.err;
  EXPECT_TRUE(has(r.err, "did you mean `severity`?")) << r.err;
}

TEST_F(CatalogCli, SubjectsMustBeTheTypeOfTheQuerysRoot) {
  std::string text = variant("  connectors(where: { name: $name }) {",
                             "  securityContacts(where: { email: $name }) {");
  std::string file = write("bad/contacts.graphql", text);
  auto r = posture({"checks", "--no-bundled", "--queries", path("bad")});
  EXPECT_EQ(r.exit_code, 2);
  // Line 8, column 14: the `Connector` of `subjects: [Connector]`.
  EXPECT_TRUE(has(r.err, file + ":8:14: error: subject `Connector` is not the type of the "
                                "query's root field"))
      << r.err;
  EXPECT_TRUE(has(r.err, "`securityContacts` (SecurityContact)")) << r.err;
  EXPECT_TRUE(has(r.err, "write subjects: [SecurityContact]")) << r.err;
}

}  // namespace
}  // namespace posture::testing
