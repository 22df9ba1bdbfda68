// libcurl and libpq are loaded when a command needs them (base/dynlib.hpp),
// not at every start: with a directory first on LD_LIBRARY_PATH holding files
// of their names that are no libraries, the commands on a SQLite store still
// work (a linked library would stop the process before main), and collect
// and a PostgreSQL store say which library could not be loaded and why.
#include <filesystem>
#include <string>
#include <vector>

#include "integration/support/cli_fixture.hpp"

namespace posture::testing {
namespace {

class CliLibrariesTest : public CliFixture {
 protected:
  // The environment that makes the real libraries unreachable.
  std::vector<std::string> broken_libraries() {
    std::filesystem::create_directories(path("lib"));
    for (const char* name : {"libcurl.so.4", "libpq.so.5"})
      write("lib/" + std::string(name), "not a shared library\n");
    return {"LD_LIBRARY_PATH=" + path("lib")};
  }
};

TEST_F(CliLibrariesTest, CommandsOnASqliteStoreDoNotLoadLibcurlOrLibpq) {
  std::string db = path("inventory.db");
  import_sample(db);
  auto env = broken_libraries();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--version"},
        {"query", "--db", db, "-e", "{ connectors { id } }"},
        {"import", "--db", path("second.db"),
         std::string(POSTURE_SOURCE_DIR) + "/collectors/samples/azure-sample.jsonl"},
        {"scans", "--db", db}}) {
    auto r = posture(args, env);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_FALSE(r.out.empty() && r.err.empty()) << args[0];
  }
  auto check = posture({"check", "--db", db}, env);
  EXPECT_EQ(check.exit_code, 1) << check.err;  // the sample fails checks, as it should
}

TEST_F(CliLibrariesTest, CollectAndPostgresqlNameTheLibraryTheyCannotLoad) {
  auto env = broken_libraries();
  mock.add_subscriptions(1);
  mock.accept_token("token-1");
  env.push_back("AZURE_ACCESS_TOKEN=token-1");
  auto collect = posture({"collect", "azure", "--db", path("c.db"), "--arm-endpoint", mock.url(),
                          "--authority", mock.url(), "--graph-endpoint", mock.url()},
                         env);
  EXPECT_EQ(collect.exit_code, 2) << collect.err;
  EXPECT_NE(collect.err.find("cannot load libcurl.so.4, which Azure collection and sign-in need"),
            std::string::npos)
      << collect.err;
  EXPECT_TRUE(mock.requests().empty()) << "nothing reached the server";

  auto pg = posture({"scans", "--db", "postgresql:///posture?host=" + path("nosocket")}, env);
  EXPECT_EQ(pg.exit_code, 2) << pg.err;
  EXPECT_NE(pg.err.find("cannot load libpq.so.5, which PostgreSQL stores need"), std::string::npos)
      << pg.err;
}

}  // namespace
}  // namespace posture::testing
