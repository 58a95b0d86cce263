// Accounts, rate limits and the enumeration guard.
#include <gtest/gtest.h>

#include "gateway/core/audit/digest.hpp"
#include "gateway/flows/citizen/accounts.hpp"
#include "gateway/flows/citizen/enumeration_guard.hpp"
#include "gateway/flows/citizen/in_flight_limits.hpp"
#include "gateway/flows/citizen/rate_limiter.hpp"

namespace lienthong::citizen {
namespace {

AccountDirectory directory() {
  AccountDirectory d;
  d.add({"a", "CB-1", "AG-1", {"p"}, {}}, {audit::sha256_hex("secret-a")}, {"CN=a,O=X,C=VN"}, {});
  d.add({"b", "CB-2", "AG-2", {"p"}, {}}, {}, {}, {"AA:BB:CC"});
  return d;
}

TEST(AccountDirectory, IdentifiesByApiKeyHashCertificateSubjectOrFingerprint) {
  auto d = directory();
  CallerCredentials key;
  key.api_key = "secret-a";
  ASSERT_NE(d.identify(key), nullptr);
  EXPECT_EQ(d.identify(key)->id, "a");
  CallerCredentials subj;
  subj.cert_subject = "CN=a,O=X,C=VN";
  EXPECT_EQ(d.identify(subj)->id, "a");
  CallerCredentials fp;
  fp.cert_fingerprint = "aabbcc";  // case and separators do not matter
  EXPECT_EQ(d.identify(fp)->id, "b");
}

TEST(AccountDirectory, UnknownOrEmptyCredentialsIdentifyNobody) {
  auto d = directory();
  CallerCredentials none;
  EXPECT_EQ(d.identify(none), nullptr);
  CallerCredentials wrong;
  wrong.api_key = "secret-b";
  EXPECT_EQ(d.identify(wrong), nullptr);
  CallerCredentials empty;
  empty.api_key = "";
  EXPECT_EQ(d.identify(empty), nullptr);
  CallerCredentials cert;
  cert.cert_subject = "CN=a,O=Y,C=VN";
  EXPECT_EQ(d.identify(cert), nullptr);
}

TEST(AccountDirectory, RefusesACredentialGivenToTwoAccounts) {
  AccountDirectory d;
  d.add({"a", "CB-1", "AG-1", {"p"}, {}}, {audit::sha256_hex("k")}, {}, {});
  EXPECT_THROW(d.add({"b", "CB-2", "AG-2", {"p"}, {}}, {audit::sha256_hex("k")}, {}, {}),
               std::invalid_argument);
  EXPECT_THROW(d.add({"a", "CB-3", "AG-3", {"p"}, {}}, {}, {"CN=z"}, {}), std::invalid_argument);
}

TEST(TokenBucket, AllowsBurstThenRefillsAtTheConfiguredRate) {
  TokenBucket b(60, 3, 0);  // one per second
  int64_t retry = 0;
  EXPECT_TRUE(b.try_take(0, retry));
  EXPECT_TRUE(b.try_take(0, retry));
  EXPECT_TRUE(b.try_take(0, retry));
  EXPECT_FALSE(b.try_take(0, retry));
  EXPECT_EQ(retry, 1000);
  EXPECT_FALSE(b.try_take(500, retry));
  EXPECT_EQ(retry, 500);
  EXPECT_TRUE(b.try_take(1000, retry));
  EXPECT_FALSE(b.try_take(1000, retry));
  EXPECT_TRUE(b.try_take(60'000, retry));  // refills to the burst, not beyond
  EXPECT_TRUE(b.try_take(60'000, retry));
  EXPECT_TRUE(b.try_take(60'000, retry));
  EXPECT_FALSE(b.try_take(60'000, retry));
}

TEST(RateLimiter, KeepsOneBucketPerAccount) {
  ManualClock clock;
  RateLimiter rl(clock);
  Account a{"a", "o", "g", {}, {6, 1}};
  Account b{"b", "o", "g", {}, {6, 1}};
  int64_t retry = 0;
  EXPECT_TRUE(rl.try_acquire(a, retry));
  EXPECT_FALSE(rl.try_acquire(a, retry));
  EXPECT_EQ(retry, 10'000);
  EXPECT_TRUE(rl.try_acquire(b, retry));
  clock.advance(Millis(10'000));
  EXPECT_TRUE(rl.try_acquire(a, retry));
}

TEST(EnumerationGuard, FlagsAfterThresholdMissesInWindowThenSlowsTheAccount) {
  ManualClock clock;
  EnumerationGuard g({3, Millis(60'000), Millis(3'600'000), Millis(30'000)}, clock);
  EXPECT_FALSE(g.settle("a", true));
  EXPECT_FALSE(g.settle("a", false));  // found answers do not count
  EXPECT_FALSE(g.settle("a", true));
  EXPECT_FALSE(g.is_flagged("a"));
  EXPECT_TRUE(g.settle("a", true));
  EXPECT_TRUE(g.is_flagged("a"));
  EXPECT_FALSE(g.is_flagged("b"));

  auto first = g.admit("a");
  EXPECT_TRUE(first.allowed);
  EXPECT_TRUE(first.flagged);
  auto second = g.admit("a");
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(second.retry_after_ms, 30'000);
  clock.advance(Millis(30'000));
  EXPECT_TRUE(g.admit("a").allowed);
  clock.advance(Millis(3'600'000));
  EXPECT_FALSE(g.is_flagged("a"));
  EXPECT_TRUE(g.admit("a").allowed);
  EXPECT_TRUE(g.admit("a").allowed);
}

TEST(EnumerationGuard, MissesOutsideTheWindowAreForgotten) {
  ManualClock clock;
  EnumerationGuard g({3, Millis(60'000), Millis(3'600'000), Millis(30'000)}, clock);
  g.settle("a", true);
  g.settle("a", true);
  clock.advance(Millis(61'000));
  EXPECT_FALSE(g.settle("a", true));
  EXPECT_FALSE(g.is_flagged("a"));
}

TEST(EnumerationGuard, ReservationsCountLookupsInFlightTowardsTheThreshold) {
  ManualClock clock;
  EnumerationGuard g({3, Millis(60'000), Millis(3'600'000), Millis(30'000)}, clock);
  int64_t retry = 0;
  EXPECT_TRUE(g.reserve("a", retry));
  EXPECT_TRUE(g.settle("a", true) == false);  // one miss in the window
  EXPECT_TRUE(g.reserve("a", retry));
  EXPECT_TRUE(g.reserve("a", retry));
  // One miss and two in flight: a fourth could carry the account past the threshold.
  EXPECT_FALSE(g.reserve("a", retry));
  EXPECT_EQ(retry, 1000);
  EXPECT_TRUE(g.reserve("b", retry));  // another account is not affected
  EXPECT_FALSE(g.settle("a", false));  // a found answer frees its reservation
  EXPECT_EQ(g.in_flight("a"), 1);
  EXPECT_TRUE(g.reserve("a", retry));
}

TEST(InFlightLimits, EachCapRefusesWithItsNameAndTakesNothing) {
  InFlightLimits l({2, 3, 4});
  EXPECT_EQ(l.try_enter("a", "x"), nullptr);
  EXPECT_EQ(l.try_enter("a", "x"), nullptr);
  EXPECT_STREQ(l.try_enter("a", "x"), "account");
  EXPECT_EQ(l.try_enter("b", "x"), nullptr);
  EXPECT_STREQ(l.try_enter("c", "x"), "agency");
  EXPECT_EQ(l.try_enter("c", "y"), nullptr);
  EXPECT_STREQ(l.try_enter("d", "z"), "total");
  EXPECT_EQ(l.in_flight(), 4);
  l.leave("a", "x");
  EXPECT_EQ(l.try_enter("d", "z"), nullptr);
}

}  // namespace
}  // namespace lienthong::citizen
