// Long work shows its progress on a terminal from the start: import (bytes of
// the total, objects, rate), collect (subscriptions, requests, retries, and
// each throttling wait as it happens), check (checks done of the total).
// Nothing of it when stderr is not a terminal, or with -q.
#include <algorithm>
#include <string>
#include <vector>

#include "integration/support/cli_fixture.hpp"

namespace posture::testing {
namespace {

class CliProgressTest : public CliFixture {
 protected:
  std::string sample() const {
    return std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl";
  }
};

TEST_F(CliProgressTest, ImportShowsBytesObjectsOnATerminalOnly) {
  auto shown = on_terminal({"import", "--db", path("a.db"), sample()});
  EXPECT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("\rimport: 0 B of "), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(" objects"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("imported scan 1"), std::string::npos) << shown.out;

  auto piped = posture({"import", "--db", path("b.db"), sample()});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("import: "), std::string::npos) << piped.err;

  auto quiet = on_terminal({"import", "-q", "--db", path("c.db"), sample()});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out;
  EXPECT_EQ(quiet.out.find("import: "), std::string::npos) << quiet.out;
}

// generate's summary is for a person: on stderr, and not with --quiet, so
// that stdout holds nothing but the inventory (with --out -) or nothing.
TEST_F(CliProgressTest, GenerateSaysWhatItWroteOnStderrUnlessQuiet) {
  auto said = posture({"generate", "--connectors", "3", "--out", path("g.jsonl")});
  EXPECT_EQ(said.exit_code, 0) << said.err;
  EXPECT_EQ(said.out, "");
  EXPECT_NE(said.err.find("wrote 3 connectors"), std::string::npos) << said.err;

  auto quiet = posture({"-q", "generate", "--connectors", "3", "--out", path("q.jsonl")});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(quiet.err, "");

  auto piped = posture({"-q", "generate", "--connectors", "3", "--out", "-"});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(std::count(piped.out.begin(), piped.out.end(), '\n'), 6) << piped.out;
  EXPECT_EQ(piped.err, "");
}

TEST_F(CliProgressTest, CheckShowsChecksDoneOnATerminalOnly) {
  import_sample(path("s.db"));
  auto shown = on_terminal({"check", "--db", path("s.db"), "--jobs", "1"});
  EXPECT_EQ(shown.exit_code, 1) << shown.out;
  // The 71 stored checks: 4 on security contacts, 67 on Defender plans and other resources.
  EXPECT_NE(shown.out.find("\rcheck: 0/71 checks"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("azure-security-contact-configured"), std::string::npos);

  auto piped = posture({"check", "--db", path("s.db")});
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_EQ(piped.err.find("check: "), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;

  auto quiet = on_terminal({"check", "--db", path("s.db"), "-q"});
  EXPECT_EQ(quiet.out.find("check: 0/"), std::string::npos) << quiet.out;
}

TEST_F(CliProgressTest, CollectShowsThrottlingWaitsAsTheyHappen) {
  mock.add_subscriptions(3);
  mock.add_fault(MockArm::guid(1) + "/providers", Fault::throttle(1));
  std::vector<std::string> args{"collect",        "azure",    "--db",      path("c.db"),
                                "--arm-endpoint", mock.url(), "--timeout", "2"};
  std::string token = std::string("AZURE_ACCESS_TOKEN=") + MockArm::kStaticToken;
  auto shown = on_terminal(args, {token});
  EXPECT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("\rcollect azure: listing subscriptions"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("throttled (HTTP 429): waiting 1.0 s"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("3/3 subscriptions"), std::string::npos) << shown.out;

  mock.add_fault(MockArm::guid(1) + "/providers", Fault::throttle(1));
  args[3] = path("d.db");
  auto piped = posture(args, {token});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find("collect azure: "), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("1 throttled"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace posture::testing
