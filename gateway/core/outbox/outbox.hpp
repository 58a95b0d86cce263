// Durable outbox: every outbound message is committed to the store before any attempt
// to send it. Messages sharing an ordering key are delivered strictly in enqueue order
// (a dossier's status history), retried with exponential backoff and jitter, and
// dead-lettered after max_attempts or max_age; a dead letter can be replayed.
//
// Ordering guarantee: the ordering key is global (across destinations). A message is
// claimable only when every earlier message (lower id) with the same ordering key is
// sent (or discarded by an operator). A message in flight (leased) or waiting for a
// backoff therefore holds back the later messages of its key, and a dead letter blocks
// its key until it is replayed (`outbox replay`) or discarded (`outbox discard`);
// other keys are unaffected. Delivery is at-least-once: a worker that crashes after
// delivering but before mark_sent gets its batch re-delivered when the lease expires,
// so destinations should pass the dedup key upstream as an idempotency key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::outbox {

// kDiscarded: an operator gave up on a dead letter so that its key moves on.
enum class State { kPending, kSent, kDead, kDiscarded };
std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);

// The dossier an ordering key names: what follows its first ':' ("dossier:<MaHoSo>"),
// or the whole key when it has none. Stored with each message and indexed.
std::string dossier_of_ordering_key(std::string_view key);

struct NewMessage {
  std::string destination;   // adapter name, e.g. "dvcqg"
  std::string kind;          // e.g. "dossier_status"
  std::string ordering_key;  // e.g. "dvcqg:<MaHoSo>"; same key → in-order delivery
  std::string dedup_key;     // unique; enqueueing an existing key is a no-op
  std::string payload;       // usually canonical JSON
  int64_t events = 1;        // status events it carries (for counting what was delivered)
};

struct Message {
  int64_t id = 0;
  std::string destination, kind, ordering_key, dedup_key, payload;
  State state = State::kPending;
  int attempts = 0;
  int64_t created_at_ms = 0;
  int64_t next_attempt_at_ms = 0;
  int64_t sent_at_ms = 0;
  std::string last_error;
  std::string content_hash;  // sha256 of payload
  int64_t lease_until_ms = 0;
  int64_t events = 1;  // status events it carries
};

// A failed delivery attempt: its number (attempts restart at 1 after a replay), when it
// was settled, "retry" or "dead", and the answer as recorded in last_error.
struct Attempt {
  int attempt = 0;
  int64_t at_ms = 0;
  std::string outcome;
  std::string answer;
};

struct Policy {
  int max_attempts = 10;
  int64_t max_age_ms = 24LL * 3600 * 1000;
  int64_t backoff_initial_ms = 500;
  int64_t backoff_max_ms = 5 * 60 * 1000;
  double backoff_multiplier = 2.0;
  double jitter = 0.2;        // ± share of the delay
  int64_t lease_ms = 60'000;  // a claimed message is re-claimable after this (crash)
  // Worker settings, read by whoever runs the Dispatcher.
  int workers = 1;
  size_t batch_size = 500;  // upper bound on one claim, whatever max_batch() says
  int64_t poll_interval_ms = 1000;
  // Sent and discarded messages are deleted this long after they settled (0: kept for
  // ever); `serve` prunes daily, `lienthong outbox prune` on demand.
  int64_t retention_days = 30;

  // Keys: max_attempts, max_age_seconds, backoff_initial_ms, backoff_max_ms,
  // backoff_multiplier, jitter, lease_ms (plus the worker keys: workers, batch_size,
  // poll_interval_ms) and retention_days.
  static Policy from_config(const ConfigNode& node);
};

// Delay before attempt number `attempts` + 1, given a uniform random number in [0, 1):
// min(backoff_max_ms, backoff_initial_ms × multiplier^(attempts-1)) ± jitter, never above
// backoff_max_ms (attempts ≤ 1 → backoff_initial_ms ± jitter).
int64_t backoff_delay_ms(const Policy& p, int attempts, double random01);

// Lowercase hex SHA-256.
using ::lienthong::sha256_hex;  // gateway/core/common/digest.hpp

struct EnqueueResult {
  int64_t id = 0;
  bool inserted = false;  // false: the dedup key existed with the same content
};

struct Counts {
  int64_t pending = 0, sent = 0, dead = 0, blocked = 0;
};

struct ListFilter {
  std::optional<State> state;
  std::string destination;
  int64_t limit = 100;
  int64_t after_id = 0;
};

class Outbox {
 public:
  Outbox(store::Database& db, Policy policy, const Clock& clock);
  static std::vector<store::Migration> migrations();

  // Joins the caller's transaction when called inside one, so the message commits
  // together with the caller's own state. The same dedup key with different content is
  // refused (kConflict): nothing is sent twice with different content.
  Result<EnqueueResult> enqueue(const NewMessage& m);

  // Up to `limit` messages for `destination` that are due, not leased, and first in line
  // for their ordering key; leases them for policy.lease_ms and counts the attempt
  // (a crash mid-delivery still uses up an attempt, so a poison message cannot loop).
  // At most one message per ordering key per claim. Returned in id order.
  Result<std::vector<Message>> claim(const std::string& destination, size_t limit);
  Status mark_sent(const std::vector<int64_t>& ids);
  // Retryable errors schedule the next attempt; others, or attempts/age exhausted,
  // dead-letter the message. Returns the state the message ends in. `claimed_lease` is
  // the lease_until_ms the caller's claim gave the message (0: not checked): if the
  // lease ran out and the message was claimed again meanwhile (by another worker or
  // instance, which may be delivering it now), the stale failure changes nothing: it
  // would clear the new holder's lease and let a third claimer send it beside it.
  Result<State> mark_failed(int64_t id, const Error& error, int64_t claimed_lease = 0);
  // Both of the above for one delivered batch, in one transaction: outcomes[i] belongs
  // to ids[i], claimed_leases[i] (when given) is its lease as claimed. Returns the state
  // each message ends in.
  Result<std::vector<State>> mark_outcomes(const std::vector<int64_t>& ids,
                                           const std::vector<Status>& outcomes,
                                           const std::vector<int64_t>& claimed_leases = {});

  Result<std::vector<Message>> list(const ListFilter& filter);
  Result<Message> get(int64_t id);
  // The message's failed attempts, oldest first (none for one delivered at its first try).
  Result<std::vector<Attempt>> failed_attempts(int64_t id);
  // Dead (or pending) → pending, due now, attempts reset.
  Status replay(int64_t id);
  Result<Counts> counts(const std::string& destination = "");
  // counts() without `sent`: reads only pending and dead messages (state index), however
  // many sent ones have accumulated.
  Result<Counts> unsent_counts(const std::string& destination);
  // Every destination that has a message in any state, sorted; a few index seeks each.
  Result<std::vector<std::string>> destinations();
  // Dead → discarded: unblocks the later messages of its key without sending it.
  Status discard(int64_t id);
  // Replays every dead letter (of one destination when given); returns how many.
  Result<int64_t> replay_all_dead(const std::string& destination = "");
  // Earliest time a currently blocked-by-time head of line for `destination` becomes
  // claimable (max of next attempt and lease end); nullopt when nothing can become due
  // (empty, or only messages blocked behind dead letters).
  Result<std::optional<int64_t>> next_due_ms(const std::string& destination);
  // Deletes sent messages settled before `cutoff_ms` and discarded ones queued before it,
  // with their payloads, in transactions of `chunk` messages (the dispatcher is not held
  // up). Pending and dead messages are never deleted. Returns how many were deleted.
  Result<int64_t> prune(int64_t cutoff_ms, size_t chunk = 1000);
  const Policy& policy() const { return policy_; }

 private:
  Result<Counts> counts_of(const std::string& destination, bool with_sent);
  Status load_payloads(std::vector<Message>& messages);

  store::Database& db_;
  Policy policy_;
  const Clock& clock_;
};

// What delivers claimed messages to one upstream (implemented by adapters).
class Destination {
 public:
  virtual ~Destination() = default;
  virtual std::string name() const = 0;
  virtual size_t max_batch() const { return 1; }
  // One outcome per message, same order. ok → sent; error → retried or dead-lettered.
  virtual std::vector<Status> deliver(const std::vector<Message>& batch) = 0;
};

struct DeliveryStats {
  int64_t sent = 0, retried = 0, dead_lettered = 0;  // messages
  int64_t sent_events = 0;                           // status events in the sent messages
};

// Drains an outbox into destinations. run_until_idle() serves `sync`; start()/stop()
// run background workers for `serve`.
class Dispatcher {
 public:
  Dispatcher(Outbox& outbox, const Clock& clock);
  ~Dispatcher();
  // Throws ConfigError when a destination of that name is already added.
  void add(Destination& destination);
  // Delivers until nothing is due (messages waiting for a backoff count as not due) or
  // `deadline_ms` passes; sleeps until the next due message when `wait_for_retries`.
  Result<DeliveryStats> run_until_idle(int64_t deadline_ms, bool wait_for_retries);
  void start(int workers, int64_t poll_interval_ms);
  void stop();
  bool running() const;  // workers started and not stopped
  // Workers waiting for their next poll look again now (new messages were queued).
  void wake();
  DeliveryStats stats() const;  // since construction
  // How run_until_idle waits for a retry (default: real sleep). Tests pass a function
  // that advances a ManualClock.
  void set_sleep(std::function<void(int64_t ms)> sleep);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::outbox
