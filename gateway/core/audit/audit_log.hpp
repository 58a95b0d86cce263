// Tamper-evident audit log of citizen lookups, kept in the store.
// Each entry carries the hash of the one before it (prev_hash) and its own hash
// (entry_hash = SHA-256 over a canonical serialisation that includes seq and prev_hash),
// so editing, deleting or reordering an entry breaks the chain at that entry. The
// identification number is stored only as a keyed pseudonym (see digest.hpp).
// The chain proves the log's integrity to whoever trusts its head: an operator records
// the head outside the gateway (`lienthong audit verify --anchors FILE --record`, or the
// head it prints, in the report to the inspector), and later runs check that the log
// still holds every recorded head, so that rewriting or truncating the log is caught too.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::audit {

// Write-ahead: a lookup that goes to the population database is first recorded with this
// result (committed before the call), then again under the same lookup_id with its outcome.
// An intent without an outcome is a call the database may have seen while the gateway
// stopped (or one still in flight): reported by verify, never dropped.
inline constexpr char kIntentResult[] = "intent";

inline constexpr char kGenesisHash[] = "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  int64_t at_ms = 0;
  std::string lookup_id;  // mã yêu cầu sent upstream, also returned to the caller
  std::string account;    // account id, or "-" when the caller was not recognised
  std::string official;
  std::string agency;
  std::string purpose;
  std::string dossier_code;
  std::string result;   // intent, found, not_found, mismatch, refused_*, upstream_error
  std::string subject;  // HMAC-SHA256 pseudonym of the number; "" when none was given
  std::string detail;   // non-personal context: which rule failed, flags, upstream kind
  // Who and from where (format v2; all empty in entries written before): the credential
  // presented ("key:" + first 16 hex digits of the key's SHA-256, or "cert:" + SHA-256
  // fingerprint), the peer's address, and the official the calling system named for
  // this lookup (X-Official header; the account's official is `official`).
  std::string credential;
  std::string source;
  std::string named_official;
  std::string prev_hash;
  std::string entry_hash;

  bool operator==(const AuditEntry&) const = default;
};

// The bytes entry_hash is computed over: a JSON object with a fixed member order ("v":1,
// or "v":2 with credential, source and named_official when any of them is set).
std::string canonical_form(const AuditEntry& e);
std::string compute_entry_hash(const AuditEntry& e);

struct VerifyReport {
  bool intact = true;
  int64_t entries = 0;
  int64_t head_seq = 0;
  std::string head_hash = kGenesisHash;
  // When broken: the first entry found broken, what is wrong, and a sentence for people.
  int64_t first_broken_seq = 0;
  std::string problem;  // edited, deleted, reordered
  std::string detail;
  // Intents without an outcome after them in the run checked (seq, lookup_id): not a
  // broken chain, but calls nobody knows the outcome of.
  std::vector<std::pair<int64_t, std::string>> unfinished;
};

// The intents in `entries` that no later entry with the same lookup_id follows.
std::vector<std::pair<int64_t, std::string>> unfinished_intents(const std::vector<AuditEntry>& entries);

// Checks a run of entries sorted by seq. `from_genesis`: the run must start at seq 1
// with the genesis prev_hash (the whole log); otherwise it is an exported segment whose
// first prev_hash is taken as given.
VerifyReport verify_chain(const std::vector<AuditEntry>& entries, bool from_genesis);

class AuditLog {
 public:
  explicit AuditLog(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // Assigns seq, prev_hash and entry_hash in one transaction and returns the entry.
  Result<AuditEntry> append(AuditEntry entry);
  // Every entry, sorted by seq.
  Result<std::vector<AuditEntry>> all();
  // Entries with seq > after_seq, sorted by seq: what was appended since a verified head.
  Result<std::vector<AuditEntry>> after(int64_t after_seq);
  // Entries with from_ms <= at_ms < to_ms, sorted by seq.
  Result<std::vector<AuditEntry>> range(int64_t from_ms, int64_t to_ms);
  // The same, without the entries of unknown callers (account "-"): what the start-up
  // replay needs, so that a flood of refused strangers does not lengthen a restart.
  Result<std::vector<AuditEntry>> range_of_accounts(int64_t from_ms, int64_t to_ms);
  // The entries under one lookup_id, sorted by seq (a lookup's intent and outcome; the
  // console's actions on one record, whose lookup_id names it: "outbox:12").
  Result<std::vector<AuditEntry>> of_lookup_id(const std::string& lookup_id);
  Result<VerifyReport> verify();

 private:
  store::Database& db_;
};

// Export formats for an inspector. Both carry every field, so that the exported segment
// can be checked with verify_chain(..., false) (`lienthong audit verify --file`).
std::string to_json_line(const AuditEntry& e);
Result<AuditEntry> from_json_line(std::string_view line);
std::string csv_header();
std::string to_csv_row(const AuditEntry& e);
std::string report_json(const VerifyReport& r);

// A head recorded outside the gateway (`audit verify --anchors FILE --record` appends one
// per run): the chain holds its seq with its hash as long as nobody rewrote or truncated
// the log since. One JSON object per line: {"seq":N,"hash":"<64 hex>","recorded_at":"…"}.
struct Anchor {
  int64_t seq = 0;
  std::string hash;
  std::string recorded_at;  // ISO 8601, Vietnam time; for people
  // Set when recorded with the gateway's signing key (signature.hpp): "key_id" and "sig"
  // over anchor_message(), so that a heads file cannot be written by someone without it.
  std::string key_id;
  std::string signature;
};
std::string anchor_line(const Anchor& a);
Result<Anchor> parse_anchor_line(std::string_view line);

// Checks the anchors against an intact run of entries sorted by seq (`report` from
// verify_chain over them). `whole_log`: entries is the whole log, so an anchor past its
// head means the newest entries were removed (problem "truncated"); otherwise (an
// exported segment) anchors outside it are skipped. An anchor whose seq has another hash
// is "rewritten". Returns how many anchors were checked; marks `report` broken at the
// first anchor that fails.
int64_t check_anchors(const std::vector<AuditEntry>& entries, bool whole_log,
                      const std::vector<Anchor>& anchors, VerifyReport& report);

}  // namespace lienthong::audit
