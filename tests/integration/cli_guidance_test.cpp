// The `posture` program guides a user who mistypes: an unknown command or
// option is named with the nearest real one, a mistyped option is reported
// even when a required option is missing too, global options are accepted
// after the subcommand, and the usage line says `posture`, not a build path.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace posture::testing {
namespace {

ProcessResult posture(const std::vector<std::string>& args) {
  return run_process(POSTURE_BINARY, args, {});
}

TEST(CliGuidance, AnUnknownCommandSuggestsTheNearest) {
  auto r = posture({"chek", "--db", "x.db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'chek'; did you mean 'check'?"), std::string::npos)
      << r.err;
  auto far = posture({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown command 'frobnicate'"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST(CliGuidance, AMistypedOptionIsNamedBeforeAMissingRequiredOne) {
  auto r = posture({"check", "--dbb", "x.db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option '--dbb' for 'posture check'; did you mean '--db'?"),
            std::string::npos)
      << r.err;
  auto with_value = posture({"import", "--db", "x.db", "--formt=json", "a.jsonl"});
  EXPECT_EQ(with_value.exit_code, 2);
  EXPECT_NE(with_value.err.find("unknown option '--formt'"), std::string::npos) << with_value.err;
  EXPECT_FALSE(std::filesystem::exists("x.db"));
}

TEST(CliGuidance, QuietIsAcceptedAfterTheSubcommand) {
  auto before = posture({"-q", "schema"});
  auto after = posture({"schema", "-q"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  EXPECT_NE(after.out.find("type Connector"), std::string::npos);
}

TEST(CliGuidance, UsageNamesTheProgramNotItsPath) {
  auto r = posture({"check", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: posture check"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(POSTURE_BINARY), std::string::npos) << r.out;
}

}  // namespace
}  // namespace posture::testing
