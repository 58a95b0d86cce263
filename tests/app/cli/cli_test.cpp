#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace lienthong::app::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{"things",
                             "Things to look at.",
                             "A note.",
                             {config_option()},
                             {},
                             {{"list", "the things", {}, {{"state", "STATE", "only this state"}}, true},
                              {"show", "one thing", {{"ID", "its id"}}, {{"payload", "", "with it"}}, true},
                              {"drop", "drops one", {{"ID", "its id"}}, {}},
                              {"export", "to a file", {}, {{"csv", "FILE", "where"}}, true}}};
  return s;
}

Args parsed(const std::vector<std::string>& argv) {
  auto r = parse(spec(), argv);
  EXPECT_TRUE(std::holds_alternative<Args>(r));
  return std::get<Args>(r);
}

std::string usage_error(const std::vector<std::string>& argv) {
  try {
    parse(spec(), argv);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no usage error)";
}

TEST(Cli, SubcommandPositionalsAndOptionsComeBackAsArgsInAnyOrder) {
  Args a = parsed({"--config", "x.json", "show", "7", "--payload"});
  ASSERT_EQ(a.positional().size(), 2u);
  EXPECT_EQ(a.positional()[0], "show");
  EXPECT_EQ(a.positional()[1], "7");
  EXPECT_EQ(a.option("config"), "x.json");
  EXPECT_TRUE(a.flag("payload"));
  EXPECT_EQ(format_of(a), "table");
  Args b = parsed({"list", "--state=dead", "--state", "sent"});  // the last one counts, as before
  EXPECT_EQ(b.option("state"), "sent");
}

TEST(Cli, FormatAndItsJsonAndCsvAliasesAgree) {
  Args json = parsed({"list", "--json"});
  EXPECT_EQ(format_of(json), "json");
  EXPECT_TRUE(json.flag("json"));
  Args csv = parsed({"list", "--format", "csv"});
  EXPECT_EQ(format_of(csv), "csv");
  EXPECT_TRUE(csv.flag("csv"));
  EXPECT_FALSE(csv.flag("json"));
  Args table = parsed({"show", "1", "--format=table"});
  EXPECT_EQ(format_of(table), "table");
  EXPECT_FALSE(table.flag("json"));
  // Where --csv already named a file, it keeps that meaning and --format csv prints CSV.
  Args file = parsed({"export", "--csv", "out.csv"});
  EXPECT_EQ(file.option("csv"), "out.csv");
  EXPECT_EQ(format_of(file), "table");
}

TEST(Cli, WrongUsageIsAUsageErrorNamingTheOption) {
  EXPECT_NE(usage_error({"list", "--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"--bogus", "list"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"list", "--format", "xml"}).find("--format"), std::string::npos);
  EXPECT_NE(usage_error({"list", "--json", "--format", "csv"}).find("--json"), std::string::npos);
  EXPECT_NE(usage_error({"drop", "1", "--payload"}).find("--payload"),
            std::string::npos);  // show's, not drop's
  EXPECT_NE(usage_error({"drop"}).find("ID"), std::string::npos);
  EXPECT_NE(usage_error({"frobnicate"}).find("frobnicate"), std::string::npos);
  EXPECT_NE(usage_error({"--config", "x.json"}).find("missing subcommand"), std::string::npos);
  EXPECT_NE(usage_error({"list", "--state"}).find("--state"), std::string::npos);
}

TEST(Cli, HelpIsGeneratedFromTheDeclarationsWithTheExitCodes) {
  std::string h = help(spec());
  for (const char* part : {"Things to look at.", "list", "show", "drop", "--state", "STATE", "--payload",
                           "ID", "--config", "--format", "table|csv|json", "--json", "--csv", "A note.",
                           "Exit codes: 0", "1 the operation ran and failed", "2 wrong command line",
                           "3 invalid configuration", "70 internal error"})
    EXPECT_NE(h.find(part), std::string::npos) << part << " missing from:\n" << h;
}

TEST(Cli, HelpAskedForIsExitZeroAndNoArgumentsAtAllIsExitTwo) {
  testing::internal::CaptureStdout();
  auto asked = parse(spec(), {"--help"});
  auto sub = parse(spec(), {"list", "-h"});
  auto none = parse(spec(), {});
  std::string out = testing::internal::GetCapturedStdout();
  ASSERT_TRUE(std::holds_alternative<int>(asked));
  EXPECT_EQ(std::get<int>(asked), 0);
  ASSERT_TRUE(std::holds_alternative<int>(sub));
  EXPECT_EQ(std::get<int>(sub), 0);
  ASSERT_TRUE(std::holds_alternative<int>(none));
  EXPECT_EQ(std::get<int>(none), 2);
  EXPECT_NE(out.find("Usage: lienthong things list"), std::string::npos) << out;
}

}  // namespace
}  // namespace lienthong::app::cli
