#include "gateway/webhooks/webhook_receiver.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <variant>

#include "gateway/common/json.hpp"
#include "gateway/common/text.hpp"
#include "gateway/dossiers/dossier_store.hpp"
#include "gateway/dossiers/quarantine.hpp"
#include "gateway/mapping/mapping.hpp"
#include "gateway/model/dossier_event.hpp"
#include "gateway/outbox/outbox.hpp"
#include "gateway/webhooks/payload.hpp"
#include "gateway/webhooks/procedure_codes.hpp"
#include "gateway/webhooks/rate_limiter.hpp"
#include "gateway/webhooks/receipts.hpp"
#include "gateway/webhooks/standard_webhooks.hpp"

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
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  auto str = [&](std::string_view s) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  d.AddMember("status", str(status), a);
  d.AddMember("source", str(source), a);
  d.AddMember("webhook_id", str(webhook_id), a);
  if (e) {
    // Codes and sequence only: no personal data in answers.
    rapidjson::Value ev(rapidjson::kObjectType);
    ev.AddMember("dossier_code", str(e->dossier_code), a);
    ev.AddMember("sequence", e->sequence, a);
    ev.AddMember("procedure_code", str(e->procedure_code), a);
    ev.AddMember("status", e->status, a);
    d.AddMember("event", ev, a);
  }
  if (!reason.empty()) d.AddMember("reason", str(reason), a);
  return json::to_string(d);
}

struct Source {
  const SourceConfig* config = nullptr;
  std::unique_ptr<mapping::Mapping> mapping;
  std::optional<ProcedureCodeTable> codes;
  std::unique_ptr<TokenBucket> bucket;
};

// One translated webhook waiting for the group commit. It owns what it needs, so that the
// request may be answered later from the committer thread (receive_async).
struct CommitJob {
  const Source* src = nullptr;
  std::string webhook_id, body_hash, body;
  Result<model::DossierStatusEvent> translated = Error(ErrorKind::kInternal, "not translated");
  std::optional<Receipt> earlier;  // found inside the transaction: a redelivery
  Receipt receipt;                 // written by this job
  Status status;                   // of the transaction that carried it
  // Called by the committer once the transaction that carried the job has ended.
  std::function<void(CommitJob&)> on_committed;
};

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

  Impl(WebhooksConfig c, store::Database& d, outbox::Outbox& o, const Clock& cl, int64_t hwm,
       const mapping::CodeResolver* cr)
      : config(std::move(c)), db(d), outbox(o), clock(cl), high_water_mark_bytes(hwm), codes(cr) {}

  Outcome authenticate(const Source& src, const server::Request& req);
  Outcome receive(std::string_view source_id, const server::Request& req);
  void receive_async(std::string_view source_id, const server::Request& req,
                     std::function<void(Outcome)> done);
  // Builds the event; an Error here (mapping, validation, unmapped code) quarantines.
  Result<model::DossierStatusEvent> translate(const Source& src, const rapidjson::Value& payload);
  // Queues the job for the committer; `job->on_committed` runs on the committer thread.
  void enqueue(std::unique_ptr<CommitJob> job);
  // Everything up to the commit; returns an outcome when the request ends before it.
  std::variant<Outcome, std::unique_ptr<CommitJob>> prepare(std::string_view source_id,
                                                            const server::Request& req);
  Status commit_one(CommitJob& job, int64_t now);
  Outcome finish(CommitJob& job);
  void committer_loop();
  // The high-water check stats the store's files; the size only moves with writes, so it
  // is read again after each committed group and otherwise at most every kSizeRefresh.
  int64_t store_size_bytes();
  void refresh_store_size();
  std::atomic<int64_t> cached_size{-1};
  std::atomic<int64_t> cached_size_at_ns{0};

  std::mutex commit_mu;
  // Wakes the committer only: each waiting request has its own signal (on_committed), so
  // a commit wakes exactly the requests it carried instead of every waiting thread.
  std::condition_variable commit_cv;
  bool committer_idle = false;
  std::vector<std::unique_ptr<CommitJob>> pending;
  bool stopping = false;
  std::thread committer;
};

namespace {
constexpr std::chrono::milliseconds kSizeRefresh{100};
int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void WebhookReceiver::Impl::refresh_store_size() {
  cached_size_at_ns.store(steady_ns(), std::memory_order_relaxed);
  cached_size.store(db.size_bytes(), std::memory_order_relaxed);
}

int64_t WebhookReceiver::Impl::store_size_bytes() {
  if (cached_size.load(std::memory_order_relaxed) < 0 ||
      steady_ns() - cached_size_at_ns.load(std::memory_order_relaxed) >
          std::chrono::nanoseconds(kSizeRefresh).count()) {
    refresh_store_size();
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
  mapping::Context ctx;
  ctx.event_time_ms = clock.now_ms();
  ctx.codes = codes;
  LT_ASSIGN_OR_RETURN(rapidjson::Document target, src.mapping->apply(payload, ctx));
  LT_TRY(src.mapping->validate(target));
  LT_ASSIGN_OR_RETURN(model::DossierStatusEvent e, model::from_json(target));
  e.source = "webhook:" + src.config->id;
  if (src.codes) {
    // The mapping carries the ministry's own code through; the table makes it national.
    LT_ASSIGN_OR_RETURN(e.procedure_code, src.codes->resolve(e.procedure_code, payload));
  }
  return e;
}

Status WebhookReceiver::Impl::commit_one(CommitJob& job, int64_t now) {
  const Source& src = *job.src;
  const std::string& sid = src.config->id;
  const std::string source_label = "webhook:" + sid;
  const std::string& webhook_id = job.webhook_id;
  // A concurrent delivery of the same id may have committed since the first lookup
  // (or sits earlier in this very batch).
  LT_ASSIGN_OR_RETURN(job.earlier, receipts.find(sid, webhook_id));
  if (job.earlier) return {};
  Receipt r;
  r.source = sid;
  r.webhook_id = webhook_id;
  r.body_sha256 = job.body_hash;
  r.received_at_ms = now;
  auto quarantine_it = [&](const Error& why) -> Status {
    LT_TRY(quarantine.put(source_label, "webhook-id:" + webhook_id, why, job.body, now));
    r.status = 202;
    r.outcome = "quarantined";
    r.response_body = answer_json("quarantined", sid, webhook_id, nullptr, why.message);
    return {};
  };
  const auto& translated = job.translated;
  if (!translated.ok()) {
    LT_TRY(quarantine_it(translated.error()));
  } else {
    model::DossierStatusEvent e = translated.value();
    if (e.sequence <= 0) {
      // Ministry systems seldom number their pushes: the next position in this
      // dossier's history, decided inside the transaction.
      LT_ASSIGN_OR_RETURN(auto last, dossier_store.last_sequence(e.dossier_code));
      e.sequence = last.value_or(0) + 1;
    }
    // Serialised once: the same canonical JSON is the stored event and the outbox payload.
    std::string payload = model::to_json_string(e);
    auto rec = dossier_store.record(e, payload, now);
    if (!rec.ok() && rec.error().kind == ErrorKind::kConflict) {
      LT_TRY(quarantine_it(rec.error()));
    } else if (!rec.ok()) {
      return rec.error();
    } else if (*rec == dossiers::RecordOutcome::kDuplicate) {
      r.status = 200;
      r.outcome = "duplicate";
      r.response_body = answer_json("duplicate", sid, webhook_id, &e, "this event was recorded before");
    } else {
      outbox::NewMessage m;
      m.kind = "dossier_status";
      m.payload = std::move(payload);
      // Same keys as the sync flow (gateway/sync): one DVCQG order per dossier whichever
      // flow saw the event, and "<dossier>#<sequence>#<destination>" as the dedup key.
      m.destination = kDvcqgDestination;
      m.ordering_key = "dossier:" + e.dossier_code;
      m.dedup_key = e.event_key() + "#" + kDvcqgDestination;
      LT_TRY(outbox.enqueue(m));
      if (config.notify_url) {
        // Its own ordering key: the provincial system being down must not hold back DVCQG.
        m.destination = kNotifyDestination;
        m.ordering_key = std::string(kNotifyDestination) + ":" + e.dossier_code;
        m.dedup_key = e.event_key() + "#" + kNotifyDestination;
        LT_TRY(outbox.enqueue(m));
      }
      r.status = 202;
      r.outcome = "accepted";
      r.response_body = answer_json("accepted", sid, webhook_id, &e, "");
    }
  }
  LT_TRY(receipts.insert(r));
  job.receipt = std::move(r);
  return {};
}

Outcome WebhookReceiver::Impl::finish(CommitJob& job) {
  if (!job.status.ok()) {
    return problem(503, "store-unavailable", "Store unavailable",
                   "the event could not be committed (" + std::string(to_string(job.status.error().kind)) +
                       "); nothing was recorded, retry later",
                   config.retry_after_seconds);
  }
  const Receipt& r = job.earlier ? *job.earlier : job.receipt;
  if (job.earlier && job.earlier->body_sha256 != job.body_hash) {
    return problem(409, "webhook-id-reused", "webhook-id reused with different content",
                   "webhook-id '" + job.webhook_id +
                       "' was delivered before with another body; use a new id for a new message");
  }
  Outcome out;
  out.status = r.status;
  out.reason = r.outcome;
  out.body = r.response_body;
  out.replayed = job.earlier.has_value();
  return out;
}

// Group commit: handlers hand their translated event to one committer thread, which
// writes everything waiting in one transaction (one WAL commit instead of one per webhook)
// and then answers each request with its own outcome. A failed batch is retried job by job
// so that one bad job cannot fail the others.
void WebhookReceiver::Impl::committer_loop() {
  for (;;) {
    std::vector<std::unique_ptr<CommitJob>> batch;
    {
      std::unique_lock lock(commit_mu);
      committer_idle = true;
      commit_cv.wait(lock, [&] { return stopping || !pending.empty(); });
      committer_idle = false;
      if (pending.empty()) return;
      batch.swap(pending);
    }
    int64_t now = clock.now_ms();
    Status st = db.transaction([&]() -> Status {
      for (auto& j : batch) LT_TRY(commit_one(*j, now));
      return {};
    });
    if (!st.ok() && batch.size() > 1) {
      for (auto& j : batch) {
        j->earlier.reset();
        j->status = db.transaction([&]() -> Status { return commit_one(*j, now); });
      }
    } else {
      for (auto& j : batch) j->status = st;
    }
    if (high_water_mark_bytes > 0) refresh_store_size();
    // Only now, with the transaction committed (or failed), is anyone answered.
    for (auto& j : batch) {
      try {
        j->on_committed(*j);
      } catch (const std::exception& e) {
        // An async request's responder answers 500 when dropped; the committer goes on.
        spdlog::error("webhook answer for a committed job failed: {}", e.what());
      }
    }
  }
}

void WebhookReceiver::Impl::enqueue(std::unique_ptr<CommitJob> job) {
  bool wake;
  {
    std::lock_guard lock(commit_mu);
    pending.push_back(std::move(job));
    wake = committer_idle;
  }
  if (wake) commit_cv.notify_one();
}

std::variant<Outcome, std::unique_ptr<CommitJob>> WebhookReceiver::Impl::prepare(std::string_view source_id,
                                                                                 const server::Request& req) {
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
  // The receipt lookup of a redelivery happens inside the commit (commit_one looks again
  // anyway, under the transaction): reading it here too took the store's lock on every
  // request and stalled the handlers behind the committing transaction. Refusals that
  // would otherwise hide an earlier answer (store full, malformed payload) look it up
  // first, so a redelivery is answered as before in every case.
  auto stored_answer = [&]() -> std::optional<Outcome> {
    auto earlier = receipts.find(sc.id, webhook_id);
    if (!earlier.ok()) {
      return problem(503, "store-unavailable", "Store unavailable",
                     "the receipt store cannot be read; retry later", config.retry_after_seconds);
    }
    if (!*earlier) return std::nullopt;
    CommitJob replay;
    replay.webhook_id = webhook_id;
    replay.body_hash = body_hash;
    replay.earlier = std::move(*earlier);
    return finish(replay);
  };

  if (high_water_mark_bytes > 0) {
    int64_t size = store_size_bytes();
    if (size > high_water_mark_bytes) {
      if (auto o = stored_answer()) return *o;
      return problem(503, "store-full", "Store over its high-water mark",
                     "the store holds " + std::to_string(size) + " bytes, over its high-water mark of " +
                         std::to_string(high_water_mark_bytes) + "; nothing was recorded, retry later",
                     config.retry_after_seconds);
    }
  }

  auto payload = parse_payload(req.body, *format);
  if (!payload.ok()) {
    if (auto o = stored_answer()) return *o;
    return problem(400, "malformed-payload", "Malformed payload", payload.error().message);
  }

  auto job = std::make_unique<CommitJob>();
  job->src = &src;
  job->webhook_id = std::move(webhook_id);
  job->body_hash = std::move(body_hash);
  job->body = req.body;
  job->translated = translate(src, *payload);
  return job;
}

Outcome WebhookReceiver::Impl::receive(std::string_view source_id, const server::Request& req) {
  auto prepared = prepare(source_id, req);
  if (auto* o = std::get_if<Outcome>(&prepared)) return std::move(*o);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Outcome> out;
  auto& job = std::get<std::unique_ptr<CommitJob>>(prepared);
  job->on_committed = [&](CommitJob& j) {
    Outcome o = finish(j);
    std::lock_guard lock(mu);
    out = std::move(o);
    cv.notify_one();
  };
  enqueue(std::move(job));
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return out.has_value(); });
  return std::move(*out);
}

void WebhookReceiver::Impl::receive_async(std::string_view source_id, const server::Request& req,
                                          std::function<void(Outcome)> done) {
  auto prepared = prepare(source_id, req);
  if (auto* o = std::get_if<Outcome>(&prepared)) return done(std::move(*o));
  auto& job = std::get<std::unique_ptr<CommitJob>>(prepared);
  job->on_committed = [this, done = std::move(done)](CommitJob& j) { done(finish(j)); };
  enqueue(std::move(job));
}

WebhookReceiver::WebhookReceiver(WebhooksConfig config, store::Database& db, outbox::Outbox& outbox,
                                 const Clock& clock, int64_t high_water_mark_bytes,
                                 const mapping::CodeResolver* codes)
    : impl_(std::make_unique<Impl>(std::move(config), db, outbox, clock, high_water_mark_bytes, codes)) {
  for (const auto& sc : impl_->config.sources) {
    Source s;
    s.config = &sc;
    auto m = mapping::Mapping::load_file(sc.mapping_file);
    if (!m.ok()) throw ConfigError("webhooks.sources." + sc.id + ".mapping: " + m.error().message);
    s.mapping = std::make_unique<mapping::Mapping>(std::move(m).value());
    if (!sc.procedure_codes_file.empty()) {
      auto t = ProcedureCodeTable::load_file(sc.procedure_codes_file);
      if (!t.ok()) throw ConfigError("webhooks.sources." + sc.id + ".procedure_codes: " + t.error().message);
      s.codes = std::move(t).value();
    }
    if (sc.rate_per_second > 0) s.bucket = std::make_unique<TokenBucket>(sc.rate_per_second, sc.burst, clock);
    impl_->sources.emplace(sc.id, std::move(s));
  }
  impl_->committer = std::thread([this] {
    // Named so that it stands out in top/perf: it is the one thread that writes webhooks.
    ::pthread_setname_np(::pthread_self(), "wh-committer");
    impl_->committer_loop();
  });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard lock(impl_->commit_mu);
    impl_->stopping = true;
  }
  impl_->commit_cv.notify_all();
  impl_->committer.join();
}

std::vector<store::Migration> WebhookReceiver::migrations() {
  return Receipts::migrations();
}

Outcome WebhookReceiver::receive(std::string_view source, const server::Request& request) {
  return impl_->receive(source, request);
}

void WebhookReceiver::receive_async(std::string_view source, const server::Request& request,
                                    std::function<void(Outcome)> done) {
  impl_->receive_async(source, request, std::move(done));
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
