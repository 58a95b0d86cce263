// POST /v1/webhooks/{source}: proves who sent a push, translates it into the canonical
// dossier-status event (or, for a source with a record_kind, has that kind read it:
// record_kind.hpp), writes it to the intake journal (gateway/flows/webhooks/intake_journal.hpp)
// and only then answers 2xx. One applier thread moves the accepted deliveries, in order,
// into the store: event, dossier view, outbox messages and receipt in one transaction per
// batch. Every refusal happens before any write (no side effect).
// The receiver composes parts with one job each: admission.hpp (source, limits,
// authentication, rate), delivery_ids.hpp (idempotency), intake_journal.hpp and
// group_sync.hpp (the journal and its group fdatasync), applier.hpp (journal to store),
// commit_waits.hpp (shared store: answers after the commit).
// On a store several instances share (PostgreSQL) the answer waits instead for the
// applier's commit of the delivery, and the dossier's sequence is decided in that
// transaction under a per-dossier lock: see docs/webhooks.md, "Several instances".
// Kept free of the HTTP server so that it can be tested without sockets; the component
// (webhooks_component.cpp) turns Outcome into a server::Response.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/outcome.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::outbox {
class Outbox;
}
namespace lienthong::mapping {
class CodeResolver;
}
namespace lienthong::dossiers {
class EventDestinations;
}

namespace lienthong::webhooks {

class RecordKinds;

class WebhookReceiver {
 public:
  // Loads each source's mapping file and procedure-code table; throws ConfigError naming
  // the file. `destinations` (may be null, not owned): the destination adapters built from
  // the config; a destination of webhooks.destinations found there queues its own
  // messages (DVCQG's records, as for the sync flow), the others the canonical event. `notify` says whether
  // accepted events are also queued for the provincial system's notification endpoint. Accepted deliveries
  // found in the journal (a previous run stopped before applying them) are applied first.
  WebhookReceiver(WebhooksConfig config, store::Database& db, outbox::Outbox& outbox, const Clock& clock,
                  int64_t high_water_mark_bytes = 0, const mapping::CodeResolver* codes = nullptr,
                  const RecordKinds* kinds = nullptr,
                  const dossiers::EventDestinations* destinations = nullptr);
  ~WebhookReceiver();

  // The receipts' and the issued dossier codes' tables.
  static std::vector<store::Migration> migrations();

  // `source` from the path; the request's headers, body and peer certificate. Returns
  // once the delivery is durable in the intake journal, or committed to a shared store
  // (or refused).
  Outcome receive(std::string_view source, const server::Request& request);
  // The same, answering through `done` (on this thread or, after the journal's group
  // sync, on its syncing thread) instead of holding this thread until the delivery is on
  // disk. The request is not used after this returns.
  void receive_async(std::string_view source, const server::Request& request,
                     std::function<void(Outcome)> done);
  // GET <prefix>/{source}/LayMaHoSo: a new dossier code for a source with dossier_codes,
  // stored before it is answered (issued_codes.hpp); 200 with the code in `body` as the
  // criminal-record service reads it ({"succeeded":true,"data":"<code>",…}), or a refusal.
  Outcome issue_code(std::string_view source, const server::Request& request);
  // Whether answers wait for a group sync of the journal (journal_fsync) or, on a shared
  // store, for the applier's commit: the HTTP route is then asynchronous, so that the
  // deliveries of many connections share one fdatasync or one transaction.
  bool answers_after_group_sync() const;
  // Waits until every accepted delivery is applied to the store (tests, benchmarks,
  // operators' tools); false when `timeout` passed first (the store keeps failing).
  bool wait_applied(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Accepted deliveries not yet applied to the store.
  size_t backlog() const;
  // How long the oldest accepted delivery not yet applied has waited, in seconds at
  // `now_ms`; 0 when the applier has caught up.
  double applier_lag_seconds(int64_t now_ms) const;
  // Deletes the receipts received before `cutoff_ms` (retention) and forgets their ids;
  // a redelivery of one of them is then a new delivery. Returns how many were deleted.
  Result<int64_t> prune_receipts(int64_t cutoff_ms);
  // (source, webhook-id) pairs held in memory as possibly having a receipt.
  size_t known_ids() const;

  // Per-source body limit, for the server's limit resolver (nullopt: unknown source).
  std::optional<size_t> body_limit(std::string_view source) const;
  const WebhooksConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::webhooks
