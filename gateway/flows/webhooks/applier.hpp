// The single writer of accepted webhooks into the store (thread wh-applier): takes the
// queued jobs in intake order and applies up to kApplyBatch of them in one transaction
// (receipt, event, dossier view, outbox messages), then forgets their journal segments.
// A failed batch is retried job by job so that one bad job cannot hold back the others;
// a job that still fails on its own after kAttemptsBeforeQuarantine tries while the
// store takes other writes is quarantined with the error; when the store takes nothing,
// the applier backs off and tries again (the journal still holds every job).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_recorder.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/intake_job.hpp"
#include "gateway/flows/webhooks/intake_journal.hpp"
#include "gateway/flows/webhooks/receipts.hpp"

namespace lienthong::outbox {
class Outbox;
}

namespace lienthong::webhooks {

class RecordKinds;

inline constexpr size_t kApplyBatch = 2000;
// Group commit: with fewer than kApplyBatch jobs queued the applier waits this long for
// more before it commits. Most of the indexes a webhook writes are keyed in random order
// (receipt id, dossier, dedup and ordering keys), so a page of one is written once per
// transaction whatever number of rows went into it: 2 000 jobs or 100 ms per transaction
// instead of 500 or 50 ms gave 10–25 % more accepted webhooks per second and per
// CPU-second in webhook_bench (docs/webhooks.md). The sender never waits for this: it was
// answered at the append.
inline constexpr std::chrono::milliseconds kGroupDelay{100};
inline constexpr int kAttemptsBeforeQuarantine = 3;

struct ApplierOptions {
  // A store several instances share (PostgreSQL): batches start at once (the senders
  // wait for the commit), the dossiers a batch numbers are locked, a collision with
  // another writer is retried, and each settled batch is handed to `settled`.
  bool shared_store = false;
  // The outbox destinations of every accepted event (webhooks.destinations); with
  // `notify` also the provincial system's notification endpoint.
  std::vector<std::string> destinations;
  // Sources whose records come from one of those destinations (SourceConfig::origin):
  // their events are not queued back to it (no echo).
  std::map<std::string, std::vector<std::string>, std::less<>> destinations_by_source;
  bool notify = false;
  // The destination adapters built from the config (may be null): a destination found
  // there makes its own messages when they are queued (DVCQG: its records); others get
  // the canonical event. Not owned.
  const dossiers::EventDestinations* translators = nullptr;
  // The kinds of records other than status events (record_kind.hpp); may be null.
  const RecordKinds* kinds = nullptr;
  // The journal held records at start-up (readable or not): shared store, retired once
  // the recovered jobs are applied.
  bool journal_held_records = false;
  // Called after every round (outside the applier's lock) with the keys of the jobs
  // stored in it (delivery_ids.hpp: DeliveryIds::applied).
  std::function<void(const std::vector<std::string>&)> applied;
  // Shared store: the jobs committed or given up in a round (CommitWaits::settle).
  std::function<void(const std::vector<JobPtr>&)> settled;
};

class Applier {
 public:
  // `journal` must outlive this. Jobs read back from the journal at start-up come first.
  Applier(store::Database& db, outbox::Outbox& outbox, const Clock& clock, IntakeJournal& journal,
          ApplierOptions options, std::deque<JobPtr> recovered);
  // Stops the thread (the journal keeps what was not applied) and settles the jobs left
  // (shared store: answered 503, never acknowledged).
  ~Applier();
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  // Appends `record` (the encoded job) to the journal and queues the job, under one lock
  // so that the queue is in journal order; sets the job's segment and, with group sync,
  // its answer's journal ticket.
  Status append(const JobPtr& job, std::string_view record);
  // Shared store: queues a job that is not journaled.
  void push(JobPtr job);
  // Accepted jobs not yet applied.
  size_t backlog() const;
  // When the oldest accepted job not yet applied was received (ms since the epoch);
  // nullopt when every accepted job is applied.
  std::optional<int64_t> oldest_unapplied_ms() const;
  // Applies at once what is queued; false when `timeout` passed before the queue was empty.
  bool wait_applied(std::chrono::milliseconds timeout);

 private:
  std::vector<JobPtr> take_batch();
  // How many of the batch (from the front) were committed or given up.
  size_t apply(const std::vector<JobPtr>& batch, std::chrono::milliseconds backoff);
  Status apply_all(const std::vector<JobPtr>& jobs, int64_t now);
  Status apply_one(IntakeJob& job, int64_t now);
  Status apply_event_of(IntakeJob& job, int64_t now);
  Status quarantine(const IntakeJob& job, const Error& why, const std::string& content, int64_t now);
  Status quarantine_unappliable(IntakeJob& job, const Error& why, int64_t now);
  Status apply_record_of(IntakeJob& job);
  Status lock_dossiers(const std::vector<JobPtr>& batch);
  // Puts back what was not applied and retires the journal segments no job needs.
  void end_round(const std::vector<JobPtr>& batch, size_t done);
  void loop();

  store::Database& db_;
  outbox::Outbox& outbox_;
  const Clock& clock_;
  IntakeJournal& journal_;
  ApplierOptions options_;
  dossiers::DossierStore dossier_store_{db_};
  // Where accepted events are queued (event_routes()), and per source with an origin.
  std::vector<dossiers::Route> routes_;
  std::map<std::string, std::vector<dossiers::Route>, std::less<>> routes_by_source_;
  dossiers::Quarantine quarantine_{db_};
  Receipts receipts_{db_};

  mutable std::mutex mu_;               // guards everything below
  std::deque<JobPtr> queue_;            // accepted, not applied; journal order
  size_t in_flight_ = 0;                // taken by the applier, not yet committed
  int64_t in_flight_oldest_ms_ = 0;     // received_at_ms of the first job in flight
  bool journal_holds_records_ = false;  // shared store: recovered records not yet retired
  bool stopping_ = false;
  bool kick_ = false;      // retry now instead of after the backoff
  int flush_waiters_ = 0;  // callers of wait_applied: apply without the group delay
  std::condition_variable apply_cv_, idle_cv_;
  std::thread thread_;
};

}  // namespace lienthong::webhooks
