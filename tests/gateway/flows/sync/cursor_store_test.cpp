#include "gateway/flows/sync/cursor_store.hpp"

#include <gtest/gtest.h>

namespace lienthong::sync {
namespace {

class CursorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({":memory:"});
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(CursorStore::migrations()).ok());
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(CursorStoreTest, NeverPulledSourceReadsAsEmptyCursorMeaningFromTheBeginning) {
  CursorStore c(*db_);
  auto v = c.get("one_stop_shop");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "");
}

TEST_F(CursorStoreTest, SetThenGetReturnsTheLatestCursor) {
  CursorStore c(*db_);
  ASSERT_TRUE(c.set("one_stop_shop", "100.1", 1).ok());
  ASSERT_TRUE(c.set("one_stop_shop", "200.7", 2).ok());
  EXPECT_EQ(*c.get("one_stop_shop"), "200.7");
}

TEST_F(CursorStoreTest, EachSourceHasItsOwnCursor) {
  CursorStore c(*db_);
  ASSERT_TRUE(c.set("a", "x", 1).ok());
  ASSERT_TRUE(c.set("b", "y", 1).ok());
  EXPECT_EQ(*c.get("a"), "x");
  EXPECT_EQ(*c.get("b"), "y");
}

TEST_F(CursorStoreTest, CursorSetInsideARolledBackTransactionIsNotKept) {
  CursorStore c(*db_);
  ASSERT_TRUE(c.set("a", "before", 1).ok());
  Status st = db_->transaction([&]() -> Status {
    LT_TRY(c.set("a", "after", 2));
    return Error(ErrorKind::kStore, "simulated failure later in the page");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(*c.get("a"), "before");
}

TEST_F(CursorStoreTest, ResetMakesTheNextPullStartFromTheBeginning) {
  CursorStore c(*db_);
  ASSERT_TRUE(c.set("a", "x", 1).ok());
  ASSERT_TRUE(c.reset("a").ok());
  EXPECT_EQ(*c.get("a"), "");
}

}  // namespace
}  // namespace lienthong::sync
