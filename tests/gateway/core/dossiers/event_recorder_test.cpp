#include "gateway/core/dossiers/event_recorder.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/clock.hpp"

namespace lienthong::dossiers {
namespace {

// Carries up to two events per message ("<n>|<sequence>,<sequence>"); refuses status 99.
class PairingDestination : public EventDestination {
 public:
  std::string name() const override { return "pairs"; }
  std::vector<Status> deliver(const std::vector<outbox::Message>& batch) override {
    return std::vector<Status>(batch.size());
  }
  Status check(const model::DossierStatusEvent&, std::optional<int>) const override { return {}; }
  Result<Prepared> prepare(const model::DossierStatusEvent& e, const std::string&) const override {
    if (e.status == 99) return Error(ErrorKind::kMapping, "status 99 has no portal code");
    return Prepared{"pairs", "", {std::to_string(e.sequence)}};
  }
  size_t max_events_per_message() const override { return 2; }
  Result<Prepared> combine(const std::string&, const std::vector<Prepared>& parts) const override {
    std::string out = std::to_string(parts.size()) + "|";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i].fragments[0];
    return Prepared{"pairs", out, {}};
  }
};

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"})).value();
    auto m = DossierStore::migrations();
    auto o = outbox::Outbox::migrations();
    m.insert(m.end(), o.begin(), o.end());
    ASSERT_TRUE(db_->migrate(m).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    store_ = std::make_unique<DossierStore>(*db_);
    routes_ = {
        {"archive", nullptr, "dossier:"}, {"pairs", &pairs_, "dossier:"}, {"notify", nullptr, "notify:"}};
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
    return e;
  }
  std::vector<outbox::Message> queued(const std::string& destination) {
    return outbox_->list({std::nullopt, destination, 100, 0}).value();
  }
  // Records `events` of one dossier in one transaction; the audit notes each sequence.
  Status record_all(const std::vector<model::DossierStatusEvent>& events, std::vector<int>& audited) {
    return db_->transaction([&]() -> Status {
      EventRecorder r(*store_, *outbox_, routes_, "H40-0001", 5000);
      r.set_audit([&](const model::DossierStatusEvent& e) -> Status {
        audited.push_back(e.sequence);
        return {};
      });
      for (const auto& e : events) {
        PreparedEvent p;
        prepare_event(routes_, e, p);
        LT_TRY(r.record(e, p));
      }
      return r.finish();
    });
  }

  ManualClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::unique_ptr<DossierStore> store_;
  PairingDestination pairs_;
  std::vector<Route> routes_;
};

TEST_F(EventRecorderTest, EachRouteGetsItsOwnMessagesUnderTheDossiersKeysAndTheViewMovesOnce) {
  std::vector<int> audited;
  Status st = record_all({event(1, 1), event(2, 2), event(3, 4)}, audited);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(audited, (std::vector<int>{1, 2, 3}));

  auto archive = queued("archive");
  ASSERT_EQ(archive.size(), 3u);
  EXPECT_EQ(archive[0].kind, std::string(kCanonicalKind));
  EXPECT_EQ(archive[0].payload, model::to_json_string(event(1, 1)));
  EXPECT_EQ(archive[2].dedup_key, "H40-0001#3#archive");
  EXPECT_EQ(archive[2].ordering_key, "dossier:H40-0001");

  auto pairs = queued("pairs");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].payload, "2|1,2");
  EXPECT_EQ(pairs[0].dedup_key, "H40-0001#1-2#pairs");
  EXPECT_EQ(pairs[0].events, 2);
  EXPECT_EQ(pairs[1].payload, "1|3");  // the last one alone, made by combine() at finish()
  EXPECT_EQ(pairs[1].dedup_key, "H40-0001#3#pairs");

  auto notify = queued("notify");
  ASSERT_EQ(notify.size(), 3u);
  EXPECT_EQ(notify[0].ordering_key, "notify:H40-0001");

  auto view = store_->get("H40-0001").value();
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->status, 4);
  EXPECT_EQ(view->last_sequence, 3);
}

TEST_F(EventRecorderTest, AnEventRecordedBeforeIsADuplicateAndQueuesNothing) {
  std::vector<int> audited;
  ASSERT_TRUE(record_all({event(1, 1)}, audited).ok());
  ASSERT_TRUE(record_all({event(1, 1)}, audited).ok());
  EXPECT_EQ(audited, (std::vector<int>{1}));
  EXPECT_EQ(queued("archive").size(), 1u);
  EXPECT_EQ(queued("pairs").size(), 1u);
  EXPECT_EQ(store_->count_events().value(), 1);
}

TEST_F(EventRecorderTest, ARouteThatRefusesTheEventIsNamedAndNothingIsKept) {
  PreparedEvent p;
  prepare_event(routes_, event(1, 99), p);
  Status refused = prepared_for_all(routes_, p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kMapping);
  EXPECT_NE(refused.error().message.find("not sendable to pairs"), std::string::npos)
      << refused.error().message;

  std::vector<int> audited;
  Status st = record_all({event(1, 99)}, audited);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("pairs"), std::string::npos) << st.error().message;
  EXPECT_EQ(store_->count_events().value(), 0);  // rolled back with the transaction
  EXPECT_TRUE(queued("archive").empty());
}

TEST_F(EventRecorderTest, AnEventOfAnotherDossierOrNotPreparedIsRefusedAsABug) {
  Status st = db_->transaction([&]() -> Status {
    EventRecorder r(*store_, *outbox_, routes_, "H40-0002", 5000);
    model::DossierStatusEvent e = event(1, 1);
    PreparedEvent p;
    prepare_event(routes_, e, p);
    auto recorded = r.record(e, p);
    if (!recorded.ok()) return recorded.error();
    return {};
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kInternal);
}

}  // namespace
}  // namespace lienthong::dossiers
