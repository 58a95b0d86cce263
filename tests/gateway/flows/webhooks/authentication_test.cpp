#include "gateway/flows/webhooks/authentication.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "gateway/core/config/config.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kNowMs = 1'795'000'000'000;

SourceConfig source(AuthMode mode) {
  SourceConfig s;
  s.id = "dkkd";
  s.auth = mode;
  s.keys = {decode_secret(kSecret).value()};
  s.client_subjects = {"CN=dkkd,O=MPI,C=VN"};
  s.client_fingerprints = {"ab12"};
  return s;
}

server::Request signed_request(int64_t ts_s, const std::string& body = R"({"a":1})") {
  server::Request r;
  r.body = body;
  r.headers = {{"webhook-id", "msg-1"},
               {"webhook-timestamp", std::to_string(ts_s)},
               {"webhook-signature", sign(decode_secret(kSecret).value(), "msg-1", ts_s, body)}};
  return r;
}

server::PeerCertificate certificate(std::string subject, std::string fingerprint) {
  server::PeerCertificate pc;
  pc.subject = std::move(subject);
  pc.sha256_fingerprint = std::move(fingerprint);
  return pc;
}

TEST(WebhookAuthentication, StandardWebhooksAcceptsAValidSignatureAndNamesEachFailure) {
  ManualClock clock{kNowMs};
  auto auth = make_standard_webhooks_auth(source(AuthMode::kStandardWebhooks), clock);
  EXPECT_EQ(auth->scheme(), "standard_webhooks");
  EXPECT_FALSE(auth->check(signed_request(kNowMs / 1000)).has_value());

  auto stale = auth->check(signed_request(kNowMs / 1000 - 301));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->status, 401);
  EXPECT_EQ(stale->reason, "stale-timestamp");
  EXPECT_EQ(stale->title, "Webhook timestamp too old");

  auto tampered = signed_request(kNowMs / 1000);
  tampered.body = R"({"a":2})";
  auto refused = auth->check(tampered);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->title, "Invalid webhook signature");

  server::Request bare;
  auto missing = auth->check(bare);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->reason, "missing-headers");
}

TEST(WebhookAuthentication, MutualTlsNeedsACertificateRegisteredBySubjectOrFingerprint) {
  auto auth = make_mutual_tls_auth(source(AuthMode::kMtls));
  server::Request r;
  auto none = auth->check(r);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->reason, "client-certificate-required");

  r.peer_certificate = certificate("CN=dkkd,O=MPI,C=VN", "ffff");
  EXPECT_FALSE(auth->check(r).has_value());
  r.peer_certificate = certificate("CN=other", "ab12");
  EXPECT_FALSE(auth->check(r).has_value());

  r.peer_certificate = certificate("CN=Nguyen Van A", "cd34");
  auto stranger = auth->check(r);
  ASSERT_TRUE(stranger.has_value());
  EXPECT_EQ(stranger->reason, "client-certificate-not-allowed");
  // The fingerprint names the certificate; the subject (it may name a person) is not echoed.
  EXPECT_NE(stranger->detail.find("cd34"), std::string::npos);
  EXPECT_EQ(stranger->detail.find("Nguyen"), std::string::npos);
}

TEST(WebhookAuthentication, EachAuthValueNamesItsSchemesCertificateFirst) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(scheme_names(AuthMode::kStandardWebhooks), V{"standard_webhooks"});
  EXPECT_EQ(scheme_names(AuthMode::kMtls), V{"mtls"});
  EXPECT_EQ(scheme_names(AuthMode::kBoth), (V{"mtls", "standard_webhooks"}));

  ManualClock clock{kNowMs};
  auto both = AuthSchemes::standard().build(source(AuthMode::kBoth), clock);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]->scheme(), "mtls");
  EXPECT_EQ(both[1]->scheme(), "standard_webhooks");
}

TEST(WebhookAuthentication, ASchemeIsRegisteredOnceAndAMissingOneIsAConfigError) {
  AuthSchemes schemes;
  schemes.add("mtls", [](const SourceConfig& s, const Clock&) { return make_mutual_tls_auth(s); });
  EXPECT_THROW(
      schemes.add("mtls", [](const SourceConfig& s, const Clock&) { return make_mutual_tls_auth(s); }),
      std::logic_error);
  ManualClock clock{kNowMs};
  EXPECT_EQ(schemes.build(source(AuthMode::kMtls), clock).size(), 1u);
  try {
    schemes.build(source(AuthMode::kBoth), clock);
    FAIL() << "a source asking for an unregistered scheme was built";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("webhooks.sources.dkkd.auth"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("standard_webhooks"), std::string::npos) << e.what();
  }
}

constexpr const char* kKey = "k3y-of-exactly-thirty-two-bytes!";

TEST(WebhookAuthentication, SharedKeyInABodyMemberIsComparedAndEachRefusalNamed) {
  SourceConfig s;
  s.id = "dvcqg-thue";
  s.auth = AuthMode::kSharedKey;
  s.shared_key = kKey;
  s.shared_key_body_field = "SecurityKey";
  auto auth = make_shared_key_auth(s);
  EXPECT_EQ(auth->scheme(), "shared_key");
  server::Request r;
  r.body = std::string(R"({"SecurityKey":")") + kKey + R"(","Data":{}})";
  EXPECT_FALSE(auth->check(r).has_value());

  r.body = R"({"SecurityKey":"k3y-of-exactly-thirty-two-bytes?","Data":{}})";
  auto wrong = auth->check(r);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->reason, "bad-key");
  EXPECT_EQ(wrong->detail.find("k3y"), std::string::npos) << "no key in the answer: " << wrong->detail;
  r.body = R"({"SecurityKey":"short"})";
  EXPECT_EQ(auth->check(r)->reason, "bad-key");

  for (std::string body :
       {R"({"Data":{}})", R"({"SecurityKey":""})", R"({"SecurityKey":42})", "not json", "[]"}) {
    r.body = body;
    auto missing = auth->check(r);
    ASSERT_TRUE(missing.has_value()) << body;
    EXPECT_EQ(missing->reason, "missing-key") << body;
    EXPECT_NE(missing->detail.find("body member 'SecurityKey'"), std::string::npos) << missing->detail;
  }
}

TEST(WebhookAuthentication, SharedKeyInAQueryParameter) {
  SourceConfig s;
  s.id = "lltp";
  s.auth = AuthMode::kSharedKey;
  s.shared_key = kKey;
  s.shared_key_query_parameter = "maXacThuc";
  auto auth = make_shared_key_auth(s);
  server::Request r;
  r.query["maXacThuc"] = kKey;
  EXPECT_FALSE(auth->check(r).has_value());
  r.query["maXacThuc"] = "wrong";
  EXPECT_EQ(auth->check(r)->reason, "bad-key");
  r.query.clear();
  r.body = std::string(R"({"maXacThuc":")") + kKey + "\"}";  // the body does not count
  auto missing = auth->check(r);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->reason, "missing-key");
  EXPECT_NE(missing->detail.find("query parameter 'maXacThuc'"), std::string::npos) << missing->detail;
}

TEST(WebhookAuthentication, TrustedUpstreamNeedsTheForwardPathAndAnAdapterAddress) {
  SourceConfig s;
  s.id = "nhanhsdvcqg";
  s.auth = AuthMode::kTrustedUpstream;
  s.upstream_path_prefix = "/XrdAdapter/RestService/forward";
  s.upstream_addresses = {*parse_address_range("10.1.0.0/16"), *parse_address_range("2001:db8::5")};
  auto auth = make_trusted_upstream_auth(s);
  server::Request r;
  r.path = "/XrdAdapter/RestService/forward/nhanhsdvcqg";
  r.remote_address = "10.1.4.20:40312";
  EXPECT_FALSE(auth->check(r).has_value());
  r.remote_address = "2001:db8::5:40312";
  EXPECT_FALSE(auth->check(r).has_value());

  r.remote_address = "10.2.4.20:40312";
  auto stranger = auth->check(r);
  ASSERT_TRUE(stranger.has_value());
  EXPECT_EQ(stranger->reason, "untrusted-address");
  EXPECT_NE(stranger->detail.find("10.2.4.20"), std::string::npos) << stranger->detail;

  r.remote_address = "10.1.4.20:40312";
  r.path = "/v1/webhooks/nhanhsdvcqg";
  auto direct = auth->check(r);
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(direct->reason, "not-forwarded");
  r.path = "/XrdAdapter/RestService/forwardX/nhanhsdvcqg";
  EXPECT_EQ(auth->check(r)->reason, "not-forwarded");

  // With client_certificate the adapter's certificate is checked first.
  s.upstream_client_certificate = true;
  EXPECT_EQ(scheme_names(s), (std::vector<std::string_view>{"mtls", "trusted_upstream"}));
  s.client_subjects = {"CN=vxp"};
  ManualClock clock{kNowMs};
  auto built = AuthSchemes::standard().build(s, clock);
  ASSERT_EQ(built.size(), 2u);
  r.path = "/XrdAdapter/RestService/forward/nhanhsdvcqg";
  EXPECT_EQ(built[0]->check(r)->reason, "client-certificate-required");
  r.peer_certificate = certificate("CN=vxp", "00");
  EXPECT_FALSE(built[0]->check(r).has_value());
  EXPECT_FALSE(built[1]->check(r).has_value());
}

TEST(WebhookAuthentication, LgspBearerTokenAnyConfiguredOne) {
  SourceConfig s;
  s.id = "lgsp";
  s.auth = AuthMode::kLgspBearer;
  s.bearer_tokens = {kKey, "second-token-for-rotation-32-byte"};
  auto auth = make_lgsp_bearer_auth(s);
  server::Request r;
  r.headers = {{"authorization", std::string("Bearer ") + kKey}};
  EXPECT_FALSE(auth->check(r).has_value());
  r.headers = {{"authorization", "bearer second-token-for-rotation-32-byte"}};
  EXPECT_FALSE(auth->check(r).has_value());
  r.headers = {{"authorization", "Bearer nope"}};
  EXPECT_EQ(auth->check(r)->reason, "bad-token");
  r.headers = {{"authorization", std::string("Basic ") + kKey}};
  EXPECT_EQ(auth->check(r)->reason, "missing-token");
  r.headers.clear();
  EXPECT_EQ(auth->check(r)->reason, "missing-token");
}

}  // namespace
}  // namespace lienthong::webhooks
