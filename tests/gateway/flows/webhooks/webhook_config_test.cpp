#include "gateway/flows/webhooks/webhook_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace lienthong::webhooks {
namespace {

class WebhookConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wh_cfg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "m.json") << "{}";
    ::setenv("WH_TEST_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
    ::setenv("WH_TEST_BAD", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
    ::setenv("WH_TEST_KEY32", "k3y-of-exactly-thirty-two-bytes!", 1);
    ::setenv("WH_TEST_KEY31", "k3y-of-only-thirty-one-bytes!!!", 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  WebhooksConfig parse(const std::string& text) {
    auto file = ConfigFile::from_string(text, dir_.string());
    return parse_config(file->root().object("webhooks"));
  }
  std::string error_of(const std::string& text) {
    try {
      parse(text);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(WebhookConfigTest, MinimalSourceGetsTheDefaults) {
  auto c = parse(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"current": {"env": "WH_TEST_SECRET"}},
                     "mapping": "m.json"}}}})");
  ASSERT_EQ(c.sources.size(), 1u);
  const auto& s = c.sources[0];
  EXPECT_EQ(s.id, "dkkd");
  EXPECT_EQ(s.auth, AuthMode::kStandardWebhooks);
  EXPECT_EQ(s.body_limit, kDefaultBodyLimit);
  EXPECT_EQ(s.tolerance_seconds, 300);
  EXPECT_EQ(s.rate_per_second, 0);
  ASSERT_EQ(s.keys.size(), 1u);
  EXPECT_EQ(s.keys[0].size(), 24u);
  EXPECT_EQ(c.path_prefix, "/v1/webhooks");
  EXPECT_FALSE(c.notify_url.has_value());
  EXPECT_EQ(c.max_backlog, 20'000u);
  EXPECT_TRUE(c.journal_dir.empty());  // the component puts it next to the store
  EXPECT_EQ(c.destinations, std::vector<std::string>{"dvcqg"});
}

TEST_F(WebhookConfigTest, DestinationsAreNamedInTheConfigAndChecked) {
  const std::string source = R"("sources": {"dkkd": {"secrets": {"current": {"env": "WH_TEST_SECRET"}},
                                 "mapping": "m.json"}})";
  auto c = parse(R"({"webhooks": {"destinations": ["dvcqg", "archive"], )" + source + "}}");
  EXPECT_EQ(c.destinations, (std::vector<std::string>{"dvcqg", "archive"}));
  EXPECT_NE(error_of(R"({"webhooks": {"destinations": [], )" + source + "}}").find("webhooks.destinations"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"webhooks": {"destinations": ["DVCQG"], )" + source + "}}").find("'DVCQG'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"webhooks": {"destinations": ["dvcqg", "dvcqg"], )" + source + "}}").find("twice"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"webhooks": {"destinations": ["one_stop_shop_notify"], )" + source + "}}")
                .find("notify key"),
            std::string::npos);
}

TEST_F(WebhookConfigTest, IntakeJournalSettingsAreReadAndChecked) {
  auto c = parse(R"({"webhooks": {"journal_dir": "spool/webhooks", "max_backlog": 500,
                     "sources": {"dkkd": {"secrets": {"current": {"env": "WH_TEST_SECRET"}},
                     "mapping": "m.json"}}}})");
  EXPECT_EQ(c.journal_dir, (dir_ / "spool/webhooks").string());  // relative to the config file
  EXPECT_EQ(c.max_backlog, 500u);
  auto e = error_of(R"({"webhooks": {"max_backlog": 5, "sources": {"dkkd": {
                       "secrets": {"current": {"env": "WH_TEST_SECRET"}}, "mapping": "m.json"}}}})");
  EXPECT_NE(e.find("max_backlog"), std::string::npos) << e;
}

TEST_F(WebhookConfigTest, TheJournalIsAsDurableAsTheStoreUnlessConfigured) {
  const std::string source =
      R"("sources": {"dkkd": {"secrets": {"current": {"env": "WH_TEST_SECRET"}}, "mapping": "m.json"}})";
  auto with_store = [&](const std::string& store, const std::string& webhooks_extra) {
    auto file = ConfigFile::from_string(
        R"({"store": )" + store + R"(, "webhooks": {)" + webhooks_extra + source + "}}", dir_.string());
    WebhooksConfig c = parse_config(file->root().object("webhooks"));
    apply_store_defaults(c, file->root().optional_object("store"));
    return c;
  };
  auto normal = with_store(R"({"path": "var/a.db"})", "");
  EXPECT_FALSE(normal.journal_fsync);
  EXPECT_EQ(normal.journal_dir, (dir_ / "var/a.db").string() + "-webhooks");
  EXPECT_TRUE(with_store(R"({"path": "var/a.db", "synchronous": "FULL"})", "").journal_fsync);
  EXPECT_TRUE(
      with_store(R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "X"}}})", "").journal_fsync);
  // The key wins either way.
  EXPECT_FALSE(with_store(R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "X"}}})",
                          R"("journal_fsync": false, )")
                   .journal_fsync);
  EXPECT_TRUE(with_store(R"({"path": "var/a.db"})", R"("journal_fsync": true, )").journal_fsync);
}

TEST_F(WebhookConfigTest, EmptySectionIsRefusedNamingSources) {
  EXPECT_NE(error_of(R"({"webhooks": {}})").find("sources"), std::string::npos);
  EXPECT_NE(error_of(R"({"webhooks": {"sources": {}}})").find("at least one source"), std::string::npos);
}

TEST_F(WebhookConfigTest, UnknownKeysAreRefused) {
  auto e = error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"a": {"env": "WH_TEST_SECRET"}},
                        "mapping": "m.json", "secret": "x"}}}})");
  EXPECT_NE(e.find("secret"), std::string::npos) << e;
  EXPECT_NE(error_of(R"({"webhooks": {"sorces": {}}})"), "");
}

TEST_F(WebhookConfigTest, SignatureModesNeedSecretsInWhsecForm) {
  auto e = error_of(R"({"webhooks": {"sources": {"dkkd": {"mapping": "m.json"}}}})");
  EXPECT_NE(e.find("webhooks.sources.dkkd.secrets"), std::string::npos) << e;
  auto bad = error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"a": {"env": "WH_TEST_BAD"}},
                          "mapping": "m.json"}}}})");
  EXPECT_NE(bad.find("whsec_"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), std::string::npos) << "never print the secret";
  auto literal = error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"a": "whsec_x"},
                              "mapping": "m.json"}}}})");
  EXPECT_NE(literal.find("reference"), std::string::npos) << literal;
}

TEST_F(WebhookConfigTest, MtlsNeedsAllowedCertificatesAndNoSecrets) {
  auto e = error_of(R"({"webhooks": {"sources": {"hotich": {"auth": "mtls", "mapping": "m.json"}}}})");
  EXPECT_NE(e.find("client_subjects"), std::string::npos) << e;
  auto c = parse(R"({"webhooks": {"sources": {"hotich": {"auth": "both", "payload": "soap",
                     "secrets": {"a": {"env": "WH_TEST_SECRET"}}, "client_subjects": ["CN=bo-tu-phap"],
                     "client_fingerprints": ["AB:CD:EF"], "mapping": "m.json"}}}})");
  EXPECT_EQ(c.sources[0].auth, AuthMode::kBoth);
  EXPECT_EQ(c.sources[0].payload, PayloadKind::kSoap);
  EXPECT_EQ(c.sources[0].client_fingerprints[0], "abcdef");
}

TEST_F(WebhookConfigTest, LimitsAndMissingFilesAreChecked) {
  auto c = parse(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"a": {"env": "WH_TEST_SECRET"}},
                     "mapping": "m.json", "body_limit_bytes": 4096, "rate_limit": {"per_second": 5},
                     "tolerance_seconds": 60}}}})");
  EXPECT_EQ(c.sources[0].body_limit, 4096u);
  EXPECT_EQ(c.sources[0].rate_per_second, 5);
  EXPECT_EQ(c.sources[0].burst, 5);
  EXPECT_EQ(c.sources[0].tolerance_seconds, 60);
  auto missing = error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"a": {"env": "WH_TEST_SECRET"}},
                              "mapping": "nope.json"}}}})");
  EXPECT_NE(missing.find("does not exist"), std::string::npos) << missing;
  auto bad_id = error_of(R"({"webhooks": {"sources": {"Bad Id": {"mapping": "m.json"}}}})");
  EXPECT_NE(bad_id.find("source id"), std::string::npos) << bad_id;
}

TEST_F(WebhookConfigTest, SharedKeySourceReadsItsKeyPlaceAndDerivesItsIdsAnsweringAsDvcqg) {
  auto c = parse(R"({"webhooks": {"sources": {"dvcqg-thue": {"auth": "shared_key",
      "shared_key": {"secret": {"env": "WH_TEST_KEY32"}, "body_field": "SecurityKey"},
      "answer": "dvcqg", "mapping": "m.json"}}}})");
  const auto& s = c.sources.at(0);
  EXPECT_EQ(s.auth, AuthMode::kSharedKey);
  EXPECT_EQ(s.shared_key, "k3y-of-exactly-thirty-two-bytes!");
  EXPECT_EQ(s.shared_key_body_field, "SecurityKey");
  EXPECT_TRUE(s.shared_key_query_parameter.empty());
  // No webhook-id from the national systems: derived from the record unless told otherwise.
  EXPECT_EQ(s.delivery_id, DeliveryIdSource::kDerived);
  EXPECT_EQ(s.answer, AnswerShape::kDvcqg);
  EXPECT_FALSE(s.needs_signature());
  EXPECT_FALSE(s.needs_client_cert());
}

TEST_F(WebhookConfigTest, WeakOrMisplacedSharedKeysAreRefusedAtLoad) {
  auto with = [](const std::string& key) {
    return R"({"webhooks": {"sources": {"lltp": {"auth": "shared_key", "shared_key": )" + key +
           R"(, "mapping": "m.json"}}}})";
  };
  std::string weak = error_of(with(R"({"secret": {"env": "WH_TEST_KEY31"}, "query_parameter": "ma"})"));
  EXPECT_NE(weak.find("webhooks.sources.lltp.shared_key.secret"), std::string::npos) << weak;
  EXPECT_NE(weak.find("31 bytes"), std::string::npos) << weak;
  EXPECT_NE(weak.find("at least 32"), std::string::npos) << weak;
  EXPECT_EQ(weak.find("thirty"), std::string::npos) << "the key itself is never printed: " << weak;
  std::string both = error_of(
      with(R"({"secret": {"env": "WH_TEST_KEY32"}, "query_parameter": "ma", "body_field": "SecurityKey"})"));
  EXPECT_NE(both.find("exactly one of body_field"), std::string::npos) << both;
  std::string neither = error_of(with(R"({"secret": {"env": "WH_TEST_KEY32"}})"));
  EXPECT_NE(neither.find("exactly one of body_field"), std::string::npos) << neither;
  std::string bare =
      error_of(R"({"webhooks": {"sources": {"lltp": {"auth": "shared_key", "mapping": "m.json"}}}})");
  EXPECT_NE(bare.find("webhooks.sources.lltp.shared_key"), std::string::npos) << bare;
  std::string soap = error_of(R"({"webhooks": {"sources": {"x": {"auth": "shared_key", "payload": "soap",
      "shared_key": {"secret": {"env": "WH_TEST_KEY32"}, "body_field": "k"}, "mapping": "m.json"}}}})");
  EXPECT_NE(soap.find("JSON bodies only"), std::string::npos) << soap;
}

TEST_F(WebhookConfigTest, TrustedUpstreamNeedsAdapterAddressesAndMayRequireItsCertificate) {
  auto c = parse(R"({"webhooks": {"sources": {"nhanhsdvcqg": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": ["10.1.0.0/16", "2001:db8::7"], "client_certificate": true},
      "client_subjects": ["CN=vxp"], "mapping": "m.json"}}}})");
  const auto& s = c.sources.at(0);
  EXPECT_EQ(s.upstream_path_prefix, "/XrdAdapter/RestService/forward");
  ASSERT_EQ(s.upstream_addresses.size(), 2u);
  EXPECT_TRUE(s.needs_client_cert());
  EXPECT_EQ(s.delivery_id, DeliveryIdSource::kDerived);

  std::string none = error_of(R"({"webhooks": {"sources": {"v": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": []}, "mapping": "m.json"}}}})");
  EXPECT_NE(none.find("at least one address"), std::string::npos) << none;
  std::string bad = error_of(R"({"webhooks": {"sources": {"v": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": ["10.1.0.0/33"]}, "mapping": "m.json"}}}})");
  EXPECT_NE(bad.find("'10.1.0.0/33' is not"), std::string::npos) << bad;
  std::string no_cert = error_of(R"({"webhooks": {"sources": {"v": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": ["10.0.0.1"], "client_certificate": true}, "mapping": "m.json"}}}})");
  EXPECT_NE(no_cert.find("client_subjects"), std::string::npos) << no_cert;
}

TEST_F(WebhookConfigTest, LgspBearerTokensAreStrongAndSignedSourcesKeepTheirHeaderIds) {
  auto c = parse(R"({"webhooks": {"sources": {"lgsp": {"auth": "lgsp_bearer",
      "bearer_tokens": {"current": {"env": "WH_TEST_KEY32"}}, "delivery_id": "header", "mapping": "m.json"}}}})");
  EXPECT_EQ(c.sources.at(0).bearer_tokens.size(), 1u);
  EXPECT_EQ(c.sources.at(0).delivery_id, DeliveryIdSource::kHeader);
  std::string weak = error_of(R"({"webhooks": {"sources": {"lgsp": {"auth": "lgsp_bearer",
      "bearer_tokens": {"current": {"env": "WH_TEST_KEY31"}}, "mapping": "m.json"}}}})");
  EXPECT_NE(weak.find("at least 32"), std::string::npos) << weak;
  std::string derived =
      error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"c": {"env": "WH_TEST_SECRET"}},
      "delivery_id": "derived", "mapping": "m.json"}}}})");
  EXPECT_NE(derived.find("signature covers the webhook-id"), std::string::npos) << derived;
  std::string stray =
      error_of(R"({"webhooks": {"sources": {"dkkd": {"secrets": {"c": {"env": "WH_TEST_SECRET"}},
      "bearer_tokens": {"c": {"env": "WH_TEST_KEY32"}}, "mapping": "m.json"}}}})");
  EXPECT_NE(stray.find("only used with auth 'lgsp_bearer'"), std::string::npos) << stray;
}

TEST(AddressRange, MatchesNetworksOfBothFamiliesAndMappedIpv4) {
  auto net = parse_address_range("10.1.0.0/16");
  ASSERT_TRUE(net.has_value());
  EXPECT_TRUE(net->contains("10.1.255.3"));
  EXPECT_FALSE(net->contains("10.2.0.1"));
  EXPECT_TRUE(net->contains("::ffff:10.1.2.3"));  // IPv4 client on a dual-stack socket
  EXPECT_FALSE(net->contains("not-an-address"));
  auto one = parse_address_range("192.0.2.7");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->prefix, 32);
  EXPECT_TRUE(one->contains("192.0.2.7"));
  EXPECT_FALSE(one->contains("192.0.2.8"));
  auto v6 = parse_address_range("2001:db8::/33");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->contains("2001:db8:7fff::1"));
  EXPECT_FALSE(v6->contains("2001:db8:8000::1"));
  EXPECT_FALSE(v6->contains("10.1.2.3"));
  EXPECT_FALSE(parse_address_range("10.0.0.0/").has_value());
  EXPECT_FALSE(parse_address_range("example.gov.vn").has_value());
  EXPECT_EQ(address_without_port("10.0.0.1:5555"), "10.0.0.1");
  EXPECT_EQ(address_without_port("::1:5555"), "::1");
  EXPECT_EQ(address_without_port("[2001:db8::1]:443"), "2001:db8::1");
}

}  // namespace
}  // namespace lienthong::webhooks
