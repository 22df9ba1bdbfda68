// How much of the public catalogue's Azure and Entra ID queries the asset
// model answers: each of the 216 queries listed in azure-queries.txt is
// compiled against the builtin schema and run on a store that holds every
// modelled type (the bundled sample plus the ARM fixtures of tests/data/arm).
// The test prints how many run and, grouped by root field, each that does not
// with its reason. The floor is the count that runs today: a change to the
// model that loses a query fails here.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "engine/exec/engine.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;

// Queries that compile and run today; raise it as types land.
constexpr int kFloor = 156;

struct Query {
  std::string slug;
  std::string text;
};

std::vector<Query> azure_queries() {
  std::vector<Query> out;
  fs::path corpus = POSTURE_CORPUS_DIR;
  std::ifstream list(corpus.parent_path() / "azure-queries.txt");
  std::string slug;
  while (std::getline(list, slug)) {
    if (slug.empty() || slug[0] == '#') continue;
    std::ifstream in(corpus / "queries" / (slug + ".json"));
    auto doc = nlohmann::json::parse(in, nullptr, false);
    std::string text = doc.is_object() && doc["query"].is_string() ? doc["query"].get<std::string>()
                                                                   : std::string();
    out.push_back({slug, text});
  }
  return out;
}

// The first field a query selects (after an optional `query Name(...)`).
std::string root_field(const std::string& text) {
  static const std::regex re(R"(^\s*(?:query\s*\w*\s*(?:\([^)]*\))?\s*)?\{?\s*(\w+))");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : "?";
}

// The reason a query fails, in one line: its first error, code and message.
std::string reason_of(const Diagnostics& errors) {
  const Diagnostic& d = errors.front();
  std::string message = d.message.substr(0, d.message.find('\n'));
  return "[" + d.code + "] " + message;
}

// A store holding the sample inventory and every ARM fixture of tests/data/arm.
class CoverageStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("posture-coverage-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto opened = store::Store::open((dir_ / "s.db").string(), schema::builtin());
    ASSERT_TRUE(opened) << format(opened.errors());
    store_ = std::make_unique<store::Store>(std::move(opened).value());
    std::vector<std::string> files{std::string(POSTURE_SOURCE_DIR) +
                                   "/collectors/samples/azure-sample.jsonl"};
    fs::path arm = fs::path(POSTURE_SOURCE_DIR) / "tests/data/arm";
    if (fs::is_directory(arm))
      for (const auto& e : fs::directory_iterator(arm))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    std::sort(files.begin() + 1, files.end());
    auto imported = snapshot::import_files(*store_, files);
    ASSERT_TRUE(imported) << format(imported.errors());
    scan_ = imported->scan_id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  int64_t scan_ = 0;
};

TEST_F(CoverageStore, CatalogueAzureQueriesRunOnEveryModelledType) {
  auto queries = azure_queries();
  ASSERT_EQ(queries.size(), 216u) << "the list is expected beside " << POSTURE_CORPUS_DIR;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> failing;
  std::map<std::string, int> ran_by_root;
  int ran = 0;
  exec::Engine engine;
  for (const auto& q : queries) {
    std::string root = root_field(q.text);
    auto compiled = engine.compile(q.text);
    if (!compiled) {
      failing[root].emplace_back(q.slug, reason_of(compiled.errors()));
      continue;
    }
    std::ostringstream out;
    auto status = exec::execute(*compiled, *store_, scan_, out);
    if (!status) {
      failing[root].emplace_back(q.slug, reason_of(status.errors()));
      continue;
    }
    auto response = nlohmann::json::parse(out.str(), nullptr, false);
    if (!response.is_object() || !response.contains("data")) {
      failing[root].emplace_back(q.slug, "[response] not a GraphQL data response");
      continue;
    }
    ++ran_by_root[root];
    ++ran;
  }
  std::cout << "catalogue Azure/Entra queries: " << ran << " of " << queries.size()
            << " compile and run\n";
  for (const auto& [root, n] : ran_by_root) std::cout << "  runs  " << n << "\t" << root << "\n";
  for (const auto& [root, list] : failing) {
    std::cout << "  fails " << list.size() << "\t" << root << "\n";
    for (const auto& [slug, reason] : list)
      std::cout << "        " << slug << ": " << reason << "\n";
  }
  EXPECT_GE(ran, kFloor) << "a query that ran before no longer does";
}

}  // namespace
}  // namespace posture
