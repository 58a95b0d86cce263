// `lienthong codes` and the "codes" config section, run in-process over the sample tables.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

int run_codes(const std::vector<std::string>& args);

namespace {

const std::string kDir = std::string(LIENTHONG_SOURCE_DIR) + "/mappings/codes";

struct Run {
  int rc;
  std::string out, err;
};

// Captures std::cout/std::cerr; restores them even when the command throws.
struct Capture {
  std::ostringstream out, err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  ~Capture() {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
  }
};

Run run(std::vector<std::string> args) {
  Capture c;
  int rc = run_codes(args);
  return {rc, c.out.str(), c.err.str()};
}

TEST(CmdCodes, LookupPrintsTheEntryValidOnTheDate) {
  auto r = run({"lookup", "commune", "13288", "--on", "2025-06-30", "--dir", kDir, "--json"});
  EXPECT_EQ(r.rc, kExitOk) << r.err;
  EXPECT_NE(r.out.find("\"name\":\"Phường Lê Hồng Phong\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"valid_to\":\"2025-07-01\",\"replaced_by\":[\"13285\"]"), std::string::npos)
      << r.out;
}

TEST(CmdCodes, LookupAfterRetirementFailsNamingCodeAndDate) {
  auto r = run({"lookup", "commune", "13288", "--on", "2025-07-01", "--dir", kDir});
  EXPECT_EQ(r.rc, kExitFailure);
  EXPECT_NE(r.err.find("commune code '13288' is not valid on 2025-07-01"), std::string::npos) << r.err;
}

TEST(CmdCodes, DiffAcrossTheReformListsTheMergerOfProvinces) {
  auto r = run({"diff", "--from", "2025-06-30", "--to", "2025-07-01", "--dir", kDir, "--json"});
  EXPECT_EQ(r.rc, kExitOk) << r.err;
  EXPECT_NE(
      r.out.find(
          R"({"change":"merged","kind":"province","date":"2025-07-01","from":["35","36","37"],"to":["37"]})"),
      std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(
          R"({"change":"split","kind":"commune","date":"2025-07-01","from":["13774"],"to":["13771","13780"]})"),
      std::string::npos)
      << r.out;
  auto text = run({"diff", "--from", "2025-06-30", "--to", "2025-07-01", "--dir", kDir});
  EXPECT_NE(text.out.find("retired  district  347"), std::string::npos) << text.out;
  auto none = run({"diff", "--from", "2025-07-01", "--to", "2025-12-31", "--dir", kDir});
  EXPECT_NE(none.out.find("0 change(s)"), std::string::npos) << none.out;
}

TEST(CmdCodes, TranslateFollowsTheSplitRuleForTheGivenCommune) {
  auto r = run({"translate", "agency", "000.20.47.H35", "--on", "2025-05-01", "--today", "2026-01-01",
                "--commune", "13288", "--dir", kDir});
  EXPECT_EQ(r.rc, kExitOk) << r.err;
  EXPECT_NE(r.out.find("-> 000.21.01.H37"), std::string::npos) << r.out;
}

TEST(CmdCodes, BadDateIsAUsageError) {
  EXPECT_THROW(run({"lookup", "commune", "13288", "--on", "30/06/2025", "--dir", kDir}), UsageError);
  EXPECT_THROW(run({"diff", "--from", "2025-07-01", "--dir", kDir}), UsageError);
}

TEST(CmdCodes, BrokenTablesDirectoryIsAConfigFailure) {
  auto r = run({"lookup", "commune", "1", "--on", "2025-06-30", "--dir", "/nonexistent/codes"});
  EXPECT_EQ(r.rc, kExitConfig);
  EXPECT_NE(r.err.find("/nonexistent/codes"), std::string::npos) << r.err;
}

std::string write_config(const std::string& name, const std::string& body) {
  auto path = std::filesystem::temp_directory_path() /
              ("lienthong_codes_" + name + "_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << body;
  return path.string();
}

TEST(CodesConfig, MinimalSectionIsAccepted) {
  auto path = write_config("ok", R"({"codes": {"dir": ")" + kDir + R"("}})");
  EXPECT_NO_THROW(check_config(path));
  std::filesystem::remove(path);
}

TEST(CodesConfig, UnknownKeyAndMissingDirectoryAreRefused) {
  auto typo = write_config("typo", R"({"codes": {"dri": "x"}})");
  try {
    check_config(typo);
    ADD_FAILURE() << "accepted an unknown key";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("dri"), std::string::npos) << e.what();
  }
  auto missing = write_config("missing", R"({"codes": {"dir": "/nonexistent/codes"}})");
  try {
    check_config(missing);
    ADD_FAILURE() << "accepted a missing directory";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("codes.dir"), std::string::npos) << e.what();
  }
  std::filesystem::remove(typo);
  std::filesystem::remove(missing);
}

}  // namespace
}  // namespace lienthong::app
