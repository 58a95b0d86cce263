#include "gateway/flows/citizen/citizen_config.hpp"

#include <gtest/gtest.h>

#include "tests/gateway/flows/citizen/citizen_fixture.hpp"

namespace lienthong::citizen {
namespace {

std::string refusal(const std::string& text) {
  try {
    testing::parse_config(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

TEST(CitizenConfig, ValidConfigIsRead) {
  auto c = testing::parse_config(testing::config_json());
  EXPECT_EQ(c.accounts.size(), 2u);
  EXPECT_EQ(c.purposes.all().size(), 3u);
  EXPECT_EQ(c.provinces.size(), 63u);
  EXPECT_EQ(c.enumeration.threshold, 3);
  EXPECT_EQ(c.upstream.timeout, Millis(2000));
  EXPECT_TRUE(c.upstream.retry_once);
  EXPECT_EQ(c.accounts.by_id("ubnd-xa")->rate_limit.per_minute, 30);  // default
}

TEST(CitizenConfig, EmptySectionIsRefusedNamingTheFirstMissingKey) {
  EXPECT_NE(refusal("{}").find("pseudonym_key"), std::string::npos);
}

TEST(CitizenConfig, WrongConfigsAreRefusedWithClearMessages) {
  auto base = testing::config_json();
  EXPECT_NE(refusal(replaced(base, "\"upstream\"", "\"upstraem\"")).find("upstraem"), std::string::npos);
  EXPECT_NE(refusal(replaced(base, "\"household_head\"]", "\"household_head\", \"salary\"]"))
                .find("unknown field 'salary'"),
            std::string::npos);
  EXPECT_NE(refusal(replaced(base, "\"purposes\": [\"family_check\"]", "\"purposes\": [\"tax_check\"]"))
                .find("purpose 'tax_check' is not defined"),
            std::string::npos);
  EXPECT_NE(refusal(replaced(base, "\"per_minute\": 60", "\"per_minute\": -1")).find("per_minute"),
            std::string::npos);
  EXPECT_NE(refusal(replaced(base, "\"http://127.0.0.1:1", "\"ftp://127.0.0.1:1")).find("upstream.url"),
            std::string::npos);
  // The same credential for two accounts.
  EXPECT_NE(refusal(replaced(base, "\"client_cert_subjects\": [\"CN=ubnd-xa,O=UBND,C=VN\"]",
                             std::string("\"client_cert_sha256\": [\"") + testing::kCertFingerprint + "\"]"))
                .find("already given"),
            std::string::npos);
}

TEST(CitizenConfig, ShortPseudonymKeyIsRefused) {
  setenv("LT_TEST_SHORT_KEY", "too-short", 1);
  auto text = replaced(testing::config_json(), "LT_TEST_PSEUDONYM_KEY", "LT_TEST_SHORT_KEY");
  auto file = ConfigFile::from_string(text, LIENTHONG_SOURCE_DIR);
  try {
    parse_citizen_config(file->root());
    FAIL() << "accepted a short key";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("shorter than 32 bytes"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("too-short"), std::string::npos);
  }
}

TEST(CitizenConfig, AccountWithoutCredentialIsRefused) {
  auto text = replaced(testing::config_json(),
                       "\"client_cert_subjects\": [\"CN=ubnd-xa,O=UBND,C=VN\"], \"api_key_sha256\": [\"",
                       "\"x_unused\": [\"");
  EXPECT_NE(refusal(text).find("x_unused"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::citizen
