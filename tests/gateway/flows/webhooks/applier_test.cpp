// The applier against a real file-backed SQLite store, the real outbox and a real
// intake journal; the jobs are built by hand (no admission, no translation).
#include "gateway/flows/webhooks/applier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/webhooks/delivery_ids.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"

namespace lienthong::webhooks {
namespace {

constexpr int64_t kNowMs = 1'795'000'000'000;

class ApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wh_applier_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions so;
    so.path = (dir_ / "lienthong.db").string();
    db_ = std::move(store::open_sqlite(so).value());
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v :
         {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(), Receipts::migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    open_journal();
  }
  void TearDown() override {
    applier_.reset();
    journal_.reset();
    outbox_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<JournalRecord> open_journal() {
    JournalOptions o;
    o.dir = dir_ / "journal";
    std::vector<JournalRecord> recovered;
    journal_.reset();
    journal_ = std::move(IntakeJournal::open(o, recovered).value());
    return recovered;
  }
  void start(bool notify = false, std::deque<JobPtr> recovered = {},
             std::vector<std::string> destinations = {"dvcqg"}) {
    ApplierOptions ao;
    ao.destinations = std::move(destinations);
    ao.notify = notify;
    ao.applied = [this](const std::vector<std::string>& keys) {
      std::lock_guard lock(mu_);
      applied_.insert(applied_.end(), keys.begin(), keys.end());
    };
    applier_ =
        std::make_unique<Applier>(*db_, *outbox_, clock_, *journal_, std::move(ao), std::move(recovered));
  }

  static JobPtr job(const std::string& id, const std::string& dossier, int status) {
    auto j = std::make_shared<IntakeJob>();
    j->source = "dkkd";
    j->webhook_id = id;
    j->received_at_ms = kNowMs;
    j->answer.body_hash = "h-" + id;
    j->answer.status = 202;
    j->answer.outcome = "accepted";
    j->answer.body = "{}";
    model::DossierStatusEvent e;
    e.source = "webhook:dkkd";
    e.dossier_code = dossier;
    e.procedure_code = "1.001612.000.00.00.H56";
    e.status = status;
    e.status_at_ms = kNowMs + status;
    e.received_at_ms = kNowMs;
    j->event = e;
    return j;
  }
  void append(const JobPtr& j) { ASSERT_TRUE(applier_->append(j, encode_record(*j)).ok()); }
  int64_t outbox_messages(const std::string& destination = "") {
    auto c = outbox_->counts(destination).value();
    return c.pending + c.sent + c.dead;
  }

  ManualClock clock_{kNowMs};
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::unique_ptr<IntakeJournal> journal_;
  std::unique_ptr<Applier> applier_;
  std::mutex mu_;
  std::vector<std::string> applied_;
};

TEST_F(ApplierTest, AppendedJobsAreStoredInIntakeOrderWithTheirOutboxMessagesAndReceipts) {
  start(/*notify=*/true);
  append(job("m-1", "H56.01-261118-0001", 1));
  append(job("m-2", "H56.01-261118-0001", 2));
  append(job("m-3", "H56.01-261118-0002", 1));
  EXPECT_GE(applier_->backlog(), 0u);
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  EXPECT_EQ(applier_->backlog(), 0u);
  dossiers::DossierStore store(*db_);
  EXPECT_EQ(store.count_events().value(), 3);
  // Unnumbered events get their dossier's next sequence in intake order.
  EXPECT_EQ(store.last_sequence("H56.01-261118-0001").value(), 2);
  EXPECT_EQ(store.last_sequence("H56.01-261118-0002").value(), 1);
  EXPECT_EQ(outbox_messages("dvcqg"), 3);
  EXPECT_EQ(outbox_messages(kNotifyDestination), 3);
  EXPECT_EQ(Receipts(*db_).count().value(), 3);
  std::lock_guard lock(mu_);
  EXPECT_EQ(applied_, (std::vector<std::string>{delivery_key("dkkd", "m-1"), delivery_key("dkkd", "m-2"),
                                                delivery_key("dkkd", "m-3")}));
}

// The applier lag metric's source: while another writer holds the store, the oldest
// accepted job is the first one appended, whether it waits in the queue or in a batch.
TEST_F(ApplierTest, OldestUnappliedIsTheFirstAcceptedJobUntilTheStoreTakesItThenNone) {
  start();
  EXPECT_FALSE(applier_->oldest_unapplied_ms().has_value());
  store::SqliteOptions so;
  so.path = (dir_ / "lienthong.db").string();
  auto other = std::move(store::open_sqlite(so).value());
  std::mutex hold;
  std::unique_lock held(hold);
  std::atomic<bool> writing{false};
  std::thread writer([&] {
    (void)other->transaction([&]() -> Status {
      LT_TRY(other->exec("CREATE TABLE IF NOT EXISTS applier_lag_test (x INTEGER)"));
      writing = true;
      std::lock_guard wait_for_release(hold);
      return {};
    });
  });
  while (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto first = job("m-1", "H56.01-261118-0001", 1);
  first->received_at_ms = kNowMs - 5000;
  auto second = job("m-2", "H56.01-261118-0002", 1);
  append(first);
  append(second);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past the group delay
  ASSERT_TRUE(applier_->oldest_unapplied_ms().has_value());
  EXPECT_EQ(*applier_->oldest_unapplied_ms(), kNowMs - 5000);
  EXPECT_EQ(applier_->backlog(), 2u);
  held.unlock();
  writer.join();
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(30)));
  EXPECT_FALSE(applier_->oldest_unapplied_ms().has_value());
}

TEST_F(ApplierTest, EveryConfiguredDestinationGetsTheEventUnderTheDossiersOrderingKey) {
  start(false, {}, {"dvcqg", "archive"});
  append(job("m-1", "H56.01-261118-0001", 1));
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  for (const char* d : {"dvcqg", "archive"}) {
    auto messages = outbox_->list({.destination = d}).value();
    ASSERT_EQ(messages.size(), 1u) << d;
    EXPECT_EQ(messages[0].ordering_key, "dossier:H56.01-261118-0001");
    EXPECT_EQ(messages[0].dedup_key, std::string("H56.01-261118-0001#1#") + d);
    EXPECT_EQ(messages[0].kind, "dossier_status");
  }
  EXPECT_EQ(outbox_messages(kNotifyDestination), 0);
}

TEST_F(ApplierTest, AJobThatFailedTranslationIsQuarantinedWithItsBodyAndReceipt) {
  start();
  auto j = job("m-1", "H56.01-261118-0001", 1);
  j->event.reset();
  j->quarantine = Error(ErrorKind::kMapping, "procedure code X is not in the table");
  j->body = R"({"raw":true})";
  append(j);
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
  EXPECT_EQ(dossiers::Quarantine(*db_).count("webhook:dkkd").value(), 1);
  EXPECT_EQ(outbox_messages(), 0);
  EXPECT_EQ(Receipts(*db_).count().value(), 1);
}

TEST_F(ApplierTest, TheSameIdAppliedTwiceHasOneEffectAndAnotherBodyIsKeptInQuarantine) {
  start();
  append(job("m-1", "H56.01-261118-0001", 1));
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  append(job("m-1", "H56.01-261118-0001", 1));
  auto other = job("m-1", "H56.01-261118-0001", 2);
  other->answer.body_hash = "another body";
  append(other);
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
  EXPECT_EQ(outbox_messages(), 1);
  EXPECT_EQ(dossiers::Quarantine(*db_).count().value(), 1);
}

TEST_F(ApplierTest, AppliedSegmentsAreRetiredAndRecoveredJobsAreAppliedFirst) {
  start();
  append(job("m-1", "H56.01-261118-0001", 1));
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  applier_.reset();
  // Everything appended was applied: the next start reads nothing back.
  EXPECT_TRUE(open_journal().empty());

  std::deque<JobPtr> recovered{job("r-1", "H56.01-261118-0003", 1)};
  start(false, std::move(recovered));
  append(job("m-2", "H56.01-261118-0003", 2));
  ASSERT_TRUE(applier_->wait_applied(std::chrono::seconds(20)));
  EXPECT_EQ(dossiers::DossierStore(*db_).last_sequence("H56.01-261118-0003").value(), 2);
  std::lock_guard lock(mu_);
  ASSERT_EQ(applied_.size(), 3u);
  EXPECT_EQ(applied_[1], delivery_key("dkkd", "r-1"));
  EXPECT_EQ(applied_[2], delivery_key("dkkd", "m-2"));
}

}  // namespace
}  // namespace lienthong::webhooks
