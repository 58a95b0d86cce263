// Named interval jobs (reconciliation, token refresh, KPI snapshots...). A job never
// overlaps itself: a run that is still going when the next one falls due makes that
// one skip. A failing job (error Status or exception) is logged and counted; the
// scheduler keeps going.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"

namespace lienthong::scheduler {

struct JobStats {
  std::string name;
  int64_t interval_ms = 0;
  int64_t runs = 0;  // completed runs, failed ones included
  int64_t failures = 0;
  int64_t skipped = 0;  // due while the previous run was still going
  int64_t next_due_ms = 0;
  bool running = false;
  std::string last_error;       // "kind: message" of the last failure
  int64_t last_success_ms = 0;  // 0: none yet
  int64_t last_failure_ms = 0;
};

class Scheduler {
 public:
  using Job = std::function<Status()>;

  explicit Scheduler(const Clock& clock = SystemClock::instance());
  ~Scheduler();  // stops

  // First run falls due `first_delay` after add() (default: one interval). Throws
  // std::invalid_argument on a duplicate or empty name or a non-positive interval.
  void add(const std::string& name, Millis interval, Job fn);
  void add(const std::string& name, Millis interval, Job fn, Millis first_delay);

  // Runs, on the calling thread, every job that is due and not already running.
  // Returns how many ran. For tests and for one-shot commands.
  int run_due();

  // One thread per job; each sleeps (real time, re-reading the Clock at least every
  // second) until its job is due. stop() waits for running jobs to finish.
  void start();
  void stop();

  std::vector<JobStats> stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::scheduler
