// The public grc-cms catalogue through the whole front end: every query is
// parsed and analysed against our schema. Queries about types our schema lacks
// get "unknown-root-field"; the queries about connectors and security contacts
// compile and run on a store. Prints the counts by outcome.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "engine/exec/engine.hpp"
#include "engine/syntax/parser.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;

struct CorpusQuery {
  std::string file;
  std::string text;
};

std::vector<CorpusQuery> corpus() {
  std::vector<CorpusQuery> out;
  fs::path dir = fs::path(POSTURE_CORPUS_DIR) / "queries";
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_object() && doc["query"].is_string())
      out.push_back({entry.path().filename().string(), doc["query"].get<std::string>()});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

TEST(Corpus, EveryQueryIsParsedAndAnalysedWithoutACrash) {
  auto queries = corpus();
  ASSERT_EQ(queries.size(), 673u) << "the corpus is expected at " << POSTURE_CORPUS_DIR;
  std::map<std::string, int> outcomes;
  std::vector<std::string> compiled_ok;
  exec::Engine engine;
  for (const auto& q : queries) {
    auto doc = syntax::parse(q.text, q.file);
    ASSERT_TRUE(doc) << q.file << ": " << format(doc.errors());
    if (doc->empty()) {
      ++outcomes["manual (no query)"];
      continue;
    }
    semantic::AnalyzeOptions options;
    options.source_name = q.file;
    auto compiled = engine.compile(std::move(doc).value(), options);
    if (compiled) {
      ++outcomes["compiles"];
      compiled_ok.push_back(q.file);
    } else {
      // Count a query once, by its most telling error: a root field we do not model.
      std::string code = compiled.errors().front().code;
      for (const auto& e : compiled.errors())
        if (e.code == "unknown-root-field") code = e.code;
      ++outcomes["error " + code];
    }
  }
  std::cout << "grc-cms corpus, " << queries.size() << " queries:\n";
  for (const auto& [kind, n] : outcomes) std::cout << "  " << n << "\t" << kind << "\n";
  EXPECT_EQ(outcomes["manual (no query)"], 1);
  // Most of the catalogue is about types we do not model (other clouds'
  // buckets, instances...): 442 of its queries when Azure's web apps, NSGs,
  // key vault keys, SQL databases and the Entra ID tenant came in.
  EXPECT_GT(outcomes["error unknown-root-field"], 400);
  for (const char* f : {"azure-connectors-without-additional-security-contact-emails.json",
                        "azure-connectors-without-notification-for-alerts.json",
                        "azure-connectors-without-owner-notifications.json"})
    EXPECT_NE(std::find(compiled_ok.begin(), compiled_ok.end(), f), compiled_ok.end()) << f;
}

TEST(Corpus, QueriesAboutSecurityContactsRunOnTheStore) {
  fs::path dir = fs::temp_directory_path() / ("posture-corpus-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    auto store = store::Store::open((dir / "s.db").string(), posture::schema::builtin());
    ASSERT_TRUE(store) << format(store.errors());
    auto imported = snapshot::import_files(
        *store, {std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"});
    ASSERT_TRUE(imported) << format(imported.errors());
    int ran = 0;
    for (const auto& q : corpus()) {
      if (q.text.find("securityContacts") == std::string::npos) continue;
      auto compiled = exec::Engine().compile(q.text);
      ASSERT_TRUE(compiled) << q.file << ": " << format(compiled.errors());
      std::ostringstream out;
      auto status = exec::execute(*compiled, *store, imported->scan_id, out);
      ASSERT_TRUE(status) << q.file << ": " << format(status.errors());
      auto response = nlohmann::json::parse(out.str());
      EXPECT_FALSE(response["data"]["connectors"].empty())
          << q.file << ": the sample fails each of them";
      ++ran;
    }
    EXPECT_EQ(ran, 3);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace posture
