#include "gateway/flows/webhooks/admission.hpp"

#include <gtest/gtest.h>

#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kNowMs = 1'795'000'000'000;

// A scheme of the kind issue #27 adds: here a fixed token header.
class TokenAuth final : public Authenticator {
 public:
  std::string_view scheme() const override { return "standard_webhooks"; }
  std::optional<Outcome> check(const server::Request& r) const override {
    auto t = request_header(r, "x-token");
    if (t && *t == "let-me-in") return std::nullopt;
    return problem(401, "bad-token", "Bad token", "no token");
  }
};

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest() {
    SourceConfig dkkd;
    dkkd.id = "dkkd";
    dkkd.keys = {decode_secret(kSecret).value()};
    dkkd.body_limit = 64;
    dkkd.rate_per_second = 1;
    dkkd.burst = 2;
    SourceConfig hotich;
    hotich.id = "hotich";
    hotich.auth = AuthMode::kMtls;
    hotich.client_subjects = {"CN=btp"};
    hotich.payload = PayloadKind::kSoap;
    config_.sources = {dkkd, hotich};
  }

  server::Request signed_request(const std::string& id, const std::string& body = R"({"a":1})",
                                 std::string content_type = "application/json") {
    server::Request r;
    r.body = body;
    int64_t ts = kNowMs / 1000;
    r.headers = {{"content-type", std::move(content_type)},
                 {"webhook-id", id},
                 {"webhook-timestamp", std::to_string(ts)},
                 {"webhook-signature", sign(decode_secret(kSecret).value(), id, ts, body)}};
    return r;
  }
  static std::string reason(const std::variant<Outcome, Admitted>& v) {
    auto* o = std::get_if<Outcome>(&v);
    return o ? o->reason : "admitted";
  }

  ManualClock clock_{kNowMs};
  WebhooksConfig config_;
};

TEST_F(AdmissionTest, AdmitsASignedDeliveryWithItsIdAndFormat) {
  Admission admission(config_, clock_);
  auto v = admission.admit("dkkd", signed_request("msg-1"));
  ASSERT_TRUE(std::holds_alternative<Admitted>(v)) << reason(v);
  const auto& a = std::get<Admitted>(v);
  EXPECT_EQ(a.source->id, "dkkd");
  EXPECT_EQ(a.webhook_id, "msg-1");
  EXPECT_EQ(a.format, PayloadFormat::kJson);
  EXPECT_EQ(admission.body_limit("dkkd"), 64u);
  EXPECT_FALSE(admission.body_limit("nobody").has_value());
}

TEST_F(AdmissionTest, RefusalsComeInTheirOrderSourceSizeAuthenticationIdRateMediaType) {
  Admission admission(config_, clock_);
  EXPECT_EQ(reason(admission.admit("nobody", signed_request("m"))), "unknown-source");
  // Too large and unsigned: the size is checked before the signature.
  server::Request large;
  large.body = std::string(65, 'x');
  EXPECT_EQ(reason(admission.admit("dkkd", large)), "body-too-large");
  server::Request unsigned_request;
  unsigned_request.body = "{}";
  EXPECT_EQ(reason(admission.admit("dkkd", unsigned_request)), "missing-headers");
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request("bad id"))), "bad-webhook-id");
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request(std::string(257, 'a')))), "bad-webhook-id");
  // The refusals above took no token; a wrong media type takes one (it comes after the rate).
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request("m1", "<x/>", "text/xml"))),
            "unsupported-media-type");
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request("m2"))), "admitted");
  auto limited = admission.admit("dkkd", signed_request("m3"));
  ASSERT_EQ(reason(limited), "rate-limited");
  EXPECT_EQ(std::get<Outcome>(limited).status, 429);
  EXPECT_EQ(std::get<Outcome>(limited).retry_after_s, 1);
  clock_.advance(std::chrono::milliseconds(1000));
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request("m3"))), "admitted");
}

TEST_F(AdmissionTest, ASoapSourceTakesBothSoapVersionsAndRefusesJson) {
  Admission admission(config_, clock_);
  server::Request r;
  r.body = "<Envelope/>";
  r.headers = {{"content-type", "application/soap+xml; charset=utf-8"}, {"webhook-id", "s-1"}};
  r.peer_certificate = server::PeerCertificate{};
  r.peer_certificate->subject = "CN=btp";
  auto v = admission.admit("hotich", r);
  ASSERT_TRUE(std::holds_alternative<Admitted>(v)) << reason(v);
  EXPECT_EQ(std::get<Admitted>(v).format, PayloadFormat::kSoap12);
  r.headers[0].second = "application/json";
  EXPECT_EQ(reason(admission.admit("hotich", r)), "unsupported-media-type");
}

TEST_F(AdmissionTest, TheAuthenticationSchemeIsAPerSourceChoiceFromTheRegistry) {
  AuthSchemes schemes;
  schemes.add("standard_webhooks",
              [](const SourceConfig&, const Clock&) { return std::make_unique<TokenAuth>(); });
  schemes.add("mtls", [](const SourceConfig& s, const Clock&) { return make_mutual_tls_auth(s); });
  Admission admission(config_, clock_, schemes);
  // dkkd now proves itself with the token scheme; its Standard Webhooks signature no longer counts.
  EXPECT_EQ(reason(admission.admit("dkkd", signed_request("m1"))), "bad-token");
  auto r = signed_request("m1");
  r.headers.emplace_back("x-token", "let-me-in");
  EXPECT_EQ(reason(admission.admit("dkkd", r)), "admitted");
  // hotich keeps mutual TLS.
  server::Request soap;
  soap.headers = {{"content-type", "text/xml"}, {"webhook-id", "s-1"}};
  EXPECT_EQ(reason(admission.admit("hotich", soap)), "client-certificate-required");
}

}  // namespace
}  // namespace lienthong::webhooks
