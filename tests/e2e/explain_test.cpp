// `posture explain` through the real program, on the seed query: it prints the
// IR as analysed and as optimised (the optimizer merges the two quantifiers
// over securityContacts that test the email into one), the SQL compiled from
// the optimised IR with its parameters, and with --db the store's plan.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/exec/engine.hpp"
#include "tests/support/process.hpp"

namespace {

namespace fs = std::filesystem;

constexpr const char* kSeed =
    R"({ connectors(where: { OR: [ { securityContacts_SOME: null } )"
    R"({ securityContacts_SOME: { email: null } } )"
    R"({ securityContacts_SOME: { email: { eq: "" } } } ] }) { id } })";

posture::testing::ProcessResult posture_run(const std::vector<std::string>& args) {
  return posture::testing::run_process_in_env(POSTURE_BINARY, args);
}

// The output's sections ("-- analysed IR" -> its lines), for one root field.
std::map<std::string, std::string> sections(const std::string& out) {
  std::map<std::string, std::string> by_name;
  std::istringstream in(out);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("-- ", 0) == 0) {
      current = line.substr(3);
      by_name[current];
    } else if (!current.empty()) {
      by_name[current] += line + "\n";
    }
  }
  return by_name;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Explain, ShowsBothIRsAndTheSQLOfTheOptimisedOne) {
  auto r = posture_run({"explain", "-e", kSeed});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("== connectors (Connector)\n", 0), 0u) << r.out;
  auto s = sections(r.out);
  ASSERT_TRUE(s.count("analysed IR")) << r.out;
  ASSERT_TRUE(s.count("optimised IR")) << r.out;
  ASSERT_TRUE(s.count("sql")) << r.out;
  ASSERT_TRUE(s.count("parameters")) << r.out;
  EXPECT_FALSE(s.count("plan")) << "no plan without --db";
  EXPECT_EQ(count(s["analysed IR"], "securityContacts some"), 3u) << s["analysed IR"];
  EXPECT_EQ(count(s["optimised IR"], "securityContacts some"), 2u) << s["optimised IR"];

  auto compiled = posture::exec::Engine().compile(kSeed);
  ASSERT_TRUE(compiled.ok());
  const std::string& sql = compiled->statements.at(0).sql;
  EXPECT_EQ(sql, posture::sql::compile_root(compiled->optimised.roots.at(0)).sql);
  EXPECT_NE(sql, posture::sql::compile_root(compiled->analysed.roots.at(0)).sql)
      << "the seed query's optimised IR compiles differently";
  EXPECT_EQ(s["sql"], "  " + sql + "\n");
  EXPECT_EQ(s["parameters"], "  :scan = <scan id>\n  :p1 = \"\"\n");
}

TEST(Explain, ShowsTheStoresPlanWithADb) {
  std::string pattern = (fs::temp_directory_path() / "posture-explain-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  fs::path dir = pattern;
  std::string db = (dir / "assets.db").string();
  fs::path sample = fs::path(POSTURE_SOURCE_DIR) / "collectors" / "samples" / "azure-sample.jsonl";
  auto import = posture_run({"import", "--db", db, sample.string()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  auto r = posture_run({"explain", "--db", db, "-e", kSeed});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto s = sections(r.out);
  ASSERT_TRUE(s.count("plan")) << r.out;
  EXPECT_NE(s["plan"].find("connector"), std::string::npos) << s["plan"];
  EXPECT_EQ(s["plan"].find("no plan"), std::string::npos) << s["plan"];
  fs::remove_all(dir);
}

}  // namespace
