// The population adapter's config section, citizen_lookup.upstream, read by the adapter
// (app/ builds it and hands it to the citizen flow). These assertions were the citizen
// flow's config test's while the flow built the adapter itself.
#include <gtest/gtest.h>

#include "adapters/population/population_registry.hpp"
#include "tests/gateway/flows/citizen/citizen_fixture.hpp"

namespace lienthong::population {
namespace {

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

std::string refusal(const std::string& citizen_section) {
  try {
    auto file = ConfigFile::from_string(citizen_section, LIENTHONG_SOURCE_DIR);
    validate_upstream(file->root().object("upstream"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The fixture's section with the token provider the adapter needs to be built.
std::string with_token(const std::string& section) {
  setenv("LT_TEST_NGSP_SECRET", "ngsp-test-secret", 1);
  return replaced(section, "\"timeout_ms\": 2000}",
                  "\"timeout_ms\": 2000, \"token\": {\"token_url\": \"http://127.0.0.1:1/token\", "
                  "\"client_id\": \"lienthong\", \"client_secret\": {\"env\": \"LT_TEST_NGSP_SECRET\"}}}");
}

TEST(PopulationUpstreamConfig, TheCitizenLookupUpstreamSectionIsReadByTheAdapter) {
  auto o = citizen::testing::upstream_options(citizen::testing::config_json());
  EXPECT_EQ(o.timeout, Millis(2000));
  EXPECT_TRUE(o.retry_once);
  EXPECT_EQ(o.integration_code, "037");
}

TEST(PopulationUpstreamConfig, WrongUpstreamSectionsAreRefusedNamingTheKey) {
  auto base = with_token(citizen::testing::config_json());
  EXPECT_EQ(refusal(base), "");
  EXPECT_NE(refusal(replaced(base, "\"http://127.0.0.1:1/csdlqgdc", "\"ftp://127.0.0.1:1/csdlqgdc"))
                .find("upstream.url"),
            std::string::npos);
  EXPECT_NE(refusal(replaced(base, "\"timeout_ms\": 2000,", "\"timeout_ms\": 2000, \"retries\": 3,"))
                .find("retries"),
            std::string::npos);
  EXPECT_NE(refusal(citizen::testing::config_json()).find("token"), std::string::npos);
}

TEST(PopulationUpstreamConfig, TheAdapterIsBuiltFromItsSection) {
  auto file = ConfigFile::from_string(with_token(citizen::testing::config_json()), LIENTHONG_SOURCE_DIR);
  auto registry = make_from_config(file->root().object("upstream"), SystemClock::instance());
  ASSERT_NE(registry, nullptr);
  // Nothing listens on port 1: the lookup fails as an upstream error, not as a crash.
  auto answer =
      registry->lookup(Query{"001085012345", "Nguyễn Văn An", "1985-03-02", "req-1", "CB-0001", ""});
  ASSERT_FALSE(answer.ok());
  EXPECT_TRUE(is_retryable(answer.error().kind)) << answer.error().message;
}

}  // namespace
}  // namespace lienthong::population
