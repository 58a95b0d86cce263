#include "gateway/core/scheduler/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace lienthong::scheduler {
namespace {

const JobStats& stats_of(const std::vector<JobStats>& all, const std::string& name) {
  for (auto& s : all) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no job " + name);
}

TEST(Scheduler, RunDueRunsOnlyJobsWhoseIntervalHasPassed) {
  ManualClock clock;
  Scheduler s(clock);
  int fast = 0, slow = 0;
  s.add("fast", Millis(1000), [&]() -> Status {
    ++fast;
    return {};
  });
  s.add("slow", Millis(5000), [&]() -> Status {
    ++slow;
    return {};
  });
  EXPECT_EQ(s.run_due(), 0);
  clock.advance(Millis(1000));
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_EQ(s.run_due(), 0) << "not due again until one more interval";
  clock.advance(Millis(4000));
  EXPECT_EQ(s.run_due(), 2);
  EXPECT_EQ(fast, 2);
  EXPECT_EQ(slow, 1);
}

TEST(Scheduler, FirstDelayCanBeZeroAndMissedRunsAreNotCaughtUp) {
  ManualClock clock;
  Scheduler s(clock);
  int runs = 0;
  s.add(
      "reconcile", Millis(1000),
      [&]() -> Status {
        ++runs;
        return {};
      },
      Millis(0));
  EXPECT_EQ(s.run_due(), 1);
  clock.advance(Millis(10'000));  // ten intervals missed
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_EQ(s.run_due(), 0);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(stats_of(s.stats(), "reconcile").next_due_ms, clock.now_ms() + 1000);
}

TEST(Scheduler, FailuresAreCountedAndDoNotStopOtherJobs) {
  ManualClock clock;
  Scheduler s(clock);
  int ok_runs = 0;
  s.add("broken", Millis(100), []() -> Status { return Error(ErrorKind::kTimeout, "upstream slow"); });
  s.add("throws", Millis(100), []() -> Status { throw std::runtime_error("bug"); });
  s.add("fine", Millis(100), [&]() -> Status {
    ++ok_runs;
    return {};
  });
  clock.advance(Millis(100));
  EXPECT_EQ(s.run_due(), 3);
  clock.advance(Millis(100));
  EXPECT_EQ(s.run_due(), 3);
  auto st = s.stats();
  EXPECT_EQ(stats_of(st, "broken").failures, 2);
  EXPECT_EQ(stats_of(st, "broken").runs, 2);
  EXPECT_EQ(stats_of(st, "broken").last_error, "timeout: upstream slow");
  EXPECT_EQ(stats_of(st, "throws").failures, 2);
  EXPECT_EQ(stats_of(st, "throws").last_error, "exception: bug");
  EXPECT_EQ(stats_of(st, "fine").failures, 0);
  EXPECT_EQ(ok_runs, 2);
}

TEST(Scheduler, AJobNeverOverlapsItself) {
  ManualClock clock;
  Scheduler s(clock);
  std::promise<void> entered, release;
  std::shared_future<void> release_f = release.get_future().share();
  std::atomic<int> concurrent{0}, max_concurrent{0}, runs{0};
  s.add("long", Millis(100), [&]() -> Status {
    int now = ++concurrent;
    max_concurrent = std::max(max_concurrent.load(), now);
    if (++runs == 1) {
      entered.set_value();
      release_f.wait();
    }
    --concurrent;
    return {};
  });
  clock.advance(Millis(100));
  std::thread first([&] { EXPECT_EQ(s.run_due(), 1); });
  entered.get_future().wait();
  clock.advance(Millis(1000));
  EXPECT_EQ(s.run_due(), 0) << "still running: must be skipped";
  EXPECT_TRUE(stats_of(s.stats(), "long").running);
  release.set_value();
  first.join();
  EXPECT_EQ(max_concurrent.load(), 1);
  EXPECT_EQ(stats_of(s.stats(), "long").skipped, 1);
  EXPECT_EQ(runs.load(), 1);
}

TEST(Scheduler, DuplicateOrInvalidJobsAreRefused) {
  ManualClock clock;
  Scheduler s(clock);
  auto noop = []() -> Status { return {}; };
  s.add("a", Millis(10), noop);
  EXPECT_THROW(s.add("a", Millis(10), noop), std::invalid_argument);
  EXPECT_THROW(s.add("", Millis(10), noop), std::invalid_argument);
  EXPECT_THROW(s.add("b", Millis(0), noop), std::invalid_argument);
}

TEST(Scheduler, BackgroundThreadRunsDueJobsUntilStopped) {
  Scheduler s;  // system clock
  std::promise<void> ran_twice;
  std::atomic<int> runs{0};
  s.add(
      "tick", Millis(1),
      [&]() -> Status {
        if (++runs == 2) ran_twice.set_value();
        return {};
      },
      Millis(0));
  s.start();
  EXPECT_THROW(s.add("late", Millis(10), [] { return Status{}; }), std::logic_error) << "not after start";
  EXPECT_EQ(ran_twice.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  s.stop();
  int after_stop = runs.load();
  EXPECT_GE(after_stop, 2);
  EXPECT_FALSE(stats_of(s.stats(), "tick").running);
  EXPECT_EQ(stats_of(s.stats(), "tick").runs, after_stop) << "stop() waited for the run in progress";
}

}  // namespace
}  // namespace lienthong::scheduler
