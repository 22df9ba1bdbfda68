// Every example of docs/query-language.md is a test: the ```jsonl block is the
// inventory, each ```graphql block runs on it, and the line after the block says
// what it returns ("Returns: A, B", "Returns, in order: ...", "Returns: nothing")
// or which error it gives ("Error: `code`"). Keeps the documentation true.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "engine/exec/engine.hpp"

namespace posture {
namespace {

namespace fs = std::filesystem;

struct Example {
  int line = 0;  // of the ```graphql fence
  std::string query;
  std::string expectation;  // the line after the block
};

struct Doc {
  std::string inventory;
  std::vector<Example> examples;
};

Doc read_doc() {
  std::ifstream in(std::string(POSTURE_SOURCE_DIR) + "/docs/query-language.md");
  Doc doc;
  std::string line, block, lang;
  int number = 0, fence_line = 0;
  bool inside = false, want_expectation = false;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line.rfind("```", 0) == 0 && line.size() > 3) {
      inside = true, lang = line.substr(3), block.clear(), fence_line = number;
    } else if (inside && line == "```") {
      inside = false;
      if (lang == "jsonl" && doc.inventory.empty()) doc.inventory = block;
      if (lang == "graphql")
        doc.examples.push_back({fence_line, block, ""}), want_expectation = true;
    } else if (inside) {
      block += line + "\n";
    } else if (want_expectation && !line.empty()) {
      doc.examples.back().expectation = line;
      want_expectation = false;
    }
  }
  return doc;
}

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty() && item != "nothing") out.push_back(item);
  }
  return out;
}

TEST(DocsExamples, EveryExampleReturnsWhatTheDocSays) {
  Doc doc = read_doc();
  ASSERT_FALSE(doc.inventory.empty()) << "docs/query-language.md lost its inventory";
  ASSERT_GE(doc.examples.size(), 30u);
  fs::path dir = fs::temp_directory_path() / ("posture-docs-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "inventory.jsonl") << doc.inventory;
  auto store = store::Store::open((dir / "docs.db").string(), posture::schema::builtin());
  ASSERT_TRUE(store) << format(store.errors());
  auto imported = snapshot::import_files(*store, {(dir / "inventory.jsonl").string()});
  ASSERT_TRUE(imported) << format(imported.errors());
  for (const auto& ex : doc.examples) {
    SCOPED_TRACE("docs/query-language.md:" + std::to_string(ex.line) + "\n" + ex.query);
    auto compiled = exec::Engine().compile(ex.query);
    if (ex.expectation.rfind("Error:", 0) == 0) {
      ASSERT_FALSE(compiled);
      std::string code = ex.expectation.substr(ex.expectation.find('`') + 1);
      code.resize(code.find('`'));
      EXPECT_EQ(compiled.errors().front().code, code);
      continue;
    }
    ASSERT_TRUE(compiled) << format(compiled.errors());
    ASSERT_EQ(ex.expectation.rfind("Returns", 0), 0u)
        << "an example needs a Returns: or Error: line";
    bool ordered = ex.expectation.rfind("Returns, in order:", 0) == 0;
    std::vector<std::string> expected =
        split_names(ex.expectation.substr(ex.expectation.find(':') + 1));
    std::ostringstream out;
    auto status = exec::execute(*compiled, *store, imported->scan_id, out);
    ASSERT_TRUE(status) << format(status.errors());
    std::vector<std::string> actual;
    nlohmann::json response = nlohmann::json::parse(out.str());
    for (const auto& c : response["data"].begin().value())
      actual.push_back(c["name"].get<std::string>());
    if (!ordered) {
      std::sort(expected.begin(), expected.end());
      std::sort(actual.begin(), actual.end());
    }
    EXPECT_EQ(actual, expected);
  }
  store = Diagnostic::error("closed", "");  // close before removing the files
  fs::remove_all(dir);
}

}  // namespace
}  // namespace posture
