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
  // The same credential for two accounts.
  EXPECT_NE(refusal(replaced(base, "\"client_cert_subjects\": [\"CN=ubnd-xa,O=UBND,C=VN\"]",
                             std::string("\"client_cert_sha256\": [\"") + testing::kCertFingerprint + "\"]"))
                .find("already given"),
            std::string::npos);
}

TEST(CitizenConfig, UnknownCallerLimitsAndThePseudonymKeyIdAreReadAndChecked) {
  auto base = testing::config_json();
  auto with = [&](const std::string& extra) {
    return replaced(base, "\"purposes\"", extra + "\"purposes\"");
  };
  auto c = testing::parse_config(with(
      R"("pseudonym_key_id": "2026b", "unknown_callers": {"per_source": 5, "total": 50, "window_seconds": 30, "max_callers": 7}, )"));
  EXPECT_EQ(c.pseudonym_key_id, "2026b");
  EXPECT_EQ(c.unknown_callers.per_source, 5);
  EXPECT_EQ(c.unknown_callers.total, 50);
  EXPECT_EQ(c.unknown_callers.window, std::chrono::seconds(30));
  EXPECT_EQ(c.unknown_callers.max_callers, 7u);
  auto defaults = testing::parse_config(base);
  EXPECT_EQ(defaults.unknown_callers.per_source, 20);
  EXPECT_EQ(defaults.pseudonym_key_id, "");
  EXPECT_NE(refusal(with(R"("unknown_callers": {"per_source": 0}, )")).find("unknown_callers.per_source"),
            std::string::npos);
  EXPECT_NE(refusal(with(R"("unknown_callers": {"per_sorce": 3}, )")).find("per_sorce"), std::string::npos);
  EXPECT_NE(refusal(with(R"("pseudonym_key_id": "key id with spaces", )")).find("pseudonym_key_id"),
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

std::string with_api_key_from_env(const std::string& env, const std::string& value) {
  setenv(env.c_str(), value.c_str(), 1);
  return replaced(
      testing::config_json(), R"("client_cert_subjects": ["CN=ubnd-xa,O=UBND,C=VN"],)",
      R"("client_cert_subjects": ["CN=ubnd-xa,O=UBND,C=VN"], "api_key": {"env": ")" + env + R"("},)");
}

TEST(CitizenConfig, WeakApiKeysAreRefusedNamingTheAccountButNotTheKey) {
  for (const std::string& weak :
       std::vector<std::string>{"k", "key-of-ubnd-xa-0123456789abcdef0123",  // 35 characters, ~210 bits
                                std::string(64, 'a'), "0123456789abcdef0123456789abcdef"}) {
    auto why = refusal(with_api_key_from_env("LT_TEST_WEAK_KEY", weak));
    EXPECT_NE(why.find("api_key"), std::string::npos) << why;
    EXPECT_NE(why.find("'ubnd-xa'"), std::string::npos) << why;
    EXPECT_NE(why.find("LT_TEST_WEAK_KEY"), std::string::npos) << why;
    EXPECT_NE(why.find("openssl rand -hex 32"), std::string::npos) << why;
    if (weak.size() > 1) {
      EXPECT_EQ(why.find(weak), std::string::npos) << why;
    }
  }
}

TEST(CitizenConfig, KeysOf32RandomBytesAreAccepted) {
  // `openssl rand -hex 32` and `openssl rand -base64 32`.
  for (const std::string& strong :
       std::vector<std::string>{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}) {
    EXPECT_EQ(api_key_weakness(strong), "") << strong;
    auto cfg = testing::parse_config(with_api_key_from_env("LT_TEST_STRONG_KEY", strong));
    CallerCredentials c;
    c.api_key = strong;
    ASSERT_NE(cfg.accounts.identify(c), nullptr);
    EXPECT_EQ(cfg.accounts.identify(c)->id, "ubnd-xa");
  }
}

std::string transport(const std::string& server, const std::string& section = "{}") {
  auto file =
      ConfigFile::from_string(R"({"server": )" + server + R"(, "citizen_lookup": )" + section + "}", ".");
  try {
    return "warning: " + check_transport(file->root());
  } catch (const ConfigError& e) {
    return std::string("refused: ") + e.what();
  }
}

TEST(CitizenConfig, PlainHttpOnANonLoopbackAddressIsRefusedUnlessAllowedWithAWarning) {
  auto refused = transport(R"({"address": "0.0.0.0", "port": 8080})");
  EXPECT_EQ(refused.rfind("refused: ", 0), 0u) << refused;
  EXPECT_NE(refused.find("citizen_lookup.allow_plain_http"), std::string::npos) << refused;
  EXPECT_NE(refused.find("0.0.0.0"), std::string::npos) << refused;
  EXPECT_EQ(transport(R"({"address": "10.1.2.3"})").rfind("refused: ", 0), 0u);
  EXPECT_EQ(transport(R"({"address": "::ffff:10.1.2.3"})").rfind("refused: ", 0), 0u);
  auto allowed = transport(R"({"address": "0.0.0.0"})", R"({"allow_plain_http": true})");
  EXPECT_EQ(allowed.rfind("warning: citizen lookups are served without TLS on 0.0.0.0", 0), 0u) << allowed;
  EXPECT_EQ(transport(R"({"address": "127.0.0.1"})"), "warning: ");
  EXPECT_EQ(transport(R"({"address": "127.0.0.2"})"), "warning: ");
  EXPECT_EQ(transport(R"({"address": "::1"})"), "warning: ");
  EXPECT_EQ(transport(R"({"port": 8080})"), "warning: ");  // the default address is loopback
  EXPECT_EQ(transport(R"({"address": "0.0.0.0", "tls": {"cert_file": "c.pem", "key_file": "k.pem"}})"),
            "warning: ");
  EXPECT_EQ(transport(R"({"address": "0.0.0.0", "tls": {"enabled": false}})").rfind("refused: ", 0), 0u);
}

}  // namespace
}  // namespace lienthong::citizen
