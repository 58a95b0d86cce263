// Dispatcher: claim → deliver → mark, per destination. One transaction per claim and one
// per marked batch, so throughput is bounded by the destination, not by the store.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "gateway/core/common/log.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::outbox {

struct Dispatcher::Impl {
  Outbox& outbox;
  const Clock& clock;
  std::vector<Destination*> destinations;
  std::map<std::string, Destination*> by_name;
  std::function<void(int64_t)> sleep;

  std::atomic<int64_t> sent{0}, retried{0}, dead{0}, sent_events{0};

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool woken = false;  // wake(): new messages were queued
  std::vector<std::thread> workers;

  Impl(Outbox& o, const Clock& c) : outbox(o), clock(c) {}

  // Waits up to `ms` of real time, returning early on stop() or wake().
  void wait_real(int64_t ms) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping || woken; });
    woken = false;
  }

  // One claim + delivery + mark for one destination. Returns how many were claimed.
  Result<size_t> process(Destination& d, DeliveryStats& delta) {
    size_t limit = std::max<size_t>(1, std::min(d.max_batch(), outbox.policy().batch_size));
    LT_ASSIGN_OR_RETURN(std::vector<Message> batch, outbox.claim(d.name(), limit));
    if (batch.empty()) return size_t{0};
    std::vector<Status> outcomes;
    try {
      outcomes = d.deliver(batch);
    } catch (const std::exception& e) {
      // A throwing destination is a bug: dead-letter (kInternal) so the operator sees it.
      outcomes.assign(batch.size(),
                      Error(ErrorKind::kInternal, "destination '" + d.name() + "' threw: " + e.what()));
    }
    if (outcomes.size() != batch.size()) {
      log::error("outbox", "outcomes_missing",
                 "destination returned fewer outcomes than messages; missing ones are retried",
                 {{"destination", d.name()},
                  {"outcomes", static_cast<unsigned long>(outcomes.size())},
                  {"messages", static_cast<unsigned long>(batch.size())}});
      outcomes.resize(batch.size(), Error(ErrorKind::kServer, "destination '" + d.name() +
                                                                  "' returned no outcome for this message"));
    }
    std::vector<int64_t> ids, leases;
    ids.reserve(batch.size());
    leases.reserve(batch.size());
    for (auto& m : batch) {
      ids.push_back(m.id);
      leases.push_back(m.lease_until_ms);
    }
    auto states = outbox.mark_outcomes(ids, outcomes, leases);
    if (!states.ok()) {
      // The leases expire and the batch comes back: at-least-once.
      return states.error().context("outbox: marking a batch for '" + d.name() + "'");
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      State s = (*states)[i];
      if (s == State::kSent) {
        ++delta.sent;
        delta.sent_events += batch[i].events;
      }
      if (s == State::kPending) ++delta.retried;
      if (s == State::kDead) ++delta.dead_lettered;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if ((*states)[i] == State::kDead) {
        log::warn("outbox", "outbox_dead_lettered", "message dead-lettered",
                  {{"message_id", static_cast<long long>(batch[i].id)},
                   {"destination", d.name()},
                   {"kind", batch[i].kind},
                   {"attempts", batch[i].attempts},
                   {"error_kind", to_string(outcomes[i].error().kind)}});
      }
    }
    sent += delta.sent;
    sent_events += delta.sent_events;
    retried += delta.retried;
    dead += delta.dead_lettered;
    return batch.size();
  }

  // One pass over every destination.
  Result<size_t> pass(DeliveryStats& total) {
    size_t claimed = 0;
    for (Destination* d : destinations) {
      DeliveryStats delta;
      LT_ASSIGN_OR_RETURN(size_t n, process(*d, delta));
      claimed += n;
      total.sent += delta.sent;
      total.sent_events += delta.sent_events;
      total.retried += delta.retried;
      total.dead_lettered += delta.dead_lettered;
    }
    return claimed;
  }

  void worker_loop(int64_t poll_interval_ms) {
    while (true) {
      {
        std::lock_guard lock(mu);
        if (stopping) return;
      }
      DeliveryStats ignored;
      auto r = pass(ignored);
      if (!r.ok()) {
        log::error("outbox", "worker_failed", r.error().message,
                   {{"error_kind", to_string(r.error().kind)},
                    {"retry_in_ms", static_cast<long long>(poll_interval_ms)}});
        wait_real(poll_interval_ms);
      } else if (*r == 0) {
        wait_real(poll_interval_ms);
      }
    }
  }
};

Dispatcher::Dispatcher(Outbox& outbox, const Clock& clock) : impl_(std::make_unique<Impl>(outbox, clock)) {
  impl_->sleep = [this](int64_t ms) { impl_->wait_real(ms); };
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::add(Destination& destination) {
  std::string name = destination.name();
  if (name.empty()) throw ConfigError("outbox: a destination has an empty name");
  if (!impl_->by_name.emplace(name, &destination).second) {
    throw ConfigError("outbox: two destinations are named '" + name + "'; destination names must be unique");
  }
  impl_->destinations.push_back(&destination);
}

void Dispatcher::set_sleep(std::function<void(int64_t)> sleep) {
  impl_->sleep = std::move(sleep);
}

Result<DeliveryStats> Dispatcher::run_until_idle(int64_t deadline_ms, bool wait_for_retries) {
  DeliveryStats total;
  while (impl_->clock.now_ms() < deadline_ms) {
    LT_ASSIGN_OR_RETURN(size_t claimed, impl_->pass(total));
    if (claimed > 0) continue;
    if (!wait_for_retries) break;
    std::optional<int64_t> next;
    for (Destination* d : impl_->destinations) {
      LT_ASSIGN_OR_RETURN(std::optional<int64_t> due, impl_->outbox.next_due_ms(d->name()));
      if (due && (!next || *due < *next)) next = due;
    }
    if (!next) break;  // nothing left that time alone would make due
    int64_t now = impl_->clock.now_ms();
    if (*next >= deadline_ms) {
      impl_->sleep(deadline_ms - now);
      break;
    }
    // At least 1 ms: a head leased by another process is "due" at its lease end.
    impl_->sleep(std::max<int64_t>(1, *next - now));
    {
      std::lock_guard lock(impl_->mu);
      if (impl_->stopping) break;
    }
  }
  return total;
}

void Dispatcher::start(int workers, int64_t poll_interval_ms) {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->workers.empty()) return;
    impl_->stopping = false;
  }
  for (int i = 0; i < std::max(1, workers); ++i) {
    impl_->workers.emplace_back([this, poll_interval_ms] { impl_->worker_loop(poll_interval_ms); });
  }
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->woken = true;
  }
  impl_->cv.notify_all();
}

bool Dispatcher::running() const {
  std::lock_guard lock(impl_->mu);
  return !impl_->workers.empty();
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->workers) {
    if (t.joinable()) t.join();
  }
  impl_->workers.clear();
  // Stopped workers do not stop the dispatcher for good: run_until_idle and start()
  // work again (sync::run_once drains with run_until_idle after its worker stopped).
  std::lock_guard lock(impl_->mu);
  impl_->stopping = false;
}

DeliveryStats Dispatcher::stats() const {
  return DeliveryStats{impl_->sent.load(), impl_->retried.load(), impl_->dead.load(),
                       impl_->sent_events.load()};
}

}  // namespace lienthong::outbox
