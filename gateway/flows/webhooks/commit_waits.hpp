// Shared store (PostgreSQL): deliveries are answered only once committed. This holds the
// jobs not yet settled by their key, so that a redelivery meanwhile waits for the same
// commit, and answers the waiting deliveries when the applier settles their jobs.
// Thread-safe; its callbacks run outside its lock.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/flows/webhooks/intake_job.hpp"

namespace lienthong::webhooks {

class CommitWaits {
 public:
  explicit CommitWaits(int64_t retry_after_s) : retry_after_s_(retry_after_s) {}

  // The unsettled job of `key`, if any.
  JobPtr pending(const std::string& key) const;
  // Registers `job` as the pending one of `key`; returns the job already pending (then
  // `job` is not registered) or nullptr.
  JobPtr add(const std::string& key, JobPtr job);
  // Answers `w` now if `job` is settled, else when it is.
  void await(const JobPtr& job, CommitWaiter w);
  // Marks the jobs settled (committed or given up) and answers their waiters.
  void settle(const std::vector<JobPtr>& jobs);
  // The answer a waiter of a settled job gets.
  Outcome answer(const IntakeJob& job, const CommitWaiter& w) const;

 private:
  const int64_t retry_after_s_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, JobPtr> pending_;
};

}  // namespace lienthong::webhooks
