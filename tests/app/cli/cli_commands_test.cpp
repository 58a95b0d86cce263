// Every `lienthong` command through the real binary: its --help lists its options and the
// exit codes, and an option it does not know exits 2 naming that option.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/commands.hpp"
#include "tests/integration/common/process.hpp"

namespace lienthong {
namespace {

namespace fs = std::filesystem;

// What each command's help must show (a few options of each of its subcommands).
const std::map<std::string, std::vector<std::string>>& expected_options() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"config", {"check", "FILE", "--json"}},
      {"serve", {"--config"}},
      {"sync", {"--config", "--json", "--from-start", "--no-push"}},
      {"quarantine",
       {"list", "show", "release", "retry", "count", "--source", "--all", "--limit", "--payload",
        "--format"}},
      {"outbox",
       {"list", "show", "replay", "discard", "counts", "prune", "--state", "--destination", "--limit",
        "--after", "--payload", "--all-dead", "--older-than-days", "--format"}},
      {"codes",
       {"lookup", "translate", "diff", "--on", "--today", "--commune", "--from", "--to", "--dir",
        "--format"}},
      {"audit",
       {"verify", "export", "--file", "--public-key", "--chain-only", "--anchors", "--record",
        "--signing-key", "--from", "--to", "--out"}},
      {"calendar",
       {"due", "holidays", "lunar", "check", "--from", "--days", "--hours", "--agency", "--all", "--today",
        "--calendar-dir"}},
      {"kpi", {"--period", "--by", "--indicator", "--group-as", "--as-of", "--format"}},
      {"late",
       {"list", "explain", "export", "--period", "--all", "--reason", "--apology", "--by", "--new-due",
        "--format"}},
      {"monitor", {"ack", "deadlines", "due", "--period", "--format"}},
      {"reconcile",
       {"--from", "--to", "--bank", "--treasury", "--treasury-url", "--treasury-secret-env", "--payments",
        "--pull", "--obligations", "--tax-notices", "--tax-vouchers", "--as-of", "--out", "--csv-format",
        "--no-callbacks", "--json", "reconcile refunds"}},
      {"payment", {"receipt", "--ref", "--transaction", "--json"}},
      {"store", {"status", "migrate", "backup", "check", "DEST", "--json"}},
      {"console", {"hash-password"}},
      {"handovers", {"list", "show", "file", "--limit", "--fields", "--out", "--format"}},
  };
  return m;
}

class CliCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  std::pair<int, std::string> lienthong(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, (dir_ / "err.txt").string(),
                        {"LIENTHONG_CONFIG=" + (dir_ / "none.json").string()});
  }
  std::string err() {
    std::ifstream f(dir_ / "err.txt");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(CliCommands, EveryCommandIsInThisTest) {
  for (auto& c : app::commands()) EXPECT_TRUE(expected_options().count(c.name)) << c.name;
  EXPECT_EQ(expected_options().size(), app::commands().size());
}

TEST_F(CliCommands, EveryCommandsHelpListsItsOptionsAndTheExitCodes) {
  for (auto& c : app::commands()) {
    auto [rc, out] = lienthong({c.name, "--help"});
    EXPECT_EQ(rc, 0) << c.name << ": " << err();
    for (const char* code : {"Exit codes: 0", "1 the operation ran and failed", "2 wrong command line",
                             "3 invalid configuration", "70 internal error"})
      EXPECT_NE(out.find(code), std::string::npos) << c.name << " --help lacks '" << code << "':\n" << out;
    auto it = expected_options().find(c.name);
    if (it == expected_options().end()) continue;
    for (auto& o : it->second)
      EXPECT_NE(out.find(o), std::string::npos) << c.name << " --help lacks " << o << ":\n" << out;
  }
}

TEST_F(CliCommands, ASubcommandsHelpListsItsOwnOptionsAndTheExitCodes) {
  auto [rc, out] = lienthong({"outbox", "list", "--help"});
  EXPECT_EQ(rc, 0) << err();
  for (const char* part : {"Usage: lienthong outbox list", "--state", "--format", "table|csv|json", "--json",
                           "--csv", "--config", "70 internal error"})
    EXPECT_NE(out.find(part), std::string::npos) << part << ":\n" << out;
  EXPECT_EQ(out.find("--all-dead"), std::string::npos) << "replay's option in list's help:\n" << out;
  auto [rc2, refunds] = lienthong({"reconcile", "refunds", "--help"});
  EXPECT_EQ(rc2, 0) << err();
  EXPECT_NE(refunds.find("--format"), std::string::npos) << refunds;
  EXPECT_NE(refunds.find("70 internal error"), std::string::npos) << refunds;
}

TEST_F(CliCommands, AnUnknownOptionExitsTwoNamingIt) {
  for (auto& c : app::commands()) {
    auto [rc, out] = lienthong({c.name, "--no-such-option"});
    EXPECT_EQ(rc, 2) << c.name << ": " << out << err();
    EXPECT_NE(err().find("--no-such-option"), std::string::npos) << c.name << ": " << err();
  }
  auto [rc, out] = lienthong({"outbox", "list", "--jsn"});
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(err().find("--jsn"), std::string::npos) << err();
  EXPECT_NE(err().find("lienthong outbox --help"), std::string::npos) << err();
}

TEST_F(CliCommands, AWrongFormatOrAContradictingAliasExitsTwo) {
  auto [rc, out] = lienthong({"quarantine", "list", "--format", "xml"});
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(err().find("--format"), std::string::npos) << err();
  auto [rc2, out2] = lienthong({"outbox", "counts", "--json", "--format", "csv"});
  EXPECT_EQ(rc2, 2) << out2;
  EXPECT_NE(err().find("--json"), std::string::npos) << err();
}

}  // namespace
}  // namespace lienthong
