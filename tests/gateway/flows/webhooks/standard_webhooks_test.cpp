#include "gateway/flows/webhooks/standard_webhooks.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace lienthong::webhooks {
namespace {

// The test vector published with the Standard Webhooks reference libraries.
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kTs = 1614265330;
constexpr const char* kBody = R"({"test": 2432232314})";
constexpr const char* kExpected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

std::string key() {
  return decode_secret(kSecret).value();
}

SignedHeaders headers(const std::string& id, const std::string& ts, const std::string& sig) {
  SignedHeaders h;
  h.id = id;
  h.timestamp = ts;
  h.signature = sig;
  h.has_id = h.has_timestamp = h.has_signature = true;
  return h;
}

TEST(StandardWebhooks, SignMatchesPublishedTestVector) {
  EXPECT_EQ(sign(key(), kId, kTs, kBody), kExpected);
}

TEST(StandardWebhooks, SignMatchesAnIndependentOpenSslHmac) {
  std::string k = "0123456789abcdef0123456789abcdef";
  std::string msg = std::string("id-1.1700000000.") + "{\"a\":1}";
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), out, &len);
  unsigned char b64[64];
  EVP_EncodeBlock(b64, out, static_cast<int>(len));
  EXPECT_EQ(sign(k, "id-1", 1700000000, "{\"a\":1}"), "v1," + std::string(reinterpret_cast<char*>(b64)));
}

TEST(StandardWebhooks, VerifyAcceptsTheTestVectorWithinTolerance) {
  auto r = verify({key()}, headers(kId, std::to_string(kTs), kExpected), kBody, kTs + 299);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.key_index, 0);
}

TEST(StandardWebhooks, VerifyRefusesAStaleTimestampAndSaysSo) {
  auto r = verify({key()}, headers(kId, std::to_string(kTs), kExpected), kBody, kTs + 301);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, VerifyFailure::kStale);
  EXPECT_NE(r.detail.find("in the past"), std::string::npos);
}

TEST(StandardWebhooks, VerifyRefusesAFutureTimestampAndSaysSo) {
  auto r = verify({key()}, headers(kId, std::to_string(kTs), kExpected), kBody, kTs - 301);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, VerifyFailure::kFuture);
  EXPECT_NE(r.detail.find("in the future"), std::string::npos);
}

TEST(StandardWebhooks, VerifyRefusesAChangedBodyIdOrTimestamp) {
  EXPECT_EQ(
      verify({key()}, headers(kId, std::to_string(kTs), kExpected), R"({"test": 2432232315})", kTs).failure,
      VerifyFailure::kNoMatch);
  EXPECT_FALSE(verify({key()}, headers("msg_other", std::to_string(kTs), kExpected), kBody, kTs).ok);
  EXPECT_FALSE(verify({key()}, headers(kId, std::to_string(kTs + 1), kExpected), kBody, kTs).ok);
}

TEST(StandardWebhooks, VerifyAcceptsAnyOfSeveralSignaturesAndKeysForRotation) {
  std::string old_key = key();
  std::string new_key = decode_secret("whsec_" + base64_encode("a-brand-new-32-byte-secret-key!!")).value();
  std::string sig_new = sign(new_key, kId, kTs, kBody);
  // Sender already signs with the new secret only; receiver still lists both.
  auto r = verify({old_key, new_key}, headers(kId, std::to_string(kTs), sig_new), kBody, kTs);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.key_index, 1);
  // Sender signs with both while the receiver knows only the old one.
  auto both = std::string(kExpected) + " " + sig_new;
  EXPECT_TRUE(verify({old_key}, headers(kId, std::to_string(kTs), both), kBody, kTs).ok);
  // After rotation the old secret no longer works.
  EXPECT_FALSE(verify({new_key}, headers(kId, std::to_string(kTs), kExpected), kBody, kTs).ok);
}

// verify() keeps a keyed HMAC context per thread and key: alternating keys, bodies and
// ids on one thread must give each delivery its own MAC, never a previous one's state.
TEST(StandardWebhooks, VerifyGivesEachDeliveryItsOwnMacWhenKeysAndBodiesAlternate) {
  std::string a = key();
  std::string b = decode_secret("whsec_" + base64_encode("another-32-byte-secret-for-test!")).value();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      std::string id = "msg_" + std::to_string(round) + "_" + std::to_string(i);
      std::string body = R"({"n":)" + std::to_string(i) + "}";
      const std::string& signer = i % 2 ? a : b;
      const std::string& other = i % 2 ? b : a;
      // SignedHeaders views its texts: they are kept here for the whole iteration.
      const std::string ts = std::to_string(kTs);
      const std::string sig = sign(signer, id, kTs, body);
      auto h = headers(id, ts, sig);
      auto ok = verify({other, signer}, h, body, kTs);
      EXPECT_TRUE(ok.ok) << id << ": " << ok.detail;
      EXPECT_EQ(ok.key_index, 1) << id;
      EXPECT_FALSE(verify({other}, h, body, kTs).ok) << id;
      EXPECT_FALSE(verify({signer}, h, body + " ", kTs).ok) << id;
    }
  }
  // The published vector still verifies after all of that on this thread.
  EXPECT_TRUE(verify({key()}, headers(kId, std::to_string(kTs), kExpected), kBody, kTs).ok);
}

// The signed timestamp is the decimal text of the value, as sign() writes it: a header
// with leading zeros verifies against that text, as before.
TEST(StandardWebhooks, VerifyReadsATimestampWithLeadingZerosAsItsValue) {
  auto r = verify({key()}, headers(kId, "00" + std::to_string(kTs), kExpected), kBody, kTs);
  EXPECT_TRUE(r.ok) << r.detail;
}

TEST(StandardWebhooks, VerifyIgnoresUnknownVersions) {
  std::string v2 = std::string("v2,") + std::string(kExpected).substr(3);
  EXPECT_EQ(verify({key()}, headers(kId, std::to_string(kTs), v2), kBody, kTs).failure,
            VerifyFailure::kNoMatch);
}

TEST(StandardWebhooks, VerifyReportsMissingHeadersByName) {
  SignedHeaders h;
  h.id = kId;
  h.has_id = true;
  auto r = verify({key()}, h, kBody, kTs);
  EXPECT_EQ(r.failure, VerifyFailure::kMissingHeaders);
  EXPECT_NE(r.detail.find("webhook-timestamp"), std::string::npos);
  EXPECT_NE(r.detail.find("webhook-signature"), std::string::npos);
  EXPECT_EQ(r.detail.find("webhook-id"), std::string::npos);
}

TEST(StandardWebhooks, VerifyRefusesANonNumericTimestamp) {
  EXPECT_EQ(verify({key()}, headers(kId, "-5", kExpected), kBody, kTs).failure, VerifyFailure::kBadTimestamp);
  EXPECT_EQ(verify({key()}, headers(kId, "12a", kExpected), kBody, kTs).failure,
            VerifyFailure::kBadTimestamp);
  EXPECT_EQ(verify({key()}, headers(kId, "", kExpected), kBody, kTs).failure, VerifyFailure::kBadTimestamp);
}

TEST(StandardWebhooks, ParseSignatureHeaderNamesTheBadEntry) {
  auto r = parse_signature_header("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= garbage");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("entry 2"), std::string::npos);
  EXPECT_FALSE(parse_signature_header("").ok());
  EXPECT_FALSE(parse_signature_header("v1,not*base64").ok());
  auto ok = parse_signature_header("  v1,YWJj  v1a,ZGVm ");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].mac, "abc");
  EXPECT_EQ((*ok)[1].version, "v1a");
}

TEST(StandardWebhooks, DecodeSecretRefusesMissingPrefixBadBase64AndShortKeys) {
  EXPECT_EQ(decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error().kind, ErrorKind::kConfig);
  EXPECT_FALSE(decode_secret("whsec_%%%%").ok());
  EXPECT_FALSE(decode_secret("whsec_YWJj").ok());  // 3 bytes
  auto e = decode_secret("whsec_%%%%");
  EXPECT_EQ(e.error().message.find("%%%%"), std::string::npos) << "never echo the secret";
}

TEST(StandardWebhooks, Base64RoundTripsAndIsStrict) {
  for (std::string s : std::vector<std::string>{"a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(s)).value(), s);
  }
  EXPECT_FALSE(base64_decode("YWJ").ok());
  EXPECT_FALSE(base64_decode("YW=j").ok());
  EXPECT_FALSE(base64_decode(" YWJj").ok());
}

TEST(StandardWebhooks, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace lienthong::webhooks
