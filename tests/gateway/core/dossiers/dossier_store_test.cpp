#include "gateway/core/dossiers/dossier_store.hpp"

#include <gtest/gtest.h>

#include "gateway/core/dossiers/quarantine.hpp"

namespace lienthong::dossiers {

class DossierStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"})).value();
    auto m = DossierStore::migrations();
    auto q = Quarantine::migrations();
    m.insert(m.end(), q.begin(), q.end());
    ASSERT_TRUE(db_->migrate(m).ok());
  }
  static model::DossierStatusEvent event(int seq, int status) {
    model::DossierStatusEvent e;
    e.source = "one_stop_shop";
    e.dossier_code = "H40-0001";
    e.procedure_code = "1.003560.000.00.00.H40";
    e.received_at_ms = 1000;
    e.status = status;
    e.status_at_ms = 1000 + seq;
    e.sequence = seq;
    e.fees = {{"LP", "Lệ phí", 150000}, {"P", "Phí", 50000}};
    return e;
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(DossierStoreTest, RecordingTheSameEventTwiceIsADuplicate) {
  DossierStore s(*db_);
  EXPECT_EQ(*s.record(event(1, 1), 5), RecordOutcome::kInserted);
  EXPECT_EQ(*s.record(event(1, 1), 6), RecordOutcome::kDuplicate);
  EXPECT_EQ(*s.count_events(), 1);
}

TEST_F(DossierStoreTest, SameKeyWithOtherContentIsAConflict) {
  DossierStore s(*db_);
  ASSERT_TRUE(s.record(event(1, 1), 5).ok());
  auto r = s.record(event(1, 2), 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
}

TEST_F(DossierStoreTest, ViewMovesForwardOnlyAndHistoryKeepsOrder) {
  DossierStore s(*db_);
  ASSERT_TRUE(s.record(event(2, 4), 5).ok());
  ASSERT_TRUE(s.record(event(1, 2), 6).ok());  // late arrival of an older event
  auto row = s.get("H40-0001");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->status, 4);
  EXPECT_EQ((*row)->last_sequence, 2);
  EXPECT_EQ((*row)->fee_total_vnd, 200000);
  auto h = s.history("H40-0001");
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].status, 2);
  EXPECT_EQ((*h)[1].status, 4);
  EXPECT_EQ(**s.last_status("H40-0001"), 4);
}

TEST_F(DossierStoreTest, PositionIsTheViewsSequenceStatusAndTime) {
  DossierStore s(*db_);
  auto none = s.position("H40-0001");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(s.record(event(1, 2), 5).ok());
  ASSERT_TRUE(s.record(event(2, 4), 6).ok());
  auto p = s.position("H40-0001");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->last_sequence, 2);
  EXPECT_EQ((*p)->status, 4);
  EXPECT_EQ((*p)->status_at_ms, 1002);
  auto row = s.get("H40-0001");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->updated_at_ms, 6);
  EXPECT_EQ((*row)->source, "one_stop_shop");
  EXPECT_EQ((*row)->procedure_code, "1.003560.000.00.00.H40");
  EXPECT_FALSE((*row)->returned_at_ms.has_value());
}

TEST_F(DossierStoreTest, QuarantineKeepsOneRowPerRecordWithLatestReason) {
  Quarantine q(*db_);
  auto id1 = q.put("one_stop_shop", "X#1", Error(ErrorKind::kMapping, "first"), "{}", 1);
  auto id2 = q.put("one_stop_shop", "X#1", Error(ErrorKind::kValidation, "second"), "{}", 2);
  ASSERT_TRUE(id1.ok() && id2.ok());
  EXPECT_EQ(*id1, *id2);
  auto rec = q.get(*id1);
  EXPECT_EQ((*rec)->reason, "second");
  EXPECT_EQ((*rec)->reason_kind, "validation");
  EXPECT_TRUE(*q.contains("one_stop_shop", "X#1"));
  ASSERT_TRUE(q.release(*id1, 3).ok());
  EXPECT_FALSE(*q.contains("one_stop_shop", "X#1"));
  EXPECT_EQ(*q.count(), 0);
  EXPECT_FALSE(q.release(*id1, 4).ok());
}

}  // namespace lienthong::dossiers
