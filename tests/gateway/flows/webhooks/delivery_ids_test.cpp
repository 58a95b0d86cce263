#include "gateway/flows/webhooks/delivery_ids.hpp"

#include <gtest/gtest.h>

namespace lienthong::webhooks {
namespace {

IntakeAnswer answer(std::string body_hash, std::string body) {
  IntakeAnswer a;
  a.body_hash = std::move(body_hash);
  a.status = 202;
  a.outcome = "accepted";
  a.body = std::move(body);
  return a;
}

Receipt receipt(const std::string& id, std::string body, int64_t at_ms = 1'000) {
  Receipt r;
  r.source = "dkkd";
  r.webhook_id = id;
  r.body_sha256 = "h-" + id;
  r.status = 202;
  r.outcome = "accepted";
  r.response_body = std::move(body);
  r.received_at_ms = at_ms;
  return r;
}

class DeliveryIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"}).value());
    ASSERT_TRUE(db_->migrate(Receipts::migrations()).ok());
  }
  std::optional<IntakeAnswer> earlier(DeliveryIds& ids, const std::string& id) {
    auto e = ids.earlier(delivery_key("dkkd", id), "dkkd", id);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::nullopt;
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(DeliveryIdsTest, TheFirstTakeRecordsAndHoldsItsAnswerTheSecondGetsThatAnswerWithoutRecording) {
  DeliveryIds ids(*db_);
  int recorded = 0;
  auto record = [&]() -> Status {
    ++recorded;
    return {};
  };
  const std::string key = delivery_key("dkkd", "m-1");
  auto first = ids.take(key, answer("h1", "first"), record);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  auto second = ids.take(key, answer("h2", "second"), record);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->body, "first");
  EXPECT_EQ(recorded, 1);
  EXPECT_EQ(earlier(ids, "m-1")->body, "first");
  EXPECT_EQ(ids.known(), 1u);
}

TEST_F(DeliveryIdsTest, AFailedRecordHoldsNothing) {
  DeliveryIds ids(*db_);
  const std::string key = delivery_key("dkkd", "m-1");
  auto failed =
      ids.take(key, answer("h1", "x"), [] { return Status(Error(ErrorKind::kStore, "disk full")); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "disk full");
  EXPECT_FALSE(earlier(ids, "m-1").has_value());
  EXPECT_EQ(ids.known(), 0u);
}

TEST_F(DeliveryIdsTest, AnAnswerIsHeldForTwoRoundsAfterTheRoundThatStoredItThenTheReceiptAnswers) {
  DeliveryIds ids(*db_);
  const std::string key = delivery_key("dkkd", "m-1");
  ids.hold(key, answer("h-m-1", "held"));
  ASSERT_TRUE(Receipts(*db_).insert(receipt("m-1", "stored")).ok());
  ids.applied({key});
  EXPECT_EQ(earlier(ids, "m-1")->body, "held");
  ids.applied({});
  EXPECT_EQ(earlier(ids, "m-1")->body, "held");
  ids.applied({});
  EXPECT_EQ(earlier(ids, "m-1")->body, "stored");
}

TEST_F(DeliveryIdsTest, StartUpKnowsTheReceiptsInTheStoreAndUnknownIdsSkipTheLookup) {
  Receipts receipts(*db_);
  ASSERT_TRUE(receipts.insert(receipt("a", "A")).ok());
  ASSERT_TRUE(receipts.insert(receipt("b", "B")).ok());
  DeliveryIds ids(*db_);
  ASSERT_TRUE(ids.load().ok());
  EXPECT_EQ(ids.known(), 2u);
  EXPECT_EQ(earlier(ids, "b")->body, "B");
  EXPECT_FALSE(earlier(ids, "c").has_value());
}

TEST_F(DeliveryIdsTest, PruneForgetsTheDeletedIdsAndKeepsTheHeldOnes) {
  Receipts receipts(*db_);
  ASSERT_TRUE(receipts.insert(receipt("old", "O", 1'000)).ok());
  ASSERT_TRUE(receipts.insert(receipt("new", "N", 9'000)).ok());
  DeliveryIds ids(*db_);
  ASSERT_TRUE(ids.load().ok());
  ids.hold(delivery_key("dkkd", "queued"), answer("h", "Q"));
  EXPECT_EQ(ids.known(), 3u);
  auto n = ids.prune(5'000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(ids.known(), 2u);
  EXPECT_FALSE(earlier(ids, "old").has_value());
  EXPECT_EQ(earlier(ids, "queued")->body, "Q");
}

TEST(DeliveryReplay, TheSameBodyGetsTheEarlierAnswerAnotherBodyIs409) {
  IntakeAnswer a = answer("h1", R"({"status":"accepted"})");
  Outcome same = replay(a, "m-1", "h1");
  EXPECT_EQ(same.status, 202);
  EXPECT_TRUE(same.replayed);
  EXPECT_EQ(same.body, a.body);
  Outcome other = replay(a, "m-1", "h2");
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(other.reason, "webhook-id-reused");
  EXPECT_NE(other.detail.find("m-1"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::webhooks
