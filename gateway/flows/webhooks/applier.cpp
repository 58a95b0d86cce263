#include "gateway/flows/webhooks/applier.hpp"

#include <pthread.h>

#include <algorithm>

#include "gateway/core/common/log.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/webhooks/delivery_ids.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"

namespace lienthong::webhooks {

namespace {
Receipt receipt_of(const IntakeJob& job) {
  Receipt r;
  r.source = job.source;
  r.webhook_id = job.webhook_id;
  r.body_sha256 = job.answer.body_hash;
  r.status = job.answer.status;
  r.outcome = job.answer.outcome;
  r.response_body = job.answer.body;
  r.received_at_ms = job.received_at_ms;
  return r;
}

constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr std::chrono::milliseconds kLongestBackoff{30'000};
}  // namespace

Applier::Applier(store::Database& db, outbox::Outbox& outbox, const Clock& clock, IntakeJournal& journal,
                 ApplierOptions options, std::deque<JobPtr> recovered)
    : db_(db), outbox_(outbox), clock_(clock), journal_(journal), options_(std::move(options)) {
  routes_ = event_routes(options_.destinations, options_.notify, options_.translators);
  for (const auto& [source, names] : options_.destinations_by_source)
    routes_by_source_.emplace(source, event_routes(names, options_.notify, options_.translators));
  queue_ = std::move(recovered);
  journal_holds_records_ = options_.journal_held_records;
  thread_ = std::thread([this] {
    // Named so that it stands out in top/perf: it is the one thread that writes webhooks.
    ::pthread_setname_np(::pthread_self(), "wh-applier");
    loop();
  });
}

Applier::~Applier() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  apply_cv_.notify_all();
  thread_.join();
  if (options_.settled) options_.settled({queue_.begin(), queue_.end()});
}

Status Applier::append(const JobPtr& job, std::string_view record) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    LT_ASSIGN_OR_RETURN(Appended appended, journal_.append(record));
    job->segment = appended.segment;
    if (journal_.syncs_in_groups()) job->answer.journal_ticket = appended.ticket;
    queue_.push_back(job);
    // The applier waits either for a first job or for a full batch: waking it on every
    // append cost a futex call (often a context switch) per delivery.
    wake = queue_.size() == 1 || queue_.size() == kApplyBatch;
  }
  if (wake) apply_cv_.notify_one();
  return {};
}

void Applier::push(JobPtr job) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
    wake = queue_.size() == 1 || queue_.size() == kApplyBatch;
  }
  if (wake) apply_cv_.notify_one();
}

size_t Applier::backlog() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_flight_;
}

std::optional<int64_t> Applier::oldest_unapplied_ms() const {
  std::lock_guard lock(mu_);
  // Journal order is intake order: the batch in flight is older than the queue.
  if (in_flight_ > 0) return in_flight_oldest_ms_;
  if (!queue_.empty()) return queue_.front()->received_at_ms;
  return std::nullopt;
}

bool Applier::wait_applied(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  kick_ = true;
  ++flush_waiters_;
  apply_cv_.notify_all();
  bool idle = idle_cv_.wait_for(lock, timeout, [&] { return queue_.empty() && in_flight_ == 0; });
  --flush_waiters_;
  return idle;
}

void Applier::loop() {
  auto backoff = kFirstBackoff;
  for (;;) {
    std::vector<JobPtr> batch = take_batch();
    if (batch.empty()) return;
    size_t done = apply(batch, backoff);
    end_round(batch, done);
    if (done == batch.size()) {
      backoff = kFirstBackoff;
      continue;
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;  // the journal keeps the rest for the next start
    apply_cv_.wait_for(lock, backoff, [&] { return stopping_ || kick_; });
    kick_ = false;
    backoff = std::min(backoff * 2, kLongestBackoff);
  }
}

std::vector<JobPtr> Applier::take_batch() {
  std::unique_lock lock(mu_);
  apply_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return {};
  // Shared store: the senders wait for the commit, so it starts at once; what arrives
  // while it runs makes the next batch.
  if (!options_.shared_store && queue_.size() < kApplyBatch && !stopping_ && flush_waiters_ == 0) {
    apply_cv_.wait_for(lock, kGroupDelay,
                       [&] { return stopping_ || flush_waiters_ > 0 || queue_.size() >= kApplyBatch; });
  }
  size_t n = std::min(queue_.size(), kApplyBatch);
  std::vector<JobPtr> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  in_flight_ = n;
  in_flight_oldest_ms_ = batch.front()->received_at_ms;
  return batch;
}

Status Applier::apply_all(const std::vector<JobPtr>& jobs, int64_t now) {
  return db_.transaction([&]() -> Status {
    if (options_.shared_store) LT_TRY(lock_dossiers(jobs));
    for (auto& j : jobs) LT_TRY(apply_one(*j, now));
    return {};
  });
}

size_t Applier::apply(const std::vector<JobPtr>& batch, std::chrono::milliseconds backoff) {
  int64_t now = clock_.now_ms();
  Status st = apply_all(batch, now);
  // Shared store: a deadlock or sequence collision with another writer is retried.
  for (int i = 1; options_.shared_store && !st.ok() && i < kAttemptsBeforeQuarantine; ++i)
    st = apply_all(batch, now);
  if (st.ok()) {
    for (auto& j : batch) j->committed = true;
    return batch.size();
  }
  size_t done = 0;
  for (auto& j : batch) {
    Status one = apply_all({j}, now);
    if (!one.ok() && j->answer_on_commit) {
      for (int i = 1; !one.ok() && i < kAttemptsBeforeQuarantine; ++i) one = apply_all({j}, now);
      if (!one.ok()) {
        // Never acknowledged: its sender is answered 503 and delivers it again.
        log::warn("webhooks", "commit_failed", "a delivery could not be committed to the store; answered 503",
                  {{"source", j->source}, {"webhook_id", j->webhook_id}, {"error", one.error().message}});
        ++done;
        continue;
      }
    }
    if (!one.ok() && ++j->attempts >= kAttemptsBeforeQuarantine) {
      log::error("webhooks", "delivery_quarantined",
                 "an accepted delivery cannot be applied; quarantining it",
                 {{"source", j->source},
                  {"webhook_id", j->webhook_id},
                  {"error_kind", std::string(to_string(one.error().kind))}});
      one = quarantine_unappliable(*j, one.error(), now);
    }
    if (!one.ok()) {
      log::warn("webhooks", "apply_failed", "applying accepted deliveries to the store failed; retrying",
                {{"error", one.error().message}, {"retry_in_ms", static_cast<long>(backoff.count())}});
      break;
    }
    j->committed = true;
    ++done;
  }
  return done;
}

void Applier::end_round(const std::vector<JobPtr>& batch, size_t done) {
  auto applied_end = batch.begin() + static_cast<std::ptrdiff_t>(done);
  if (options_.applied) {
    std::vector<std::string> keys;
    keys.reserve(done);
    for (auto it = batch.begin(); it != applied_end; ++it)
      keys.push_back(delivery_key((*it)->source, (*it)->webhook_id));
    options_.applied(keys);
  }
  std::unique_lock lock(mu_);
  // What was not applied goes back to the front, in order.
  queue_.insert(queue_.begin(), applied_end, batch.end());
  in_flight_ = 0;
  if (options_.shared_store) {
    // Nothing is appended to the journal; what an earlier run left there is forgotten
    // once applied.
    bool retire = journal_holds_records_ && queue_.empty();
    if (retire) journal_holds_records_ = false;
    lock.unlock();
    if (retire) {
      if (Status r = journal_.retire_all(); !r.ok()) {
        log::warn("webhooks", "journal_segment_start_failed", "cannot start a new intake journal segment",
                  {{"error", r.error().message}});
      }
    }
    if (options_.settled) options_.settled({batch.begin(), applied_end});
  } else if (queue_.empty()) {
    // Under the lock: no delivery can be appended between the check and the new segment.
    if (Status r = journal_.retire_all(); !r.ok()) {
      log::warn("webhooks", "journal_segment_start_failed", "cannot start a new intake journal segment",
                {{"error", r.error().message}});
    }
    lock.unlock();
  } else {
    uint64_t oldest = queue_.front()->segment;
    lock.unlock();
    journal_.retire_below(oldest);
  }
  idle_cv_.notify_all();
}

Status Applier::apply_one(IntakeJob& job, int64_t now) {
  // The receipt first: it also tells whether the job was applied before (a record read
  // back from the journal after a crash that followed its commit, or the same id accepted
  // twice in a race with its own apply).
  job.earlier.reset();
  Status ins = receipts_.insert(receipt_of(job));
  if (ins.ok()) {
    if (!job.kind.empty()) return apply_record_of(job);
    if (!job.quarantine) return apply_event_of(job, now);
    return quarantine(job, *job.quarantine, job.body, now);
  }
  if (ins.error().kind != ErrorKind::kConflict) return ins;
  LT_ASSIGN_OR_RETURN(auto earlier, receipts_.find(job.source, job.webhook_id));
  if (earlier && job.answer_on_commit) {
    // Taken before by another instance (or this one, before a restart): its answer is
    // replayed; a different body is refused (409) without being applied.
    IntakeAnswer a;
    a.body_hash = std::move(earlier->body_sha256);
    a.status = earlier->status;
    a.outcome = std::move(earlier->outcome);
    a.body = std::move(earlier->response_body);
    job.earlier = std::move(a);
    return {};
  }
  if (earlier && earlier->body_sha256 != job.answer.body_hash) {
    // Kept, not dropped: an operator sees both versions.
    return quarantine(job,
                      Error(ErrorKind::kConflict,
                            "webhook-id '" + job.webhook_id +
                                "' was accepted twice with different bodies; the first one was applied"),
                      job.event ? model::to_json_string(*job.event) : job.body, now);
  }
  return {};
}

Status Applier::apply_event_of(IntakeJob& job, int64_t now) {
  model::DossierStatusEvent e = *job.event;
  const bool numbered_here = e.sequence <= 0;
  auto own = routes_by_source_.find(job.source);
  const auto& routes = own != routes_by_source_.end() ? own->second : routes_;
  Error refusal;
  auto applied = apply_event(dossier_store_, outbox_, routes, e, now, refusal);
  // A destination cannot send it (its translation refused the event): kept in quarantine
  // as a sync event its destinations refuse is, nothing stored or queued.
  if (applied.ok() && *applied == EventApplied::kRefused)
    return quarantine(job, refusal, model::to_json_string(e), now);
  if (applied.ok())
    return {};  // kDuplicate: the same event was recorded before (sync flow, another delivery)
  if (applied.error().kind != ErrorKind::kConflict) return applied.error();
  if (options_.shared_store && numbered_here) {
    // The sequence this transaction chose was taken meanwhile by a writer that does not
    // take the dossier lock (the sync flow): rolled back and numbered again, never
    // quarantined as a content conflict.
    return Error(ErrorKind::kStore, "dossier " + e.dossier_code + " sequence " + std::to_string(e.sequence) +
                                        " was taken by a concurrent writer; the transaction is retried");
  }
  return quarantine(job, applied.error(), model::to_json_string(e), now);
}

Status Applier::quarantine(const IntakeJob& job, const Error& why, const std::string& content, int64_t now) {
  LT_TRY(quarantine_.put("webhook:" + job.source, "webhook-id:" + job.webhook_id, why, content, now));
  return {};
}

Status Applier::apply_record_of(IntakeJob& job) {
  const RecordKind* kind = options_.kinds ? options_.kinds->find(job.kind) : nullptr;
  // A journal written by a build (or config) that had this kind: kept until one has it again.
  if (!kind) return Error(ErrorKind::kConfig, "no record kind '" + job.kind + "' in this build");
  return kind->apply(db_, job.record, job.received_at_ms);
}

Status Applier::quarantine_unappliable(IntakeJob& job, const Error& why, int64_t now) {
  return db_.transaction([&]() -> Status {
    LT_TRY(quarantine_.put(
        "webhook:" + job.source, "webhook-id:" + job.webhook_id,
        why.context("could not be applied after " + std::to_string(job.attempts) + " attempts"),
        job.event           ? model::to_json_string(*job.event)
        : !job.kind.empty() ? job.record
                            : job.body,
        now));
    return receipts_.insert(receipt_of(job));
  });
}

Status Applier::lock_dossiers(const std::vector<JobPtr>& batch) {
  std::string codes;
  for (const auto& j : batch) {
    if (!j->event || j->event->sequence > 0) continue;  // numbered by its sender: no lock needed
    codes.append(j->event->dossier_code).push_back('\x1f');
  }
  if (codes.empty()) return {};
  // Transaction-scoped advisory locks, taken in key order (two appliers wanting the same
  // dossiers wait for each other instead of deadlocking), released at commit. After it,
  // the next statement's snapshot sees what the last holder committed.
  auto r = db_.query(
      "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT "
      "hashtextextended('lienthong.webhooks.dossier:' || c, 0) AS k FROM "
      "unnest(string_to_array(?::text, chr(31))) AS c WHERE c <> '' ORDER BY k) AS keys) AS locked",
      {codes});
  if (!r.ok()) return r.error().context("locking the dossiers of a webhook batch");
  return {};
}

}  // namespace lienthong::webhooks
