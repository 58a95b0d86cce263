// The synchronisation flow: pull dossiers changed since the durable cursor, page by page;
// for each page, in ONE transaction: quarantine the events that fail translation or
// validation, record the new ones through the one record path the webhook flow shares
// (gateway/core/dossiers/event_recorder.hpp: event, outbox messages per destination,
// due-date audit, dossier view), and advance the cursor. The outbox Dispatcher then pushes
// to destinations.
//
// Order and idempotency:
//  - Events of a dossier are taken in history order, and only those after the last one
//    stored (sequence > last stored sequence): re-pulling a dossier adds nothing.
//  - Outbox messages use ordering key "dossier:<code>" (strict per-dossier order) and
//    dedup key "<code>#<sequence>#<destination>" (re-enqueueing is a no-op).
//  - When an event is quarantined, every later event of the same dossier is quarantined
//    too ("held back"), and nothing of that dossier is stored or queued past it: sending
//    a later status without the earlier one would show the portal a history with a gap,
//    or a status that arrives before the one it follows. They are re-evaluated on every
//    pull of that dossier; once the source fixes the record (and touches it, so it is
//    pulled again) they flow in order. Their quarantine rows stay as a record until an
//    operator releases them.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_recorder.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/kpi/due_audit.hpp"
#include "gateway/flows/sync/cursor_store.hpp"
#include "gateway/flows/sync/source.hpp"
#include "gateway/flows/sync/target.hpp"

namespace lienthong::sync {

struct SyncOptions {
  size_t page_size = 200;
  int pull_attempts = 5;               // per page, for retryable source errors
  int64_t pull_backoff_ms = 500;       // doubled after each failed attempt
  int64_t max_pages = 0;               // per run; 0: until the source has no more
  int64_t drain_timeout_ms = 300'000;  // `lienthong sync` waits this long for the outbox
  int64_t interval_ms = 300'000;       // `serve` runs a pull this often

  // Keys of the "sync" section other than source and destinations: page_size,
  // pull_attempts, pull_backoff_ms, max_pages, drain_timeout_seconds, interval_seconds.
  static SyncOptions from_config(const ConfigNode& node);
};

struct PullStats {
  int64_t pages = 0;
  int64_t pulled = 0;       // dossier records read from the source
  int64_t new_events = 0;   // stored and queued for the destinations
  int64_t unchanged = 0;    // already stored before this run
  int64_t quarantined = 0;  // events (or whole records) put in quarantine
  int64_t retried = 0;      // source calls retried
  // Due-date audits of new events (only with an auditor, see SyncFlow::set_auditor),
  // counted per dossier record pulled with new events:
  int64_t due_mismatches = 0;  // a new event's provincial due date is not the legal one
  int64_t overdue = 0;       // as of its latest new event: past the due date the province sent, not finished
  int64_t at_risk = 0;       // as of its latest new event: within the at-risk window of that due date
  int64_t audit_failed = 0;  // events whose deadline the calendar could not place (logged)
  bool skipped = false;      // another instance sharing the store was pulling this source
};

struct SyncSummary {
  PullStats pull;
  outbox::DeliveryStats delivery;
  int64_t pending = 0;  // outbox messages still due or retrying when the run ended
  int64_t blocked = 0;  // waiting behind a dead letter of the same dossier
  int64_t dead = 0;     // dead letters in the outbox (all time)
  int64_t elapsed_ms = 0;
  bool drained = true;  // false: the drain deadline passed with messages still due

  std::string to_json() const;
  std::string to_text() const;
};

class SyncFlow {
 public:
  SyncFlow(store::Database& db, outbox::Outbox& outbox, Source& source, std::vector<SyncTarget*> targets,
           const Clock& clock, SyncOptions options);

  // Pulls every page available now. Stops at the first page that cannot be fetched after
  // its retries or cannot be stored (the cursor then stays before that page). Each run
  // sets lienthong_sync_last_run_* and counts lienthong_sync_runs_total{source,outcome}.
  Result<PullStats> pull();
  // Stores one fetched page and advances the cursor, in one transaction.
  Result<PullStats> store_page(const SourcePage& page);

  // Called after each stored page that queued new events (e.g. to wake the dispatcher).
  void set_on_page_stored(std::function<void()> fn) { on_page_stored_ = std::move(fn); }
  // How retries wait (default: real sleep). Tests inject.
  void set_sleep(std::function<void(int64_t)> sleep) { sleep_ = std::move(sleep); }
  // When another instance sharing the store is pulling this source, pull() waits up to
  // this long for it to finish (then pulls from where it stopped); 0, the default (serve's
  // schedule): that run is skipped.
  void set_wait_for_other_pull_ms(int64_t ms) { wait_for_other_pull_ms_ = ms; }
  // Audits the due date of each new event in the page's transaction (nullptr: none, the
  // default; the config has no "kpi"/"calendar" section). Not owned.
  void set_auditor(kpi::DueAuditor* auditor) { auditor_ = auditor; }
  const SyncOptions& options() const { return options_; }
  const std::string& source_name() const { return source_name_; }

 private:
  Result<PullStats> pull_pages();

  using PreparedEvent = dossiers::PreparedEvent;
  void prepare(const model::DossierStatusEvent& e, PreparedEvent& out) const;
  using PreparedPage = std::vector<std::vector<PreparedEvent>>;  // [record][event]
  // Translations of a page's events (skip_known: not those the store already has).
  PreparedPage prepare_page(const SourcePage& page, bool skip_known);
  Result<PullStats> store_prepared(const SourcePage& page, PreparedPage& prepared);
  // One page from the source, with retries of retryable errors, and its translations.
  struct Fetched {
    Result<SourcePage> page = Error(ErrorKind::kInternal, "not fetched");
    PreparedPage prepared;
    int64_t retried = 0;
  };
  // Where the page after a fetched one starts, told as soon as the page is read (before
  // its translation) so that the pull can start fetching that page meanwhile.
  struct NextCursor {
    bool read = false;  // false: the fetch failed (its Fetched says why)
    bool has_more = false;
    std::string cursor;
  };
  // `next` (when given) is set once the page is read or the fetch has failed.
  Fetched fetch_with_retries(const std::string& cursor, std::promise<NextCursor>* next = nullptr);
  // A page being fetched and translated on a thread of its own.
  struct InFlight {
    std::future<NextCursor> next;
    std::future<Fetched> fetched;
  };
  InFlight start_fetch(std::string cursor);
  Status store_record(const SourceRecord& record, std::vector<PreparedEvent>& prepared, PullStats& stats,
                      int64_t now);
  // Why a new event of the record `code` must be quarantined (its translation failed, it
  // is not the record's, it goes back in time, a target refuses it), or nullopt.
  std::optional<Error> judge(const SourceEvent& ev, const std::string& code, PreparedEvent& p,
                             std::optional<int> prev_status, int64_t prev_at) const;
  // One dossier record's due-date audits, summed into PullStats per dossier.
  struct DueTally {
    bool mismatch = false;
    std::optional<calendar::Timeliness> latest;
    int64_t failed = 0;
  };
  Status audit(const model::DossierStatusEvent& e, DueTally& due, int64_t now);

  store::Database& db_;
  outbox::Outbox& outbox_;
  Source& source_;
  std::string source_name_;
  std::vector<SyncTarget*> targets_;
  std::vector<dossiers::Route> routes_;  // one per target, in targets' order
  const Clock& clock_;
  SyncOptions options_;
  dossiers::DossierStore dossiers_;
  dossiers::Quarantine quarantine_;
  CursorStore cursors_;
  std::function<void(int64_t)> sleep_;
  int64_t wait_for_other_pull_ms_ = 0;
  kpi::DueAuditor* auditor_ = nullptr;
  std::function<void()> on_page_stored_;
};

// pull() then drain the outbox with `dispatcher` until idle or the drain deadline; the
// summary `lienthong sync` prints.
Result<SyncSummary> run_once(SyncFlow& flow, outbox::Outbox& outbox, outbox::Dispatcher& dispatcher,
                             const Clock& clock);

}  // namespace lienthong::sync
