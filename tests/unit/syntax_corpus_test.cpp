// The public catalogue's queries (POSTURE_CORPUS_DIR/queries/*.json, each
// with a "query" string) all parse: 547 full documents, 125 in the
// bare-selection shorthand and the manual placeholder as an empty document.
// A missing corpus is a failure, not a skip: the counts are the point. Also
// parses it on several threads at once, as bulk evaluation may.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/syntax/parser.hpp"

namespace posture::syntax {
namespace {

namespace fs = std::filesystem;

struct CorpusQuery {
  std::string file;
  std::string query;
};

std::vector<CorpusQuery> load_corpus(const fs::path& dir) {
  std::vector<CorpusQuery> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::string query = json.is_object() && json.contains("query") && json["query"].is_string()
                            ? json["query"].get<std::string>()
                            : std::string("<no query string in this file>");
    out.push_back({entry.path().filename().string(), std::move(query)});
  }
  std::sort(out.begin(), out.end(),
            [](const CorpusQuery& a, const CorpusQuery& b) { return a.file < b.file; });
  return out;
}

TEST(syntax_corpus, EveryCatalogueQueryParses) {
  const fs::path dir = fs::path(POSTURE_CORPUS_DIR) / "queries";
  ASSERT_TRUE(fs::is_directory(dir))
      << "the query corpus is missing: expected the catalogue's *.json files in " << dir.string()
      << " (POSTURE_CORPUS_DIR)";
  std::vector<CorpusQuery> corpus = load_corpus(dir);

  int full = 0, bare = 0, empty = 0, failed = 0;
  auto start = std::chrono::steady_clock::now();
  for (const CorpusQuery& q : corpus) {
    auto result = parse(q.query, q.file);
    if (!result.ok()) {
      ++failed;
      ADD_FAILURE() << format(result.errors());
      continue;
    }
    if (result->empty()) {
      ++empty;
      EXPECT_EQ(q.file, "manual.json") << "only the manual placeholder is empty";
    } else if (result->bare_selection) {
      ++bare;
    } else {
      ++full;
    }
  }
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);

  // A second pass: ANTLR's prediction caches are warm now.
  auto warm_start = std::chrono::steady_clock::now();
  for (const CorpusQuery& q : corpus) (void)parse(q.query, q.file);
  auto warm =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - warm_start);

  std::cout << "corpus: " << corpus.size() << " files, " << full << " full documents, " << bare
            << " bare selections, " << empty << " empty, " << failed << " failed; parsed in "
            << elapsed.count() << " ms (first pass), " << warm.count() << " ms (warm)\n";
  EXPECT_EQ(corpus.size(), 673u);
  EXPECT_EQ(full + bare, 672);
  EXPECT_EQ(full, 547);
  EXPECT_EQ(bare, 125);
  EXPECT_EQ(empty, 1);
  EXPECT_EQ(failed, 0);
}

// Bulk evaluation parses checks on several threads; ANTLR's prediction
// caches are shared between parsers, so this must hold.
TEST(syntax_corpus, ParsesOnSeveralThreadsAtOnce) {
  const fs::path dir = fs::path(POSTURE_CORPUS_DIR) / "queries";
  ASSERT_TRUE(fs::is_directory(dir)) << "the query corpus is missing: " << dir.string();
  const std::vector<CorpusQuery> corpus = load_corpus(dir);
  std::vector<int> parsed(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < parsed.size(); ++t)
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < corpus.size(); ++i) {
        const CorpusQuery& q = corpus[(i + t * 97) % corpus.size()];  // different orders
        parsed[t] += parse(q.query, q.file).ok() ? 1 : 0;
      }
    });
  for (std::thread& thread : threads) thread.join();
  for (int count : parsed) EXPECT_EQ(count, static_cast<int>(corpus.size()));
}

TEST(syntax_corpus, TheManualPlaceholderIsAnEmptyDocument) {
  const fs::path file = fs::path(POSTURE_CORPUS_DIR) / "queries" / "manual.json";
  ASSERT_TRUE(fs::exists(file)) << "the query corpus is missing: " << file.string();
  std::ifstream in(file);
  nlohmann::json json = nlohmann::json::parse(in);
  auto result = parse(json.at("query").get<std::string>(), "manual.json");
  ASSERT_TRUE(result.ok()) << format(result.errors());
  EXPECT_TRUE(result->empty());
  EXPECT_FALSE(result->bare_selection);
}

TEST(syntax_corpus, TheSeedCheckOfTheCatalogueIsRead) {
  const fs::path file = fs::path(POSTURE_CORPUS_DIR) / "queries" /
                        "azure-connectors-without-additional-security-contact-emails.json";
  ASSERT_TRUE(fs::exists(file)) << "the query corpus is missing: " << file.string();
  std::ifstream in(file);
  auto result = parse(nlohmann::json::parse(in).at("query").get<std::string>(), file.string());
  ASSERT_TRUE(result.ok()) << format(result.errors());
  ASSERT_EQ(result->operations.size(), 1u);
  ASSERT_FALSE(result->operations[0].selections.empty());
  EXPECT_EQ(result->operations[0].selections[0].name, "connectors");
}

}  // namespace
}  // namespace posture::syntax
