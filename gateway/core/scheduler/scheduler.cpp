#include "gateway/core/scheduler/scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "gateway/core/common/log.hpp"

namespace lienthong::scheduler {

namespace {
// Worker threads re-read the Clock at least this often, so a clock that jumps (NTP, a
// ManualClock) is noticed without waiting out a long interval.
constexpr int64_t kMaxSleepMs = 1000;
// Back-off of a worker thread whose job is already running from run_due().
constexpr int64_t kBusyRetryMs = 20;
}  // namespace

struct JobState {
  std::string name;
  int64_t interval_ms = 0;
  Scheduler::Job fn;
  std::atomic<bool> running{false};
  // Guarded by Impl::mu.
  int64_t next_due_ms = 0;
  int64_t runs = 0, failures = 0, skipped = 0;
  std::string last_error;
  int64_t last_success_ms = 0, last_failure_ms = 0;
};

struct Scheduler::Impl {
  const Clock& clock;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool started = false;
  std::vector<std::unique_ptr<JobState>> jobs;
  std::vector<std::thread> threads;

  explicit Impl(const Clock& c) : clock(c) {}

  // Runs `job` unless it is already running. Returns whether it ran.
  bool try_run(JobState& job) {
    if (job.running.exchange(true)) {
      std::lock_guard lock(mu);
      ++job.skipped;
      return false;
    }
    std::string error;
    ErrorKind kind = ErrorKind::kInternal;
    const auto started = std::chrono::steady_clock::now();
    try {
      Status s = job.fn();
      if (!s.ok()) {
        kind = s.error().kind;
        error = std::string(to_string(s.error().kind)) + ": " + s.error().message;
      }
    } catch (const std::exception& e) {
      error = std::string("exception: ") + e.what();
    } catch (...) {
      error = "exception of unknown type";
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!error.empty())
      log::error("scheduler", "job_failed", error,
                 {{"job", job.name}, {"error_kind", to_string(kind)}, {"duration_ms", ms}});
    {
      std::lock_guard lock(mu);
      ++job.runs;
      if (!error.empty()) {
        ++job.failures;
        job.last_error = error;
        job.last_failure_ms = clock.now_ms();
      } else {
        job.last_success_ms = clock.now_ms();
      }
      // Missed runs are not caught up in a burst: the next one is one interval from now.
      int64_t now = clock.now_ms();
      int64_t next = job.next_due_ms + job.interval_ms;
      job.next_due_ms = next > now ? next : now + job.interval_ms;
    }
    job.running = false;
    return true;
  }

  void loop(JobState& job) {
    std::unique_lock lock(mu);
    while (!stopping) {
      int64_t wait = job.next_due_ms - clock.now_ms();
      if (wait > 0) {
        cv.wait_for(lock, std::chrono::milliseconds(std::min(wait, kMaxSleepMs)));
        continue;
      }
      lock.unlock();
      bool ran = try_run(job);
      lock.lock();
      if (!ran) cv.wait_for(lock, std::chrono::milliseconds(kBusyRetryMs));
    }
  }
};

Scheduler::Scheduler(const Clock& clock) : impl_(std::make_unique<Impl>(clock)) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::add(const std::string& name, Millis interval, Job fn) {
  add(name, interval, std::move(fn), interval);
}

void Scheduler::add(const std::string& name, Millis interval, Job fn, Millis first_delay) {
  if (name.empty()) throw std::invalid_argument("scheduler: a job needs a name");
  if (interval.count() <= 0) {
    throw std::invalid_argument("scheduler: job '" + name + "' needs a positive interval");
  }
  if (!fn) throw std::invalid_argument("scheduler: job '" + name + "' has no function");
  std::lock_guard lock(impl_->mu);
  if (impl_->started) throw std::logic_error("scheduler: job '" + name + "' added after start()");
  for (auto& j : impl_->jobs) {
    if (j->name == name) throw std::invalid_argument("scheduler: two jobs are named '" + name + "'");
  }
  auto job = std::make_unique<JobState>();
  job->name = name;
  job->interval_ms = interval.count();
  job->fn = std::move(fn);
  job->next_due_ms = impl_->clock.now_ms() + std::max<int64_t>(0, first_delay.count());
  impl_->jobs.push_back(std::move(job));
}

int Scheduler::run_due() {
  std::vector<JobState*> due;
  {
    std::lock_guard lock(impl_->mu);
    int64_t now = impl_->clock.now_ms();
    for (auto& j : impl_->jobs) {
      if (j->next_due_ms <= now) due.push_back(j.get());
    }
  }
  int ran = 0;
  for (JobState* j : due) ran += impl_->try_run(*j) ? 1 : 0;
  return ran;
}

void Scheduler::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->started) return;
  impl_->started = true;
  impl_->stopping = false;
  for (auto& j : impl_->jobs) {
    JobState* job = j.get();
    impl_->threads.emplace_back([this, job] { impl_->loop(*job); });
  }
}

void Scheduler::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  std::lock_guard lock(impl_->mu);
  impl_->started = false;
}

std::vector<JobStats> Scheduler::stats() const {
  std::lock_guard lock(impl_->mu);
  std::vector<JobStats> out;
  for (auto& j : impl_->jobs) {
    out.push_back(JobStats{j->name, j->interval_ms, j->runs, j->failures, j->skipped, j->next_due_ms,
                           j->running.load(), j->last_error, j->last_success_ms, j->last_failure_ms});
  }
  return out;
}

}  // namespace lienthong::scheduler
