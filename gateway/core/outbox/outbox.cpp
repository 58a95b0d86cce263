#include "gateway/core/outbox/outbox.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <unordered_map>

#include "gateway/core/common/log.hpp"

namespace lienthong::outbox {

namespace {

// Columns read into a Message, in this order (see read_message), from outbox o joined
// with outbox_payloads p (kFrom).
constexpr const char* kColumns =
    "o.id, o.destination, o.kind, o.ordering_key, o.dedup_key, p.payload, o.state, o.attempts, "
    "o.created_at_ms, o.next_attempt_at_ms, o.sent_at_ms, o.last_error, o.content_hash, o.lease_until_ms, "
    "o.events";
constexpr const char* kFrom = " FROM outbox o JOIN outbox_payloads p ON p.id = o.id";
// The same without the payload, as RETURNING of an UPDATE of outbox gives them.
constexpr const char* kReturning =
    "id, destination, kind, ordering_key, dedup_key, '', state, attempts, created_at_ms, "
    "next_attempt_at_ms, sent_at_ms, last_error, content_hash, lease_until_ms, events";

// Text columns are moved out of the row (it is not used afterwards).
Message read_message(store::Row& r) {
  Message m;
  m.id = r.i64(0);
  m.destination = r.take_str(1);
  m.kind = r.take_str(2);
  m.ordering_key = r.take_str(3);
  m.dedup_key = r.take_str(4);
  m.payload = r.take_str(5);
  m.state = parse_state(r.str(6)).value_or(State::kPending);
  m.attempts = static_cast<int>(r.i64(7));
  m.created_at_ms = r.i64(8);
  m.next_attempt_at_ms = r.i64(9);
  m.sent_at_ms = r.i64(10);
  m.last_error = r.take_str(11);
  m.content_hash = r.take_str(12);
  m.lease_until_ms = r.i64(13);
  m.events = r.i64(14);
  return m;
}

double random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string state_sql(State s) {
  return std::string(to_string(s));
}

// Statements over many ids take them in groups of kIdGroup: one statement per group
// instead of one per id (a statement's own overhead cost as much as the row's work), and
// a fixed SQL text, so the store's statement cache holds one prepared statement per use.
constexpr size_t kIdGroup = 64;

// `prefix` followed by "(?, ?, ...)" with kIdGroup placeholders.
std::string with_id_group(std::string_view prefix) {
  std::string sql(prefix);
  sql += " (?";
  for (size_t i = 1; i < kIdGroup; ++i) sql += ", ?";
  return sql + ")";
}

// Calls fn(params) once per group of ids; params = `leading` then kIdGroup ids. A short
// last group repeats its last id, which an IN list ignores.
template <class Fn>
Status for_each_id_group(const std::vector<int64_t>& ids, const store::Params& leading, Fn fn) {
  store::Params params;
  params.reserve(leading.size() + kIdGroup);
  for (size_t start = 0; start < ids.size(); start += kIdGroup) {
    size_t end = std::min(ids.size(), start + kIdGroup);
    params = leading;
    for (size_t i = start; i < start + kIdGroup; ++i) params.emplace_back(ids[std::min(i, end - 1)]);
    LT_TRY(fn(params));
  }
  return {};
}

}  // namespace

std::string dossier_of_ordering_key(std::string_view key) {
  auto colon = key.find(':');
  return std::string(colon == std::string_view::npos ? key : key.substr(colon + 1));
}

std::string_view to_string(State s) {
  switch (s) {
    case State::kPending:
      return "pending";
    case State::kSent:
      return "sent";
    case State::kDead:
      return "dead";
    case State::kDiscarded:
      return "discarded";
  }
  return "pending";
}

std::optional<State> parse_state(std::string_view s) {
  for (State st : {State::kPending, State::kSent, State::kDead, State::kDiscarded}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

Policy Policy::from_config(const ConfigNode& node) {
  node.allow_only({"max_attempts", "max_age_seconds", "backoff_initial_ms", "backoff_max_ms",
                   "backoff_multiplier", "jitter", "lease_ms", "workers", "batch_size", "poll_interval_ms",
                   "retention_days"});
  Policy p;
  p.max_attempts = static_cast<int>(node.integer_or("max_attempts", p.max_attempts, 1, 1000));
  p.max_age_ms = node.integer_or("max_age_seconds", p.max_age_ms / 1000, 1, 365LL * 24 * 3600) * 1000;
  p.backoff_initial_ms = node.integer_or("backoff_initial_ms", p.backoff_initial_ms, 1, 24LL * 3600 * 1000);
  p.backoff_max_ms = node.integer_or("backoff_max_ms", p.backoff_max_ms, 1, 7LL * 24 * 3600 * 1000);
  if (p.backoff_max_ms < p.backoff_initial_ms) {
    node.fail("backoff_max_ms",
              "must be at least backoff_initial_ms (" + std::to_string(p.backoff_initial_ms) + ")");
  }
  p.backoff_multiplier = node.number_or("backoff_multiplier", p.backoff_multiplier, 1.0, 10.0);
  p.jitter = node.number_or("jitter", p.jitter, 0.0, 1.0);
  p.lease_ms = node.integer_or("lease_ms", p.lease_ms, 100, 24LL * 3600 * 1000);
  p.workers = static_cast<int>(node.integer_or("workers", p.workers, 1, 64));
  p.batch_size =
      static_cast<size_t>(node.integer_or("batch_size", static_cast<int64_t>(p.batch_size), 1, 10000));
  p.poll_interval_ms = node.integer_or("poll_interval_ms", p.poll_interval_ms, 1, 3600 * 1000);
  p.retention_days = node.integer_or("retention_days", p.retention_days, 0, 36500);
  return p;
}

int64_t backoff_delay_ms(const Policy& p, int attempts, double r) {
  int exponent = std::max(0, attempts - 1);
  double base = static_cast<double>(p.backoff_initial_ms) * std::pow(p.backoff_multiplier, exponent);
  double cap = static_cast<double>(p.backoff_max_ms);
  if (!(base < cap)) base = cap;  // also catches overflow to inf
  r = std::clamp(r, 0.0, 1.0);
  double delay = base * (1.0 + p.jitter * (2.0 * r - 1.0));
  delay = std::clamp(delay, 0.0, cap);
  return static_cast<int64_t>(delay);
}

Outbox::Outbox(store::Database& db, Policy policy, const Clock& clock)
    : db_(db), policy_(policy), clock_(clock) {}

std::vector<store::Migration> Outbox::migrations() {
  // States are text so that an operator reading the table with sqlite3/psql sees them.
  // The partial indexes keep claim fast however many sent rows accumulate: the due scan
  // only visits pending rows, and the head-of-line check only visits unsent rows.
  // PostgreSQL: `id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`; the rest is shared.
  return {
      {"outbox", 1,
       "CREATE TABLE outbox ("
       " id INTEGER PRIMARY KEY,"
       " destination TEXT NOT NULL,"
       " kind TEXT NOT NULL,"
       " ordering_key TEXT NOT NULL,"
       " dedup_key TEXT NOT NULL UNIQUE,"
       " payload TEXT NOT NULL,"
       " content_hash TEXT NOT NULL,"
       " state TEXT NOT NULL DEFAULT 'pending',"
       " attempts INTEGER NOT NULL DEFAULT 0,"
       " created_at_ms BIGINT NOT NULL,"
       " next_attempt_at_ms BIGINT NOT NULL,"
       " lease_until_ms BIGINT NOT NULL DEFAULT 0,"
       " sent_at_ms BIGINT NOT NULL DEFAULT 0,"
       " last_error TEXT NOT NULL DEFAULT '',"
       " replayed_at_ms BIGINT NOT NULL DEFAULT 0);"
       "CREATE INDEX outbox_due ON outbox (destination, next_attempt_at_ms, id) WHERE state = 'pending';"
       "CREATE INDEX outbox_unsent_by_key ON outbox (ordering_key, id) WHERE state IN ('pending', 'dead');"
       "CREATE INDEX outbox_state ON outbox (state, destination)"},
      // Payloads in a table of their own: claiming and settling a message rewrites its
      // row, and with the payload in it a row filled most of a page, so a batch of 500
      // dirtied ~500 pages twice over. Rows without it share pages (~20 per page).
      {"outbox", 2,
       "CREATE TABLE outbox_payloads (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
       "INSERT INTO outbox_payloads (id, payload) SELECT id, payload FROM outbox;"
       "ALTER TABLE outbox DROP COLUMN payload"},
      // A message may carry several status events of one dossier (sync::SyncTarget::combine).
      {"outbox", 3, "ALTER TABLE outbox ADD COLUMN events INTEGER NOT NULL DEFAULT 1"},
      // The dossier of a message (its ordering key after the first ':', see
      // dossier_of_ordering_key), indexed so that a dossier's messages, sent ones included,
      // are found without reading every row. The backfill names the prefixes the flows use
      // (sync and webhooks: "dossier:", the one-stop-shop notices); substr is portable.
      {"outbox", 4,
       "ALTER TABLE outbox ADD COLUMN dossier_code TEXT NOT NULL DEFAULT '';"
       "UPDATE outbox SET dossier_code = substr(ordering_key, 9) WHERE ordering_key LIKE 'dossier:%';"
       "UPDATE outbox SET dossier_code = substr(ordering_key, 22) WHERE ordering_key LIKE "
       "'one_stop_shop_notify:%';"
       "CREATE INDEX outbox_by_dossier ON outbox (dossier_code, id)"},
      // Each failed delivery attempt and the answer it got (the operator's history of a
      // message; a successful attempt is the message's sent_at_ms). Deleted with the
      // message by prune.
      {"outbox", 5,
       "CREATE TABLE outbox_attempts (id INTEGER PRIMARY KEY, message_id BIGINT NOT NULL, attempt INTEGER "
       "NOT "
       "NULL, at_ms BIGINT NOT NULL, outcome TEXT NOT NULL, answer TEXT NOT NULL);"
       "CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, id)"}};
}

Result<EnqueueResult> Outbox::enqueue(const NewMessage& m) {
  for (auto [field, value] :
       {std::pair{"destination", &m.destination}, std::pair{"kind", &m.kind},
        std::pair{"ordering_key", &m.ordering_key}, std::pair{"dedup_key", &m.dedup_key}}) {
    if (value->empty()) {
      return Error(ErrorKind::kValidation, std::string("outbox enqueue: field '") + field + "' is empty");
    }
  }
  std::string hash = sha256_hex(m.payload);
  int64_t now = clock_.now_ms();
  EnqueueResult out;
  Status s = db_.transaction([&]() -> Status {
    // Not RETURNING id: SQLite builds an ephemeral table for every run of a statement with
    // RETURNING, which cost several times the insert itself (the sync flow enqueues one
    // message per dossier of every page); nor a SELECT through dedup_key's index: the store
    // gives the new row's id. The message's text is bound where it lies (views), not copied.
    LT_ASSIGN_OR_RETURN(
        int64_t id,
        db_.insert("INSERT INTO outbox (destination, kind, ordering_key, dedup_key, "
                   "content_hash, state, created_at_ms, next_attempt_at_ms, events, dossier_code) "
                   "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) "
                   "ON CONFLICT (dedup_key) DO NOTHING",
                   {std::string_view(m.destination), std::string_view(m.kind),
                    std::string_view(m.ordering_key), std::string_view(m.dedup_key), std::string_view(hash),
                    now, now, std::max<int64_t>(1, m.events), dossier_of_ordering_key(m.ordering_key)}));
    if (id > 0) {
      out.id = id;
      out.inserted = true;
      LT_TRY(db_.exec("INSERT INTO outbox_payloads (id, payload) VALUES (?, ?)",
                      {out.id, std::string_view(m.payload)}));
      return {};
    }
    LT_ASSIGN_OR_RETURN(store::Rows old, db_.query("SELECT id, content_hash, destination, kind, ordering_key "
                                                   "FROM outbox WHERE dedup_key = ?",
                                                   {std::string_view(m.dedup_key)}));
    if (old.empty())
      return Error(ErrorKind::kStore, "outbox enqueue: dedup key vanished during insert; retry");
    const store::Row& r = old[0];
    if (r.str(1) != hash || r.str(2) != m.destination || r.str(3) != m.kind || r.str(4) != m.ordering_key) {
      // The key is not printed: it may embed a dossier or citizen identifier.
      return Error(ErrorKind::kConflict,
                   "outbox enqueue: message " + std::to_string(r.i64(0)) +
                       " already holds this dedup key with different content; a dedup key must identify one "
                       "message (include a version or event id in it)");
    }
    out.id = r.i64(0);
    out.inserted = false;
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<Message>> Outbox::claim(const std::string& destination, size_t limit) {
  if (limit == 0) return std::vector<Message>{};
  int64_t now = clock_.now_ms();
  // One statement: select the heads of line and lease them. Oldest due first, walking
  // outbox_due in index order so a claim stops after `limit` rows instead of sorting
  // every pending row; order within a key comes from the NOT EXISTS, not from ORDER BY. On PostgreSQL the
  // subquery needs FOR UPDATE SKIP LOCKED for concurrent claimers; SQLite serialises writers.
  std::string sql = std::string(
                        "UPDATE outbox SET lease_until_ms = ?, attempts = attempts + 1 WHERE id IN ("
                        "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.destination = ? "
                        "AND o.next_attempt_at_ms <= ? AND o.lease_until_ms <= ? "
                        "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key "
                        "AND p.state IN ('pending', 'dead') AND p.id < o.id) "
                        "ORDER BY o.next_attempt_at_ms, o.id LIMIT ?") +
                    // Several instances on one PostgreSQL: rows another claimer has locked are
                    // skipped, and a row it leased meanwhile fails the recheck of the WHERE.
                    (db_.backend() == "postgresql" ? " FOR UPDATE OF o SKIP LOCKED" : "") + ") RETURNING " +
                    kReturning;
  std::vector<Message> out;
  Status s = db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(store::Rows rows,
                        db_.query(sql, {now + policy_.lease_ms, std::string_view(destination), now, now,
                                        static_cast<int64_t>(limit)}));
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(read_message(r));
    return load_payloads(out);
  });
  if (!s.ok()) return s.error().context("outbox claim for destination '" + destination + "'");
  std::sort(out.begin(), out.end(), [](const Message& a, const Message& b) { return a.id < b.id; });
  return out;
}

Status Outbox::load_payloads(std::vector<Message>& messages) {
  static const std::string kSql = with_id_group("SELECT id, payload FROM outbox_payloads WHERE id IN");
  std::unordered_map<int64_t, Message*> by_id;
  std::vector<int64_t> ids;
  by_id.reserve(messages.size());
  ids.reserve(messages.size());
  for (auto& m : messages) {
    by_id[m.id] = &m;
    ids.push_back(m.id);
  }
  return for_each_id_group(ids, {}, [&](const store::Params& params) -> Status {
    LT_ASSIGN_OR_RETURN(store::Rows rows, db_.query(kSql, params));
    for (auto& r : rows) {
      auto it = by_id.find(r.i64(0));
      if (it != by_id.end()) it->second->payload = r.take_str(1);
    }
    return {};
  });
}

Status Outbox::mark_sent(const std::vector<int64_t>& ids) {
  if (ids.empty()) return {};
  int64_t now = clock_.now_ms();
  // Also from dead/discarded: a late report from a worker whose lease expired is still
  // the truth (it was delivered).
  static const std::string kSql = with_id_group(
      "UPDATE outbox SET state = 'sent', sent_at_ms = ?, lease_until_ms = 0 WHERE state <> 'sent' AND id IN");
  return db_.transaction([&]() -> Status {
    return for_each_id_group(ids, {now}, [&](const store::Params& params) { return db_.exec(kSql, params); });
  });
}

Result<State> Outbox::mark_failed(int64_t id, const Error& error, int64_t claimed_lease) {
  int64_t now = clock_.now_ms();
  State result = State::kPending;
  std::string recorded = std::string(to_string(error.kind)) + ": " + error.message;
  if (error.upstream_status != 0)
    recorded += " (upstream HTTP " + std::to_string(error.upstream_status) + ")";
  if (!error.code.empty()) recorded += " [code " + error.code + "]";
  Status s = db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(store::Rows rows,
                        db_.query("SELECT state, attempts, created_at_ms, replayed_at_ms, lease_until_ms "
                                  "FROM outbox WHERE id = ?",
                                  {id}));
    if (rows.empty())
      return Error(ErrorKind::kNotFound, "outbox message " + std::to_string(id) + " not found");
    auto state = parse_state(rows[0].str(0));
    if (state != State::kPending) {
      result = state.value_or(State::kPending);
      return {};  // already settled (e.g. sent by another worker after a lease expiry)
    }
    if (claimed_lease != 0 && rows[0].i64(4) != claimed_lease) {
      // Claimed again after this caller's lease ran out: the new holder reports the outcome.
      log::info("outbox", "stale_failure_dropped",
                "message claimed again after a lease ran out; a stale failure report is dropped",
                {{"message_id", static_cast<long long>(id)}});
      return {};
    }
    int attempts = static_cast<int>(rows[0].i64(1));
    int64_t age_from = std::max(rows[0].i64(2), rows[0].i64(3));
    bool dead =
        !is_retryable(error.kind) || attempts >= policy_.max_attempts || now - age_from >= policy_.max_age_ms;
    LT_TRY(
        db_.exec("INSERT INTO outbox_attempts (message_id, attempt, at_ms, outcome, answer) VALUES (?, ?, ?, "
                 "?, ?)",
                 {id, static_cast<int64_t>(attempts), now, std::string(dead ? "dead" : "retry"), recorded}));
    if (dead) {
      result = State::kDead;
      return db_.exec("UPDATE outbox SET state = 'dead', lease_until_ms = 0, last_error = ? WHERE id = ?",
                      {recorded, id})
                     .ok()
                 ? Status{}
                 : Status(
                       Error(ErrorKind::kStore, "outbox: cannot dead-letter message " + std::to_string(id)));
    }
    int64_t next = now + backoff_delay_ms(policy_, attempts, random01());
    LT_TRY(
        db_.exec("UPDATE outbox SET next_attempt_at_ms = ?, lease_until_ms = 0, last_error = ? WHERE id = ?",
                 {next, recorded, id}));
    return {};
  });
  if (!s.ok()) return s.error();
  return result;
}

Result<std::vector<State>> Outbox::mark_outcomes(const std::vector<int64_t>& ids,
                                                 const std::vector<Status>& outcomes,
                                                 const std::vector<int64_t>& claimed_leases) {
  if (ids.size() != outcomes.size() || (!claimed_leases.empty() && claimed_leases.size() != ids.size())) {
    return Error(ErrorKind::kInternal, "outbox mark_outcomes: " + std::to_string(ids.size()) + " ids but " +
                                           std::to_string(outcomes.size()) + " outcomes and " +
                                           std::to_string(claimed_leases.size()) + " leases");
  }
  std::vector<State> states(ids.size(), State::kSent);
  Status s = db_.transaction([&]() -> Status {
    std::vector<int64_t> sent;
    sent.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (outcomes[i].ok()) {
        sent.push_back(ids[i]);
      } else {
        LT_ASSIGN_OR_RETURN(states[i], mark_failed(ids[i], outcomes[i].error(),
                                                   claimed_leases.empty() ? 0 : claimed_leases[i]));
      }
    }
    return mark_sent(sent);
  });
  if (!s.ok()) return s.error();
  return states;
}

Result<std::vector<Message>> Outbox::list(const ListFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + kFrom + " WHERE o.id > ?";
  store::Params params{f.after_id};
  if (f.state) {
    sql += " AND o.state = ?";
    params.emplace_back(state_sql(*f.state));
  }
  if (!f.destination.empty()) {
    sql += " AND o.destination = ?";
    params.emplace_back(f.destination);
  }
  sql += " ORDER BY o.id LIMIT ?";
  params.emplace_back(std::max<int64_t>(0, f.limit));
  LT_ASSIGN_OR_RETURN(store::Rows rows, db_.query(sql, params));
  std::vector<Message> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(read_message(r));
  return out;
}

Result<std::vector<Attempt>> Outbox::failed_attempts(int64_t id) {
  LT_ASSIGN_OR_RETURN(
      store::Rows rows,
      db_.query("SELECT attempt, at_ms, outcome, answer FROM outbox_attempts WHERE message_id = ? "
                "ORDER BY id",
                {id}));
  std::vector<Attempt> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back({static_cast<int>(r.i64(0)), r.i64(1), r.str(2), r.str(3)});
  return out;
}

Result<Message> Outbox::get(int64_t id) {
  LT_ASSIGN_OR_RETURN(store::Rows rows,
                      db_.query(std::string("SELECT ") + kColumns + kFrom + " WHERE o.id = ?", {id}));
  if (rows.empty()) {
    return Error(ErrorKind::kNotFound,
                 "outbox message " + std::to_string(id) + " not found (see `lienthong outbox list`)");
  }
  return read_message(rows[0]);
}

Status Outbox::replay(int64_t id) {
  int64_t now = clock_.now_ms();
  return db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(Message m, get(id));
    if (m.state == State::kSent) {
      return Error(ErrorKind::kConflict,
                   "outbox message " + std::to_string(id) + " was already sent; not replayed");
    }
    LT_TRY(
        db_.exec("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at_ms = ?, "
                 "lease_until_ms = 0, replayed_at_ms = ? WHERE id = ?",
                 {now, now, id}));
    return {};
  });
}

Result<int64_t> Outbox::replay_all_dead(const std::string& destination) {
  int64_t now = clock_.now_ms();
  std::string sql =
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at_ms = ?, lease_until_ms = 0, "
      "replayed_at_ms = ? WHERE state = 'dead'";
  store::Params params{now, now};
  if (!destination.empty()) {
    sql += " AND destination = ?";
    params.emplace_back(destination);
  }
  int64_t n = 0;
  Status s = db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(n, db_.exec(sql, params));
    return {};
  });
  if (!s.ok()) return s.error();
  return n;
}

Status Outbox::discard(int64_t id) {
  return db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(Message m, get(id));
    if (m.state != State::kDead) {
      return Error(ErrorKind::kConflict, "outbox message " + std::to_string(id) + " is " +
                                             std::string(to_string(m.state)) +
                                             "; only a dead letter can be discarded");
    }
    LT_TRY(db_.exec("UPDATE outbox SET state = 'discarded' WHERE id = ?", {id}));
    return {};
  });
}

Result<Counts> Outbox::counts(const std::string& destination) {
  return counts_of(destination, true);
}

Result<Counts> Outbox::unsent_counts(const std::string& destination) {
  return counts_of(destination, false);
}

Result<std::vector<std::string>> Outbox::destinations() {
  // A skip scan of the (state, destination) index, state by state: SELECT DISTINCT
  // destination would read one index entry per message, sent ones included.
  std::set<std::string> out;
  for (State st : {State::kPending, State::kSent, State::kDead, State::kDiscarded}) {
    std::string after;
    for (;;) {
      LT_ASSIGN_OR_RETURN(store::Rows rows,
                          db_.query("SELECT MIN(destination) FROM outbox WHERE state = ? AND destination > ?",
                                    {std::string(to_string(st)), after}));
      if (rows.empty() || rows[0].is_null(0)) break;
      after = rows[0].str(0);
      out.insert(after);
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

Result<Counts> Outbox::counts_of(const std::string& destination, bool with_sent) {
  std::string where = destination.empty() ? "" : " WHERE destination = ?";
  if (!with_sent) where += std::string(where.empty() ? " WHERE" : " AND") + " state IN ('pending', 'dead')";
  store::Params params;
  if (!destination.empty()) params.emplace_back(destination);
  LT_ASSIGN_OR_RETURN(store::Rows rows,
                      db_.query("SELECT state, COUNT(*) FROM outbox" + where + " GROUP BY state", params));
  Counts c;
  for (auto& r : rows) {
    auto st = parse_state(r.str(0));
    if (st == State::kPending) c.pending = r.i64(1);
    if (st == State::kSent) c.sent = r.i64(1);
    if (st == State::kDead) c.dead = r.i64(1);
  }
  // The IN term repeats the partial index's predicate so the planner can use it.
  std::string blocked_sql = "SELECT COUNT(*) FROM outbox o WHERE o.state = 'pending'" +
                            std::string(destination.empty() ? "" : " AND o.destination = ?") +
                            " AND EXISTS (SELECT 1 FROM outbox d WHERE d.ordering_key = o.ordering_key AND "
                            "d.state IN ('pending', 'dead') "
                            "AND d.id < o.id AND d.state = 'dead')";
  LT_ASSIGN_OR_RETURN(store::Rows b, db_.query(blocked_sql, params));
  c.blocked = b.empty() ? 0 : b[0].i64(0);
  return c;
}

Result<std::optional<int64_t>> Outbox::next_due_ms(const std::string& destination) {
  // Heads of line only: a message behind another can only move after that one is sent,
  // which a claim of the head will report.
  LT_ASSIGN_OR_RETURN(
      store::Rows rows,
      db_.query("SELECT MIN(CASE WHEN o.lease_until_ms > o.next_attempt_at_ms THEN o.lease_until_ms "
                "ELSE o.next_attempt_at_ms END) FROM outbox o "
                "WHERE o.state = 'pending' AND o.destination = ? "
                "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key "
                "AND p.state IN ('pending', 'dead') AND p.id < o.id)",
                {destination}));
  if (rows.empty() || rows[0].is_null(0)) return std::optional<int64_t>{};
  return std::optional<int64_t>{rows[0].i64(0)};
}

Result<int64_t> Outbox::prune(int64_t cutoff_ms, size_t chunk) {
  static const std::string kPayloads = with_id_group("DELETE FROM outbox_payloads WHERE id IN");
  static const std::string kMessages = with_id_group("DELETE FROM outbox WHERE id IN");
  static const std::string kAttempts = with_id_group("DELETE FROM outbox_attempts WHERE message_id IN");
  chunk = std::max<size_t>(1, chunk);
  int64_t total = 0;
  for (;;) {
    int64_t deleted = 0;
    Status s = db_.transaction([&]() -> Status {
      LT_ASSIGN_OR_RETURN(store::Rows rows,
                          db_.query("SELECT id FROM outbox WHERE (state = 'sent' AND sent_at_ms < ?) "
                                    "OR (state = 'discarded' AND created_at_ms < ?) LIMIT ?",
                                    {cutoff_ms, cutoff_ms, static_cast<int64_t>(chunk)}));
      std::vector<int64_t> ids;
      ids.reserve(rows.size());
      for (auto& r : rows) ids.push_back(r.i64(0));
      return for_each_id_group(ids, {}, [&](const store::Params& params) -> Status {
        LT_TRY(db_.exec(kPayloads, params));
        LT_TRY(db_.exec(kAttempts, params));
        LT_ASSIGN_OR_RETURN(int64_t n, db_.exec(kMessages, params));
        deleted += n;
        return {};
      });
    });
    if (!s.ok()) return s.error().context("outbox prune (" + std::to_string(total) + " deleted before)");
    total += deleted;
    if (deleted < static_cast<int64_t>(chunk)) return total;
  }
}

}  // namespace lienthong::outbox
