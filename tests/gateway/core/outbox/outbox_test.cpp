#include "gateway/core/outbox/outbox.hpp"

#include <gtest/gtest.h>

#include "gateway/core/config/config.hpp"

namespace lienthong::outbox {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({.path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(Outbox::migrations()).ok());
    policy_.jitter = 0;
    policy_.backoff_initial_ms = 1000;
    policy_.backoff_max_ms = 60'000;
    policy_.max_attempts = 3;
    policy_.lease_ms = 30'000;
    outbox_ = std::make_unique<Outbox>(*db_, policy_, clock_);
  }

  int64_t enqueue(const std::string& key, const std::string& dedup, const std::string& payload = "{}",
                  const std::string& destination = "dvcqg") {
    auto r = outbox_->enqueue({destination, "dossier_status", key, dedup, payload});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->id : 0;
  }

  std::vector<int64_t> claim_ids(const std::string& destination = "dvcqg", size_t limit = 100) {
    auto r = outbox_->claim(destination, limit);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::vector<int64_t> ids;
    if (r.ok()) {
      for (auto& m : *r) ids.push_back(m.id);
    }
    return ids;
  }

  State state_of(int64_t id) {
    auto m = outbox_->get(id);
    EXPECT_TRUE(m.ok());
    return m.ok() ? m->state : State::kPending;
  }

  ManualClock clock_;
  Policy policy_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Outbox> outbox_;
};

const Error kTransient(ErrorKind::kServer, "upstream 503");
const Error kPermanent(ErrorKind::kValidation, "upstream refused the record");

TEST(Backoff, GrowsByMultiplierFromInitialDelay) {
  Policy p;
  p.backoff_initial_ms = 500;
  p.backoff_multiplier = 2.0;
  p.backoff_max_ms = 1'000'000;
  p.jitter = 0;
  EXPECT_EQ(backoff_delay_ms(p, 1, 0.5), 500);
  EXPECT_EQ(backoff_delay_ms(p, 2, 0.5), 1000);
  EXPECT_EQ(backoff_delay_ms(p, 3, 0.5), 2000);
  EXPECT_EQ(backoff_delay_ms(p, 5, 0.5), 8000);
}

TEST(Backoff, IsCappedAtMaximumEvenForHugeAttemptCounts) {
  Policy p;
  p.backoff_initial_ms = 500;
  p.backoff_max_ms = 300'000;
  p.jitter = 0;
  EXPECT_EQ(backoff_delay_ms(p, 20, 0.3), 300'000);
  EXPECT_EQ(backoff_delay_ms(p, 5000, 0.3), 300'000);  // multiplier^5000 overflows to inf
}

TEST(Backoff, JitterStaysWithinItsShareAndNeverExceedsMaximum) {
  Policy p;
  p.backoff_initial_ms = 1000;
  p.backoff_max_ms = 10'000;
  p.jitter = 0.2;
  EXPECT_EQ(backoff_delay_ms(p, 1, 0.0), 800);
  EXPECT_EQ(backoff_delay_ms(p, 1, 0.5), 1000);
  EXPECT_NEAR(backoff_delay_ms(p, 1, 0.999999), 1200, 1);
  for (double r = 0; r < 1; r += 0.01) {
    int64_t d = backoff_delay_ms(p, 2, r);
    EXPECT_GE(d, 1600);
    EXPECT_LE(d, 2400);
    int64_t capped = backoff_delay_ms(p, 30, r);
    EXPECT_GE(capped, 8000);
    EXPECT_LE(capped, 10'000);
  }
}

TEST(Sha256, MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PolicyConfig, ReadsKeysAndRejectsUnknownOnes) {
  auto cfg = ConfigFile::from_string(
      R"({"outbox": {"max_attempts": 4, "max_age_seconds": 60, "backoff_initial_ms": 10, "backoff_max_ms": 100,
          "backoff_multiplier": 3, "jitter": 0.1, "lease_ms": 5000, "workers": 2, "batch_size": 50,
          "poll_interval_ms": 250}})");
  Policy p = Policy::from_config(cfg->root().object("outbox"));
  EXPECT_EQ(p.max_attempts, 4);
  EXPECT_EQ(p.max_age_ms, 60'000);
  EXPECT_EQ(p.backoff_initial_ms, 10);
  EXPECT_EQ(p.backoff_max_ms, 100);
  EXPECT_DOUBLE_EQ(p.backoff_multiplier, 3);
  EXPECT_DOUBLE_EQ(p.jitter, 0.1);
  EXPECT_EQ(p.lease_ms, 5000);
  EXPECT_EQ(p.workers, 2);
  EXPECT_EQ(p.batch_size, 50u);
  EXPECT_EQ(p.poll_interval_ms, 250);

  auto bad = ConfigFile::from_string(R"({"outbox": {"max_atempts": 4}})");
  try {
    Policy::from_config(bad->root().object("outbox"));
    FAIL() << "unknown key accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("max_atempts"), std::string::npos) << e.what();
  }
  auto inverted =
      ConfigFile::from_string(R"({"outbox": {"backoff_initial_ms": 1000, "backoff_max_ms": 10}})");
  EXPECT_THROW(Policy::from_config(inverted->root().object("outbox")), ConfigError);
}

TEST_F(OutboxTest, SameDedupKeyAndContentIsANoOpReturningTheExistingId) {
  auto first = outbox_->enqueue({"dvcqg", "dossier_status", "k1", "d1", R"({"a":1})"});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->inserted);
  auto again = outbox_->enqueue({"dvcqg", "dossier_status", "k1", "d1", R"({"a":1})"});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->inserted);
  EXPECT_EQ(again->id, first->id);
  auto all = outbox_->list({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].content_hash, sha256_hex(R"({"a":1})"));
}

TEST_F(OutboxTest, SameDedupKeyWithDifferentContentIsAConflict) {
  enqueue("k1", "d1", R"({"a":1})");
  auto r = outbox_->enqueue({"dvcqg", "dossier_status", "k1", "d1", R"({"a":2})"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(r.error().message.find("d1"), std::string::npos) << "the dedup key may hold personal data";
  auto other_dest = outbox_->enqueue({"tax", "dossier_status", "k1", "d1", R"({"a":1})"});
  ASSERT_FALSE(other_dest.ok());
  EXPECT_EQ(other_dest.error().kind, ErrorKind::kConflict);
}

TEST_F(OutboxTest, EnqueueRejectsEmptyKeys) {
  auto r = outbox_->enqueue({"dvcqg", "dossier_status", "", "d1", "{}"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
  EXPECT_NE(r.error().message.find("ordering_key"), std::string::npos);
}

TEST_F(OutboxTest, EnqueueRollsBackWithTheCallersFailedTransaction) {
  ASSERT_TRUE(db_->exec("CREATE TABLE dossier (code TEXT PRIMARY KEY)").ok());
  Status s = db_->transaction([&]() -> Status {
    LT_TRY(db_->exec("INSERT INTO dossier (code) VALUES ('H1')"));
    LT_TRY(outbox_->enqueue({"dvcqg", "dossier_status", "k1", "d1", "{}"}));
    return Error(ErrorKind::kValidation, "caller gives up");
  });
  ASSERT_FALSE(s.ok());
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 0);
  auto rows = db_->query("SELECT COUNT(*) FROM dossier");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].i64(0), 0);

  // And commits together when the caller succeeds.
  ASSERT_TRUE(db_->transaction([&]() -> Status {
                   LT_TRY(db_->exec("INSERT INTO dossier (code) VALUES ('H1')"));
                   LT_TRY(outbox_->enqueue({"dvcqg", "dossier_status", "k1", "d1", "{}"}));
                   return {};
                 })
                  .ok());
  c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 1);
}

TEST_F(OutboxTest, MarkSentMarksEveryIdOfABatchLongerThanOneStatementChunk) {
  // 150 ids span several chunks of the batched UPDATE, the last one partly filled;
  // a message left out of the list stays pending.
  std::vector<int64_t> ids;
  for (int i = 0; i < 151; ++i) ids.push_back(enqueue("k" + std::to_string(i), "d" + std::to_string(i)));
  auto claimed = claim_ids("dvcqg", 200);
  ASSERT_EQ(claimed.size(), 151u);
  int64_t left_out = ids[70];
  ids.erase(ids.begin() + 70);
  ASSERT_TRUE(outbox_->mark_sent(ids).ok());
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sent, 150);
  EXPECT_EQ(c->pending, 1);
  EXPECT_EQ(state_of(left_out), State::kPending);
  for (int64_t id : ids) EXPECT_EQ(state_of(id), State::kSent);
}

TEST_F(OutboxTest, UnsentCountsAndDestinationsMatchCountsWithoutReadingSent) {
  // lgsp has only a sent message: it is still a destination, with nothing unsent.
  int64_t sent = enqueue("lgsp:H1", "l1", "{}", "lgsp");
  ASSERT_EQ(claim_ids("lgsp"), std::vector<int64_t>{sent});
  ASSERT_TRUE(outbox_->mark_sent({sent}).ok());
  int64_t dead = enqueue("dvcqg:H2", "d1");
  enqueue("dvcqg:H2", "d2");  // blocked behind the dead one
  enqueue("dvcqg:H3", "d3");
  ASSERT_EQ(claim_ids("dvcqg"), (std::vector<int64_t>{dead, dead + 2}));
  ASSERT_TRUE(outbox_->mark_failed(dead, kPermanent).ok());
  ASSERT_TRUE(outbox_->mark_sent({dead + 2}).ok());
  enqueue("payment_platform:H4", "p1", "{}", "payment_platform");
  auto dests = outbox_->destinations();
  ASSERT_TRUE(dests.ok());
  EXPECT_EQ(*dests, (std::vector<std::string>{"dvcqg", "lgsp", "payment_platform"}));
  for (const std::string& d : *dests) {
    auto all = outbox_->counts(d);
    auto unsent = outbox_->unsent_counts(d);
    ASSERT_TRUE(all.ok() && unsent.ok());
    EXPECT_EQ(unsent->pending, all->pending) << d;
    EXPECT_EQ(unsent->dead, all->dead) << d;
    EXPECT_EQ(unsent->blocked, all->blocked) << d;
    EXPECT_EQ(unsent->sent, 0) << d;
  }
  auto dv = outbox_->unsent_counts("dvcqg");
  ASSERT_TRUE(dv.ok());
  EXPECT_EQ(dv->pending, 1);
  EXPECT_EQ(dv->dead, 1);
  EXPECT_EQ(dv->blocked, 1);
}

TEST_F(OutboxTest, MessagesAreStoredWithTheDossierTheirKeyNames) {
  int64_t a = enqueue("dossier:H56.01-0001", "a"), b = enqueue("one_stop_shop_notify:H56.01-0001", "b");
  int64_t c = enqueue("dossier:x:H56.01-0001", "c"), d = enqueue("plain-key", "d");
  auto rows = db_->query("SELECT id, dossier_code FROM outbox ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].i64(0), a);
  EXPECT_EQ((*rows)[0].str(1), "H56.01-0001");
  EXPECT_EQ((*rows)[1].i64(0), b);
  EXPECT_EQ((*rows)[1].str(1), "H56.01-0001");
  EXPECT_EQ((*rows)[2].i64(0), c);
  EXPECT_EQ((*rows)[2].str(1), "x:H56.01-0001");  // after the first ':' only
  EXPECT_EQ((*rows)[3].i64(0), d);
  EXPECT_EQ((*rows)[3].str(1), "plain-key");
}

TEST(OutboxMigration, FourFillsTheDossierOfTheFlowsExistingKeys) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"}).value());
  auto ms = Outbox::migrations();
  ASSERT_GE(ms.size(), 4u);
  ASSERT_TRUE(db->migrate({ms.begin(), ms.begin() + 3}).ok());
  for (const char* key : {"dossier:H1", "one_stop_shop_notify:H1", "dvcqg:H1"})
    ASSERT_TRUE(db->exec("INSERT INTO outbox (destination, kind, ordering_key, dedup_key, content_hash, "
                         "created_at_ms, next_attempt_at_ms) VALUES ('d', 'k', ?, ?, '', 0, 0)",
                         {std::string(key), std::string(key)})
                    .ok());
  ASSERT_TRUE(db->migrate(ms).ok());
  auto rows = db->query("SELECT ordering_key, dossier_code FROM outbox ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].str(1), "H1");
  EXPECT_EQ((*rows)[1].str(1), "H1");
  EXPECT_EQ((*rows)[2].str(1), "");  // no flow writes this prefix
}

TEST_F(OutboxTest, DeliversInOrderPerKeyWithInterleavedKeys) {
  // a1 b1 a2 c1 b2 a3: each claim yields at most the head of each key.
  int64_t a1 = enqueue("a", "a1"), b1 = enqueue("b", "b1"), a2 = enqueue("a", "a2");
  int64_t c1 = enqueue("c", "c1"), b2 = enqueue("b", "b2"), a3 = enqueue("a", "a3");
  std::vector<int64_t> order;
  for (int round = 0; round < 5; ++round) {
    auto ids = claim_ids();
    order.insert(order.end(), ids.begin(), ids.end());
    // Nothing more is claimable while the heads are leased.
    EXPECT_TRUE(claim_ids().empty());
    ASSERT_TRUE(outbox_->mark_sent(ids).ok());
  }
  EXPECT_EQ(order, (std::vector<int64_t>{a1, b1, c1, a2, b2, a3}));
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sent, 6);
  EXPECT_EQ(c->pending, 0);
}

TEST_F(OutboxTest, ClaimIsPerDestinationAndRespectsTheLimit) {
  enqueue("a", "a1", "{}", "dvcqg");
  enqueue("b", "b1", "{}", "dvcqg");
  int64_t t = enqueue("c", "c1", "{}", "tax");
  EXPECT_EQ(claim_ids("dvcqg", 1).size(), 1u);
  EXPECT_EQ(claim_ids("tax"), std::vector<int64_t>{t});
  EXPECT_EQ(claim_ids("dvcqg", 10).size(), 1u);  // the first one is leased: only the second is left
}

TEST_F(OutboxTest, AFailedHeadBlocksItsKeyButNotOthers) {
  int64_t a1 = enqueue("a", "a1"), a2 = enqueue("a", "a2"), b1 = enqueue("b", "b1");
  EXPECT_EQ(claim_ids(), (std::vector<int64_t>{a1, b1}));
  auto st = outbox_->mark_failed(a1, kTransient);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, State::kPending);
  ASSERT_TRUE(outbox_->mark_sent({b1}).ok());
  int64_t b2 = enqueue("b", "b2");
  // a1 waits for its backoff; a2 must not overtake it, b2 goes.
  EXPECT_EQ(claim_ids(), std::vector<int64_t>{b2});
  EXPECT_NE(state_of(a2), State::kSent);
}

// Each failed attempt is kept with its answer (the console's history of a message); a
// replay starts counting again; prune takes the history with the message.
TEST_F(OutboxTest, FailedAttemptsAreKeptWithTheirAnswersUntilTheMessageIsPruned) {
  int64_t id = enqueue("a", "a1");
  EXPECT_TRUE(outbox_->failed_attempts(id)->empty());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
    clock_.advance(Millis(100));
    ASSERT_TRUE(outbox_->mark_failed(id, kTransient).ok());
    clock_.advance(Millis(10'000));
  }
  EXPECT_EQ(state_of(id), State::kDead);
  auto a = outbox_->failed_attempts(id);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ((*a)[0].attempt, 1);
  EXPECT_EQ((*a)[0].outcome, "retry");
  EXPECT_EQ((*a)[0].answer, "server_error: upstream 503");
  EXPECT_EQ((*a)[2].attempt, 3);
  EXPECT_EQ((*a)[2].outcome, "dead");
  EXPECT_EQ((*a)[1].at_ms - (*a)[0].at_ms, 10'100);
  ASSERT_TRUE(outbox_->replay(id).ok());
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  ASSERT_TRUE(outbox_->mark_sent({id}).ok());
  EXPECT_EQ(outbox_->failed_attempts(id)->size(), 3u);  // a success adds none: it is sent_at_ms
  clock_.advance(Millis(10'000));
  ASSERT_EQ(*outbox_->prune(clock_.now_ms()), 1);
  EXPECT_TRUE(outbox_->failed_attempts(id)->empty());
}

TEST_F(OutboxTest, RetriesAfterBackoffThenSucceeds) {
  int64_t id = enqueue("a", "a1");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  ASSERT_TRUE(outbox_->mark_failed(id, kTransient).ok());
  auto m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->next_attempt_at_ms, clock_.now_ms() + 1000);  // first retry: initial delay
  EXPECT_EQ(m->last_error, "server_error: upstream 503");
  EXPECT_EQ(m->attempts, 1);

  clock_.advance(Millis(999));
  EXPECT_TRUE(claim_ids().empty());
  clock_.advance(Millis(1));
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  ASSERT_TRUE(outbox_->mark_failed(id, kTransient).ok());
  m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->next_attempt_at_ms, clock_.now_ms() + 2000);  // second retry: doubled

  clock_.advance(Millis(2000));
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  ASSERT_TRUE(outbox_->mark_sent({id}).ok());
  m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, State::kSent);
  EXPECT_EQ(m->sent_at_ms, clock_.now_ms());
  EXPECT_EQ(m->attempts, 3);
}

TEST_F(OutboxTest, DeadLettersAfterMaxAttempts) {
  int64_t id = enqueue("a", "a1");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(claim_ids(), std::vector<int64_t>{id}) << "attempt " << i;
    auto st = outbox_->mark_failed(id, kTransient);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(*st, i < 3 ? State::kPending : State::kDead);
    clock_.advance(Millis(policy_.backoff_max_ms));
  }
  EXPECT_TRUE(claim_ids().empty());
  auto m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, State::kDead);
  EXPECT_EQ(m->last_error, "server_error: upstream 503");
}

TEST_F(OutboxTest, DeadLettersAfterMaxAge) {
  int64_t id = enqueue("a", "a1");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  clock_.advance(Millis(policy_.max_age_ms));
  auto st = outbox_->mark_failed(id, kTransient);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, State::kDead);
}

TEST_F(OutboxTest, NonRetryableErrorDeadLettersAtOnceWithKindAndMessage) {
  int64_t id = enqueue("a", "a1");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  Error e = kPermanent;
  e.upstream_status = 400;
  e.code = "E12";
  auto st = outbox_->mark_failed(id, e);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, State::kDead);
  auto m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->last_error, "validation: upstream refused the record (upstream HTTP 400) [code E12]");
}

TEST_F(OutboxTest, ExpiredLeaseRedeliversAfterASimulatedCrash) {
  int64_t id = enqueue("a", "a1");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  // The worker "crashes": no mark. Until the lease ends nobody else gets it.
  clock_.advance(Millis(policy_.lease_ms - 1));
  EXPECT_TRUE(claim_ids().empty());
  clock_.advance(Millis(1));
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  auto m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->attempts, 2);  // the crashed attempt counts
}

TEST_F(OutboxTest, AFailureReportedAfterTheMessageWasClaimedAgainChangesNothing) {
  int64_t id = enqueue("a", "a1");
  auto first = outbox_->claim("dvcqg", 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  // The first worker is slow: its lease runs out and another worker claims the message.
  clock_.advance(Millis(policy_.lease_ms));
  auto second = outbox_->claim("dvcqg", 10);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  ASSERT_NE((*second)[0].lease_until_ms, (*first)[0].lease_until_ms);
  // The first worker's failure arrives late: the second holder's lease stays.
  auto stale = outbox_->mark_outcomes({id}, {Status(kPermanent)}, {(*first)[0].lease_until_ms});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->at(0), State::kPending);
  auto m = outbox_->get(id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lease_until_ms, (*second)[0].lease_until_ms);
  EXPECT_EQ(m->last_error, "");
  EXPECT_TRUE(claim_ids().empty()) << "still leased to the second worker";
  // The holder's own report applies.
  auto own = outbox_->mark_failed(id, kPermanent, (*second)[0].lease_until_ms);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(*own, State::kDead);
}

TEST_F(OutboxTest, DeadLetterBlocksItsKeyUntilReplayed) {
  int64_t a1 = enqueue("a", "a1"), a2 = enqueue("a", "a2");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  ASSERT_TRUE(outbox_->mark_failed(a1, kPermanent).ok());
  EXPECT_TRUE(claim_ids().empty()) << "a2 must not overtake the dead a1";

  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->dead, 1);
  EXPECT_EQ(c->pending, 1);
  EXPECT_EQ(c->blocked, 1);

  clock_.advance(Millis(policy_.max_age_ms * 2));  // replay restarts the age window too
  ASSERT_TRUE(outbox_->replay(a1).ok());
  auto m = outbox_->get(a1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, State::kPending);
  EXPECT_EQ(m->attempts, 0);
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  auto st = outbox_->mark_failed(a1, kTransient);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, State::kPending) << "age counts from the replay";
  clock_.advance(Millis(policy_.backoff_max_ms));
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  ASSERT_TRUE(outbox_->mark_sent({a1}).ok());
  EXPECT_EQ(claim_ids(), std::vector<int64_t>{a2});
}

TEST_F(OutboxTest, DiscardingADeadLetterUnblocksItsKey) {
  int64_t a1 = enqueue("a", "a1"), a2 = enqueue("a", "a2");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  EXPECT_EQ(outbox_->discard(a1).error().kind, ErrorKind::kConflict) << "only dead letters";
  ASSERT_TRUE(outbox_->mark_failed(a1, kPermanent).ok());
  ASSERT_TRUE(outbox_->discard(a1).ok());
  EXPECT_EQ(state_of(a1), State::kDiscarded);
  EXPECT_EQ(claim_ids(), std::vector<int64_t>{a2});
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->blocked, 0);
  EXPECT_EQ(c->dead, 0);
}

TEST_F(OutboxTest, ReplayRefusesSentAndUnknownMessages) {
  int64_t id = enqueue("a", "a1");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{id});
  ASSERT_TRUE(outbox_->mark_sent({id}).ok());
  auto s = outbox_->replay(id);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kConflict);
  auto missing = outbox_->replay(9999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(OutboxTest, ReplayAllDeadFiltersByDestination) {
  int64_t a = enqueue("a", "a1", "{}", "dvcqg");
  int64_t b = enqueue("b", "b1", "{}", "tax");
  ASSERT_EQ(claim_ids("dvcqg"), std::vector<int64_t>{a});
  ASSERT_EQ(claim_ids("tax"), std::vector<int64_t>{b});
  ASSERT_TRUE(outbox_->mark_failed(a, kPermanent).ok());
  ASSERT_TRUE(outbox_->mark_failed(b, kPermanent).ok());
  auto n = outbox_->replay_all_dead("tax");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(state_of(a), State::kDead);
  EXPECT_EQ(state_of(b), State::kPending);
  n = outbox_->replay_all_dead();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(state_of(a), State::kPending);
}

TEST_F(OutboxTest, CountsPerDestinationAndBlocked) {
  int64_t a1 = enqueue("a", "a1", "{}", "dvcqg");
  enqueue("a", "a2", "{}", "dvcqg");
  enqueue("a", "a3", "{}", "dvcqg");
  int64_t b1 = enqueue("b", "b1", "{}", "dvcqg");
  enqueue("c", "c1", "{}", "tax");
  ASSERT_EQ(claim_ids("dvcqg"), (std::vector<int64_t>{a1, b1}));
  ASSERT_TRUE(outbox_->mark_failed(a1, kPermanent).ok());
  ASSERT_TRUE(outbox_->mark_sent({b1}).ok());
  auto c = outbox_->counts("dvcqg");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 2);
  EXPECT_EQ(c->sent, 1);
  EXPECT_EQ(c->dead, 1);
  EXPECT_EQ(c->blocked, 2);
  auto all = outbox_->counts();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->pending, 3);
  EXPECT_EQ(all->blocked, 2);
}

TEST_F(OutboxTest, ListFiltersByStateDestinationAndPages) {
  for (int i = 0; i < 5; ++i) enqueue("k" + std::to_string(i), "d" + std::to_string(i));
  enqueue("t", "t1", "{}", "tax");
  auto first = outbox_->list({.state = State::kPending, .destination = "dvcqg", .limit = 3});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 3u);
  auto rest = outbox_->list(
      {.state = State::kPending, .destination = "dvcqg", .limit = 10, .after_id = first->back().id});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
  auto sent = outbox_->list({.state = State::kSent});
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(sent->empty());
}

TEST_F(OutboxTest, MarkOutcomesSettlesABatchInOneCall) {
  int64_t a = enqueue("a", "a1"), b = enqueue("b", "b1"), c = enqueue("c", "c1");
  ASSERT_EQ(claim_ids().size(), 3u);
  auto states = outbox_->mark_outcomes({a, b, c}, {Status{}, Status(kTransient), Status(kPermanent)});
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(*states, (std::vector<State>{State::kSent, State::kPending, State::kDead}));
  EXPECT_EQ(state_of(a), State::kSent);
  EXPECT_EQ(state_of(c), State::kDead);
}

TEST_F(OutboxTest, NextDueIgnoresKeysBlockedByDeadLetters) {
  int64_t a1 = enqueue("a", "a1");
  enqueue("a", "a2");
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  ASSERT_TRUE(outbox_->mark_failed(a1, kTransient).ok());
  auto due = outbox_->next_due_ms("dvcqg");
  ASSERT_TRUE(due.ok());
  ASSERT_TRUE(due->has_value());
  EXPECT_EQ(**due, clock_.now_ms() + 1000);
  clock_.advance(Millis(1000));
  ASSERT_EQ(claim_ids(), std::vector<int64_t>{a1});
  ASSERT_TRUE(outbox_->mark_failed(a1, kPermanent).ok());
  due = outbox_->next_due_ms("dvcqg");
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(due->has_value());
}

TEST(OutboxMigration, PayloadsOfMessagesQueuedBeforeVersionTwoSurviveTheMove) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"}).value());
  auto v1 = Outbox::migrations();
  v1.resize(1);
  ASSERT_EQ(v1[0].version, 1);
  ASSERT_TRUE(db->migrate(v1).ok());
  ASSERT_TRUE(
      db->exec("INSERT INTO outbox (destination, kind, ordering_key, dedup_key, payload, content_hash, "
               "created_at_ms, next_attempt_at_ms) VALUES ('dvcqg', 'dossier_status', 'k', 'd1', "
               "'{\"a\":1}', 'h', 0, 0)")
          .ok());
  ASSERT_TRUE(db->migrate(Outbox::migrations()).ok());
  ManualClock clock;
  Outbox outbox(*db, Policy{}, clock);
  auto claimed = outbox.claim("dvcqg", 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].payload, "{\"a\":1}");
  auto listed = outbox.list({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].payload, "{\"a\":1}");
}

TEST_F(OutboxTest, ClaimReturnsEachMessagesOwnPayloadForBatchesLongerThanOneLookupChunk) {
  for (int i = 0; i < 150; ++i)
    enqueue("key" + std::to_string(i), "d" + std::to_string(i), "p" + std::to_string(i));
  auto claimed = outbox_->claim("dvcqg", 150);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 150u);
  for (auto& m : *claimed) EXPECT_EQ("p" + m.dedup_key.substr(1), m.payload) << m.id;
}

TEST_F(OutboxTest, PruneDeletesOnlyMessagesSettledBeforeTheCutoffWithTheirPayloads) {
  clock_.set_ms(1'000'000);
  int64_t old_sent = enqueue("a", "a1", "old sent");
  int64_t old_dead = enqueue("b", "b1", "old dead");
  int64_t pending = enqueue("c", "c1", "still pending");
  ASSERT_EQ(claim_ids(), (std::vector<int64_t>{old_sent, old_dead, pending}));
  ASSERT_TRUE(outbox_->mark_sent({old_sent}).ok());
  ASSERT_EQ(outbox_->mark_failed(old_dead, kPermanent).value(), State::kDead);
  clock_.set_ms(5'000'000);
  int64_t new_sent = enqueue("d", "d1", "new sent");
  // The pending one's lease ran out meanwhile: it is handed out again too.
  ASSERT_EQ(claim_ids(), (std::vector<int64_t>{pending, new_sent}));
  ASSERT_TRUE(outbox_->mark_sent({new_sent}).ok());

  auto n = outbox_->prune(2'000'000);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(outbox_->get(old_sent).ok());
  EXPECT_EQ(state_of(old_dead), State::kDead) << "a dead letter waits for an operator, whatever its age";
  EXPECT_EQ(state_of(pending), State::kPending);
  EXPECT_EQ(outbox_->get(new_sent)->payload, "new sent");
  auto payloads = db_->query("SELECT count(*) FROM outbox_payloads");
  ASSERT_TRUE(payloads.ok());
  EXPECT_EQ((*payloads)[0].i64(0), 3) << "the pruned message's payload goes with it";
}

TEST_F(OutboxTest, PruneWorksThroughMoreMessagesThanOneChunk) {
  clock_.set_ms(1'000);
  std::vector<int64_t> ids;
  for (int i = 0; i < 150; ++i) ids.push_back(enqueue("k" + std::to_string(i), "d" + std::to_string(i)));
  ASSERT_TRUE(outbox_->mark_sent(ids).ok());
  clock_.set_ms(10'000);
  auto n = outbox_->prune(5'000, 40);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 150);
  EXPECT_EQ(outbox_->counts()->sent, 0);
}

}  // namespace
}  // namespace lienthong::outbox
