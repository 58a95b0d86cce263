#include "gateway/flows/webhooks/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace lienthong::webhooks {
namespace {

TEST(TokenBucket, AllowsTheBurstThenRefusesWithTheWait) {
  ManualClock clock;
  TokenBucket b(2, 3, clock);  // 2/s, burst 3
  EXPECT_EQ(b.try_take(), 0);
  EXPECT_EQ(b.try_take(), 0);
  EXPECT_EQ(b.try_take(), 0);
  EXPECT_EQ(b.try_take(), 500);
  clock.advance(Millis(250));
  EXPECT_EQ(b.try_take(), 250);
  clock.advance(Millis(250));
  EXPECT_EQ(b.try_take(), 0);
}

TEST(TokenBucket, RefillsNoFurtherThanTheBurst) {
  ManualClock clock;
  TokenBucket b(10, 2, clock);
  clock.advance(Millis(60'000));
  EXPECT_EQ(b.try_take(), 0);
  EXPECT_EQ(b.try_take(), 0);
  EXPECT_GT(b.try_take(), 0);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  ManualClock clock;
  TokenBucket b(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(b.try_take(), 0);
}

}  // namespace
}  // namespace lienthong::webhooks
