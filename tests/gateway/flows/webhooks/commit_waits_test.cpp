#include "gateway/flows/webhooks/commit_waits.hpp"

#include <gtest/gtest.h>

#include "gateway/flows/webhooks/delivery_ids.hpp"

namespace lienthong::webhooks {
namespace {

JobPtr job(const std::string& id) {
  auto j = std::make_shared<IntakeJob>();
  j->source = "dkkd";
  j->webhook_id = id;
  j->answer.body_hash = "h-" + id;
  j->answer.status = 202;
  j->answer.outcome = "accepted";
  j->answer.body = "answer-" + id;
  return j;
}

CommitWaiter waiter(std::vector<Outcome>& got, bool replay = false, std::string hash = {}) {
  return CommitWaiter{replay, std::move(hash), [&got](Outcome o) { got.push_back(std::move(o)); }};
}

TEST(CommitWaits, ARedeliveryFindsThePendingJobUntilItIsSettled) {
  CommitWaits waits(7);
  auto first = job("m-1");
  const std::string key = delivery_key("dkkd", "m-1");
  EXPECT_EQ(waits.add(key, first), nullptr);
  EXPECT_TRUE(first->answer_on_commit);
  auto again = job("m-1");
  EXPECT_EQ(waits.add(key, again), first);
  EXPECT_FALSE(again->answer_on_commit);
  EXPECT_EQ(waits.pending(key), first);
  first->committed = true;
  waits.settle({first});
  EXPECT_EQ(waits.pending(key), nullptr);
}

TEST(CommitWaits, WaitersAreAnsweredWhenTheJobSettlesCommittedOrNot) {
  CommitWaits waits(7);
  std::vector<Outcome> got;
  auto committed = job("m-1");
  waits.add(delivery_key("dkkd", "m-1"), committed);
  waits.await(committed, waiter(got));
  waits.await(committed, waiter(got, true, "h-m-1"));
  waits.await(committed, waiter(got, true, "other body"));
  EXPECT_TRUE(got.empty());
  committed->committed = true;
  waits.settle({committed});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].status, 202);
  EXPECT_FALSE(got[0].replayed);
  EXPECT_EQ(got[0].body, "answer-m-1");
  EXPECT_TRUE(got[1].replayed);
  EXPECT_EQ(got[2].status, 409);

  got.clear();
  auto failed = job("m-2");
  waits.add(delivery_key("dkkd", "m-2"), failed);
  waits.await(failed, waiter(got));
  waits.settle({failed});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 503);
  EXPECT_EQ(got[0].retry_after_s, 7);
  // Settled already: a late waiter is answered at once.
  waits.await(failed, waiter(got));
  EXPECT_EQ(got.size(), 2u);
}

TEST(CommitWaits, AnEarlierReceiptAnswersInsteadOfTheJobsOwnAnswer) {
  CommitWaits waits(7);
  std::vector<Outcome> got;
  auto j = job("m-1");
  waits.add(delivery_key("dkkd", "m-1"), j);
  waits.await(j, waiter(got));
  IntakeAnswer earlier = j->answer;
  earlier.body_hash = "another instance's body";
  earlier.body = "theirs";
  j->earlier = earlier;
  j->committed = true;
  waits.settle({j});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 409);
}

}  // namespace
}  // namespace lienthong::webhooks
