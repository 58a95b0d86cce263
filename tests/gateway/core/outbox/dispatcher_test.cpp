#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::outbox {
namespace {

// Records what it was given; fails the first `transient_failures` deliveries of each
// message whose payload is "flaky", and always refuses payload "bad".
class FakeDestination : public Destination {
 public:
  FakeDestination(std::string name, size_t max_batch, int transient_failures = 0)
      : name_(std::move(name)), max_batch_(max_batch), transient_failures_(transient_failures) {}
  std::string name() const override { return name_; }
  size_t max_batch() const override { return max_batch_; }
  std::vector<Status> deliver(const std::vector<Message>& batch) override {
    std::lock_guard lock(mu_);
    ++calls;
    largest_batch = std::max(largest_batch, batch.size());
    std::vector<Status> out;
    for (auto& m : batch) {
      if (m.payload == "bad") {
        out.emplace_back(Error(ErrorKind::kClient, "upstream rejected the record"));
      } else if (m.payload == "flaky" && failures_[m.id]++ < transient_failures_) {
        out.emplace_back(Error(ErrorKind::kTimeout, "upstream timed out"));
      } else {
        delivered.push_back(m.dedup_key);
        out.emplace_back();
      }
    }
    cv_.notify_all();
    return out;
  }
  bool wait_for_delivered(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return delivered.size() >= n; });
  }
  std::vector<std::string> delivered_copy() {
    std::lock_guard lock(mu_);
    return delivered;
  }

  std::vector<std::string> delivered;
  int calls = 0;
  size_t largest_batch = 0;

 private:
  std::string name_;
  size_t max_batch_;
  int transient_failures_;
  std::map<int64_t, int> failures_;
  std::mutex mu_;
  std::condition_variable cv_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({.path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(Outbox::migrations()).ok());
    policy_.jitter = 0;
    policy_.backoff_initial_ms = 100;
    policy_.backoff_max_ms = 1000;
    policy_.max_attempts = 5;
    outbox_ = std::make_unique<Outbox>(*db_, policy_, clock_);
  }
  void enqueue(const std::string& dest, const std::string& key, const std::string& dedup,
               const std::string& payload = "ok") {
    ASSERT_TRUE(outbox_->enqueue({dest, "dossier_status", key, dedup, payload}).ok());
  }

  ManualClock clock_;
  Policy policy_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(DispatcherTest, DuplicateDestinationNameIsAStartUpError) {
  Dispatcher d(*outbox_, clock_);
  FakeDestination a("dvcqg", 1), b("dvcqg", 1);
  d.add(a);
  EXPECT_THROW(d.add(b), ConfigError);
}

TEST_F(DispatcherTest, DeliversEverythingInOrderAndRetriesTransientFailures) {
  FakeDestination dvcqg("dvcqg", 10, /*transient_failures=*/2);
  FakeDestination tax("tax", 1);
  Dispatcher d(*outbox_, clock_);
  d.add(dvcqg);
  d.add(tax);
  enqueue("dvcqg", "h1", "h1-1", "flaky");
  enqueue("dvcqg", "h1", "h1-2");
  enqueue("dvcqg", "h2", "h2-1");
  enqueue("dvcqg", "h3", "h3-1", "bad");
  enqueue("dvcqg", "h3", "h3-2");  // blocked behind the dead h3-1
  enqueue("tax", "t1", "t1-1");
  enqueue("tax", "t1", "t1-2");

  // Sleeping advances the manual clock: no real waiting.
  std::vector<int64_t> sleeps;
  d.set_sleep([&](int64_t ms) {
    sleeps.push_back(ms);
    clock_.advance(Millis(ms));
  });
  auto stats = d.run_until_idle(clock_.now_ms() + 60'000, /*wait_for_retries=*/true);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->sent, 5);  // h1-1, h1-2, h2-1, t1-1, t1-2
  EXPECT_EQ(stats->retried, 2);
  EXPECT_EQ(stats->dead_lettered, 1);
  EXPECT_EQ(sleeps, (std::vector<int64_t>{100, 200}));  // the backoff of h1-1

  auto got = dvcqg.delivered;
  auto pos = [&](const std::string& k) { return std::find(got.begin(), got.end(), k) - got.begin(); };
  ASSERT_EQ(got.size(), 3u);
  EXPECT_LT(pos("h1-1"), pos("h1-2"));
  EXPECT_EQ(tax.delivered, (std::vector<std::string>{"t1-1", "t1-2"}));
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->dead, 1);
  EXPECT_EQ(c->blocked, 1);
  EXPECT_EQ(d.stats().sent, 5);
}

TEST_F(DispatcherTest, WithoutWaitingForRetriesStopsWhenOnlyBackoffsRemain) {
  FakeDestination dvcqg("dvcqg", 10, /*transient_failures=*/1);
  Dispatcher d(*outbox_, clock_);
  d.add(dvcqg);
  enqueue("dvcqg", "h1", "h1-1", "flaky");
  d.set_sleep([&](int64_t) { ADD_FAILURE() << "must not sleep"; });
  auto stats = d.run_until_idle(clock_.now_ms() + 60'000, /*wait_for_retries=*/false);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent, 0);
  EXPECT_EQ(stats->retried, 1);
  clock_.advance(Millis(100));
  stats = d.run_until_idle(clock_.now_ms() + 60'000, false);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent, 1);
}

TEST_F(DispatcherTest, DeadlineBoundsTheWaitForRetries) {
  policy_.backoff_initial_ms = 10'000;
  policy_.backoff_max_ms = 10'000;
  outbox_ = std::make_unique<Outbox>(*db_, policy_, clock_);
  FakeDestination dvcqg("dvcqg", 10, /*transient_failures=*/5);
  Dispatcher d(*outbox_, clock_);
  d.add(dvcqg);
  enqueue("dvcqg", "h1", "h1-1", "flaky");
  int64_t slept = 0;
  d.set_sleep([&](int64_t ms) {
    slept += ms;
    clock_.advance(Millis(ms));
  });
  int64_t start = clock_.now_ms();
  auto stats = d.run_until_idle(start + 3000, true);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->retried, 1);
  EXPECT_EQ(slept, 3000);
  EXPECT_EQ(clock_.now_ms(), start + 3000);
}

TEST_F(DispatcherTest, ThrowingDestinationDeadLettersItsBatch) {
  class Throwing : public Destination {
   public:
    std::string name() const override { return "dvcqg"; }
    std::vector<Status> deliver(const std::vector<Message>&) override { throw std::runtime_error("bug"); }
  } throwing;
  Dispatcher d(*outbox_, clock_);
  d.add(throwing);
  enqueue("dvcqg", "h1", "h1-1");
  auto stats = d.run_until_idle(clock_.now_ms() + 1000, false);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->dead_lettered, 1);
  auto dead = outbox_->list({.state = State::kDead});
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_NE((*dead)[0].last_error.find("threw: bug"), std::string::npos);
}

TEST_F(DispatcherTest, BackgroundWorkersDrainTheOutboxInBatches) {
  FakeDestination dvcqg("dvcqg", 50);
  // On the system clock, so that messages are due for the workers.
  Outbox live(*db_, policy_, SystemClock::instance());
  Dispatcher live_d(live, SystemClock::instance());
  live_d.add(dvcqg);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        live.enqueue({"dvcqg", "k", "key" + std::to_string(i % 20), "m" + std::to_string(i), "ok"}).ok());
  }
  live_d.start(2, 5);
  ASSERT_TRUE(dvcqg.wait_for_delivered(200));
  live_d.stop();
  auto got = dvcqg.delivered_copy();
  ASSERT_EQ(got.size(), 200u);
  // Per key, enqueue order holds even with two workers.
  std::map<int, int> last;
  for (auto& k : got) {
    int i = std::stoi(k.substr(1));
    auto it = last.find(i % 20);
    if (it != last.end()) {
      EXPECT_LT(it->second, i) << k;
    }
    last[i % 20] = i;
  }
  EXPECT_LE(dvcqg.largest_batch, 50u);
  EXPECT_GT(dvcqg.largest_batch, 1u);
  EXPECT_EQ(live_d.stats().sent, 200);
}

TEST_F(DispatcherTest, WakeMakesAnIdleWorkerLookBeforeItsPollInterval) {
  FakeDestination dvcqg("dvcqg", 10);
  Outbox live(*db_, policy_, SystemClock::instance());
  Dispatcher d(live, SystemClock::instance());
  d.add(dvcqg);
  // A poll interval far beyond the wait below: only wake() can make the worker look.
  d.start(1, 3'600'000);
  EXPECT_TRUE(d.running());
  ASSERT_TRUE(live.enqueue({"dvcqg", "k", "a", "m1", "ok"}).ok());
  auto waited = std::chrono::steady_clock::now();
  while (d.stats().sent == 0 && std::chrono::steady_clock::now() - waited < std::chrono::seconds(1)) {
    d.wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(d.stats().sent, 1);
  d.stop();
  EXPECT_FALSE(d.running());
}

TEST_F(DispatcherTest, RunUntilIdleStillWaitsForRetriesAfterTheWorkersWereStopped) {
  // The first attempt fails; run_until_idle must wait for the retry, not return at once
  // as it would if stop() had stopped the dispatcher for good (sync::run_once does this).
  FakeDestination flaky("dvcqg", 10, 1);
  Dispatcher d(*outbox_, clock_);
  d.add(flaky);
  d.start(1, 3'600'000);
  d.stop();
  enqueue("dvcqg", "k", "a1", "flaky");
  d.set_sleep([this](int64_t ms) { clock_.advance(Millis(ms)); });
  auto r = d.run_until_idle(clock_.now_ms() + 60'000, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(r->retried, 1);
}

}  // namespace
}  // namespace lienthong::outbox
