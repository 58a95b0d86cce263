#include "gateway/flows/webhooks/webhook_receiver.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"
#include "gateway/flows/webhooks/intake_journal.hpp"
#include "gateway/flows/webhooks/intake_record.hpp"
#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/procedure_codes.hpp"
#include "gateway/flows/webhooks/rate_limiter.hpp"
#include "gateway/flows/webhooks/receipts.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {

namespace {

// Longer ids are refused: the id is a primary-key column and echoed in answers.
constexpr size_t kMaxWebhookIdLength = 256;

Outcome problem(int status, std::string reason, std::string title, std::string detail,
                int64_t retry_after = 0) {
  Outcome o;
  o.status = status;
  o.problem = true;
  o.reason = std::move(reason);
  o.title = std::move(title);
  o.detail = std::move(detail);
  o.retry_after_s = retry_after;
  return o;
}

std::optional<std::string_view> header(const server::Request& r, std::string_view name) {
  for (auto& [k, v] : r.headers) {
    if (iequals(k, name)) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

bool printable_id(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

std::string answer_json(std::string_view status, std::string_view source, std::string_view webhook_id,
                        const model::DossierStatusEvent* e, std::string_view reason) {
  // Written directly (every accepted delivery is answered with one): the same compact JSON
  // a rapidjson document gave, without building the document first.
  std::string out;
  out.reserve(128 + source.size() + webhook_id.size() + reason.size() +
              (e ? e->dossier_code.size() + e->procedure_code.size() : 0));
  json::ObjectWriter w(out);
  w.str("status", status).str("source", source).str("webhook_id", webhook_id);
  if (e) {
    // Codes and sequence only: no personal data in answers. A sequence the sender did
    // not give is assigned when the event is applied to the store, after the answer.
    w.key("event");
    json::ObjectWriter ev(out);
    ev.str("dossier_code", e->dossier_code);
    if (e->sequence > 0) ev.num("sequence", e->sequence);
    ev.str("procedure_code", e->procedure_code).num("status", e->status).close();
  }
  if (!reason.empty()) w.str("reason", reason);
  w.close();
  return out;
}

struct Source {
  const SourceConfig* config = nullptr;
  SourceTranslator translator;
  std::unique_ptr<TokenBucket> bucket;
};

using Answer = IntakeAnswer;

// One accepted webhook, from its journal record until it is applied to the store.
struct IntakeJob;

// Shared store (PostgreSQL): a delivery whose answer is given once `job` is committed.
// `replay`: a redelivery of the same id that arrived while the job was not yet committed.
struct CommitWaiter {
  bool replay = false;
  std::string body_hash;
  std::function<void(Outcome)> done;
};

struct IntakeJob : IntakeRecord {
  uint64_t segment = 0;  // journal segment holding the record
  int attempts = 0;      // failed applies of this job on its own
  // Shared store: not in the journal; answered when its transaction commits (or 503 when
  // it cannot be), never applied after its sender was told it failed.
  bool answer_on_commit = false;
  bool settled = false;  // committed or given up (guarded by Impl::mu)
  bool committed = false;
  // Shared store: the receipt another instance (or an earlier run) stored for this id; it
  // answers instead of this job's own answer.
  std::optional<IntakeAnswer> earlier;
  std::vector<CommitWaiter> waiters;  // guarded by Impl::mu
};

std::string answer_key(std::string_view source, std::string_view webhook_id) {
  std::string k;
  k.reserve(source.size() + 1 + webhook_id.size());
  k.append(source).push_back('\n');
  k.append(webhook_id);
  return k;
}

uint64_t key_hash(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

constexpr size_t kApplyBatch = 2000;
// Group commit: with fewer than kApplyBatch jobs queued the applier waits this long for
// more before it commits. Taking whatever was queued made a transaction of a handful of
// jobs under load, and each one rewrote the same tail pages of every append-ordered index
// into the WAL and, when it emptied the queue, rolled the journal segment (open, unlink)
// under the intake lock. Most of the indexes a webhook writes are keyed in random order
// (receipt id, dossier, dedup and ordering keys), so a page of one is written once per
// transaction whatever number of rows went into it: 2 000 jobs or 100 ms per transaction
// instead of 500 or 50 ms gave 10–25 % more accepted webhooks per second and per
// CPU-second in webhook_bench (docs/webhooks.md). The sender never waits for this: it was
// answered at the append.
constexpr std::chrono::milliseconds kGroupDelay{100};
constexpr int kAttemptsBeforeQuarantine = 3;

}  // namespace

struct WebhookReceiver::Impl {
  WebhooksConfig config;
  store::Database& db;
  outbox::Outbox& outbox;
  const Clock& clock;
  int64_t high_water_mark_bytes;
  const mapping::CodeResolver* codes;
  std::map<std::string, Source, std::less<>> sources;
  dossiers::DossierStore dossier_store{db};
  dossiers::Quarantine quarantine{db};
  Receipts receipts{db};
  std::unique_ptr<IntakeJournal> journal;

  Impl(WebhooksConfig c, store::Database& d, outbox::Outbox& o, const Clock& cl, int64_t hwm,
       const mapping::CodeResolver* cr)
      : config(std::move(c)),
        db(d),
        outbox(o),
        clock(cl),
        high_water_mark_bytes(hwm),
        codes(cr),
        shared_store(d.backend() == "postgresql") {}

  // A store that several gateway instances share (PostgreSQL): a delivery is answered 2xx
  // only once it is committed there, so that it survives this instance's death, and the
  // dossier's sequence is decided in that transaction under a per-dossier lock, so that
  // the order of a dossier's events is the order in which they were acknowledged,
  // whichever instance took them. The intake journal is then only read at start-up (what
  // an earlier run on a local store left in it). docs/webhooks.md, "Several instances".
  const bool shared_store;

  Outcome authenticate(const Source& src, const server::Request& req);
  // The outcome; `wait_ticket` > 0 when it may be given only once the journal's group
  // sync has passed that ticket.
  Outcome receive(std::string_view source_id, const server::Request& req, uint64_t& wait_ticket,
                  std::optional<CommitWaiter>& wait_commit, std::shared_ptr<IntakeJob>& wait_job);
  // Gives the answer to `done`: at once, after the journal's group sync, or after the
  // commit of the job (shared store).
  void deliver(std::string_view source_id, const server::Request& req, std::function<void(Outcome)> done);
  // Shared store: answers `w` now if `job` is settled, else when it is.
  void await_commit(const std::shared_ptr<IntakeJob>& job, CommitWaiter w);
  Outcome commit_answer(const IntakeJob& job, const CommitWaiter& w);
  // Shared store: marks the jobs settled and answers their waiters (outside the lock).
  void settle(const std::vector<std::shared_ptr<IntakeJob>>& jobs);
  // Shared store: takes the transaction-scoped lock of every dossier the batch numbers,
  // in one order for every instance (no deadlock between two appliers).
  Status lock_dossiers(const std::vector<std::shared_ptr<IntakeJob>>& batch);
  // Gives `out` through `done` once `ticket` is on disk (group sync), or a 503 if it
  // could not be made so.
  void answer_after_sync(uint64_t ticket, Outcome out, std::function<void(Outcome)> done);
  void syncer_loop();
  // Builds the event; an Error here (mapping, validation, unmapped code) quarantines.
  Result<model::DossierStatusEvent> translate(const Source& src, const rapidjson::Value& payload);
  // The earlier answer to this (source, id), if any: from the jobs not yet applied, else
  // from the store's receipts (looked up only when the id may be there).
  Result<std::optional<Answer>> earlier_answer(const std::string& key, const std::string& source,
                                               const std::string& webhook_id);
  Outcome replay(const Answer& earlier, const std::string& webhook_id, const std::string& body_hash);
  // Appends the job to the journal and queues it for the applier; the answer when the
  // same id was taken meanwhile by a concurrent delivery.
  // Shared store: not journaled; a job returned is an earlier one of the same id to wait for.
  std::variant<Outcome, Status, std::shared_ptr<IntakeJob>> intake(std::shared_ptr<IntakeJob> job,
                                                                   const std::string& key);
  Status apply_one(IntakeJob& job, int64_t now);
  Status quarantine_unappliable(IntakeJob& job, const Error& why, int64_t now);
  void applier_loop();
  bool wait_applied(std::chrono::milliseconds timeout);
  // Hashes of the (source, id) of every receipt in the store, read in pages (keyset
  // order) so that a large receipt table is never held at once.
  Result<std::unordered_set<uint64_t>> known_ids_from_store();
  Result<int64_t> prune_receipts(int64_t cutoff_ms);
  // The high-water check stats the store's files; the size only moves with writes, so it
  // is read at most every kSizeRefresh.
  int64_t store_size_bytes();
  std::atomic<int64_t> cached_size{-1};
  std::atomic<int64_t> cached_size_at_ns{0};

  std::mutex mu;                       // guards everything below
  bool journal_holds_records = false;  // shared store: recovered records not yet retired
  // Answers of accepted jobs until two apply rounds after theirs (then the receipt in the
  // store answers): a delivery that missed the job here has read the store after it.
  std::unordered_map<std::string, Answer> answers;
  std::deque<std::pair<uint64_t, std::string>> applied_keys;  // (round, key) to forget
  // Hashes of every (source, id) that may have a receipt or a queued job: most deliveries
  // are new and skip the store lookup (which would wait behind the applier's transaction).
  std::unordered_set<uint64_t> known;
  // While known_ids_from_store() rebuilds `known` after a receipt prune: the keys taken
  // meanwhile, and those whose answers were held when it began, join the rebuilt set.
  bool rebuilding_known = false;
  std::unordered_set<uint64_t> known_meanwhile;
  std::deque<std::shared_ptr<IntakeJob>> queue;  // accepted, not applied; journal order
  // Shared store: the queued jobs not yet settled, by answer key (a redelivery meanwhile
  // waits for the same commit).
  std::unordered_map<std::string, std::shared_ptr<IntakeJob>> pending;
  size_t in_flight = 0;  // taken by the applier, not yet committed
  uint64_t round = 0;
  bool stopping = false;
  bool kick = false;      // retry now instead of after the backoff
  int flush_waiters = 0;  // callers of wait_applied: apply without the group delay
  std::condition_variable apply_cv, idle_cv;
  std::thread applier;

  // Group sync of the journal (journal_fsync): answers waiting for their record's ticket.
  struct Parked {
    uint64_t ticket;
    Outcome out;
    std::function<void(Outcome)> done;
  };
  std::mutex sync_mu;  // guards the three below
  std::vector<Parked> parked;
  uint64_t synced_through = 0;
  bool stopping_sync = false;
  std::condition_variable sync_cv;
  std::thread syncer;
};

namespace {
constexpr std::chrono::milliseconds kSizeRefresh{100};
int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

int64_t WebhookReceiver::Impl::store_size_bytes() {
  if (cached_size.load(std::memory_order_relaxed) < 0 ||
      steady_ns() - cached_size_at_ns.load(std::memory_order_relaxed) >
          std::chrono::nanoseconds(kSizeRefresh).count()) {
    cached_size_at_ns.store(steady_ns(), std::memory_order_relaxed);
    cached_size.store(db.size_bytes(), std::memory_order_relaxed);
  }
  return cached_size.load(std::memory_order_relaxed);
}

Outcome WebhookReceiver::Impl::authenticate(const Source& src, const server::Request& req) {
  const SourceConfig& sc = *src.config;
  if (sc.needs_client_cert()) {
    if (!req.peer_certificate) {
      return problem(401, "client-certificate-required", "Client certificate required",
                     "source '" + sc.id +
                         "' authenticates by mutual TLS; connect over TLS with the client "
                         "certificate issued to this system");
    }
    const auto& pc = *req.peer_certificate;
    bool allowed = std::find(sc.client_subjects.begin(), sc.client_subjects.end(), pc.subject) !=
                       sc.client_subjects.end() ||
                   std::find(sc.client_fingerprints.begin(), sc.client_fingerprints.end(),
                             pc.sha256_fingerprint) != sc.client_fingerprints.end();
    if (!allowed) {
      return problem(401, "client-certificate-not-allowed", "Client certificate not allowed for this source",
                     // The fingerprint, not the subject: a subject may name a person.
                     "the client certificate (SHA-256 " + pc.sha256_fingerprint +
                         ") is not registered for source '" + sc.id +
                         "'; ask the operator to add its subject or SHA-256 fingerprint");
    }
  }
  if (sc.needs_signature()) {
    SignedHeaders h;
    auto id = header(req, "webhook-id");
    auto ts = header(req, "webhook-timestamp");
    auto sig = header(req, "webhook-signature");
    h.has_id = id.has_value();
    h.has_timestamp = ts.has_value();
    h.has_signature = sig.has_value();
    if (id) h.id = *id;
    if (ts) h.timestamp = *ts;
    if (sig) h.signature = *sig;
    int64_t now_s = clock.now_ms() / 1000;
    VerifyResult v = verify(sc.keys, h, req.body, now_s, sc.tolerance_seconds);
    if (!v.ok) {
      std::string title;
      switch (v.failure) {
        case VerifyFailure::kMissingHeaders:
          title = "Missing webhook signature headers";
          break;
        case VerifyFailure::kBadTimestamp:
          title = "Invalid webhook-timestamp";
          break;
        case VerifyFailure::kStale:
          title = "Webhook timestamp too old";
          break;
        case VerifyFailure::kFuture:
          title = "Webhook timestamp in the future";
          break;
        case VerifyFailure::kBadSignatureHeader:
          title = "Malformed webhook-signature";
          break;
        case VerifyFailure::kNoMatch:
          title = "Invalid webhook signature";
          break;
      }
      return problem(401, std::string(to_string(v.failure)), title, v.detail);
    }
  }
  return {};
}

Result<model::DossierStatusEvent> WebhookReceiver::Impl::translate(const Source& src,
                                                                   const rapidjson::Value& payload) {
  return src.translator.translate(payload, clock.now_ms(), codes);
}

Result<std::optional<Answer>> WebhookReceiver::Impl::earlier_answer(const std::string& key,
                                                                    const std::string& source,
                                                                    const std::string& webhook_id) {
  {
    std::lock_guard lock(mu);
    if (auto it = answers.find(key); it != answers.end()) return std::optional<Answer>(it->second);
    if (!known.count(key_hash(key))) return std::optional<Answer>();
  }
  LT_ASSIGN_OR_RETURN(auto r, receipts.find(source, webhook_id));
  if (!r) return std::optional<Answer>();
  Answer a;
  a.body_hash = std::move(r->body_sha256);
  a.status = r->status;
  a.outcome = std::move(r->outcome);
  a.body = std::move(r->response_body);
  return std::optional<Answer>(std::move(a));
}

Outcome WebhookReceiver::Impl::replay(const Answer& earlier, const std::string& webhook_id,
                                      const std::string& body_hash) {
  if (earlier.body_hash != body_hash) {
    return problem(409, "webhook-id-reused", "webhook-id reused with different content",
                   "webhook-id '" + webhook_id +
                       "' was delivered before with another body; use a new id for a new message");
  }
  Outcome out;
  out.status = earlier.status;
  out.reason = earlier.outcome;
  out.body = earlier.body;
  out.replayed = true;
  return out;
}

std::variant<Outcome, Status, std::shared_ptr<IntakeJob>> WebhookReceiver::Impl::intake(
    std::shared_ptr<IntakeJob> job, const std::string& key) {
  bool wake = false;
  if (shared_store) {
    {
      std::lock_guard lock(mu);
      // A concurrent delivery of the same id got here first: wait for its commit.
      if (auto it = pending.find(key); it != pending.end()) return it->second;
      job->answer_on_commit = true;
      pending.emplace(key, job);
      known.insert(key_hash(key));
      if (rebuilding_known) known_meanwhile.insert(key_hash(key));
      queue.push_back(job);
      wake = queue.size() == 1 || queue.size() == kApplyBatch;
    }
    if (wake) apply_cv.notify_one();
    return Status{};
  }
  std::string record = encode_record(*job);
  {
    std::unique_lock lock(mu);
    // A concurrent delivery of the same id got here first.
    if (auto it = answers.find(key); it != answers.end()) {
      Answer earlier = it->second;
      lock.unlock();
      // The caller waits for the earlier record's group sync, as for its own.
      job->answer.journal_ticket = earlier.journal_ticket;
      return replay(earlier, job->webhook_id, job->answer.body_hash);
    }
    // Appended under the lock so that the queue is in journal order.
    auto appended = journal->append(record);
    if (!appended.ok()) return Status(appended.error());
    job->segment = appended->segment;
    if (journal->syncs_in_groups()) job->answer.journal_ticket = appended->ticket;
    answers.emplace(key, job->answer);
    known.insert(key_hash(key));
    if (rebuilding_known) known_meanwhile.insert(key_hash(key));
    queue.push_back(std::move(job));
    // The applier waits either for a first job or for a full batch: waking it on every
    // append cost a futex call (often a context switch) per delivery.
    wake = queue.size() == 1 || queue.size() == kApplyBatch;
  }
  if (wake) apply_cv.notify_one();
  return Status{};
}

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
}  // namespace

Status WebhookReceiver::Impl::apply_one(IntakeJob& job, int64_t now) {
  const std::string source_label = "webhook:" + job.source;
  const std::string record_key = "webhook-id:" + job.webhook_id;
  // The receipt first: it also tells whether the job was applied before (a record read
  // back from the journal after a crash that followed its commit, or the same id accepted
  // twice in a race with its own apply).
  job.earlier.reset();
  if (Status ins = receipts.insert(receipt_of(job)); !ins.ok()) {
    if (ins.error().kind != ErrorKind::kConflict) return ins;
    LT_ASSIGN_OR_RETURN(auto earlier, receipts.find(job.source, job.webhook_id));
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
      LT_TRY(
          quarantine.put(source_label, record_key,
                         Error(ErrorKind::kConflict,
                               "webhook-id '" + job.webhook_id +
                                   "' was accepted twice with different bodies; the first one was applied"),
                         job.event ? model::to_json_string(*job.event) : job.body, now));
    }
    return {};
  }
  if (job.quarantine) {
    LT_TRY(quarantine.put(source_label, record_key, *job.quarantine, job.body, now));
  } else {
    model::DossierStatusEvent e = *job.event;
    const bool numbered_here = e.sequence <= 0;
    auto applied = apply_event(dossier_store, outbox, config.notify_url.has_value(), e, now);
    if (!applied.ok() && applied.error().kind == ErrorKind::kConflict && shared_store && numbered_here) {
      // The sequence this transaction chose was taken meanwhile by a writer that does not
      // take the dossier lock (the sync flow): rolled back and numbered again, never
      // quarantined as a content conflict.
      return Error(ErrorKind::kStore, "dossier " + e.dossier_code + " sequence " +
                                          std::to_string(e.sequence) +
                                          " was taken by a concurrent writer; the transaction is retried");
    }
    if (!applied.ok() && applied.error().kind == ErrorKind::kConflict) {
      LT_TRY(quarantine.put(source_label, record_key, applied.error(), model::to_json_string(e), now));
    } else if (!applied.ok()) {
      return applied.error();
    }
    // kDuplicate: the same event was recorded before (by the sync flow or another
    // delivery): nothing more to do.
  }
  return {};
}

Status WebhookReceiver::Impl::quarantine_unappliable(IntakeJob& job, const Error& why, int64_t now) {
  return db.transaction([&]() -> Status {
    LT_TRY(quarantine.put(
        "webhook:" + job.source, "webhook-id:" + job.webhook_id,
        why.context("could not be applied after " + std::to_string(job.attempts) + " attempts"),
        job.event ? model::to_json_string(*job.event) : job.body, now));
    return receipts.insert(receipt_of(job));
  });
}

// The single writer of accepted webhooks into the store: takes the queued jobs in intake
// order, applies up to kApplyBatch of them in one transaction, then forgets their
// journal segments. A failed batch is retried job by job so that one bad job cannot hold
// back the others; a job that still fails on its own after kAttemptsBeforeQuarantine tries
// while the store takes other writes is quarantined with the error; when the store takes
// nothing, the applier backs off and tries again (the journal still holds every job).
void WebhookReceiver::Impl::applier_loop() {
  auto backoff = std::chrono::milliseconds(200);
  for (;;) {
    std::vector<std::shared_ptr<IntakeJob>> batch;
    {
      std::unique_lock lock(mu);
      apply_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;
      // Shared store: the senders wait for the commit, so it starts at once; what arrives
      // while it runs makes the next batch.
      if (!shared_store && queue.size() < kApplyBatch && !stopping && flush_waiters == 0) {
        apply_cv.wait_for(lock, kGroupDelay,
                          [&] { return stopping || flush_waiters > 0 || queue.size() >= kApplyBatch; });
      }
      size_t n = std::min(queue.size(), kApplyBatch);
      batch.assign(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      in_flight = n;
    }
    int64_t now = clock.now_ms();
    size_t done = batch.size();
    auto apply_all = [&](const std::vector<std::shared_ptr<IntakeJob>>& jobs) {
      return db.transaction([&]() -> Status {
        if (shared_store) LT_TRY(lock_dossiers(jobs));
        for (auto& j : jobs) LT_TRY(apply_one(*j, now));
        return {};
      });
    };
    Status st = apply_all(batch);
    // Shared store: a deadlock or sequence collision with another writer is retried.
    for (int i = 1; shared_store && !st.ok() && i < kAttemptsBeforeQuarantine; ++i) st = apply_all(batch);
    if (st.ok()) {
      for (auto& j : batch) j->committed = true;
    } else {
      done = 0;
      for (auto& j : batch) {
        Status one = apply_all({j});
        if (!one.ok() && j->answer_on_commit) {
          for (int i = 1; !one.ok() && i < kAttemptsBeforeQuarantine; ++i) one = apply_all({j});
          if (!one.ok()) {
            // Never acknowledged: its sender is answered 503 and delivers it again.
            spdlog::warn("webhooks: {} delivery {} could not be committed to the store ({}); answered 503",
                         j->source, j->webhook_id, one.error().message);
            ++done;
            continue;
          }
        }
        if (!one.ok() && ++j->attempts >= kAttemptsBeforeQuarantine) {
          spdlog::error("webhooks: {} delivery {} cannot be applied ({}); quarantining it", j->source,
                        j->webhook_id, to_string(one.error().kind));
          one = quarantine_unappliable(*j, one.error(), now);
        }
        if (!one.ok()) {
          spdlog::warn("webhooks: applying accepted deliveries to the store failed ({}); retrying in {} ms",
                       one.error().message, backoff.count());
          break;
        }
        j->committed = true;
        ++done;
      }
    }
    std::unique_lock lock(mu);
    ++round;
    for (size_t i = 0; i < done; ++i) {
      applied_keys.emplace_back(round, answer_key(batch[i]->source, batch[i]->webhook_id));
    }
    while (!applied_keys.empty() && applied_keys.front().first + 2 <= round) {
      answers.erase(applied_keys.front().second);
      applied_keys.pop_front();
    }
    // What was not applied goes back to the front, in order.
    queue.insert(queue.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done), batch.end());
    in_flight = 0;
    bool failed = done < batch.size();
    if (!failed) backoff = std::chrono::milliseconds(200);
    if (shared_store) {
      // Nothing is appended to the journal; what an earlier run left there is forgotten
      // once applied.
      bool retire = journal_holds_records && queue.empty();
      if (retire) journal_holds_records = false;
      lock.unlock();
      if (retire) {
        if (Status r = journal->retire_all(); !r.ok()) {
          spdlog::warn("webhooks: cannot start a new intake journal segment: {}", r.error().message);
        }
      }
      settle({batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done)});
    } else if (queue.empty()) {
      // Under the lock: no delivery can be appended between the check and the new segment.
      if (Status r = journal->retire_all(); !r.ok()) {
        spdlog::warn("webhooks: cannot start a new intake journal segment: {}", r.error().message);
      }
      lock.unlock();
    } else {
      uint64_t oldest = queue.front()->segment;
      lock.unlock();
      journal->retire_below(oldest);
    }
    idle_cv.notify_all();
    if (failed) {
      lock.lock();
      if (stopping) return;  // the journal keeps the rest for the next start
      apply_cv.wait_for(lock, backoff, [&] { return stopping || kick; });
      kick = false;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
    }
  }
}

Status WebhookReceiver::Impl::lock_dossiers(const std::vector<std::shared_ptr<IntakeJob>>& batch) {
  std::string codes;
  for (const auto& j : batch) {
    if (!j->event || j->event->sequence > 0) continue;  // numbered by its sender: no lock needed
    codes.append(j->event->dossier_code).push_back('\x1f');
  }
  if (codes.empty()) return {};
  // Transaction-scoped advisory locks, taken in key order (two appliers wanting the same
  // dossiers wait for each other instead of deadlocking), released at commit. After it,
  // the next statement's snapshot sees what the last holder committed.
  auto r = db.query(
      "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT "
      "hashtextextended('lienthong.webhooks.dossier:' || c, 0) AS k FROM "
      "unnest(string_to_array(?::text, chr(31))) AS c WHERE c <> '' ORDER BY k) AS keys) AS locked",
      {codes});
  if (!r.ok()) return r.error().context("locking the dossiers of a webhook batch");
  return {};
}

Outcome WebhookReceiver::Impl::commit_answer(const IntakeJob& job, const CommitWaiter& w) {
  if (!job.committed) {
    return problem(503, "store-unavailable", "Store unavailable",
                   "the delivery could not be committed to the store; nothing was kept, retry later",
                   config.retry_after_seconds);
  }
  if (w.replay || job.earlier) {
    return replay(job.earlier ? *job.earlier : job.answer, job.webhook_id,
                  w.replay ? w.body_hash : job.answer.body_hash);
  }
  Outcome out;
  out.status = job.answer.status;
  out.reason = job.answer.outcome;
  out.body = job.answer.body;
  return out;
}

void WebhookReceiver::Impl::await_commit(const std::shared_ptr<IntakeJob>& job, CommitWaiter w) {
  {
    std::lock_guard lock(mu);
    if (!job->settled) {
      job->waiters.push_back(std::move(w));
      return;
    }
  }
  auto done = std::move(w.done);
  done(commit_answer(*job, w));
}

void WebhookReceiver::Impl::settle(const std::vector<std::shared_ptr<IntakeJob>>& jobs) {
  std::vector<std::pair<std::shared_ptr<IntakeJob>, CommitWaiter>> ready;
  {
    std::lock_guard lock(mu);
    for (const auto& j : jobs) {
      if (!j->answer_on_commit || j->settled) continue;
      j->settled = true;
      if (auto it = pending.find(answer_key(j->source, j->webhook_id));
          it != pending.end() && it->second == j) {
        pending.erase(it);
      }
      for (auto& w : j->waiters) ready.emplace_back(j, std::move(w));
      j->waiters.clear();
    }
  }
  for (auto& [j, w] : ready) {
    auto done = std::move(w.done);
    done(commit_answer(*j, w));
  }
}

void WebhookReceiver::Impl::deliver(std::string_view source_id, const server::Request& req,
                                    std::function<void(Outcome)> done) {
  uint64_t ticket = 0;
  std::optional<CommitWaiter> waiter;
  std::shared_ptr<IntakeJob> job;
  Outcome out = receive(source_id, req, ticket, waiter, job);
  if (job) {
    waiter->done = std::move(done);
    return await_commit(job, std::move(*waiter));
  }
  if (ticket == 0) return done(std::move(out));
  answer_after_sync(ticket, std::move(out), std::move(done));
}

bool WebhookReceiver::Impl::wait_applied(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu);
  kick = true;
  ++flush_waiters;
  apply_cv.notify_all();
  bool idle = idle_cv.wait_for(lock, timeout, [&] { return queue.empty() && in_flight == 0; });
  --flush_waiters;
  return idle;
}

Outcome WebhookReceiver::Impl::receive(std::string_view source_id, const server::Request& req,
                                       uint64_t& wait_ticket, std::optional<CommitWaiter>& wait_commit,
                                       std::shared_ptr<IntakeJob>& wait_job) {
  wait_ticket = 0;
  auto it = sources.find(source_id);
  if (it == sources.end()) {
    return problem(404, "unknown-source", "Unknown webhook source",
                   "no webhook source '" + std::string(source_id) +
                       "' is configured; check the URL "
                       "(" +
                       config.path_prefix + "/{source}) or ask the operator to register the system");
  }
  const Source& src = it->second;
  const SourceConfig& sc = *src.config;
  if (req.body.size() > sc.body_limit) {
    return problem(413, "body-too-large", "Body too large",
                   "the body exceeds the limit of " + std::to_string(sc.body_limit) + " bytes for source '" +
                       sc.id + "'");
  }
  if (Outcome a = authenticate(src, req); a.problem) return a;

  auto id = header(req, "webhook-id");
  if (!id || id->empty() || id->size() > kMaxWebhookIdLength || !printable_id(*id)) {
    return problem(
        400, "bad-webhook-id", "webhook-id required",
        "every delivery needs a webhook-id header (1-256 printable ASCII characters) that stays the "
        "same when the message is redelivered");
  }
  std::string webhook_id(*id);

  if (src.bucket) {
    if (int64_t wait_ms = src.bucket->try_take(); wait_ms > 0) {
      int64_t s = (wait_ms + 999) / 1000;
      return problem(429, "rate-limited", "Rate limit exceeded",
                     "source '" + sc.id + "' is limited to " +
                         std::to_string(static_cast<int64_t>(sc.rate_per_second)) +
                         " webhooks per second; retry after " + std::to_string(s) + " s",
                     s);
    }
  }

  auto ct = header(req, "content-type");
  auto format = format_for_content_type(ct ? *ct : std::string_view());
  if (!format.ok())
    return problem(415, "unsupported-media-type", "Unsupported Content-Type", format.error().message);
  bool want_soap = sc.payload == PayloadKind::kSoap;
  if ((*format != PayloadFormat::kJson) != want_soap) {
    return problem(
        415, "unsupported-media-type", "Unsupported Content-Type",
        "source '" + sc.id + "' sends " +
            (want_soap ? "SOAP envelopes (text/xml for SOAP 1.1, application/soap+xml for SOAP 1.2)"
                       : "JSON (application/json)"));
  }

  std::string body_hash = sha256_hex(req.body);
  const std::string key = answer_key(sc.id, webhook_id);
  if (shared_store) {
    // A redelivery while the first delivery is not yet committed gets that commit's answer.
    std::lock_guard lock(mu);
    if (auto it = pending.find(key); it != pending.end()) {
      wait_job = it->second;
      wait_commit = CommitWaiter{true, std::move(body_hash), {}};
      return {};
    }
  }
  // A redelivery is answered as before in every case, even when the store is full or
  // this copy of the body is malformed.
  auto earlier = earlier_answer(key, sc.id, webhook_id);
  if (!earlier.ok()) {
    return problem(503, "store-unavailable", "Store unavailable",
                   "the receipt store cannot be read; retry later", config.retry_after_seconds);
  }
  if (*earlier) {
    // An earlier delivery whose record is not yet on disk: its answer waits like its own.
    wait_ticket = (*earlier)->journal_ticket;
    return replay(**earlier, webhook_id, body_hash);
  }

  if (high_water_mark_bytes > 0) {
    int64_t size = store_size_bytes();
    if (size > high_water_mark_bytes) {
      return problem(503, "store-full", "Store over its high-water mark",
                     "the store holds " + std::to_string(size) + " bytes, over its high-water mark of " +
                         std::to_string(high_water_mark_bytes) + "; nothing was recorded, retry later",
                     config.retry_after_seconds);
    }
  }
  size_t backlog;
  {
    std::lock_guard lock(mu);
    backlog = queue.size() + in_flight;
  }
  if (backlog >= config.max_backlog) {
    return problem(503, "intake-backlog", "Accepted webhooks are waiting to be stored",
                   std::to_string(backlog) + " accepted webhooks are not yet in the store (limit " +
                       std::to_string(config.max_backlog) +
                       "); nothing was recorded, retry later. If it lasts, the store is failing or too slow: "
                       "see the gateway's log",
                   config.retry_after_seconds);
  }

  auto payload = parse_payload(req.body, *format);
  if (!payload.ok()) return problem(400, "malformed-payload", "Malformed payload", payload.error().message);

  auto job = std::make_shared<IntakeJob>();
  job->source = sc.id;
  job->webhook_id = webhook_id;
  job->received_at_ms = clock.now_ms();
  job->answer.body_hash = std::move(body_hash);
  job->answer.status = 202;
  auto translated = translate(src, *payload);
  if (translated.ok()) {
    job->answer.outcome = "accepted";
    job->answer.body = answer_json("accepted", sc.id, webhook_id, &translated.value(), "");
    job->event = std::move(translated).value();
  } else {
    job->answer.outcome = "quarantined";
    job->answer.body = answer_json("quarantined", sc.id, webhook_id, nullptr, translated.error().message);
    job->quarantine = translated.error();
    job->body = req.body;
  }
  auto taken = intake(job, key);
  if (auto* earlier_job = std::get_if<std::shared_ptr<IntakeJob>>(&taken)) {
    wait_job = std::move(*earlier_job);
    wait_commit = CommitWaiter{true, job->answer.body_hash, {}};
    return {};
  }
  if (auto* o = std::get_if<Outcome>(&taken)) {
    wait_ticket = job->answer.journal_ticket;
    return std::move(*o);
  }
  if (auto& st = std::get<Status>(taken); !st.ok()) {
    spdlog::error("webhooks: cannot write the intake journal: {}", st.error().message);
    return problem(503, "store-unavailable", "Store unavailable",
                   "the delivery could not be recorded (" + std::string(to_string(st.error().kind)) +
                       "); nothing was kept, retry later",
                   config.retry_after_seconds);
  }
  if (shared_store) {
    wait_job = std::move(job);
    wait_commit = CommitWaiter{false, {}, {}};
    return {};
  }
  // The job may be applied (by the applier thread) from here on; only its answer is read.
  Outcome out;
  out.status = job->answer.status;
  out.reason = job->answer.outcome;
  out.body = job->answer.body;
  wait_ticket = job->answer.journal_ticket;
  return out;
}

void WebhookReceiver::Impl::answer_after_sync(uint64_t ticket, Outcome out,
                                              std::function<void(Outcome)> done) {
  {
    std::lock_guard lock(sync_mu);
    if (ticket > synced_through) {
      parked.push_back({ticket, std::move(out), std::move(done)});
      if (parked.size() == 1) sync_cv.notify_one();
      return;
    }
  }
  done(std::move(out));
}

// Group commit of the journal: one fdatasync for every record appended while the previous
// one ran, then the answers of the deliveries it covers. The server threads never wait
// for the disk; a connection's next request is read once its answer is sent.
void WebhookReceiver::Impl::syncer_loop() {
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
      std::unique_lock lock(sync_mu);
      sync_cv.wait(lock, [&] { return stopping_sync || !parked.empty(); });
      if (parked.empty()) return;  // stopping, nothing left to answer
    }
    auto started = std::chrono::steady_clock::now();
    auto synced = journal->sync();
    sync_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    std::vector<Parked> ready;
    {
      std::lock_guard lock(sync_mu);
      if (synced.ok()) synced_through = std::max(synced_through, synced->through);
      auto keep = std::partition(parked.begin(), parked.end(),
                                 [&](const Parked& p) { return synced.ok() && p.ticket > synced_through; });
      ready.assign(std::make_move_iterator(keep), std::make_move_iterator(parked.end()));
      parked.erase(keep, parked.end());
    }
    size_t lost = 0;
    for (auto& p : ready) {
      if (!synced.ok() || p.ticket <= synced->failed_through) {
        // The record may still be stored (the applier has it): a retry is then answered
        // from its receipt. What is refused is the promise that it was on disk.
        ++lost;
        p.done(problem(503, "store-unavailable", "Store unavailable",
                       "the delivery could not be written to disk; retry later", config.retry_after_seconds));
      } else {
        p.done(std::move(p.out));
      }
    }
    answered.inc(static_cast<int64_t>(ready.size() - lost));
    if (lost > 0) {
      failures.inc();
      spdlog::error(
          "webhooks: {} deliveries' intake journal records could not be synced to disk ({}); answered 503",
          lost, synced.ok() ? "fdatasync failed when their segment was closed" : synced.error().message);
    }
  }
}

Result<std::unordered_set<uint64_t>> WebhookReceiver::Impl::known_ids_from_store() {
  std::unordered_set<uint64_t> out;
  std::string after_source, after_id;
  for (bool first = true;; first = false) {
    constexpr int64_t kPage = 10'000;
    auto keys = first ? db.query(
                            "SELECT source, webhook_id FROM webhook_receipts ORDER BY source, webhook_id "
                            "LIMIT ?",
                            {kPage})
                      : db.query(
                            "SELECT source, webhook_id FROM webhook_receipts WHERE (source, webhook_id) > "
                            "(?, ?) ORDER BY source, webhook_id LIMIT ?",
                            {after_source, after_id, kPage});
    if (!keys.ok()) return keys.error();
    for (const auto& row : *keys) out.insert(key_hash(answer_key(row.str(0), row.str(1))));
    if (static_cast<int64_t>(keys->size()) < kPage) break;
    after_source = keys->back().str(0);
    after_id = keys->back().str(1);
  }
  return out;
}

// Deletes the receipts received before `cutoff_ms`, then forgets their ids in memory: the
// set of known ids would otherwise grow for as long as the gateway runs, while the
// receipts stay bounded by their retention. The set is rebuilt from the store; ids taken
// during the scan, and those of deliveries whose answers are still held here (accepted,
// possibly not yet applied or applied after their part of the scan), are added to it.
Result<int64_t> WebhookReceiver::Impl::prune_receipts(int64_t cutoff_ms) {
  LT_ASSIGN_OR_RETURN(int64_t deleted, receipts.prune(cutoff_ms));
  if (deleted == 0) return deleted;
  {
    std::lock_guard lock(mu);
    rebuilding_known = true;
    known_meanwhile.clear();
    for (const auto& a : answers) known_meanwhile.insert(key_hash(a.first));
  }
  auto fresh = known_ids_from_store();
  std::lock_guard lock(mu);
  rebuilding_known = false;
  if (fresh.ok()) {
    fresh->merge(known_meanwhile);
    known.swap(*fresh);
  }
  known_meanwhile = {};
  // Not rebuilt: the old set stays, a superset that only costs store lookups.
  if (!fresh.ok()) return fresh.error().context("forgetting the ids of the deleted receipts");
  return deleted;
}

WebhookReceiver::WebhookReceiver(WebhooksConfig config, store::Database& db, outbox::Outbox& outbox,
                                 const Clock& clock, int64_t high_water_mark_bytes,
                                 const mapping::CodeResolver* codes)
    : impl_(std::make_unique<Impl>(std::move(config), db, outbox, clock, high_water_mark_bytes, codes)) {
  Impl& im = *impl_;
  for (const auto& sc : im.config.sources) {
    Source s;
    s.config = &sc;
    s.translator = SourceTranslator::load(sc);
    if (sc.rate_per_second > 0) s.bucket = std::make_unique<TokenBucket>(sc.rate_per_second, sc.burst, clock);
    im.sources.emplace(sc.id, std::move(s));
  }
  if (im.config.journal_dir.empty()) {
    throw ConfigError("webhooks.journal_dir: no directory for the intake journal");
  }
  JournalOptions jo;
  jo.dir = im.config.journal_dir;
  jo.fsync = im.config.journal_fsync;
  jo.segment_bytes = im.config.journal_segment_bytes;
  jo.use_mapping = im.config.journal_mapping;
  jo.group_sync = true;
  std::vector<JournalRecord> recovered;
  auto j = IntakeJournal::open(jo, recovered);
  if (!j.ok()) throw ConfigError("webhooks.journal_dir: " + j.error().message);
  im.journal = std::move(j).value();
  // Receipts already in the store: a redelivery of one of them is looked up there.
  auto known = im.known_ids_from_store();
  if (!known.ok()) throw ConfigError("webhooks: cannot read the receipts: " + known.error().message);
  im.known = std::move(known).value();
  // Accepted before a stop or crash, not yet in the store: applied first, in order.
  size_t unreadable = 0;
  for (auto& rec : recovered) {
    auto decoded = decode_record(rec.payload);
    if (!decoded.ok()) {
      ++unreadable;
      spdlog::error("webhook intake journal: a record of segment {} cannot be read: {}", rec.segment,
                    decoded.error().message);
      continue;
    }
    auto p = std::make_shared<IntakeJob>();
    static_cast<IntakeRecord&>(*p) = std::move(decoded).value();
    p->segment = rec.segment;
    std::string key = answer_key(p->source, p->webhook_id);
    im.known.insert(key_hash(key));
    im.answers.emplace(key, p->answer);
    im.queue.push_back(std::move(p));
  }
  im.journal_holds_records = !recovered.empty();
  if (!recovered.empty()) {
    spdlog::info("webhooks: {} accepted deliveries from the intake journal are applied to the store first{}",
                 recovered.size() - unreadable,
                 unreadable ? " (" + std::to_string(unreadable) + " unreadable, see above)" : std::string());
  }
  im.applier = std::thread([this] {
    // Named so that it stands out in top/perf: it is the one thread that writes webhooks.
    ::pthread_setname_np(::pthread_self(), "wh-applier");
    impl_->applier_loop();
  });
  if (im.journal->syncs_in_groups()) {
    im.syncer = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "wh-journal-sync");
      impl_->syncer_loop();
    });
  }
}

WebhookReceiver::~WebhookReceiver() {
  if (impl_->syncer.joinable()) {
    {
      std::lock_guard lock(impl_->sync_mu);
      impl_->stopping_sync = true;
    }
    impl_->sync_cv.notify_all();
    impl_->syncer.join();  // after answering what waits
  }
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->apply_cv.notify_all();
  impl_->applier.join();
  // Shared store: deliveries still waiting for a commit (the store failed until the stop)
  // are answered 503; they were never acknowledged.
  std::vector<std::shared_ptr<IntakeJob>> left(impl_->queue.begin(), impl_->queue.end());
  impl_->settle(left);
}

std::vector<store::Migration> WebhookReceiver::migrations() {
  return Receipts::migrations();
}

Outcome WebhookReceiver::receive(std::string_view source, const server::Request& request) {
  auto answered = std::make_shared<std::promise<Outcome>>();
  auto answer = answered->get_future();
  impl_->deliver(source, request, [answered](Outcome o) { answered->set_value(std::move(o)); });
  return answer.get();
}

void WebhookReceiver::receive_async(std::string_view source, const server::Request& request,
                                    std::function<void(Outcome)> done) {
  impl_->deliver(source, request, std::move(done));
}

bool WebhookReceiver::answers_after_group_sync() const {
  return impl_->shared_store || impl_->journal->syncs_in_groups();
}

bool WebhookReceiver::wait_applied(std::chrono::milliseconds timeout) {
  return impl_->wait_applied(timeout);
}

Result<int64_t> WebhookReceiver::prune_receipts(int64_t cutoff_ms) {
  return impl_->prune_receipts(cutoff_ms);
}

size_t WebhookReceiver::known_ids() const {
  std::lock_guard lock(impl_->mu);
  return impl_->known.size();
}

size_t WebhookReceiver::backlog() const {
  std::lock_guard lock(impl_->mu);
  return impl_->queue.size() + impl_->in_flight;
}

std::optional<size_t> WebhookReceiver::body_limit(std::string_view source) const {
  const SourceConfig* s = impl_->config.find(source);
  if (!s) return std::nullopt;
  return s->body_limit;
}

const WebhooksConfig& WebhookReceiver::config() const {
  return impl_->config;
}

}  // namespace lienthong::webhooks
