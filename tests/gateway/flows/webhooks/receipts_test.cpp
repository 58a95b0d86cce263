#include "gateway/flows/webhooks/receipts.hpp"

#include <gtest/gtest.h>

namespace lienthong::webhooks {
namespace {

Receipt receipt(const std::string& id, int64_t at_ms) {
  Receipt r;
  r.source = "dkkd";
  r.webhook_id = id;
  r.body_sha256 = sha256_hex(id);
  r.status = 202;
  r.outcome = "accepted";
  r.response_body = "{}";
  r.received_at_ms = at_ms;
  return r;
}

TEST(Receipts, PruneDeletesOnlyReceiptsReceivedBeforeTheCutoffInChunks) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"}).value());
  ASSERT_TRUE(db->migrate(Receipts::migrations()).ok());
  Receipts receipts(*db);
  for (int i = 0; i < 25; ++i)
    ASSERT_TRUE(receipts.insert(receipt("old-" + std::to_string(i), 1'000 + i)).ok());
  ASSERT_TRUE(receipts.insert(receipt("new", 9'000)).ok());
  auto n = receipts.prune(5'000, 10);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 25);
  EXPECT_EQ(receipts.count().value(), 1);
  EXPECT_TRUE(receipts.find("dkkd", "new")->has_value());
  EXPECT_FALSE(receipts.find("dkkd", "old-3")->has_value());
}

}  // namespace
}  // namespace lienthong::webhooks
