#include "gateway/flows/sync/sync_flow.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "tests/gateway/flows/sync/sync_fakes.hpp"

namespace lienthong::sync {
namespace {

using fakes::FakeTarget;
using fakes::record;

// Serves queued pages (or errors); records the cursors it was asked for.
class FakeSource : public Source {
 public:
  std::string name() const override { return "fake"; }
  Result<SourcePage> fetch(const std::string& cursor, size_t) override {
    cursors.push_back(cursor);
    if (answers.empty()) return SourcePage{{}, cursor, false};
    auto a = std::move(answers.front());
    answers.pop_front();
    return a;
  }
  std::deque<Result<SourcePage>> answers;
  std::vector<std::string> cursors;
};

// Carries up to `per_message` events of a dossier in one message: a JSON array of the
// canonical events; refuses what FakeTarget refuses.
class CombiningTarget : public FakeTarget {
 public:
  explicit CombiningTarget(size_t per_message) : per_message_(per_message) {}
  std::string name() const override { return "combining"; }
  size_t max_events_per_message() const override { return per_message_; }
  Result<Prepared> combine(const std::string&, const std::vector<Prepared>& parts) const override {
    std::string out = "[";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i].payload;
    return Prepared{"events", out + "]"};
  }

 private:
  size_t per_message_;
};

// FakeSource that tells when it is asked for a given cursor (from the fetching thread).
class SignallingSource : public FakeSource {
 public:
  explicit SignallingSource(std::string watched) : watched_(std::move(watched)) {}
  Result<SourcePage> fetch(const std::string& cursor, size_t limit) override {
    {
      std::lock_guard lock(mu_);
      if (cursor == watched_) asked_ = true;
    }
    cv_.notify_all();
    return FakeSource::fetch(cursor, limit);
  }
  // Whether the watched cursor is asked for within `limit` (a bound for a broken flow to
  // fail instead of hanging; a working one is asked at once).
  bool wait_asked(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return asked_; });
  }

 private:
  std::string watched_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool asked_ = false;
};

// Translating an event of `dossier` waits until `source` is asked for the watched cursor,
// and notes whether it was.
class WaitingTarget : public FakeTarget {
 public:
  WaitingTarget(SignallingSource& source, std::string dossier)
      : source_(source), dossier_(std::move(dossier)) {}
  Result<Prepared> prepare(const model::DossierStatusEvent& e, const std::string& canonical) const override {
    if (e.dossier_code == dossier_) saw_the_fetch = source_.wait_asked(std::chrono::seconds(10));
    return FakeTarget::prepare(e, canonical);
  }
  mutable std::atomic<bool> saw_the_fetch{false};

 private:
  SignallingSource& source_;
  std::string dossier_;
};

class SyncFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    std::vector<store::Migration> m = CursorStore::migrations();
    for (auto& x : dossiers::DossierStore::migrations()) m.push_back(x);
    for (auto& x : dossiers::Quarantine::migrations()) m.push_back(x);
    for (auto& x : outbox::Outbox::migrations()) m.push_back(x);
    ASSERT_TRUE(db_->migrate(m).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    SyncOptions o;
    o.pull_attempts = 3;
    o.pull_backoff_ms = 10;
    flow_ =
        std::make_unique<SyncFlow>(*db_, *outbox_, source_, std::vector<SyncTarget*>{&target_}, clock_, o);
    flow_->set_sleep([this](int64_t ms) { slept_.push_back(ms); });
  }

  SourcePage page(std::vector<SourceRecord> records, std::string next, bool more) {
    return SourcePage{std::move(records), std::move(next), more};
  }
  std::string cursor() { return *CursorStore(*db_).get("fake"); }
  int64_t outbox_count() { return outbox_->list({std::nullopt, "", 10'000, 0})->size(); }

  ManualClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  FakeSource source_;
  FakeTarget target_;
  std::unique_ptr<SyncFlow> flow_;
  std::vector<int64_t> slept_;
};

TEST_F(SyncFlowTest, FirstPullAsksFromTheBeginningAndStoresTheNextCursor) {
  source_.answers.push_back(page({record("D1", {{1, 1}, {2, 2}})}, "c1", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(source_.cursors.size(), 1u);
  EXPECT_EQ(source_.cursors[0], "");
  EXPECT_EQ(cursor(), "c1");
  EXPECT_EQ(r->pulled, 1);
  EXPECT_EQ(r->new_events, 2);
}

TEST_F(SyncFlowTest, EachPageStartsFromTheCursorTheLastPageStored) {
  source_.answers.push_back(page({record("D1", {{1, 1}})}, "c1", true));
  source_.answers.push_back(page({record("D2", {{1, 2}})}, "c2", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(source_.cursors, (std::vector<std::string>{"", "c1"}));
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(cursor(), "c2");
}

TEST_F(SyncFlowTest, CursorStaysWhenAPageCannotBeStoredAndNothingOfThePageIsKept) {
  ASSERT_TRUE(CursorStore(*db_).set("fake", "c0", 1).ok());
  ASSERT_TRUE(db_->exec("DROP TABLE outbox").ok());  // enqueueing now fails mid-page
  auto r = flow_->store_page(page({record("D1", {{1, 1}})}, "c1", false));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(cursor(), "c0");
  dossiers::DossierStore ds(*db_);
  EXPECT_FALSE(ds.last_sequence("D1")->has_value());
}

TEST_F(SyncFlowTest, RetryableFetchErrorsAreRetriedWithBackoffThenThePageIsStored) {
  source_.answers.push_back(Error(ErrorKind::kServer, "503"));
  source_.answers.push_back(Error(ErrorKind::kTimeout, "slow"));
  source_.answers.push_back(page({record("D1", {{1, 1}})}, "c1", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->retried, 2);
  EXPECT_EQ(slept_, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(cursor(), "c1");
}

TEST_F(SyncFlowTest, FetchFailingAfterAllAttemptsFailsTheRunAndKeepsTheCursor) {
  ASSERT_TRUE(CursorStore(*db_).set("fake", "c0", 1).ok());
  for (int i = 0; i < 3; ++i) source_.answers.push_back(Error(ErrorKind::kServer, "503"));
  auto r = flow_->pull();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cursor kept"), std::string::npos);
  EXPECT_EQ(cursor(), "c0");
  EXPECT_EQ(source_.cursors, (std::vector<std::string>{"c0", "c0", "c0"}));
}

TEST_F(SyncFlowTest, NonRetryableFetchErrorIsNotRetried) {
  source_.answers.push_back(Error(ErrorKind::kProtocol, "not JSON"));
  auto r = flow_->pull();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(source_.cursors.size(), 1u);
}

TEST_F(SyncFlowTest, ThePageAfterNextIsFetchedWhileTheNextOneIsStillTranslated) {
  // Page 2 (D2) is translated only once the source is asked for page 3 ("c2"): a flow that
  // fetched page 3 only after page 2's translation would make that wait run out.
  SignallingSource source("c2");
  WaitingTarget target(source, "D2");
  source.answers.push_back(page({record("D1", {{1, 1}})}, "c1", true));
  source.answers.push_back(page({record("D2", {{1, 2}})}, "c2", true));
  source.answers.push_back(page({record("D3", {{1, 1}})}, "c3", false));
  SyncFlow flow(*db_, *outbox_, source, {&target}, clock_, SyncOptions{});
  auto r = flow.pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(target.saw_the_fetch);
  // Still stored in order, each page from the cursor the one before it gave.
  EXPECT_EQ(source.cursors, (std::vector<std::string>{"", "c1", "c2"}));
  EXPECT_EQ(r->pages, 3);
  EXPECT_EQ(r->new_events, 3);
  EXPECT_EQ(cursor(), "c3");
}

TEST_F(SyncFlowTest, APageThatCannotBeStoredStopsThePullBeforeAnyPageAfterIt) {
  source_.answers.push_back(page({record("D1", {{1, 1}})}, "c1", true));
  source_.answers.push_back(page({record("D2", {{1, 2}})}, "c2", true));
  source_.answers.push_back(page({record("D3", {{1, 1}})}, "c3", false));
  ASSERT_TRUE(db_->exec("DROP TABLE outbox").ok());  // storing page 1 fails
  auto r = flow_->pull();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(cursor(), "");
  // Page 2 may have been read ahead; page 3 is never asked for, nothing is kept.
  EXPECT_LE(source_.cursors.size(), 2u);
  dossiers::DossierStore ds(*db_);
  EXPECT_FALSE(ds.last_sequence("D1")->has_value());
  EXPECT_FALSE(ds.last_sequence("D2")->has_value());
}

TEST_F(SyncFlowTest, SourceClaimingMoreWithoutMovingItsCursorStopsTheRun) {
  source_.answers.push_back(page({}, "", true));
  auto r = flow_->pull();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
}

TEST_F(SyncFlowTest, PullingTheSameDossiersAgainQueuesNothingNew) {
  auto p = page({record("D1", {{1, 1}, {2, 2}}), record("D2", {{1, 2}})}, "c1", false);
  ASSERT_TRUE(flow_->store_page(p).ok());
  int64_t queued = outbox_count();
  auto again = flow_->store_page(p);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_events, 0);
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(outbox_count(), queued);
}

TEST_F(SyncFlowTest, OnlyEventsAfterTheLastStoredOneAreQueued) {
  ASSERT_TRUE(flow_->store_page(page({record("D1", {{1, 1}})}, "c1", false)).ok());
  auto r = flow_->store_page(page({record("D1", {{1, 1}, {2, 2}, {3, 4}})}, "c2", false));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->new_events, 2);
  EXPECT_EQ(r->unchanged, 1);
}

TEST_F(SyncFlowTest, MessagesAreOrderedPerDossierAndDeduplicatedPerEventAndDestination) {
  ASSERT_TRUE(flow_->store_page(page({record("D1", {{1, 1}, {2, 2}})}, "c1", false)).ok());
  auto msgs = outbox_->list({std::nullopt, "", 100, 0});
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].ordering_key, "dossier:D1");
  EXPECT_EQ((*msgs)[0].dedup_key, "D1#1#fake_dest");
  EXPECT_EQ((*msgs)[1].dedup_key, "D1#2#fake_dest");
  EXPECT_EQ((*msgs)[0].destination, "fake_dest");
  EXPECT_LT((*msgs)[0].id, (*msgs)[1].id);
}

TEST_F(SyncFlowTest, ATargetThatCombinesGetsTheNewEventsOfADossierInMessagesOfAtMostItsLimit) {
  CombiningTarget combining(2);
  SyncFlow flow(*db_, *outbox_, source_, {&target_, &combining}, clock_, SyncOptions{});
  source_.answers.push_back(
      page({record("D1", {{1, 1}, {2, 2}, {3, 4}}), record("D2", {{1, 2}})}, "c1", false));
  auto r = flow.pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->new_events, 4);
  std::vector<std::pair<std::string, int64_t>> combined;  // dedup key, events
  int single = 0;
  auto listed = outbox_->list({std::nullopt, "", 100, 0});
  ASSERT_TRUE(listed.ok());
  for (auto& m : *listed) {
    EXPECT_EQ(m.ordering_key, m.dedup_key.substr(0, 2) == "D1" ? "dossier:D1" : "dossier:D2");
    if (m.destination == "combining") {
      combined.emplace_back(m.dedup_key, m.events);
      auto doc = json::parse(m.payload);
      ASSERT_TRUE(doc.ok());
      // combine() for several; a single event is queued as prepare() made it.
      if (m.events > 1) {
        ASSERT_TRUE(doc->IsArray());
        EXPECT_EQ(static_cast<int64_t>(doc->Size()), m.events);
      } else {
        EXPECT_TRUE(doc->IsObject());
      }
    } else {
      ++single;
      EXPECT_EQ(m.events, 1);
    }
  }
  // The default target: one message per event, keyed as before.
  EXPECT_EQ(single, 4);
  // In history order; a lone event keeps the per-event key every flow uses.
  EXPECT_EQ(combined, (std::vector<std::pair<std::string, int64_t>>{
                          {"D1#1-2#combining", 2}, {"D1#3#combining", 1}, {"D2#1#combining", 1}}));
}

TEST_F(SyncFlowTest, DossierViewShowsTheLatestStoredEventOfThePageAndStopsAtAQuarantinedOne) {
  source_.answers.push_back(
      page({record("D1", {{1, 1}, {2, 2}, {3, 4}}), record("D2", {{1, 1}, {2, 99}, {3, 4}})}, "c1", false));
  ASSERT_TRUE(flow_->pull().ok());
  dossiers::DossierStore ds(*db_);
  auto d1 = ds.get("D1");
  ASSERT_TRUE(d1.ok() && d1->has_value());
  EXPECT_EQ((*d1)->last_sequence, 3);
  EXPECT_EQ((*d1)->status, 4);
  auto d2 = ds.get("D2");
  ASSERT_TRUE(d2.ok() && d2->has_value());
  EXPECT_EQ((*d2)->last_sequence, 1) << "nothing past the quarantined event";
  EXPECT_EQ((*d2)->status, 1);
}

TEST_F(SyncFlowTest, EventsAfterAQuarantinedOneAreNotCombinedIntoAMessage) {
  CombiningTarget combining(10);
  SyncFlow flow(*db_, *outbox_, source_, {&combining}, clock_, SyncOptions{});
  source_.answers.push_back(page({record("D1", {{1, 1}, {2, 2}, {3, 99}, {4, 4}})}, "c1", false));
  auto r = flow.pull();
  ASSERT_TRUE(r.ok());
  auto all = *outbox_->list({std::nullopt, "", 100, 0});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].dedup_key, "D1#1-2#combining");
  EXPECT_EQ(all[0].events, 2);
  EXPECT_EQ(r->quarantined, 2);
}

TEST_F(SyncFlowTest, InvalidEventIsQuarantinedAndLaterEventsOfTheDossierAreHeldBack) {
  auto r =
      flow_->store_page(page({record("D1", {{1, 1}, {2, 99}, {3, 4}}), record("D2", {{1, 2}})}, "c1", false));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->new_events, 2);  // D1#1 and D2#1
  EXPECT_EQ(r->quarantined, 2);
  dossiers::Quarantine q(*db_);
  auto rows = q.list("fake");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  std::map<std::string, std::string> reasons;
  for (auto& row : *rows) reasons[row.record_key] = row.reason;
  EXPECT_NE(reasons["D1#2"].find("TrangThaiHoSo 99"), std::string::npos);
  EXPECT_NE(reasons["D1#3"].find("held back: event #2"), std::string::npos);
  EXPECT_EQ(*dossiers::DossierStore(*db_).last_sequence("D1"), 1);
}

TEST_F(SyncFlowTest, HeldBackEventsFlowOnceTheSourceFixesTheRecord) {
  ASSERT_TRUE(flow_->store_page(page({record("D1", {{1, 1}, {2, 99}, {3, 4}})}, "c1", false)).ok());
  auto r = flow_->store_page(page({record("D1", {{1, 1}, {2, 2}, {3, 4}})}, "c2", false));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->new_events, 2);
  EXPECT_EQ(*dossiers::DossierStore(*db_).last_sequence("D1"), 3);
}

TEST_F(SyncFlowTest, EventOlderThanThePreviousStatusIsQuarantined) {
  SourceRecord rec = record("D1", {{1, 1}, {2, 2}});
  rec.events[1].event->status_at_ms = rec.events[0].event->status_at_ms - 1000;
  auto r = flow_->store_page(page({rec}, "c1", false));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->new_events, 1);
  EXPECT_EQ(r->quarantined, 1);
}

TEST_F(SyncFlowTest, UnreadableRecordIsQuarantinedWithoutBlockingOthers) {
  SourceRecord bad;
  bad.payload = "[1]";
  bad.error = Error(ErrorKind::kParse, "items[0]: expected an object");
  auto r = flow_->store_page(page({bad, record("D2", {{1, 2}})}, "c1", false));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->quarantined, 1);
  EXPECT_EQ(r->new_events, 1);
  EXPECT_EQ(cursor(), "c1");
}

TEST_F(SyncFlowTest, MappingErrorOfAnEventIsQuarantinedWithItsMessage) {
  SourceRecord rec = record("D1", {{1, 1}});
  rec.events[0].event = Error(ErrorKind::kMapping, "status from history.trang_thai: no entry 'x'");
  ASSERT_TRUE(flow_->store_page(page({rec}, "c1", false)).ok());
  auto rows = dossiers::Quarantine(*db_).list("fake");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].reason_kind, "mapping");
  EXPECT_EQ((*rows)[0].record_key, "D1#1");
}

// The due-date audit (gateway/flows/kpi/due_audit.hpp) run on each new event. Statutory calendar
// (no year files): 5 working days from Friday 13 Feb 2026 16:00 skip the Tết break and end
// on Friday 27 Feb 2026 16:00; a reported 17:00 (end of that day) matches (see
// tests/gateway/flows/kpi/due_audit_test.cpp).
class SyncDueAuditTest : public SyncFlowTest {
 protected:
  static constexpr const char* kProcedure = "1.000001.000.00.00.H56";

  void SetUp() override {
    SyncFlowTest::SetUp();
    ASSERT_TRUE(db_->migrate(kpi::DueAuditLog::migrations()).ok());
    auto c = procedures::ProcedureCatalogue::parse(
        R"({"procedures": [{"code": "1.000001.000.00.00.H56", "name": "online", "deadline_working_days": 5,
            "full_online": true, "requires_fee": true, "online_payment": true}]})",
        "test-catalogue");
    ASSERT_TRUE(c.ok()) << c.error().message;
    auditor_ = std::make_unique<kpi::DueAuditor>(
        *db_, std::move(*c),
        calendar::DeadlineCalculator(calendar::WorkingDayCalendar(), calendar::OfficeHoursTable()), 8 * 60);
    flow_->set_auditor(auditor_.get());
    clock_.set_ms(at("2026-02-20T09:00"));
  }

  static int64_t at(const char* local) { return *vn_time::parse_iso(local); }

  // A received dossier (status 2, or `status` at `seq`) whose province-sent due date is `due`.
  static SourceRecord received(const std::string& code, const char* due, int seq = 1, int status = 2) {
    SourceRecord r;
    r.dossier_code = code;
    r.payload = "{\"ma_ho_so\":\"" + code + "\"}";
    SourceEvent ev;
    ev.sequence = seq;
    model::DossierStatusEvent e = fakes::event(code, seq, status);
    e.status_at_ms = at("2026-02-13T16:00") + seq * 60'000LL;
    e.procedure_code = kProcedure;
    e.received_at_ms = at("2026-02-13T16:00");
    e.due_at_ms = at(due);
    ev.event = e;
    r.events.push_back(std::move(ev));
    return r;
  }

  // (outcome, timeliness) of the dossier's latest audit.
  std::pair<std::string, std::string> audit_of(const std::string& code) {
    auto rows = db_->query("SELECT outcome, timeliness FROM due_audits WHERE dossier_code = ?", {code});
    EXPECT_TRUE(rows.ok());
    if (!rows.ok() || rows->size() != 1) return {"<none>", "<none>"};
    return {(*rows)[0].str(0), (*rows)[0].str(1)};
  }

  std::unique_ptr<kpi::DueAuditor> auditor_;
};

TEST_F(SyncDueAuditTest, ProvincialDueDateIsCheckedAndMismatchAndOverdueAreFlagged) {
  source_.answers.push_back(page({received("D-OK", "2026-02-27T17:00"),      // the legal due date
                                  received("D-EARLY", "2026-02-18T16:00")},  // calendar days across Tết
                                 "c1", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->new_events, 2);
  EXPECT_EQ(r->due_mismatches, 1);
  EXPECT_EQ(r->overdue, 1);  // D-EARLY: its reported due date passed on 18 Feb; now is 20 Feb
  EXPECT_EQ(r->at_risk, 0);
  EXPECT_EQ(audit_of("D-OK"), (std::pair<std::string, std::string>{"match", "on_track"}));
  EXPECT_EQ(audit_of("D-EARLY").first, "earlier");
  auto m = kpi::DueAuditLog(*db_).mismatches();
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].dossier_code, "D-EARLY");
  EXPECT_EQ(vn_time::format_iso(*(*m)[0].computed_due_ms), "2026-02-27T16:00:00+07:00");
  // Flagging does not hold the dossier back: both events are queued for the portal.
  EXPECT_EQ(outbox_count(), 2);
}

TEST_F(SyncDueAuditTest, ACorrectedDueDateInALaterEventClearsTheMismatchAndRepullsAreNotReaudited) {
  source_.answers.push_back(page({received("D1", "2026-02-18T16:00")}, "c1", false));
  ASSERT_TRUE(flow_->pull().ok());
  EXPECT_EQ(audit_of("D1").first, "earlier");
  // The same event again: unchanged, no audit.
  source_.answers.push_back(page({received("D1", "2026-02-27T17:00")}, "c2", false));
  auto again = flow_->pull();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1);
  EXPECT_EQ(again->due_mismatches + again->overdue, 0);
  EXPECT_EQ(audit_of("D1").first, "earlier");
  // The province corrects the due date with its next status (4: being processed).
  source_.answers.push_back(page({received("D1", "2026-02-27T17:00", 2, 4)}, "c3", false));
  auto fixed = flow_->pull();
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(fixed->new_events, 1);
  EXPECT_EQ(fixed->due_mismatches, 0);
  EXPECT_EQ(audit_of("D1").first, "match");
  EXPECT_TRUE(kpi::DueAuditLog(*db_).mismatches()->empty());
}

TEST_F(SyncDueAuditTest, FiguresCountDossiersWithTheTimelinessOfTheirLatestNewEvent) {
  // D-EARLY: three new events with the same wrong due date, still open (overdue).
  SourceRecord early = received("D-EARLY", "2026-02-18T16:00");
  for (int seq : {2, 3}) early.events.push_back(received("D-EARLY", "2026-02-18T16:00", seq, 4).events[0]);
  // D-DONE: wrong due date, overdue after its first event, resolved (9) by its second.
  SourceRecord done = received("D-DONE", "2026-02-18T16:00");
  done.events.push_back(received("D-DONE", "2026-02-18T16:00", 2, 9).events[0]);
  source_.answers.push_back(page({early, done}, "c1", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->new_events, 5);
  EXPECT_EQ(r->due_mismatches, 2);  // dossiers, not the 5 events
  EXPECT_EQ(r->overdue, 1);         // D-EARLY only: D-DONE's latest event resolved it
  EXPECT_EQ(r->at_risk, 0);
}

TEST_F(SyncDueAuditTest, AnAuditThatCannotBeStoredFailsThePageAndNothingOfItIsKept) {
  ASSERT_TRUE(db_->exec("DROP TABLE due_audits").ok());
  auto r = flow_->store_page(page({received("D1", "2026-02-27T17:00")}, "c1", false));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(cursor(), "");
  EXPECT_FALSE(dossiers::DossierStore(*db_).last_sequence("D1")->has_value());
  EXPECT_EQ(outbox_count(), 0);
}

TEST_F(SyncFlowTest, WithoutAnAuditorNoDueAuditTableIsNeededAndNothingIsFlagged) {
  // The fixture's store has no due_audits table (no "kpi"/"calendar" section in the config).
  source_.answers.push_back(page({record("D1", {{1, 1}, {2, 2}})}, "c1", false));
  auto r = flow_->pull();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->new_events, 2);
  EXPECT_EQ(r->due_mismatches + r->overdue + r->at_risk + r->audit_failed, 0);
  EXPECT_FALSE(db_->query("SELECT 1 FROM due_audits").ok());
}

}  // namespace
}  // namespace lienthong::sync
