// report::Output: a report file appears at its path whole or not at all, and
// replacing an earlier report leaves nothing beside it.
#include "engine/report/output.hpp"

#include "base/diagnostic.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace posture::report {
namespace {

namespace fs = std::filesystem;

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("posture-output-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void spit(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(OutputTest, ANewReportAppearsOnlyOnCommit) {
  const fs::path path = dir_ / "report.json";
  auto out = Output::open(path.string());
  ASSERT_TRUE(out.ok()) << format(out.errors());
  out->stream() << "{\"new\":true}\n";
  EXPECT_FALSE(fs::exists(path)) << "nothing at the path before the commit";
  ASSERT_TRUE(out->commit().ok());
  EXPECT_EQ(slurp(path), "{\"new\":true}\n");
  EXPECT_EQ(names(), std::vector<std::string>{"report.json"});
}

// The earlier report stays readable at its path until the new one replaces
// it (it is moved aside only at the commit), and nothing is left beside it.
TEST_F(OutputTest, AnEarlierReportIsReplacedAndNothingIsLeftBeside) {
  const fs::path path = dir_ / "report.json";
  spit(path, std::string(1 << 20, 'o'));
  auto out = Output::open(path.string());
  ASSERT_TRUE(out.ok()) << format(out.errors());
  out->stream() << std::string(3 << 20, 'n');
  out->stream().flush();
  EXPECT_EQ(slurp(path), std::string(1 << 20, 'o'));
  ASSERT_TRUE(out->commit().ok());
  EXPECT_EQ(slurp(path), std::string(3 << 20, 'n'));
  EXPECT_EQ(names(), std::vector<std::string>{"report.json"});
}

TEST_F(OutputTest, AnUncommittedReportLeavesTheEarlierOneAsItWas) {
  const fs::path path = dir_ / "report.csv";
  spit(path, "old\n");
  {
    auto out = Output::open(path.string());
    ASSERT_TRUE(out.ok()) << format(out.errors());
    out->stream() << "half a rep";
  }  // destroyed without commit: a failed run
  EXPECT_EQ(slurp(path), "old\n");
  EXPECT_EQ(names(), std::vector<std::string>{"report.csv"});
}

// A directory at the path is not moved aside: the commit fails, naming the
// path, and the directory and what it holds stay where they were.
TEST_F(OutputTest, ADirectoryAtThePathIsAnErrorThatLeavesItInPlace) {
  const fs::path path = dir_ / "reports";
  fs::create_directories(path);
  spit(path / "kept.txt", "kept");
  {
    auto out = Output::open(path.string());
    ASSERT_TRUE(out.ok()) << format(out.errors());
    out->stream() << "{}";
    auto committed = out->commit();
    ASSERT_FALSE(committed.ok());
    const std::string message = format(committed.errors());
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("cannot move the report into place"), std::string::npos) << message;
  }
  EXPECT_TRUE(fs::is_directory(path));
  EXPECT_EQ(slurp(path / "kept.txt"), "kept");
  EXPECT_EQ(names(), std::vector<std::string>{"reports"});
}

}  // namespace
}  // namespace posture::report
