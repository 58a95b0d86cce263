#include "sim/common/sim_cli.hpp"

#include <gtest/gtest.h>

#include "sim/token/token_sim.hpp"

namespace lienthong::sim {
namespace {

const SimSpec& spec() {
  static const SimSpec s{"example",
                         "An example simulator.",
                         "",
                         {{"gateway", "URL", "base URL"}, {"count", "N", "how many"}, {"soap", "", "SOAP"}},
                         true};
  return s;
}

std::string refusal(const std::vector<std::string>& argv) {
  try {
    parse_sim_args(spec(), argv);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(SimCli, DeclaredOptionsFlagsAndFaultOptionsAreRead) {
  auto a = parse_sim_args(spec(), {"--gateway=http://x", "--count", "3", "--soap", "--fail-5xx", "0.5"});
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->str("gateway", ""), "http://x");
  EXPECT_EQ(a->integer("count", 1, 1, 10), 3);
  EXPECT_TRUE(a->has("soap"));
  EXPECT_DOUBLE_EQ(a->faults().fail_5xx, 0.5);
  auto none = parse_sim_args(spec(), {});
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has("soap"));
  EXPECT_EQ(none->integer("count", 1, 1, 10), 1);
}

TEST(SimCli, WrongCommandLinesAreRefusedNamingTheOption) {
  EXPECT_NE(refusal({"--bogus", "1"}).find("--bogus"), std::string::npos);
  EXPECT_NE(refusal({"--count"}).find("--count"), std::string::npos);
  EXPECT_NE(refusal({"stray"}).find("stray"), std::string::npos);
  auto a = parse_sim_args(spec(), {"--count", "many"});
  ASSERT_TRUE(a.has_value());
  EXPECT_THROW(a->integer("count", 1, 1, 10), std::invalid_argument);
}

TEST(SimCli, HelpIsGeneratedFromTheDeclarations) {
  std::string h = sim_help(spec());
  for (const char* part : {"lienthong-sim example", "An example simulator.", "--gateway URL", "--count N",
                           "--soap", "--fail-5xx", "--seed"})
    EXPECT_NE(h.find(part), std::string::npos) << part << ":\n" << h;
  testing::internal::CaptureStdout();
  EXPECT_FALSE(parse_sim_args(spec(), {"--help"}).has_value());
  EXPECT_EQ(testing::internal::GetCapturedStdout(), h);
}

// The token simulator's options come from one declaration, also used by `all`.
TEST(SimCli, TokenOptionsAreDeclaredOnce) {
  SimSpec s{"token", "", "", token_sim_options(), false};
  auto a = parse_sim_args(s, {"--client-id", "c", "--token-ttl-s", "60"});
  ASSERT_TRUE(a.has_value());
  auto o = token_options_from(*a);
  EXPECT_EQ(o.client_id, "c");
  EXPECT_EQ(o.ttl_seconds, 60);
}

}  // namespace
}  // namespace lienthong::sim
