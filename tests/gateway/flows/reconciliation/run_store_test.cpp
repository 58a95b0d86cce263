#include "gateway/flows/reconciliation/run_store.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/report.hpp"
#include "tests/gateway/flows/reconciliation/run_store_data.hpp"

namespace lienthong::reconciliation {
namespace {

using sample::at;
using sample::day;

class RunStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({.path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(migrations()).ok());
  }

  std::unique_ptr<Dataset> data(bool late_credit_arrived, bool refund_shown = false) {
    return sample::period(late_credit_arrived, refund_shown);
  }
  RunInfo info(const std::string& treasury_sha) { return sample::run_info(rules_, treasury_sha); }
  RunResult run(const Dataset& d) { return sample::run(d, rules_); }

  std::unique_ptr<store::Database> db_;
  ManualClock clock_;
  Rules rules_;
};

TEST_F(RunStoreTest, RerunWithSameInputsAndRulesReusesTheRunWithoutNewRows) {
  RunStore rs(*db_, clock_);
  auto d = data(false);
  auto i1 = info("t1");
  auto r1 = run(*d);
  auto s1 = rs.save(i1, r1);
  ASSERT_TRUE(s1.ok()) << s1.error().message;
  EXPECT_FALSE(s1->reused);
  int64_t items = *rs.item_count(i1.id);
  EXPECT_EQ(items, static_cast<int64_t>(r1.items.size()));
  clock_.advance(std::chrono::hours(1));
  auto i2 = info("t1");
  auto s2 = rs.save(i2, run(*d));
  ASSERT_TRUE(s2.ok());
  EXPECT_TRUE(s2->reused);
  EXPECT_EQ(i2.id, i1.id);
  EXPECT_EQ(*rs.run_count(), 1);
  EXPECT_EQ(*rs.item_count(i1.id), items);
  EXPECT_EQ(rs.refunds()->size(), 1u);
}

TEST_F(RunStoreTest, DifferentRulesMakeADifferentRun) {
  RunStore rs(*db_, clock_);
  auto d = data(false);
  auto i1 = info("t1");
  ASSERT_TRUE(rs.save(i1, run(*d)).ok());
  rules_.settlement_window_days = 5;
  auto i2 = info("t1");
  ASSERT_TRUE(rs.save(i2, run(*d)).ok());
  EXPECT_NE(i1.id, i2.id);
  EXPECT_EQ(*rs.run_count(), 2);
}

TEST_F(RunStoreTest, LaterRunShowsItemsThatCameInLate) {
  RunStore rs(*db_, clock_);
  auto first = data(false);
  auto i1 = info("t1");
  auto r1 = run(*first);
  bool pending = false;
  for (auto& it : r1.items) pending |= it.key == "PAY:GD2" && it.reason == ReasonCode::kPendingSettlement;
  ASSERT_TRUE(pending);
  ASSERT_TRUE(rs.save(i1, r1).ok());
  clock_.advance(std::chrono::hours(24));
  auto second = data(true);
  auto i2 = info("t2");
  auto s2 = rs.save(i2, run(*second));
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->diff.previous_run, i1.id);
  ASSERT_EQ(s2->diff.changes.size(), 1u);
  EXPECT_EQ(s2->diff.changes[0].key, "PAY:GD2");
  EXPECT_EQ(s2->diff.changes[0].before, ReasonCode::kPendingSettlement);
  EXPECT_FALSE(s2->diff.changes[0].after.has_value());  // now matched
  std::string text = summary_text(i2, run(*second), &*s2);
  EXPECT_NE(text.find("PAY:GD2: pending_settlement -> matched/absent"), std::string::npos) << text;
}

TEST_F(RunStoreTest, RefundGoesDueInstructedRefunded) {
  RunStore rs(*db_, clock_);
  auto i1 = info("t1");
  auto s1 = rs.save(i1, run(*data(false)));
  ASSERT_TRUE(s1.ok());
  // The duplicate GD3 opened a refund and this run instructed it.
  ASSERT_EQ(s1->instructed.size(), 1u);
  EXPECT_EQ(s1->instructed[0].reference, "GD3");
  EXPECT_EQ(s1->instructed[0].amount, 10000);
  auto all = rs.refunds();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].state, "instructed");
  // A run that still sees the duplicate does not instruct it again.
  auto i2 = info("t2");
  auto s2 = rs.save(i2, run(*data(true)));
  ASSERT_TRUE(s2.ok());
  EXPECT_TRUE(s2->instructed.empty());
  // The treasury shows the refund: closed.
  auto i3 = info("t3");
  auto r3 = run(*data(true, true));
  ASSERT_TRUE(rs.save(i3, r3).ok());
  auto after = rs.refunds("refunded");
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].refunded_run, i3.id);
  bool refunded_item = false;
  for (auto& it : r3.items) refunded_item |= it.key == "PAY:GD3" && it.reason == ReasonCode::kRefunded;
  EXPECT_TRUE(refunded_item);
}

// reconciliation.refund_approval "four_eyes": a run opens the refund but instructs it only
// once it has been approved (the console's four-eyes decision).
TEST_F(RunStoreTest, WithApprovalARefundIsInstructedOnlyAfterItWasApproved) {
  RunStore rs(*db_, clock_, true);
  auto i1 = info("t1");
  auto s1 = rs.save(i1, run(*data(false)));
  ASSERT_TRUE(s1.ok());
  EXPECT_TRUE(s1->instructed.empty());
  ASSERT_EQ(rs.refunds("due")->size(), 1u);
  ASSERT_EQ(rs.outstanding_refunds()->size(), 1u);
  EXPECT_FALSE(*rs.approve_refund("GD-unknown"));
  EXPECT_TRUE(*rs.approve_refund("GD3"));
  EXPECT_FALSE(*rs.approve_refund("GD3"));  // approved once
  EXPECT_EQ((*rs.outstanding_refunds())[0].state, "approved");
  clock_.advance(std::chrono::hours(24));
  auto i2 = info("t2");
  auto s2 = rs.save(i2, run(*data(true)));
  ASSERT_TRUE(s2.ok());
  ASSERT_EQ(s2->instructed.size(), 1u);
  EXPECT_EQ(s2->instructed[0].reference, "GD3");
  EXPECT_EQ((*rs.refunds())[0].state, "instructed");
  EXPECT_FALSE(*rs.approve_refund("GD3"));
}

TEST(RunId, DependsOnInputsNotOnPaths) {
  RunInfo a, b;
  a.rules = b.rules = "v=1";
  a.inputs = {{"bank", "/x/a.csv", "abc", 1}};
  b.inputs = {{"bank", "/y/b.csv", "abc", 1}};
  EXPECT_EQ(compute_run_id(a), compute_run_id(b));
  b.inputs[0].sha256 = "abd";
  EXPECT_NE(compute_run_id(a), compute_run_id(b));
}

TEST(Checksum, Sha256OfKnownText) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace lienthong::reconciliation
