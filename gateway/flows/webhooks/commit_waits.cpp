#include "gateway/flows/webhooks/commit_waits.hpp"

#include "gateway/flows/webhooks/delivery_ids.hpp"

namespace lienthong::webhooks {

JobPtr CommitWaits::pending(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = pending_.find(key);
  return it == pending_.end() ? nullptr : it->second;
}

JobPtr CommitWaits::add(const std::string& key, JobPtr job) {
  std::lock_guard lock(mu_);
  auto [it, added] = pending_.emplace(key, job);
  if (!added) return it->second;
  job->answer_on_commit = true;
  return nullptr;
}

Outcome CommitWaits::answer(const IntakeJob& job, const CommitWaiter& w) const {
  if (!job.committed) {
    return store_unavailable(
        "the delivery could not be committed to the store; nothing was kept, retry later", retry_after_s_);
  }
  if (w.replay || job.earlier) {
    return replay(job.earlier ? *job.earlier : job.answer, job.webhook_id,
                  w.replay ? w.body_hash : job.answer.body_hash);
  }
  return answered(job.answer);
}

void CommitWaits::await(const JobPtr& job, CommitWaiter w) {
  {
    std::lock_guard lock(mu_);
    if (!job->settled) {
      job->waiters.push_back(std::move(w));
      return;
    }
  }
  auto done = std::move(w.done);
  done(answer(*job, w));
}

void CommitWaits::settle(const std::vector<JobPtr>& jobs) {
  std::vector<std::pair<JobPtr, CommitWaiter>> ready;
  {
    std::lock_guard lock(mu_);
    for (const auto& j : jobs) {
      if (!j->answer_on_commit || j->settled) continue;
      j->settled = true;
      if (auto it = pending_.find(delivery_key(j->source, j->webhook_id));
          it != pending_.end() && it->second == j) {
        pending_.erase(it);
      }
      for (auto& w : j->waiters) ready.emplace_back(j, std::move(w));
      j->waiters.clear();
    }
  }
  for (auto& [j, w] : ready) {
    auto done = std::move(w.done);
    done(answer(*j, w));
  }
}

}  // namespace lienthong::webhooks
