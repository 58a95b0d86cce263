#include "gateway/flows/reconciliation/callback_inbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

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

// A confirmation carries only MaThamChieu: the dossier and agency come from the INIT
// records when a run loads it, and only final confirmations spare a QUERY.
TEST(CallbackInbox, KeepsMaThamChieuJoinsTheInitAndListsSettledReferences) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(migrations()).ok());
  ManualClock clock;
  CallbackInbox inbox(*db, clock);
  int64_t at = vn_time::from_vietnam({2026, 11, 2, 10, 0, 0});
  ASSERT_TRUE(*inbox.store(Payment{"GD1", "", "", 50000, at, PaymentStatus::kPaid, 0}, "TT1", "{1}"));
  ASSERT_TRUE(*inbox.store(Payment{"GD2", "", "", 70000, at, PaymentStatus::kFailed, 0}, "TT2", "{2}"));
  ASSERT_TRUE(*inbox.store(Payment{"GD3", "", "", 90000, at, PaymentStatus::kPending, 0}, "TT3", "{3}"));
  auto settled = inbox.settled_refs();
  ASSERT_TRUE(settled.ok());
  std::sort(settled->begin(), settled->end());
  EXPECT_EQ(*settled, (std::vector<std::string>{"TT1", "TT2"}));  // TT3 is still open
  Dataset d;
  Day nov2 = static_cast<Day>(vn_time::days_from_civil(2026, 11, 2));
  CallbackInbox::InitLookup lookup =
      [](std::string_view ref) -> std::optional<std::pair<std::string, std::string>> {
    if (ref == "TT1") return std::make_pair(std::string("HS1"), std::string("AG1"));
    return std::nullopt;
  };
  EXPECT_EQ(*inbox.load(nov2, nov2, d, lookup), 3);
  ASSERT_EQ(d.payments().size(), 3u);
  EXPECT_EQ(d.payments()[0].ref, "GD1");
  EXPECT_EQ(d.dossiers().get(d.payments()[0].dossier), "HS1");
  EXPECT_EQ(d.agencies().get(d.payments()[0].agency), "AG1");
  EXPECT_EQ(d.payments()[1].status, PaymentStatus::kFailed);
}

}  // namespace
}  // namespace lienthong::reconciliation
