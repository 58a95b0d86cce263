#include "gateway/flows/webhooks/webhook_receiver.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/flows/webhooks/admission.hpp"
#include "gateway/flows/webhooks/answer_shape.hpp"
#include "gateway/flows/webhooks/applier.hpp"
#include "gateway/flows/webhooks/commit_waits.hpp"
#include "gateway/flows/webhooks/delivery_ids.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"
#include "gateway/flows/webhooks/group_sync.hpp"
#include "gateway/flows/webhooks/intake_job.hpp"
#include "gateway/flows/webhooks/intake_journal.hpp"
#include "gateway/flows/webhooks/issued_codes.hpp"
#include "gateway/flows/webhooks/receipts.hpp"
#include "gateway/flows/webhooks/record_id.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"

namespace lienthong::webhooks {

namespace {

// How the answer to one delivery is given: at once, once the journal's group sync has
// passed `ticket`, or (shared store) once `job` is committed.
struct Wait {
  uint64_t ticket = 0;
  JobPtr job;
  CommitWaiter waiter;
};

// The high-water check stats the store's files; the size only moves with writes, so it
// is read at most every kSizeRefresh.
constexpr std::chrono::milliseconds kSizeRefresh{100};
int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct WebhookReceiver::Impl {
  Impl(WebhooksConfig c, store::Database& d, outbox::Outbox& o, const Clock& cl, int64_t hwm,
       const mapping::CodeResolver* cr, const RecordKinds* k)
      : config(std::move(c)),
        db(d),
        outbox(o),
        clock(cl),
        high_water_mark_bytes(hwm),
        codes(cr),
        kinds(k),
        shared_store(d.backend() == "postgresql"),
        commit_waits(config.retry_after_seconds) {}

  void open_journal_and_start();
  void deliver(std::string_view source_id, const server::Request& req, std::function<void(Outcome)> done);
  Outcome receive(std::string_view source_id, const server::Request& req, Wait& wait);
  // The answer of an earlier delivery of this id (replayed, or waited for), if any.
  std::optional<Outcome> earlier_delivery(const Admitted& a, const std::string& key,
                                          const std::string& body_hash, Wait& wait);
  // 503 when the store is over its high-water mark or the applier too far behind.
  std::optional<Outcome> over_capacity();
  JobPtr make_job(const Admitted& a, const server::Request& req, const rapidjson::Value& payload,
                  std::string body_hash);
  // A source with a record_kind: the kind reads the whole push (400 when it cannot).
  std::variant<Outcome, JobPtr> make_record_job(const Admitted& a, const server::Request& req,
                                                std::string body_hash);
  // A source with dossier_codes: the record's code must be one handed out to it and not
  // used by another record; claimed now, before the record is journaled and answered.
  std::optional<Outcome> claim_code(const SourceConfig& sc, const std::string& code,
                                    const std::string& webhook_id);
  Outcome intake(const JobPtr& job, const std::string& key, Wait& wait);
  int64_t store_size_bytes();

  WebhooksConfig config;
  store::Database& db;
  outbox::Outbox& outbox;
  const Clock& clock;
  const int64_t high_water_mark_bytes;
  const mapping::CodeResolver* codes;
  const RecordKinds* kinds;
  const dossiers::EventDestinations* destinations = nullptr;  // not owned; may be null
  // A store that several gateway instances share (PostgreSQL): a delivery is answered 2xx
  // only once it is committed there, so that it survives this instance's death, and the
  // dossier's sequence is decided in that transaction under a per-dossier lock, so that
  // the order of a dossier's events is the order in which they were acknowledged,
  // whichever instance took them. The intake journal is then only read at start-up (what
  // an earlier run on a local store left in it). docs/webhooks.md, "Several instances".
  const bool shared_store;
  std::map<std::string, SourceTranslator, std::less<>> translators;
  std::unique_ptr<Admission> admission;
  std::unique_ptr<DeliveryIds> ids;
  std::unique_ptr<IssuedCodes> issued_codes;
  CommitWaits commit_waits;
  std::unique_ptr<IntakeJournal> journal;
  // Destroyed in reverse order: the group sync answers what waits, then the applier stops.
  std::unique_ptr<Applier> applier;
  std::unique_ptr<GroupSync> group_sync;
  std::atomic<int64_t> cached_size{-1};
  std::atomic<int64_t> cached_size_at_ns{0};
};

int64_t WebhookReceiver::Impl::store_size_bytes() {
  if (cached_size.load(std::memory_order_relaxed) < 0 ||
      steady_ns() - cached_size_at_ns.load(std::memory_order_relaxed) >
          std::chrono::nanoseconds(kSizeRefresh).count()) {
    cached_size_at_ns.store(steady_ns(), std::memory_order_relaxed);
    cached_size.store(db.size_bytes(), std::memory_order_relaxed);
  }
  return cached_size.load(std::memory_order_relaxed);
}

void WebhookReceiver::Impl::deliver(std::string_view source_id, const server::Request& req,
                                    std::function<void(Outcome)> done) {
  Wait wait;
  Outcome out = receive(source_id, req, wait);
  if (wait.job) {
    wait.waiter.done = std::move(done);
    return commit_waits.await(wait.job, std::move(wait.waiter));
  }
  if (wait.ticket == 0 || !group_sync) return done(std::move(out));
  group_sync->answer_after(wait.ticket, std::move(out), std::move(done));
}

Outcome WebhookReceiver::Impl::receive(std::string_view source_id, const server::Request& req, Wait& wait) {
  auto admitted = admission->admit(source_id, req);
  if (auto* refused = std::get_if<Outcome>(&admitted)) return std::move(*refused);
  Admitted& a = std::get<Admitted>(admitted);
  // A derived id stands for the record's canonical content: compare that on redelivery.
  std::string body_hash = a.content_hash.empty() ? sha256_hex(req.body) : a.content_hash;
  const std::string key = delivery_key(a.source->id, a.webhook_id);
  // A redelivery is answered as before in every case, even when the store is full or
  // this copy of the body is malformed.
  if (auto earlier = earlier_delivery(a, key, body_hash, wait)) return std::move(*earlier);
  if (auto full = over_capacity()) return std::move(*full);
  if (!a.source->record_kind.empty()) {
    std::string code;
    auto job = make_record_job(a, req, std::move(body_hash));
    if (auto* refused = std::get_if<Outcome>(&job)) return std::move(*refused);
    if (!a.source->dossier_code_unit.empty()) {
      if (auto refused = claim_code(*a.source, std::get<JobPtr>(job)->dossier_code, a.webhook_id))
        return std::move(*refused);
    }
    return intake(std::get<JobPtr>(job), key, wait);
  }
  if (a.payload) return intake(make_job(a, req, *a.payload, std::move(body_hash)), key, wait);
  auto payload = parse_payload(req.body, a.format);
  if (!payload.ok()) return problem(400, "malformed-payload", "Malformed payload", payload.error().message);
  return intake(make_job(a, req, *payload, std::move(body_hash)), key, wait);
}

std::optional<Outcome> WebhookReceiver::Impl::earlier_delivery(const Admitted& a, const std::string& key,
                                                               const std::string& body_hash, Wait& wait) {
  if (shared_store) {
    // A redelivery while the first delivery is not yet committed gets that commit's answer.
    if (JobPtr pending = commit_waits.pending(key)) {
      wait.job = std::move(pending);
      wait.waiter = CommitWaiter{true, body_hash, {}};
      return Outcome{};
    }
  }
  auto earlier = ids->earlier(key, a.source->id, a.webhook_id);
  if (!earlier.ok()) {
    return store_unavailable("the receipt store cannot be read; retry later", config.retry_after_seconds);
  }
  if (!*earlier) return std::nullopt;
  // An earlier delivery whose record is not yet on disk: its answer waits like its own.
  wait.ticket = (*earlier)->journal_ticket;
  return replay(**earlier, a.webhook_id, body_hash);
}

std::optional<Outcome> WebhookReceiver::Impl::over_capacity() {
  if (high_water_mark_bytes > 0) {
    int64_t size = store_size_bytes();
    if (size > high_water_mark_bytes) {
      return problem(503, "store-full", "Store over its high-water mark",
                     "the store holds " + std::to_string(size) + " bytes, over its high-water mark of " +
                         std::to_string(high_water_mark_bytes) + "; nothing was recorded, retry later",
                     config.retry_after_seconds);
    }
  }
  size_t backlog = applier->backlog();
  if (backlog < config.max_backlog) return std::nullopt;
  return problem(503, "intake-backlog", "Accepted webhooks are waiting to be stored",
                 std::to_string(backlog) + " accepted webhooks are not yet in the store (limit " +
                     std::to_string(config.max_backlog) +
                     "); nothing was recorded, retry later. If it lasts, the store is failing or too slow: "
                     "see the gateway's log",
                 config.retry_after_seconds);
}

JobPtr WebhookReceiver::Impl::make_job(const Admitted& a, const server::Request& req,
                                       const rapidjson::Value& payload, std::string body_hash) {
  const std::string& source = a.source->id;
  auto job = std::make_shared<IntakeJob>();
  job->source = source;
  job->webhook_id = a.webhook_id;
  job->received_at_ms = clock.now_ms();
  job->answer.body_hash = std::move(body_hash);
  // An Error here (mapping, validation, unmapped code) quarantines.
  auto translated = translators.find(source)->second.translate(payload, clock.now_ms(), codes);
  ShapedAnswer shaped;
  if (translated.ok()) {
    job->answer.outcome = "accepted";
    shaped = kept_answer(a.source->answer, source, a.webhook_id, &translated.value(), "");
    job->event = std::move(translated).value();
  } else {
    job->answer.outcome = "quarantined";
    shaped = kept_answer(a.source->answer, source, a.webhook_id, nullptr, translated.error().message);
    job->quarantine = translated.error();
    // Kept for a retry; a shared key in the body is not kept with it (the body without it
    // translates the same).
    job->body = a.source->shared_key_body_field.empty()
                    ? req.body
                    : canonical_json(payload, a.source->shared_key_body_field);
  }
  job->answer.status = shaped.status;
  job->answer.body = std::move(shaped.body);
  return job;
}

std::variant<Outcome, JobPtr> WebhookReceiver::Impl::make_record_job(const Admitted& a,
                                                                     const server::Request& req,
                                                                     std::string body_hash) {
  const SourceConfig& sc = *a.source;
  auto read = kinds->find(sc.record_kind)->read(req.body, sc.record_limits);
  if (!read.ok()) {
    if (read.error().code == kRecordTooLarge) {
      return problem(413, kRecordTooLarge, "The record's files are over the limit",
                     "the " + sc.record_kind + " record was not kept: " + read.error().message);
    }
    if (read.error().code == kFetchHostNotAllowed) {
      return problem(400, kFetchHostNotAllowed, "A file the record names is on a host not allowed",
                     "the " + sc.record_kind + " record was not kept: " + read.error().message);
    }
    if (read.error().code == kFileFetchFailed) {
      return problem(503, kFileFetchFailed, "A file the record names could not be fetched",
                     "the " + sc.record_kind + " record was not kept: " + read.error().message, 60);
    }
    return problem(400, "invalid-record", "The record cannot be read",
                   "the " + sc.record_kind + " record was not kept: " + read.error().message);
  }
  auto job = std::make_shared<IntakeJob>();
  job->source = sc.id;
  job->webhook_id = a.webhook_id;
  job->received_at_ms = clock.now_ms();
  job->answer.body_hash = std::move(body_hash);
  job->answer.outcome = "accepted";
  ShapedAnswer shaped = kept_record_answer(sc.answer, sc.id, a.webhook_id, sc.record_kind, read->summary);
  job->answer.status = shaped.status;
  job->answer.body = std::move(shaped.body);
  job->kind = sc.record_kind;
  job->record = std::move(read->record);
  job->dossier_code = std::move(read->key);
  return job;
}

std::optional<Outcome> WebhookReceiver::Impl::claim_code(const SourceConfig& sc, const std::string& code,
                                                         const std::string& webhook_id) {
  if (code.empty()) {
    return problem(400, "missing-dossier-code", "The record names no dossier code",
                   "a " + sc.record_kind + " record of source '" + sc.id +
                       "' must carry the dossier code handed out by GET …/LayMaHoSo; nothing was kept");
  }
  auto claimed = issued_codes->claim(sc.id, code, webhook_id, clock.now_ms());
  if (!claimed.ok()) {
    return store_unavailable("the issued dossier codes cannot be read (" + claimed.error().message +
                                 "); nothing was kept, retry later",
                             config.retry_after_seconds);
  }
  switch (*claimed) {
    case CodeClaim::kClaimed:
      return std::nullopt;
    case CodeClaim::kUnknown:
      return problem(400, "unknown-dossier-code", "Unknown dossier code",
                     "dossier code '" + code + "' was not handed out to source '" + sc.id +
                         "' (ask GET …/LayMaHoSo for one); nothing was kept");
    case CodeClaim::kUsedByAnother:
      break;
  }
  return problem(409, "dossier-code-used", "Dossier code already used",
                 "dossier code '" + code + "' is already used by another request of source '" + sc.id +
                     "' (hồ sơ đã tiếp nhận, không thể cập nhật); nothing was kept");
}

// Local store: the job is appended to the journal and queued for the applier, unless a
// concurrent delivery of the same id got there first. Shared store: not journaled, the
// answer waits for the job's commit (or for that of an earlier job of the same id).
Outcome WebhookReceiver::Impl::intake(const JobPtr& job, const std::string& key, Wait& wait) {
  if (shared_store) {
    if (JobPtr earlier = commit_waits.add(key, job)) {
      wait.job = std::move(earlier);
      wait.waiter = CommitWaiter{true, job->answer.body_hash, {}};
      return {};
    }
    ids->note(key);
    applier->push(job);
    wait.job = job;
    return {};
  }
  std::string record = encode_record(*job);
  auto taken = ids->take(key, job->answer, [&] { return applier->append(job, record); });
  if (!taken.ok()) {
    log::error("webhooks", "journal_write_failed", "cannot write the intake journal",
               {{"error", taken.error().message}});
    return store_unavailable("the delivery could not be recorded (" +
                                 std::string(to_string(taken.error().kind)) +
                                 "); nothing was kept, retry later",
                             config.retry_after_seconds);
  }
  if (*taken) {
    // The caller waits for the earlier record's group sync, as for its own.
    wait.ticket = (*taken)->journal_ticket;
    return replay(**taken, job->webhook_id, job->answer.body_hash);
  }
  // The job may be applied (by the applier thread) from here on; only its answer is read.
  wait.ticket = job->answer.journal_ticket;
  return answered(job->answer);
}

// Opens the journal, reads the receipts' ids, queues what an earlier run accepted but
// did not apply (applied first, in order) and starts the applier and the group sync.
void WebhookReceiver::Impl::open_journal_and_start() {
  if (config.journal_dir.empty())
    throw ConfigError("webhooks.journal_dir: no directory for the intake journal");
  JournalOptions jo;
  jo.dir = config.journal_dir;
  jo.fsync = config.journal_fsync;
  jo.segment_bytes = config.journal_segment_bytes;
  jo.use_mapping = config.journal_mapping;
  jo.group_sync = true;
  std::vector<JournalRecord> recovered;
  auto j = IntakeJournal::open(jo, recovered);
  if (!j.ok()) throw ConfigError("webhooks.journal_dir: " + j.error().message);
  journal = std::move(j).value();
  // Receipts already in the store: a redelivery of one of them is looked up there.
  if (Status loaded = ids->load(); !loaded.ok()) {
    throw ConfigError("webhooks: cannot read the receipts: " + loaded.error().message);
  }
  std::deque<JobPtr> queue;
  size_t unreadable = 0;
  for (auto& rec : recovered) {
    auto decoded = decode_record(rec.payload);
    if (!decoded.ok()) {
      ++unreadable;
      log::error("webhooks", "journal_record_unreadable", "a record of the intake journal cannot be read",
                 {{"segment", static_cast<unsigned long>(rec.segment)}, {"error", decoded.error().message}});
      continue;
    }
    auto p = std::make_shared<IntakeJob>();
    static_cast<IntakeRecord&>(*p) = std::move(decoded).value();
    p->segment = rec.segment;
    ids->hold(delivery_key(p->source, p->webhook_id), p->answer);
    queue.push_back(std::move(p));
  }
  if (!recovered.empty()) {
    log::info("webhooks", "journal_recovered",
              "accepted deliveries from the intake journal are applied to the store first",
              {{"deliveries", static_cast<unsigned long>(recovered.size() - unreadable)},
               {"unreadable", static_cast<unsigned long>(unreadable)}});
  }
  ApplierOptions ao;
  ao.shared_store = shared_store;
  ao.destinations = config.destinations;
  for (const auto& s : config.sources) {
    if (!s.origin.empty()) ao.destinations_by_source.emplace(s.id, destinations_for(config, s.id));
  }
  ao.notify = config.notify_url.has_value();
  ao.kinds = kinds;
  ao.translators = destinations;
  ao.journal_held_records = !recovered.empty();
  ao.applied = [this](const std::vector<std::string>& keys) { ids->applied(keys); };
  if (shared_store) ao.settled = [this](const std::vector<JobPtr>& jobs) { commit_waits.settle(jobs); };
  applier = std::make_unique<Applier>(db, outbox, clock, *journal, std::move(ao), std::move(queue));
  if (journal->syncs_in_groups())
    group_sync = std::make_unique<GroupSync>(*journal, config.retry_after_seconds);
}

WebhookReceiver::WebhookReceiver(WebhooksConfig config, store::Database& db, outbox::Outbox& outbox,
                                 const Clock& clock, int64_t high_water_mark_bytes,
                                 const mapping::CodeResolver* codes, const RecordKinds* kinds,
                                 const dossiers::EventDestinations* destinations)
    : impl_(
          std::make_unique<Impl>(std::move(config), db, outbox, clock, high_water_mark_bytes, codes, kinds)) {
  Impl& im = *impl_;
  im.destinations = destinations;
  for (const auto& sc : im.config.sources) {
    if (sc.record_kind.empty()) {
      im.translators.emplace(sc.id, SourceTranslator::load(sc));
    } else if (!kinds || !kinds->find(sc.record_kind)) {
      throw ConfigError("webhooks.sources." + sc.id + ".record_kind: no record kind '" + sc.record_kind +
                        "' is available in this build");
    }
  }
  im.admission = std::make_unique<Admission>(im.config, clock);
  im.ids = std::make_unique<DeliveryIds>(db);
  im.issued_codes = std::make_unique<IssuedCodes>(db);
  im.open_journal_and_start();
}

WebhookReceiver::~WebhookReceiver() {
  impl_->group_sync.reset();  // after answering what waits
  impl_->applier.reset();     // shared store: what still waits for a commit is answered 503
}

std::vector<store::Migration> WebhookReceiver::migrations() {
  auto all = Receipts::migrations();
  for (auto& m : IssuedCodes::migrations()) all.push_back(std::move(m));
  return all;
}

Outcome WebhookReceiver::issue_code(std::string_view source, const server::Request& request) {
  Impl& im = *impl_;
  auto who = im.admission->authenticate(source, request);
  if (auto* refused = std::get_if<Outcome>(&who)) return std::move(*refused);
  const SourceConfig& sc = *std::get<const SourceConfig*>(who);
  if (sc.dossier_code_unit.empty()) {
    return problem(404, "no-dossier-codes", "This source is not handed dossier codes",
                   "source '" + sc.id + "' has no dossier_codes setting; its records need no code first");
  }
  auto code = im.issued_codes->issue(sc.id, sc.dossier_code_unit, im.clock.now_ms());
  if (!code.ok()) {
    log::error("webhooks", "dossier_code_failed", "cannot hand out a dossier code",
               {{"source", sc.id}, {"error", code.error().message}});
    return store_unavailable("no dossier code could be stored (" + code.error().message + "); retry later",
                             im.config.retry_after_seconds);
  }
  log::info("webhooks", "dossier_code_issued", "dossier code handed out",
            {{"source", sc.id}, {"code", *code}});
  Outcome o;
  o.status = 200;
  o.reason = "issued";
  // ASP.NET Core's Result<string> as the public receiver answers it (docs/contracts/national_push.md).
  json::ObjectWriter w(o.body);
  w.boolean("succeeded", true).boolean("failed", false).str("message", "").str("data", *code).close();
  return o;
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
  return impl_->applier->wait_applied(timeout);
}

Result<int64_t> WebhookReceiver::prune_receipts(int64_t cutoff_ms) {
  return impl_->ids->prune(cutoff_ms);
}

size_t WebhookReceiver::known_ids() const {
  return impl_->ids->known();
}

size_t WebhookReceiver::backlog() const {
  return impl_->applier->backlog();
}

double WebhookReceiver::applier_lag_seconds(int64_t now_ms) const {
  auto oldest = impl_->applier->oldest_unapplied_ms();
  if (!oldest || *oldest >= now_ms) return 0;
  return static_cast<double>(now_ms - *oldest) / 1000.0;
}

std::optional<size_t> WebhookReceiver::body_limit(std::string_view source) const {
  return impl_->admission->body_limit(source);
}

const WebhooksConfig& WebhookReceiver::config() const {
  return impl_->config;
}

}  // namespace lienthong::webhooks
