#include "gateway/flows/webhooks/group_sync.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "gateway/core/common/log.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::webhooks {

GroupSync::GroupSync(IntakeJournal& journal, int64_t retry_after_s)
    : journal_(journal), retry_after_s_(retry_after_s) {
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "wh-journal-sync");
    loop();
  });
}

GroupSync::~GroupSync() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GroupSync::answer_after(uint64_t ticket, Outcome out, std::function<void(Outcome)> done) {
  {
    std::lock_guard lock(mu_);
    if (ticket > synced_through_) {
      parked_.push_back({ticket, std::move(out), std::move(done)});
      if (parked_.size() == 1) cv_.notify_one();
      return;
    }
  }
  done(std::move(out));
}

void GroupSync::loop() {
  auto& reg = metrics::Registry::global();
  metrics::Histogram& sync_seconds = reg.histogram("lienthong_webhooks_journal_sync_seconds",
                                                   "Group syncs (fdatasync) of the webhook intake journal");
  metrics::Counter& answered = reg.counter("lienthong_webhooks_journal_synced_deliveries_total",
                                           "Webhook deliveries answered after a group sync of the intake "
                                           "journal (divided by the syncs: deliveries per fdatasync)");
  metrics::Counter& failures = reg.counter("lienthong_webhooks_journal_sync_failures_total",
                                           "Group syncs of the webhook intake journal that failed");
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !parked_.empty(); });
      if (parked_.empty()) return;  // stopping, nothing left to answer
    }
    auto started = std::chrono::steady_clock::now();
    auto synced = journal_.sync();
    sync_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    std::vector<Parked> ready;
    {
      std::lock_guard lock(mu_);
      if (synced.ok()) synced_through_ = std::max(synced_through_, synced->through);
      auto keep = std::partition(parked_.begin(), parked_.end(),
                                 [&](const Parked& p) { return synced.ok() && p.ticket > synced_through_; });
      ready.assign(std::make_move_iterator(keep), std::make_move_iterator(parked_.end()));
      parked_.erase(keep, parked_.end());
    }
    size_t lost = 0;
    for (auto& p : ready) {
      if (!synced.ok() || p.ticket <= synced->failed_through) {
        // The record may still be stored (the applier has it): a retry is then answered
        // from its receipt. What is refused is the promise that it was on disk.
        ++lost;
        p.done(store_unavailable("the delivery could not be written to disk; retry later", retry_after_s_));
      } else {
        p.done(std::move(p.out));
      }
    }
    answered.inc(static_cast<int64_t>(ready.size() - lost));
    if (lost > 0) {
      failures.inc();
      log::error("webhooks", "journal_sync_failed",
                 "accepted deliveries' intake journal records could not be synced to disk; answered 503",
                 {{"deliveries", static_cast<unsigned long>(lost)},
                  {"error", synced.ok() ? std::string("fdatasync failed when their segment was closed")
                                        : synced.error().message}});
    }
  }
}

}  // namespace lienthong::webhooks
