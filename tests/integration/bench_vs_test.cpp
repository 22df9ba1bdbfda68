// `posture bench --vs FILE`: a check's author times another version of a check
// beside the stored one on the same store, and learns whether they agree.
// Timings are printed, never asserted: the answers and exit statuses are.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/integration/bulk_harness.hpp"

namespace posture::bulk {
namespace {

const char* kCheck = "azure-additional-email-address";

TEST_F(BulkTest, BenchVsTimesAnotherVersionOfACheckAndComparesItsAnswer) {
  // The stored check's three branches, as two.
  std::string same = write("same.graphql", R"(# a rewrite
{ connectors(where: { OR: [
    { securityContacts_SOME: null }
    { securityContacts_SOME: { email_IN: [null, ""] } } ] }) { ...AssetFragment } }
)");
  std::string json_path = (dir_ / "vs.json").string();
  Process ok = run({"bench", "--db", db_, "--vs", same, "--check", kCheck, "-r", "2", "--json",
                    json_path, "--quiet"});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("--vs " + same + " (the baseline column) beside " + kCheck),
            std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find("answers: the same 4 ids"), std::string::npos) << ok.out;
  auto doc = nlohmann::json::parse(slurp(json_path));
  ASSERT_EQ(doc["checks"].size(), 1u);
  EXPECT_EQ(doc["checks"][0]["baseline"]["versus"], true);
  EXPECT_EQ(doc["checks"][0]["baseline"]["file"], same);
  EXPECT_EQ(doc["checks"][0]["baseline"]["rows"], 4);

  // A version that forgets the empty email answers differently: exit 2, and
  // the ids only one side selected are listed.
  std::string narrower = write("narrower.graphql", R"(
{ connectors(where: { securityContacts_SOME: null }) { id } })");
  Process differs =
      run({"bench", "--db", db_, "--vs", narrower, "--check", kCheck, "-r", "1", "--quiet"});
  EXPECT_EQ(differs.exit_code, 2) << differs.out << differs.err;
  EXPECT_NE(differs.out.find("answers: DIFFERENT"), std::string::npos) << differs.out;
  EXPECT_NE(differs.out.find("/subscriptions/c0ffee00-0000-4000-8000-000000000002"),
            std::string::npos)
      << differs.out;

  // A file with its own @check names the stored check by its id.
  std::string stored = slurp(std::string(POSTURE_SOURCE_DIR) + "/queries/" + kCheck + ".graphql");
  Process by_id =
      run({"bench", "--db", db_, "--vs", write("own.graphql", stored), "-r", "1", "--quiet"});
  EXPECT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_NE(by_id.out.find("answers: the same 4 ids"), std::string::npos) << by_id.out;
}

TEST_F(BulkTest, BenchVsSaysWhyTwoVersionsCannotBeCompared) {
  std::string bare = write("bare.graphql", "{ connectors(where: { name: \"x\" }) { id } }");
  Process no_check = run({"bench", "--db", db_, "--vs", bare, "--quiet"});
  EXPECT_EQ(no_check.exit_code, 2);
  EXPECT_NE(no_check.err.find("name the check it is a version of with one --check ID"),
            std::string::npos)
      << no_check.err;
  std::string other_type =
      write("contacts.graphql", "{ securityContacts(where: { email: \"\" }) { id } }");
  Process mismatch = run({"bench", "--db", db_, "--vs", other_type, "--check", kCheck, "--quiet"});
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_NE(mismatch.err.find("it queries SecurityContact, the check " + std::string(kCheck) +
                              " queries Connector"),
            std::string::npos)
      << mismatch.err;
  std::string broken = write("broken.graphql", "\n{ connectors(where: { nmae: \"x\" }) { id } }");
  Process error = run({"bench", "--db", db_, "--vs", broken, "--check", kCheck, "--quiet"});
  EXPECT_EQ(error.exit_code, 2);
  EXPECT_NE(error.err.find(broken + ":2:23"), std::string::npos) << error.err;
}

// --sizes generates, imports and measures each size; --plot draws each side's
// median time against size, one line per check and side.
TEST_F(BulkTest, BenchSizesMeasuresEachSizeAndPlotsTimeAgainstSize) {
  std::string svg = (dir_ / "sizes.svg").string();
  Process sized =
      run({"bench", "--sizes", "200,2000", "--plot", svg, "-r", "1", "--check", kCheck, "--quiet"});
  ASSERT_EQ(sized.exit_code, 0) << sized.out << sized.err;
  EXPECT_NE(sized.out.find("\n200       " + std::string(kCheck)), std::string::npos) << sized.out;
  EXPECT_NE(sized.out.find("\n2000      " + std::string(kCheck)), std::string::npos) << sized.out;
  std::string plot = slurp(svg);
  ASSERT_EQ(plot.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << plot.substr(0, 80);
  EXPECT_NE(plot.find(std::string(">") + kCheck + " engine</text>"), std::string::npos);
  EXPECT_NE(plot.find(std::string(">") + kCheck + " baseline</text>"), std::string::npos);
  // Two lines (engine, baseline), each through the two sizes.
  std::regex line(R"re(<polyline [^>]*points="([0-9.]+,[0-9.]+ ){2}"/>)re");
  auto lines =
      std::distance(std::sregex_iterator(plot.begin(), plot.end(), line), std::sregex_iterator());
  EXPECT_EQ(lines, 2) << plot;
  EXPECT_EQ(plot.find("<script"), std::string::npos);

  Process alone = run({"bench", "--db", db_, "--plot", svg, "--quiet"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("give --sizes too"), std::string::npos) << alone.err;
  Process neither = run({"bench", "--quiet"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--db"), std::string::npos) << neither.err;
}

// --plots-from draws a benchmarks/run results document: the check times, the
// import's throughput and the peak memory, each against the objects imported.
TEST_F(BulkTest, BenchPlotsFromAResultsDocumentDrawEachSeries) {
  auto size = [](int objects, double rate, int rss, double engine, double baseline) {
    return nlohmann::json{
        {"size", std::to_string(objects)},
        {"import", {{"objects", objects}, {"objects_per_s", rate}, {"peak_rss_kib", rss}}},
        {"bench",
         {{"peak_rss_kib", rss * 2},
          {"checks",
           {{{"id", kCheck},
             {"engine", {{"median_ms", engine}}},
             {"baseline", {{"median_ms", baseline}}}}}}}}};
  };
  nlohmann::json results = {
      {"format", "posture-bench-run/1"},
      {"sizes",
       {size(20000, 25000, 90000, 20.5, 19.0), size(200000, 24000, 91000, 210, 200),
        size(2000000, 23000, 92000, 2300, 2100)}}};
  std::string input = write("results.json", results.dump());
  Process plots = run({"bench", "--plots-from", input, "--plot-dir", dir_.string(), "--quiet"});
  ASSERT_EQ(plots.exit_code, 0) << plots.err;
  std::regex three(R"re(<polyline [^>]*points="([0-9.]+,[0-9.]+ ){3}"/>)re");
  auto lines = [&](const std::string& svg) {
    return std::distance(std::sregex_iterator(svg.begin(), svg.end(), three),
                         std::sregex_iterator());
  };
  std::string checks = slurp(dir_ / "checks.svg"), import = slurp(dir_ / "import.svg"),
              memory = slurp(dir_ / "memory.svg");
  EXPECT_EQ(lines(checks), 2);
  EXPECT_NE(checks.find(std::string(kCheck) + " baseline</text>"), std::string::npos);
  EXPECT_EQ(lines(import), 1);
  EXPECT_NE(import.find(">import objects/s</text>"), std::string::npos);
  EXPECT_EQ(lines(memory), 2);
  // The axes span the data's decades: 10k to 10M objects.
  EXPECT_NE(checks.find(">10k</text>"), std::string::npos);
  EXPECT_NE(checks.find(">10M</text>"), std::string::npos);

  Process wrong = run({"bench", "--plots-from", write("x.json", "{}"), "--quiet"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("not a benchmarks/run results document"), std::string::npos)
      << wrong.err;
}

}  // namespace
}  // namespace posture::bulk
