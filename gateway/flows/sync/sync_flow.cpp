#include "gateway/flows/sync/sync_flow.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::sync {

namespace {

metrics::Counter& event_counter(const std::string& source, const char* outcome) {
  return metrics::Registry::global().counter("lienthong_sync_events_total",
                                             "Dossier status events seen by the sync flow, by outcome",
                                             {{"source", source}, {"outcome", outcome}});
}

std::string record_key(const std::string& dossier, int sequence) {
  return dossier + "#" + std::to_string(sequence);
}

}  // namespace

SyncOptions SyncOptions::from_config(const ConfigNode& n) {
  SyncOptions o;
  o.page_size = static_cast<size_t>(n.integer_or("page_size", 200, 1, 10'000));
  o.pull_attempts = static_cast<int>(n.integer_or("pull_attempts", 5, 1, 100));
  o.pull_backoff_ms = n.integer_or("pull_backoff_ms", 500, 0, 600'000);
  o.max_pages = n.integer_or("max_pages", 0, 0, 100'000'000);
  o.drain_timeout_ms = n.integer_or("drain_timeout_seconds", 300, 0, 86'400) * 1000;
  o.interval_ms = n.integer_or("interval_seconds", 300, 1, 86'400) * 1000;
  return o;
}

SyncFlow::SyncFlow(store::Database& db, outbox::Outbox& outbox, Source& source,
                   std::vector<SyncTarget*> targets, const Clock& clock, SyncOptions options)
    : db_(db),
      outbox_(outbox),
      source_(source),
      source_name_(source.name()),
      targets_(std::move(targets)),
      routes_([this] {
        std::vector<dossiers::Route> r;
        for (SyncTarget* t : targets_) r.push_back(dossiers::Route{t->name(), t, "dossier:"});
        return r;
      }()),
      clock_(clock),
      options_(options),
      dossiers_(db),
      quarantine_(db),
      cursors_(db),
      sleep_([](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }) {
  for (const char* outcome : {"ok", "failed", "skipped"}) {
    metrics::Registry::global().counter("lienthong_sync_runs_total",
                                        "Pulls of a source, by outcome (ok, failed, skipped)",
                                        {{"source", source_name_}, {"outcome", outcome}});
  }
}

SyncFlow::Fetched SyncFlow::fetch_with_retries(const std::string& cursor, std::promise<NextCursor>* next) {
  // Whatever way this ends (a failed fetch, an exception), the waiter on `next` is told.
  struct Tell {
    std::promise<NextCursor>* p;
    void operator()(NextCursor c) {
      if (p) p->set_value(std::move(c));
      p = nullptr;
    }
    ~Tell() {
      if (p) p->set_value(NextCursor{});
    }
  } tell{next};
  Fetched out;
  int64_t backoff = options_.pull_backoff_ms;
  for (int attempt = 1;; ++attempt) {
    auto r = source_.fetch(cursor, options_.page_size);
    if (r.ok()) {
      out.page = std::move(r).value();
      tell(NextCursor{true, out.page->has_more, out.page->next_cursor});
      // Translated here, on the prefetch thread, while the previous page is stored. Without
      // a look at the store (it is busy with that page): events already stored are
      // translated too and then skipped inside the transaction.
      out.prepared = prepare_page(*out.page, false);
      return out;
    }
    if (!is_retryable(r.error().kind) || attempt >= options_.pull_attempts) {
      out.page = r.error().context("pulling from '" + source_name_ + "' (attempt " + std::to_string(attempt) +
                                   " of " + std::to_string(options_.pull_attempts) + ", cursor kept)");
      return out;
    }
    ++out.retried;
    log::warn(
        "sync", "sync_fetch_retry", r.error().message,
        {{"source", source_name_}, {"error_kind", to_string(r.error().kind)}, {"retry_in_ms", backoff}});
    sleep_(backoff);
    backoff *= 2;
  }
}

SyncFlow::InFlight SyncFlow::start_fetch(std::string cursor) {
  auto next = std::make_shared<std::promise<NextCursor>>();
  InFlight f;
  f.next = next->get_future();
  f.fetched = std::async(std::launch::async, [this, cursor = std::move(cursor), next] {
    return fetch_with_retries(cursor, next.get());
  });
  return f;
}

Result<PullStats> SyncFlow::pull() {
  auto& reg = metrics::Registry::global();
  const metrics::Labels source{{"source", source_name_}};
  const int64_t start_ms = clock_.now_ms();
  const auto started = std::chrono::steady_clock::now();
  reg.gauge("lienthong_sync_last_run_start_timestamp_seconds",
            "Start of the last pull, in seconds since the epoch", source)
      .set(static_cast<double>(start_ms) / 1000.0);
  auto r = pull_pages();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int64_t end_ms = clock_.now_ms();
  const char* outcome = !r.ok() ? "failed" : r->skipped ? "skipped" : "ok";
  reg.counter("lienthong_sync_runs_total", "Pulls of a source, by outcome (ok, failed, skipped)",
              {{"source", source_name_}, {"outcome", outcome}})
      .inc();
  if (!r.ok() || !r->skipped) {
    reg.gauge("lienthong_sync_last_run_end_timestamp_seconds",
              "End of the last pull, in seconds since the epoch", source)
        .set(static_cast<double>(end_ms) / 1000.0);
    reg.gauge("lienthong_sync_last_run_duration_seconds", "Duration of the last pull, in seconds", source)
        .set(seconds);
    reg.gauge("lienthong_sync_last_run_success", "1 when the last pull succeeded, 0 when it failed", source)
        .set(r.ok() ? 1 : 0);
  }
  if (r.ok()) {
    reg.gauge("lienthong_sync_last_success_timestamp_seconds",
              "End of the last successful (or skipped: another instance pulled) pull, in seconds since the "
              "epoch",
              source)
        .set(static_cast<double>(end_ms) / 1000.0);
    reg.counter("lienthong_sync_records_pulled_total", "Dossier records read from the source", source)
        .inc(r->pulled);
    if (!r->skipped) {
      log::info("sync", "sync_run_finished", "pull finished",
                {{"source", source_name_},
                 {"pulled", static_cast<long long>(r->pulled)},
                 {"new_events", static_cast<long long>(r->new_events)},
                 {"unchanged", static_cast<long long>(r->unchanged)},
                 {"quarantined", static_cast<long long>(r->quarantined)},
                 {"duration_ms", seconds * 1000.0}});
    }
  } else {
    log::warn("sync", "sync_run_failed", r.error().message,
              {{"source", source_name_},
               {"error_kind", to_string(r.error().kind)},
               {"duration_ms", seconds * 1000.0}});
  }
  return r;
}

Result<PullStats> SyncFlow::pull_pages() {
  PullStats total;
  // Several gateway instances on one PostgreSQL store: one pull of a source at a time, so
  // its cursor is never advanced twice from the same position. Another holder: skipped.
  const std::string lock_name = "lienthong.sync:" + source_name_;
  LT_ASSIGN_OR_RETURN(std::unique_ptr<store::NamedLock> lock, db_.try_lock(lock_name));
  for (int64_t waited = 0; !lock && waited < wait_for_other_pull_ms_; waited += 100) {
    sleep_(100);
    LT_ASSIGN_OR_RETURN(lock, db_.try_lock(lock_name));
  }
  if (!lock) {
    log::info("sync", "sync_run_skipped",
              "being pulled by another instance sharing the store; this run skipped",
              {{"source", source_name_}});
    total.skipped = true;
    return total;
  }
  LT_ASSIGN_OR_RETURN(std::string cursor, cursors_.get(source_name_));
  // Pages go through a pipeline: while one page is stored here, the next one is translated
  // on its own thread, and the one after it is fetched as soon as the next one is read
  // (its cursor known), not only once it is translated: the source's latency, parsing and
  // translation overlap each other and the store's work. At most one fetch runs at a time
  // and at most two pages are ahead of the store. A page fetched ahead is only a read: if
  // storing a page fails, those ahead are dropped and the cursor stays where it was.
  InFlight current = start_fetch(cursor);
  std::optional<InFlight> ahead;
  for (int64_t page_no = 0; options_.max_pages == 0 || page_no < options_.max_pages; ++page_no) {
    bool may_go_on = options_.max_pages == 0 || page_no + 1 < options_.max_pages;
    NextCursor next = current.next.get();  // this page is read; its translation may still run
    if (next.read && next.has_more && may_go_on && next.cursor != cursor) ahead = start_fetch(next.cursor);
    Fetched fetched = current.fetched.get();  // fetched and translated on its thread
    total.retried += fetched.retried;
    if (!fetched.page.ok()) return fetched.page.error();
    const SourcePage& page = *fetched.page;
    bool more = page.has_more && may_go_on;
    if (page.has_more && page.next_cursor == cursor) {
      return Error(ErrorKind::kProtocol,
                   "source '" + source_name_ +
                       "' said it has more but did not move its cursor; stopping this run to "
                       "avoid a loop (check the source's paging)");
    }
    if (more && !ahead) return Error(ErrorKind::kInternal, "sync: the next page was not fetched ahead");
    LT_ASSIGN_OR_RETURN(PullStats s, store_prepared(page, fetched.prepared));
    total.pages += s.pages;
    total.pulled += s.pulled;
    total.new_events += s.new_events;
    total.unchanged += s.unchanged;
    total.quarantined += s.quarantined;
    total.due_mismatches += s.due_mismatches;
    total.overdue += s.overdue;
    total.at_risk += s.at_risk;
    total.audit_failed += s.audit_failed;
    if (!more) break;
    cursor = page.next_cursor;
    current = std::move(*ahead);
    ahead.reset();
  }
  event_counter(source_name_, "new").inc(total.new_events);
  event_counter(source_name_, "unchanged").inc(total.unchanged);
  event_counter(source_name_, "quarantined").inc(total.quarantined);
  return total;
}

SyncFlow::PreparedPage SyncFlow::prepare_page(const SourcePage& page, bool skip_known) {
  PreparedPage prepared(page.records.size());
  for (size_t r = 0; r < page.records.size(); ++r) {
    const SourceRecord& rec = page.records[r];
    if (rec.error || rec.events.empty()) continue;
    int last = 0;
    if (skip_known) {
      auto known = dossiers_.last_sequence(rec.dossier_code);
      if (known.ok()) last = known->value_or(0);  // unreadable: prepared anyway, judged inside
    }
    prepared[r].resize(rec.events.size());
    for (size_t k = 0; k < rec.events.size(); ++k) {
      const SourceEvent& ev = rec.events[k];
      if (ev.sequence <= last || !ev.event.ok()) continue;
      prepare(ev.event.value(), prepared[r][k]);
    }
  }
  return prepared;
}

Result<PullStats> SyncFlow::store_page(const SourcePage& page) {
  PreparedPage prepared = prepare_page(page, true);
  return store_prepared(page, prepared);
}

Result<PullStats> SyncFlow::store_prepared(const SourcePage& page, PreparedPage& prepared) {
  PullStats stats;
  stats.pages = 1;
  // The translations were made before the transaction (prepare_page), so that the store
  // is held only for the store's own work (the outbox dispatcher shares it). Inside, an
  // event whose dossier moved on meanwhile (a webhook of the same dossier) is judged
  // against the stored state as always; anything not prepared yet is prepared there.
  prepared.resize(page.records.size());
  int64_t now = clock_.now_ms();
  Status st = db_.transaction([&]() -> Status {
    for (size_t r = 0; r < page.records.size(); ++r) {
      ++stats.pulled;
      LT_TRY(store_record(page.records[r], prepared[r], stats, now));
    }
    return cursors_.set(source_name_, page.next_cursor, now);
  });
  if (!st.ok())
    return st.error().context("storing a page from '" + source_name_ + "' (nothing of it was kept)");
  if (on_page_stored_ && stats.new_events > 0) on_page_stored_();
  return stats;
}

void SyncFlow::prepare(const model::DossierStatusEvent& e, PreparedEvent& out) const {
  dossiers::prepare_event(routes_, e, out);
}

Status SyncFlow::store_record(const SourceRecord& rec, std::vector<PreparedEvent>& prepared, PullStats& stats,
                              int64_t now) {
  if (rec.error) {
    std::string key = rec.dossier_code.empty()
                          ? "record-without-code:" + outbox::sha256_hex(rec.payload).substr(0, 16)
                          : rec.dossier_code;
    LT_TRY(quarantine_.put(source_name_, key, *rec.error, rec.payload, now));
    stats.quarantined += std::max<int64_t>(1, static_cast<int64_t>(rec.events.size()));
    return {};
  }
  prepared.resize(rec.events.size());
  const std::string& code = rec.dossier_code;
  LT_ASSIGN_OR_RETURN(std::optional<dossiers::DossierPosition> row, dossiers_.position(code));
  int last_seq = row ? row->last_sequence : 0;
  std::optional<int> prev_status;
  int64_t prev_at = 0;
  if (row) {
    prev_status = row->status;
    prev_at = row->status_at_ms;
  }
  // The one record path (shared with webhooks): a target that carries several events per
  // message gets up to max_events_per_message() of them in one (an initial sync moves whole
  // histories at once).
  dossiers::EventRecorder recorder(dossiers_, outbox_, routes_, code, now);
  DueTally due;
  if (auditor_) recorder.set_audit([&](const model::DossierStatusEvent& e) { return audit(e, due, now); });
  std::optional<int> held_by;
  for (size_t k = 0; k < rec.events.size(); ++k) {
    const SourceEvent& ev = rec.events[k];
    if (ev.sequence <= last_seq) {
      ++stats.unchanged;
      continue;
    }
    std::string key = record_key(code, ev.sequence);
    if (held_by) {
      Error e(ErrorKind::kValidation,
              "held back: event #" + std::to_string(*held_by) +
                  " of this dossier is in quarantine; this one follows it once that is "
                  "fixed at the source");
      LT_TRY(quarantine_.put(source_name_, key, e, rec.payload, now));
      ++stats.quarantined;
      continue;
    }
    PreparedEvent& p = prepared[k];
    std::optional<Error> failure = judge(ev, code, p, prev_status, prev_at);
    if (failure) {
      LT_TRY(quarantine_.put(source_name_, key, *failure, rec.payload, now));
      ++stats.quarantined;
      held_by = ev.sequence;
      continue;
    }
    const model::DossierStatusEvent& e = ev.event.value();
    LT_ASSIGN_OR_RETURN(dossiers::RecordOutcome outcome, recorder.record(e, p));
    if (outcome == dossiers::RecordOutcome::kDuplicate) {
      ++stats.unchanged;
    } else {
      ++stats.new_events;
    }
    prev_status = e.status;
    prev_at = e.status_at_ms;
    last_seq = ev.sequence;
  }
  LT_TRY(recorder.finish());
  // Counted per dossier: a due date that is not the legal one in any new event, and where
  // the dossier stands as of its latest one.
  if (due.mismatch) ++stats.due_mismatches;
  if (due.latest == calendar::Timeliness::kOverdue) ++stats.overdue;
  if (due.latest == calendar::Timeliness::kAtRisk) ++stats.at_risk;
  stats.audit_failed += due.failed;
  return {};
}

std::optional<Error> SyncFlow::judge(const SourceEvent& ev, const std::string& code, PreparedEvent& p,
                                     std::optional<int> prev_status, int64_t prev_at) const {
  if (!ev.event.ok()) return ev.event.error();
  const model::DossierStatusEvent& e = ev.event.value();
  if (!p.ready) prepare(e, p);
  if (e.dossier_code != code || e.sequence != ev.sequence) {
    return Error(ErrorKind::kMapping,
                 "the translated event does not carry the record's dossier code and "
                 "sequence; check the source mapping's dossier_code and sequence fields");
  }
  if (e.status_at_ms < prev_at) {
    return Error(ErrorKind::kValidation, "status time of event #" + std::to_string(e.sequence) +
                                             " is earlier than the previous event's; the portal must not "
                                             "receive an older status after a newer one");
  }
  if (Status c = dossiers::check_prepared(routes_, e, p, prev_status); !c.ok()) return c.error();
  return std::nullopt;
}

Status SyncFlow::audit(const model::DossierStatusEvent& e, DueTally& due, int64_t now) {
  auto a = auditor_->on_event(e, now);
  if (!a.ok()) {
    // A deadline the calendar cannot place (a procedure without a legal deadline, a broken
    // year file) must not stop the dossier from reaching the portal: the event is stored and
    // queued, the audit is skipped. Store errors still fail the page.
    if (a.error().kind != ErrorKind::kValidation)
      return a.error().context("auditing the due date of dossier " + e.dossier_code);
    ++due.failed;
    log::warn("sync", "due_date_not_audited",
              a.error().message + " (check the procedure catalogue and calendar files)",
              {{"source", source_name_}, {"dossier", e.dossier_code}, {"sequence", e.sequence}});
    return {};
  }
  due.mismatch = due.mismatch || a->mismatch();
  due.latest = a->timeliness;
  return {};
}

Result<SyncSummary> run_once(SyncFlow& flow, outbox::Outbox& outbox, outbox::Dispatcher& dispatcher,
                             const Clock& clock) {
  SyncSummary s;
  int64_t start = clock.now_ms();
  outbox::DeliveryStats before = dispatcher.stats();
  // Delivery starts with the first stored page: a worker drains the outbox while later
  // pages are pulled (the two share the store, not the CPU work). When the caller's
  // dispatcher already runs workers (serve), those do it.
  bool own_worker = !dispatcher.running();
  if (own_worker) {
    flow.set_on_page_stored([&dispatcher] { dispatcher.wake(); });
    dispatcher.start(1, 1000);
  }
  auto pulled = flow.pull();
  if (own_worker) {
    dispatcher.stop();
    flow.set_on_page_stored(nullptr);
  }
  if (!pulled.ok()) return pulled.error();
  s.pull = *pulled;
  int64_t deadline = clock.now_ms() + flow.options().drain_timeout_ms;
  LT_TRY(dispatcher.run_until_idle(deadline, true));
  outbox::DeliveryStats after = dispatcher.stats();
  s.delivery.sent = after.sent - before.sent;
  s.delivery.sent_events = after.sent_events - before.sent_events;
  s.delivery.retried = after.retried - before.retried;
  s.delivery.dead_lettered = after.dead_lettered - before.dead_lettered;
  LT_ASSIGN_OR_RETURN(outbox::Counts c, outbox.counts());
  s.blocked = c.blocked;
  s.pending = c.pending - c.blocked;
  s.dead = c.dead;
  s.drained = s.pending == 0;
  s.elapsed_ms = clock.now_ms() - start;
  return s;
}

std::string SyncSummary::to_json() const {
  std::ostringstream o;
  o << "{\"pulled\":" << pull.pulled << ",\"pages\":" << pull.pages << ",\"new_events\":" << pull.new_events
    << ",\"pushed\":" << delivery.sent_events << ",\"messages_sent\":" << delivery.sent
    << ",\"unchanged\":" << pull.unchanged << ",\"quarantined\":" << pull.quarantined
    << ",\"retried\":" << (pull.retried + delivery.retried) << ",\"dead_lettered\":" << delivery.dead_lettered
    << ",\"pending\":" << pending << ",\"blocked\":" << blocked << ",\"dead_letters_total\":" << dead
    << ",\"due_mismatches\":" << pull.due_mismatches << ",\"overdue\":" << pull.overdue
    << ",\"at_risk\":" << pull.at_risk << ",\"drained\":" << (drained ? "true" : "false")
    << ",\"elapsed_ms\":" << elapsed_ms;
  if (pull.skipped) o << ",\"pull_skipped\":true";  // another instance was pulling
  o << "}";
  return o.str();
}

std::string SyncSummary::to_text() const {
  std::ostringstream o;
  o << "pulled:        " << pull.pulled << " dossiers in " << pull.pages << " pages (" << pull.new_events
    << " new status events)\n"
    << "pushed:        " << delivery.sent_events << " status events in " << delivery.sent << " messages\n"
    << "unchanged:     " << pull.unchanged << "\n"
    << "quarantined:   " << pull.quarantined << "\n"
    << "retried:       " << (pull.retried + delivery.retried) << "\n"
    << "dead-lettered: " << delivery.dead_lettered << "\n"
    << "pending:       " << pending
    << (drained ? "" : " (drain deadline passed; `serve` or the next sync sends them)") << "\n"
    << "blocked:       " << blocked
    << " (behind a dead letter of the same dossier: see lienthong outbox list)\n"
    << "due dates:     " << pull.due_mismatches
    << " dossiers with one that is not the legal one (lienthong monitor due); " << pull.overdue
    << " overdue, " << pull.at_risk << " at risk\n"
    << "took:          " << elapsed_ms << " ms\n";
  return o.str();
}

}  // namespace lienthong::sync
