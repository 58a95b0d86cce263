#include "gateway/reconciliation/callback_inbox.hpp"

#include <gtest/gtest.h>

#include "gateway/common/vn_time.hpp"
#include "gateway/reconciliation/run_store.hpp"

namespace lienthong::reconciliation {
namespace {

TEST(CallbackInbox, StoresOncePerReferenceAndLetsPendingBecomePaid) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(migrations()).ok());
  ManualClock clock;
  CallbackInbox inbox(*db, clock);
  int64_t paid_at = vn_time::from_vietnam({2026, 11, 2, 23, 30, 0});  // late evening: 16:30 UTC
  Payment p{"GD1", "HS1", "AG", 50000, paid_at, PaymentStatus::kPending, 0};
  EXPECT_TRUE(*inbox.store(p, "{pending}"));
  p.status = PaymentStatus::kPaid;
  EXPECT_FALSE(*inbox.store(p, "{paid}"));
  EXPECT_FALSE(*inbox.store(p, "{paid again}"));
  EXPECT_EQ(*inbox.count(), 1);
  Dataset d;
  Day nov2 = static_cast<Day>(vn_time::days_from_civil(2026, 11, 2));
  EXPECT_EQ(*inbox.load(nov2, nov2, d), 1);
  ASSERT_EQ(d.payments().size(), 1u);
  EXPECT_EQ(d.payments()[0].status, PaymentStatus::kPaid);
  EXPECT_EQ(d.payments()[0].day, nov2);  // Vietnam day, not the UTC one
  Dataset other;
  EXPECT_EQ(*inbox.load(nov2 + 1, nov2 + 1, other), 0);
  // A payment the run already has from the platform's file is not added twice.
  EXPECT_EQ(*inbox.load(nov2, nov2, d), 0);
}

}  // namespace
}  // namespace lienthong::reconciliation
