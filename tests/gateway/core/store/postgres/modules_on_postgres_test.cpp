// Every module's schema and store code on PostgreSQL, and what several gateway instances
// sharing one database need: an outbox message is claimed by one instance only, and a
// source's sync cursor is advanced by one pull at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <set>
#include <thread>

#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/kpi/due_audit.hpp"
#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/late_register.hpp"
#include "gateway/flows/kpi/monitors.hpp"
#include "gateway/flows/kpi/period.hpp"
#include "gateway/flows/reconciliation/callback_inbox.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"
#include "gateway/flows/sync/sync_flow.hpp"
#include "gateway/flows/webhooks/quarantine_retry.hpp"
#include "gateway/flows/webhooks/receipts.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "sim/ministry/ministry_messages.hpp"
#include "tests/gateway/flows/citizen/citizen_fixture.hpp"
#include "tests/gateway/flows/kpi/kpi_fixture.hpp"
#include "tests/gateway/flows/reconciliation/run_store_data.hpp"
#include "tests/gateway/flows/sync/sync_fakes.hpp"
#include "tests/support/postgres_server.hpp"

namespace lienthong {
namespace {

using lienthong::testing::PostgresServer;

class ModulesOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PostgresServer::instance().running()) << "the PostgreSQL test server did not start";
    conninfo_ = PostgresServer::instance().fresh_conninfo();
    db_ = open();
    ASSERT_TRUE(db_);
    for (auto& s : app::component_specs()) {
      if (!s.migrations) continue;
      auto m = s.migrations();
      all_.insert(all_.end(), m.begin(), m.end());
    }
    Status st = db_->migrate(all_);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::unique_ptr<store::Database> open() {
    auto db = store::open_postgresql({.conninfo = conninfo_});
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::string conninfo_;
  std::unique_ptr<store::Database> db_;
  std::vector<store::Migration> all_;
  ManualClock clock_;
};

TEST_F(ModulesOnPostgres, EveryModulesMigrationsApplyOnceAndTheirTablesExist) {
  std::set<std::pair<std::string, int>> distinct;
  for (auto& m : all_) distinct.insert({m.module, m.version});
  auto applied = db_->query("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ((*applied)[0].i64(0), static_cast<int64_t>(distinct.size()));
  Status again = db_->migrate(all_);
  EXPECT_TRUE(again.ok()) << again.error().message;
  // A second instance starting on the same database finds the work done.
  auto second = open();
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->migrate(all_).ok());
  for (const char* table : {"dossiers", "dossier_events", "quarantine", "sync_cursors", "outbox",
                            "outbox_payloads", "webhook_receipts", "citizen_audit", "late_explanations",
                            "due_audits", "recon_runs", "recon_items", "recon_refunds", "recon_callbacks"}) {
    auto rows = db_->query(std::string("SELECT count(*) FROM ") + table);
    EXPECT_TRUE(rows.ok()) << table << ": " << (rows.ok() ? "" : rows.error().message);
  }
  // Millisecond timestamps need 64 bits: SQLite's INTEGER became BIGINT.
  auto type = db_->query(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = 'dossiers' AND column_name = 'received_at_ms'");
  ASSERT_TRUE(type.ok());
  ASSERT_EQ(type->size(), 1u);
  EXPECT_EQ((*type)[0].str(0), "bigint");
}

TEST_F(ModulesOnPostgres, TheOutboxEnqueuesDeduplicatesClaimsAndSettles) {
  outbox::Outbox box(*db_, outbox::Policy{}, clock_);
  auto a = box.enqueue({"dvcqg", "dossier_status", "dossier:A", "A#1#dvcqg", "{\"n\":1}"});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->inserted);
  auto again = box.enqueue({"dvcqg", "dossier_status", "dossier:A", "A#1#dvcqg", "{\"n\":1}"});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->inserted);
  EXPECT_EQ(again->id, a->id);
  auto clash = box.enqueue({"dvcqg", "dossier_status", "dossier:A", "A#1#dvcqg", "{\"n\":2}"});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, ErrorKind::kConflict);
  ASSERT_TRUE(box.enqueue({"dvcqg", "dossier_status", "dossier:A", "A#2#dvcqg", "{\"n\":3}"}).ok());

  auto claimed = box.claim("dvcqg", 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u) << "the second message of dossier A waits behind the first";
  EXPECT_EQ((*claimed)[0].payload, "{\"n\":1}");
  ASSERT_TRUE(box.mark_sent({(*claimed)[0].id}).ok());
  auto next = box.claim("dvcqg", 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].payload, "{\"n\":3}");
  auto failed = box.mark_failed((*next)[0].id, Error(ErrorKind::kClient, "refused"));
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  EXPECT_EQ(*failed, outbox::State::kDead);
  auto counts = box.counts();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->dead, 1);
}

TEST_F(ModulesOnPostgres, TwoInstancesClaimingInParallelNeverGetTheSameMessage) {
  constexpr int kMessages = 600;
  auto other_db = open();
  ASSERT_TRUE(other_db);
  outbox::Policy policy;
  policy.lease_ms = 3'600'000;  // the clock does not move: a lease never runs out here
  outbox::Outbox first(*db_, policy, clock_);
  outbox::Outbox second(*other_db, policy, clock_);
  for (int i = 0; i < kMessages; ++i) {
    // Some dossiers have two messages: the second may only go after the first.
    std::string key = "dossier:" + std::to_string(i % 450);
    ASSERT_TRUE(first.enqueue({"dvcqg", "dossier_status", key, "m" + std::to_string(i), "{}"}).ok());
  }
  auto drain = [&](outbox::Outbox& box) {
    std::vector<int64_t> got;
    for (int empty = 0; empty < 3;) {
      auto batch = box.claim("dvcqg", 7);
      if (!batch.ok()) {
        ADD_FAILURE() << batch.error().message;
        break;
      }
      if (batch->empty()) {
        ++empty;
        std::this_thread::yield();
        continue;
      }
      empty = 0;
      std::vector<int64_t> ids;
      for (auto& m : *batch) ids.push_back(m.id);
      got.insert(got.end(), ids.begin(), ids.end());
      EXPECT_TRUE(box.mark_sent(ids).ok());  // frees the next message of the same dossier
    }
    return got;
  };
  auto a = std::async(std::launch::async, [&] { return drain(first); });
  auto b = std::async(std::launch::async, [&] { return drain(second); });
  std::vector<int64_t> all = a.get();
  std::vector<int64_t> from_b = b.get();
  all.insert(all.end(), from_b.begin(), from_b.end());
  std::set<int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(distinct.size(), all.size()) << "a message was handed to both instances";
  // A claimer may give up while the other still holds the head of a dossier: the rest is
  // claimed now.
  auto rest = first.claim("dvcqg", kMessages);
  ASSERT_TRUE(rest.ok());
  for (auto& m : *rest) EXPECT_TRUE(distinct.insert(m.id).second) << "message " << m.id << " claimed twice";
  if (!rest->empty()) {
    std::vector<int64_t> ids;
    for (auto& m : *rest) ids.push_back(m.id);
    ASSERT_TRUE(first.mark_sent(ids).ok());
    auto last = first.claim("dvcqg", kMessages);
    ASSERT_TRUE(last.ok());
    for (auto& m : *last) EXPECT_TRUE(distinct.insert(m.id).second);
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kMessages));
}

// A sync on one instance and a webhook applier on another recording the same event of a
// dossier at the same moment: the second INSERT waits for the first transaction, then finds
// its row. The same event is a duplicate (nothing twice); another event under the same
// sequence is a conflict the caller retries, and the first one stays.
TEST_F(ModulesOnPostgres, TwoInstancesRecordingTheSameEventAtOnceKeepOneRow) {
  auto other_db = open();
  ASSERT_TRUE(other_db);
  dossiers::DossierStore first(*db_);
  dossiers::DossierStore second(*other_db);
  auto race = [&](const model::DossierStatusEvent& a, const model::DossierStatusEvent& b) {
    std::future<Result<dossiers::RecordOutcome>> b_outcome;
    Status st = db_->transaction([&]() -> Status {
      auto r = first.record(a, model::to_json_string(a), 1, true);
      if (!r.ok()) return r.error();
      EXPECT_EQ(*r, dossiers::RecordOutcome::kInserted);
      b_outcome =
          std::async(std::launch::async, [&] { return second.record(b, model::to_json_string(b), 2, true); });
      // The other instance's INSERT must wait for this transaction, not pass it.
      EXPECT_EQ(b_outcome.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
      return {};
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    if (!b_outcome.valid())
      return Result<dossiers::RecordOutcome>(Error(ErrorKind::kInternal, "the first write failed"));
    return b_outcome.get();
  };
  auto same = sync::fakes::event("H56-RACE-1", 1, 2);
  auto dup = race(same, same);
  ASSERT_TRUE(dup.ok()) << dup.error().message;
  EXPECT_EQ(*dup, dossiers::RecordOutcome::kDuplicate);

  auto mine = sync::fakes::event("H56-RACE-2", 1, 2);
  auto theirs = sync::fakes::event("H56-RACE-2", 1, 4);
  auto conflict = race(mine, theirs);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().kind, ErrorKind::kConflict) << conflict.error().message;
  for (const char* code : {"H56-RACE-1", "H56-RACE-2"}) {
    auto h = first.history(code);
    ASSERT_TRUE(h.ok()) << h.error().message;
    ASSERT_EQ(h->size(), 1u) << code;
    EXPECT_EQ((*h)[0].status, 2) << code;
  }
}

// --- the sync flow ---

using sync::fakes::FakeTarget;
using sync::fakes::record;

// Two pages, then nothing; the first fetch can be held until released.
class GatedSource : public sync::Source {
 public:
  std::string name() const override { return "fake"; }
  Result<sync::SourcePage> fetch(const std::string& cursor, size_t) override {
    ++fetches;
    if (gate) {
      entered.set_value();
      gate->wait();
      gate.reset();
    }
    if (cursor.empty())
      return sync::SourcePage{{record("D1", {{1, 1}, {2, 2}}), record("D2", {{1, 1}})}, "p1", true};
    if (cursor == "p1")
      return sync::SourcePage{{record("D3", {{1, 99}}), record("D4", {{1, 1}})}, "p2", true};
    return sync::SourcePage{{}, cursor, false};
  }
  std::atomic<int> fetches{0};
  std::optional<std::shared_future<void>> gate;
  std::promise<void> entered;
};

TEST_F(ModulesOnPostgres, ASyncPullStoresEventsQuarantinesAndAdvancesTheCursor) {
  outbox::Outbox box(*db_, outbox::Policy{}, clock_);
  GatedSource source;
  FakeTarget target;
  sync::SyncFlow flow(*db_, box, source, {&target}, clock_, sync::SyncOptions{});
  auto stats = flow.pull();
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->new_events, 4);
  EXPECT_EQ(stats->quarantined, 1);
  auto cursor = sync::CursorStore(*db_).get("fake");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, "p2");
  auto counts = box.counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 4);
  // Pulling again from the start adds nothing: the events are known.
  ASSERT_TRUE(sync::CursorStore(*db_).reset("fake").ok());
  auto again = flow.pull();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->new_events, 0);
  EXPECT_EQ(again->unchanged, 4);
}

// Two gateway instances (own connections and outboxes) syncing the same source; A's first
// fetch is held until `release` is set, so that a test can act while A is inside its pull.
struct TwoInstances {
  TwoInstances(store::Database& db_a, std::unique_ptr<store::Database> other, const Clock& clock)
      : db_b(std::move(other)),
        box_a(db_a, outbox::Policy{}, clock),
        box_b(*db_b, outbox::Policy{}, clock),
        flow_a(db_a, box_a, source_a, {&target}, clock, sync::SyncOptions{}),
        flow_b(*db_b, box_b, source_b, {&target}, clock, sync::SyncOptions{}) {
    source_a.gate = release.get_future().share();
    entered = source_a.entered.get_future();
  }
  std::unique_ptr<store::Database> db_b;
  outbox::Outbox box_a, box_b;
  GatedSource source_a, source_b;
  FakeTarget target;
  std::promise<void> release;
  std::future<void> entered;  // A is inside its pull, fetching its first page
  sync::SyncFlow flow_a, flow_b;
};

TEST_F(ModulesOnPostgres, OnlyOneInstancePullsASourceAtATime) {
  auto other_db = open();
  ASSERT_TRUE(other_db);
  TwoInstances two(*db_, std::move(other_db), clock_);

  auto running = std::async(std::launch::async, [&] { return two.flow_a.pull(); });
  two.entered.wait();  // instance A is inside its pull, fetching its first page
  auto b = two.flow_b.pull();
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_TRUE(b->skipped);
  EXPECT_EQ(b->pulled, 0);
  EXPECT_EQ(two.source_b.fetches.load(), 0) << "instance B must not read the cursor's page while A pulls it";
  two.release.set_value();
  auto a = running.get();
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_FALSE(a->skipped);
  EXPECT_EQ(a->new_events, 4);
  // Once A is done, B pulls again: from A's cursor, so nothing is new.
  auto b2 = two.flow_b.pull();
  ASSERT_TRUE(b2.ok()) << b2.error().message;
  EXPECT_FALSE(b2->skipped);
  EXPECT_EQ(b2->new_events, 0);
  EXPECT_EQ(two.source_b.fetches.load(), 1);
}

TEST_F(ModulesOnPostgres, APullThatWaitsForAnotherInstanceGoesOnFromWhereItStopped) {
  auto other_db = open();
  ASSERT_TRUE(other_db);
  TwoInstances two(*db_, std::move(other_db), clock_);
  auto running = std::async(std::launch::async, [&] { return two.flow_a.pull(); });
  two.entered.wait();
  // B waits (as `lienthong sync` does); its first wait lets A finish.
  int sleeps = 0;
  two.flow_b.set_wait_for_other_pull_ms(10'000);
  two.flow_b.set_sleep([&](int64_t) {
    if (++sleeps == 1) {
      two.release.set_value();
      running.wait();
    }
  });
  auto b = two.flow_b.pull();
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_FALSE(b->skipped);
  EXPECT_EQ(sleeps, 1);
  EXPECT_EQ(b->new_events, 0) << "A stored them; B starts from A's cursor";
  ASSERT_EQ(two.source_b.fetches.load(), 1);
  auto a = running.get();
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->new_events, 4);
}

TEST_F(ModulesOnPostgres, TwoInstancesAppendingToTheAuditChainKeepItUnbroken) {
  auto other_db = open();
  ASSERT_TRUE(other_db);
  audit::AuditLog first(*db_), second(*other_db);
  auto append = [](audit::AuditLog& log, int n) {
    for (int i = 0; i < n; ++i) {
      audit::AuditEntry e;
      e.at_ms = 1'700'000'000'000 + i;
      e.lookup_id = "L" + std::to_string(i);
      e.account = "acc";
      e.official = "off";
      e.agency = "000.00.12.H56";
      e.purpose = "dossier";
      e.dossier_code = "D";
      e.result = "found";
      auto r = log.append(e);
      EXPECT_TRUE(r.ok()) << r.error().message;
    }
  };
  auto a = std::async(std::launch::async, [&] { append(first, 40); });
  auto b = std::async(std::launch::async, [&] { append(second, 40); });
  a.get();
  b.get();
  auto report = first.verify();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->intact) << report->problem << ": " << report->detail;
  EXPECT_EQ(report->entries, 80);
  EXPECT_EQ(report->head_seq, 80);
}

TEST_F(ModulesOnPostgres, WebhookReceiptsLateRegisterAndDueAuditsWork) {
  webhooks::Receipts receipts(*db_);
  webhooks::Receipt r{"ministry", "msg_1", "abc", 202, "accepted", "{}", 1'700'000'000'000};
  ASSERT_TRUE(receipts.insert(r).ok());
  auto found = receipts.find("ministry", "msg_1");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->status, 202);
  auto n = receipts.count("ministry");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto pruned = receipts.prune(1'800'000'000'000);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);

  // The late register refers to dossiers the gateway has seen: store one through a pull.
  outbox::Outbox box(*db_, outbox::Policy{}, clock_);
  GatedSource source;
  FakeTarget target;
  sync::SyncFlow flow(*db_, box, source, {&target}, clock_, sync::SyncOptions{});
  ASSERT_TRUE(flow.pull().ok());
  kpi::LateRegister late(*db_);
  kpi::LateExplanation e{"D1",      "thiếu hồ sơ",    "CV-12", int64_t{1'800'000'000'000},
                         "officer", 1'700'000'000'000};
  Status st = late.record(e);
  ASSERT_TRUE(st.ok()) << st.error().message;
  e.reason = "changed";
  ASSERT_TRUE(late.record(e).ok()) << "recording again replaces";
  auto got = late.get("D1");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->reason, "changed");
  EXPECT_EQ((*got)->new_due_at_ms, 1'800'000'000'000);
  EXPECT_EQ(late.record({"UNKNOWN", "r", "a", std::nullopt, "o", 1}).error().kind, ErrorKind::kNotFound);

  kpi::DueAuditLog audits(*db_);
  kpi::DueAudit d;
  d.dossier_code = "D1";
  d.procedure_code = "P";
  d.agency_code = "A";
  d.outcome = "later";
  d.reported_due_ms = 1'700'000'000'000;
  d.computed_due_ms = 1'600'000'000'000;
  ASSERT_TRUE(audits.record(d, 1).ok());
  d.outcome = "earlier";
  ASSERT_TRUE(audits.record(d, 2).ok());
  auto mismatches = audits.mismatches();
  ASSERT_TRUE(mismatches.ok()) << mismatches.error().message;
  ASSERT_EQ(mismatches->size(), 1u);
  EXPECT_EQ((*mismatches)[0].outcome, "earlier");
  EXPECT_EQ((*mismatches)[0].computed_due_ms, 1'600'000'000'000);
}

// --- reconciliation (the same cases as its SQLite tests, shortened) ---

TEST_F(ModulesOnPostgres, ReconciliationRunsAreSavedNumberedReusedAndDiffed) {
  using namespace reconciliation;
  Rules rules;
  auto data = [](bool late_credit) { return sample::period(late_credit); };
  auto info = [&](const std::string& sha) { return sample::run_info(rules, sha); };
  auto run = [&](const Dataset& d) { return sample::run(d, rules); };
  RunStore rs(*db_, clock_);
  auto first = data(false);
  auto i1 = info("t1");
  auto r1 = run(*first);
  auto s1 = rs.save(i1, r1);
  ASSERT_TRUE(s1.ok()) << s1.error().message;
  EXPECT_FALSE(s1->reused);
  EXPECT_EQ(*rs.item_count(i1.id), static_cast<int64_t>(r1.items.size()));
  auto again = info("t1");
  auto s_again = rs.save(again, run(*first));
  ASSERT_TRUE(s_again.ok()) << s_again.error().message;
  EXPECT_TRUE(s_again->reused);
  clock_.advance(std::chrono::hours(24));
  auto i2 = info("t2");
  auto s2 = rs.save(i2, run(*data(true)));
  ASSERT_TRUE(s2.ok()) << s2.error().message;
  EXPECT_EQ(s2->diff.previous_run, i1.id);
  ASSERT_EQ(s2->diff.changes.size(), 1u);
  EXPECT_EQ(s2->diff.changes[0].key, "PAY:GD2");
  EXPECT_EQ(*rs.run_count(), 2);
  EXPECT_EQ(rs.refunds()->size(), 1u);

  CallbackInbox inbox(*db_, clock_);
  Payment p{
      "GD9", "HS9", "AG", 50000, vn_time::from_vietnam({2026, 11, 2, 23, 30, 0}), PaymentStatus::kPending, 0};
  EXPECT_TRUE(*inbox.store(p, "{pending}"));
  p.status = PaymentStatus::kPaid;
  EXPECT_FALSE(*inbox.store(p, "{paid}"));
  EXPECT_EQ(*inbox.count(), 1);
  Dataset loaded;
  Day nov2 = static_cast<Day>(vn_time::days_from_civil(2026, 11, 2));
  auto n = inbox.load(nov2, nov2, loaded);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(loaded.payments().size(), 1u);
  EXPECT_EQ(loaded.payments()[0].status, PaymentStatus::kPaid);
}

// A signed Standard Webhooks request, as a ministry system sends it.
server::Request signed_webhook(const std::string& body, const std::string& id, const std::string& secret,
                               int64_t now_s) {
  server::Request r;
  r.method = "POST";
  r.path = "/v1/webhooks/dkkd";
  r.body = body;
  r.headers = {
      {"content-type", "application/json"},
      {"webhook-id", id},
      {"webhook-timestamp", std::to_string(now_s)},
      {"webhook-signature", webhooks::sign(webhooks::decode_secret(secret).value(), id, now_s, body)}};
  return r;
}

TEST_F(ModulesOnPostgres, AWebhookIsStoredQueuedAndAnsweredTheSameWhenRedeliveredAfterARestart) {
  const char* secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  ::setenv("LT_PG_WH_SECRET", secret, 1);
  ManualClock clock(1'795'000'000'000);  // 2026-11-18
  auto journal = std::filesystem::temp_directory_path() / ("lt_pg_wh_" + std::to_string(::getpid()));
  std::filesystem::remove_all(journal);
  auto cfg = ConfigFile::from_string(R"({"store": {"backend": "postgresql",
      "postgresql": {"conninfo": {"env": "LT_PG_CONNINFO_UNUSED"}}},
      "webhooks": {"sources": {"dkkd": {
      "secrets": {"current": {"env": "LT_PG_WH_SECRET"}},
      "mapping": "mappings/webhooks/dkkd/mapping.json",
      "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"}}}})",
                                     LIENTHONG_SOURCE_DIR);
  auto config = [&] {
    webhooks::WebhooksConfig c = webhooks::parse_config(cfg->root().object("webhooks"));
    c.journal_dir = journal.string();
    // As `serve` configures it on PostgreSQL: the journal synced in groups.
    webhooks::apply_store_defaults(c, cfg->root().optional_object("store"));
    EXPECT_TRUE(c.journal_fsync);
    return c;
  };
  outbox::Outbox box(*db_, outbox::Policy{}, clock);
  sim::ministry::MessageSpec spec;
  spec.index = 7;
  spec.now_ms = clock.now_ms();
  const std::string body = sim::ministry::business_registration_json(spec);
  std::string first_body;
  {
    webhooks::WebhookReceiver receiver(config(), *db_, box, clock, 0);
    auto out = receiver.receive("dkkd", signed_webhook(body, "msg_pg_1", secret, clock.now_ms() / 1000));
    ASSERT_EQ(out.status, 202) << out.detail << out.body;
    first_body = out.body;
    ASSERT_TRUE(receiver.wait_applied(std::chrono::seconds(20)));
  }
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
  EXPECT_EQ(webhooks::Receipts(*db_).count().value(), 1);
  auto history = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(spec)).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(box.counts().value().pending, 1) << "forwarded to DVCQG through the outbox";

  // A restart (new connection, new receiver): the redelivery is answered from the receipt.
  db_ = open();
  ASSERT_TRUE(db_);
  outbox::Outbox box2(*db_, outbox::Policy{}, clock);
  webhooks::WebhookReceiver receiver(config(), *db_, box2, clock, 0);
  auto again = receiver.receive("dkkd", signed_webhook(body, "msg_pg_1", secret, clock.now_ms() / 1000));
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first_body);
  ASSERT_TRUE(receiver.wait_applied(std::chrono::seconds(20)));
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
  EXPECT_EQ(box2.counts().value().pending, 1);
  std::filesystem::remove_all(journal);
}

// Two gateway instances on one database behind a load balancer: each dossier's pushes
// go to either instance at random, each sent once the previous one was answered 2xx. The
// answer comes only once the delivery is committed (another connection finds its receipt
// at once: an instance dying after it loses nothing), and each dossier's events are
// numbered in the order they were acknowledged, never quarantined as a conflict.
TEST_F(ModulesOnPostgres, TwoInstancesReceivingOneDossiersPushesStoreThemInTheOrderAcknowledged) {
  const char* secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  ::setenv("LT_PG_WH_SECRET", secret, 1);
  ManualClock clock(1'795'000'000'000);  // 2026-11-18
  auto journals = std::filesystem::temp_directory_path() / ("lt_pg_wh_two_" + std::to_string(::getpid()));
  std::filesystem::remove_all(journals);
  auto cfg = ConfigFile::from_string(R"({"store": {"backend": "postgresql",
      "postgresql": {"conninfo": {"env": "LT_PG_CONNINFO_UNUSED"}}},
      "webhooks": {"sources": {"dkkd": {
      "secrets": {"current": {"env": "LT_PG_WH_SECRET"}},
      "mapping": "mappings/webhooks/dkkd/mapping.json",
      "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"}}}})",
                                     LIENTHONG_SOURCE_DIR);
  auto config = [&](const std::string& name) {
    webhooks::WebhooksConfig c = webhooks::parse_config(cfg->root().object("webhooks"));
    c.journal_dir = (journals / name).string();
    webhooks::apply_store_defaults(c, cfg->root().optional_object("store"));
    return c;
  };
  auto db_b = open(), checker = open();
  ASSERT_TRUE(db_b && checker);
  outbox::Outbox box_a(*db_, outbox::Policy{}, clock), box_b(*db_b, outbox::Policy{}, clock);
  webhooks::WebhookReceiver a(config("a"), *db_, box_a, clock, 0);
  webhooks::WebhookReceiver b(config("b"), *db_b, box_b, clock, 0);
  EXPECT_TRUE(a.answers_after_group_sync()) << "the route answers after the commit, asynchronously";

  constexpr int kDossiers = 8, kEvents = 12;
  std::vector<std::string> codes(kDossiers);
  std::atomic<int> not_committed_when_answered{0}, refused{0};
  std::vector<std::thread> senders;
  for (int d = 0; d < kDossiers; ++d) {
    senders.emplace_back([&, d] {
      std::mt19937 rng(static_cast<unsigned>(d) * 7919u + 1);
      for (int k = 0; k < kEvents; ++k) {
        sim::ministry::MessageSpec spec;
        spec.index = 100 + d;
        // Later pushes carry later status times: the stored order is checked against them.
        spec.now_ms = clock.now_ms() - (kEvents - k) * 60'000;
        if (k == 0) codes[static_cast<size_t>(d)] = sim::ministry::dossier_code_for(spec);
        const std::string id = "msg_two_" + std::to_string(d) + "_" + std::to_string(k);
        webhooks::WebhookReceiver& to = (rng() % 2) ? a : b;
        auto out = to.receive("dkkd", signed_webhook(sim::ministry::business_registration_json(spec), id,
                                                     secret, clock.now_ms() / 1000));
        if (out.status != 202) {
          ++refused;
          continue;
        }
        auto receipt = webhooks::Receipts(*checker).find("dkkd", id);
        if (!receipt.ok() || !*receipt) ++not_committed_when_answered;
      }
    });
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(not_committed_when_answered.load(), 0) << "acknowledged before it was in the shared store";
  ASSERT_TRUE(a.wait_applied(std::chrono::seconds(20)));
  ASSERT_TRUE(b.wait_applied(std::chrono::seconds(20)));

  dossiers::DossierStore store(*checker);
  for (const auto& code : codes) {
    auto h = store.history(code);
    ASSERT_TRUE(h.ok()) << h.error().message;
    ASSERT_EQ(h->size(), static_cast<size_t>(kEvents)) << code;
    for (size_t i = 0; i < h->size(); ++i) {
      EXPECT_EQ((*h)[i].sequence, static_cast<int>(i) + 1) << code;
      if (i > 0) {
        EXPECT_LT((*h)[i - 1].status_at_ms, (*h)[i].status_at_ms) << code << " event " << i;
      }
    }
  }
  EXPECT_EQ(dossiers::Quarantine(*checker).count().value(), 0) << "no delivery quarantined as a conflict";
  EXPECT_EQ(webhooks::Receipts(*checker).count().value(), kDossiers * kEvents);
  auto dvcqg = checker->query("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg'");
  ASSERT_TRUE(dvcqg.ok());
  EXPECT_EQ((*dvcqg)[0].i64(0), kDossiers * kEvents) << "one DVCQG message per delivery";

  // A redelivery to the instance that did not take it is answered as the first time, and
  // stores nothing more.
  sim::ministry::MessageSpec spec;
  spec.index = 100;
  spec.now_ms = clock.now_ms() - kEvents * 60'000;
  const std::string body = sim::ministry::business_registration_json(spec);
  auto first = webhooks::Receipts(*checker).find("dkkd", "msg_two_0_0").value();
  ASSERT_TRUE(first);
  for (auto* r : {&a, &b}) {
    auto again = r->receive("dkkd", signed_webhook(body, "msg_two_0_0", secret, clock.now_ms() / 1000));
    EXPECT_EQ(again.status, 202);
    EXPECT_EQ(again.body, first->response_body);
  }
  EXPECT_EQ(webhooks::Receipts(*checker).count().value(), kDossiers * kEvents);
  EXPECT_EQ(store.history(codes[0]).value().size(), static_cast<size_t>(kEvents));
  std::filesystem::remove_all(journals);
}

TEST_F(ModulesOnPostgres, AQuarantinedWebhookIsRetriedAfterTheTableIsFixed) {
  const char* secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  ::setenv("LT_PG_WH_SECRET", secret, 1);
  ManualClock clock(1'795'000'000'000);  // 2026-11-18
  auto dir = std::filesystem::temp_directory_path() / ("lt_pg_wh_retry_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string src = LIENTHONG_SOURCE_DIR;
  auto config_with = [&](const std::string& codes_file) {
    auto cfg = ConfigFile::from_string(R"({"webhooks": {"sources": {"dkkd": {
        "secrets": {"current": {"env": "LT_PG_WH_SECRET"}},
        "mapping": ")" + src + R"(/mappings/webhooks/dkkd/mapping.json",
        "procedure_codes": ")" + codes_file +
                                           R"("}}}})",
                                       dir.string());
    webhooks::WebhooksConfig c = webhooks::parse_config(cfg->root().object("webhooks"));
    c.journal_dir = (dir / "journal").string();
    return c;
  };
  const std::string shipped = src + "/mappings/webhooks/dkkd/procedure_codes.json";
  outbox::Outbox box(*db_, outbox::Policy{}, clock);
  sim::ministry::MessageSpec spec;
  spec.index = 11;
  spec.now_ms = clock.now_ms();
  spec.discriminator = "CHUA_DANG_KY";  // a company type the shipped table does not know
  {
    webhooks::WebhookReceiver receiver(config_with(shipped), *db_, box, clock, 0);
    auto out = receiver.receive("dkkd", signed_webhook(sim::ministry::business_registration_json(spec),
                                                       "msg_pg_q", secret, clock.now_ms() / 1000));
    ASSERT_EQ(out.reason, "quarantined") << out.body;
    ASSERT_TRUE(receiver.wait_applied(std::chrono::seconds(20)));
  }
  ASSERT_EQ(dossiers::Quarantine(*db_).count("webhook:dkkd").value(), 1);

  // The operator adds the company type to a copy of the table.
  std::ifstream in(shipped);
  std::string table((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string values = "\"values\": {";
  ASSERT_NE(table.find(values), std::string::npos);
  table.insert(table.find(values) + values.size(), "\"CHUA_DANG_KY\": \"2.000099.000.00.00.H56\",");
  std::ofstream((dir / "codes.json").string()) << table;

  auto done = webhooks::retry_quarantined_source(config_with((dir / "codes.json").string()), *db_, box,
                                                 "dkkd", clock.now_ms());
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_EQ(done->size(), 1u);
  ASSERT_TRUE((*done)[0].result.ok()) << (*done)[0].result.error().message;
  auto history = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(spec)).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].procedure_code, "2.000099.000.00.00.H56");
  EXPECT_EQ(box.counts("dvcqg").value().pending, 1);
  EXPECT_EQ(dossiers::Quarantine(*db_).count("webhook:dkkd").value(), 0);
  std::filesystem::remove_all(dir);
}

TEST_F(ModulesOnPostgres, KpiIndicatorsAndMonitorsReportTheSameAsOnSqlite) {
  // The same hand-built data set in both stores; every indicator under every grouping, and
  // the monitors, must come out identical.
  auto sqlite = std::move(store::open_sqlite({.path = ":memory:"})).value();
  kpi::testing::KpiFixture::seed(*sqlite);
  kpi::testing::KpiFixture::seed(*db_);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  auto period = kpi::parse_period("2023-Q2");
  ASSERT_TRUE(period.ok());
  for (kpi::GroupBy by :
       {kpi::GroupBy::kNone, kpi::GroupBy::kAgency, kpi::GroupBy::kLevel, kpi::GroupBy::kProcedure}) {
    auto on_sqlite = kpi::compute_kpi(*sqlite, kpi::testing::catalogue(), *period, by, kpi::indicator_ids());
    auto on_postgres = kpi::compute_kpi(*db_, kpi::testing::catalogue(), *period, by, kpi::indicator_ids());
    ASSERT_TRUE(on_sqlite.ok()) << on_sqlite.error().message;
    ASSERT_TRUE(on_postgres.ok()) << on_postgres.error().message;
    EXPECT_FALSE(on_sqlite->rows.empty());
    EXPECT_EQ(kpi::to_csv(*on_postgres), kpi::to_csv(*on_sqlite)) << "group by " << static_cast<int>(by);
  }
  calendar::DeadlineCalculator calc{calendar::WorkingDayCalendar(), calendar::OfficeHoursTable()};
  using kpi::testing::T;
  auto ack_sqlite = kpi::unacknowledged_online(*sqlite, calc, T("2023-07-05T08:00"), T("2023-03-01T00:00"),
                                               T("2023-07-01T00:00"));
  auto ack_postgres = kpi::unacknowledged_online(*db_, calc, T("2023-07-05T08:00"), T("2023-03-01T00:00"),
                                                 T("2023-07-01T00:00"));
  ASSERT_TRUE(ack_sqlite.ok() && ack_postgres.ok());
  ASSERT_EQ(ack_postgres->size(), ack_sqlite->size());
  EXPECT_FALSE(ack_sqlite->empty());
  for (size_t i = 0; i < ack_sqlite->size(); ++i) {
    EXPECT_EQ((*ack_postgres)[i].dossier_code, (*ack_sqlite)[i].dossier_code);
    EXPECT_EQ((*ack_postgres)[i].state, (*ack_sqlite)[i].state);
    EXPECT_EQ((*ack_postgres)[i].deadline_ms, (*ack_sqlite)[i].deadline_ms);
  }
  auto late_sqlite = kpi::late_dossiers(*sqlite, calc, T("2023-07-05T08:00"), T("2023-03-01T00:00"),
                                        T("2023-07-01T00:00"), false);
  auto late_postgres = kpi::late_dossiers(*db_, calc, T("2023-07-05T08:00"), T("2023-03-01T00:00"),
                                          T("2023-07-01T00:00"), false);
  ASSERT_TRUE(late_sqlite.ok() && late_postgres.ok());
  ASSERT_EQ(late_postgres->size(), late_sqlite->size());
  EXPECT_FALSE(late_sqlite->empty());
  for (size_t i = 0; i < late_sqlite->size(); ++i) {
    EXPECT_EQ((*late_postgres)[i].dossier_code, (*late_sqlite)[i].dossier_code);
    EXPECT_EQ((*late_postgres)[i].late_working_minutes, (*late_sqlite)[i].late_working_minutes);
  }
}

TEST_F(ModulesOnPostgres, CitizenLookupsAreAuditedAndAFlagIsRebuiltFromTheAuditLogAfterARestart) {
  // Threshold 3 misses in 600 s, flagged for 3600 s, one lookup per 60 s while flagged.
  citizen::testing::Harness h(open());
  const auto& c = h.citizen();
  auto found = h.service->handle(citizen::testing::Harness::key(), h.body_for(c));
  EXPECT_EQ(found.status, 200) << found.body;
  for (int i = 0; i < 3; ++i) {
    auto miss = h.wrong_name_lookup();
    EXPECT_EQ(miss.status, 422) << miss.body;
  }
  EXPECT_EQ(h.restart(), 1u);
  h.clock.advance(std::chrono::milliseconds(2000));
  EXPECT_EQ(h.service->handle(citizen::testing::Harness::key(), h.body_for(c)).status, 429);
  auto entries = h.audit->all();
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  // Four lookups reached the database (an intent and an outcome each), one was refused.
  ASSERT_EQ(entries->size(), 9u);
  EXPECT_EQ(entries->front().result, "intent");
  EXPECT_EQ(entries->back().result, "refused_enumeration");
  auto report = h.audit->verify();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->intact) << report->problem;
  EXPECT_EQ(report->entries, 9);
  EXPECT_TRUE(report->unfinished.empty());
}

}  // namespace
}  // namespace lienthong
