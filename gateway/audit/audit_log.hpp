// Tamper-evident audit log of citizen lookups, kept in the store.
// Each entry carries the hash of the one before it (prev_hash) and its own hash
// (entry_hash = SHA-256 over a canonical serialisation that includes seq and prev_hash),
// so editing, deleting or reordering an entry breaks the chain at that entry. The
// identification number is stored only as a keyed pseudonym (see digest.hpp).
// The chain proves the log's integrity to whoever trusts its head: an operator records
// the head (`lienthong audit verify` prints it) outside the gateway, e.g. in the daily
// report to the inspector, so that rewriting the whole log is caught too.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/common/result.hpp"
#include "gateway/store/database.hpp"

namespace lienthong::audit {

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
  std::string result;   // found, not_found, mismatch, refused_*, upstream_error
  std::string subject;  // HMAC-SHA256 pseudonym of the number; "" when none was given
  std::string detail;   // non-personal context: which rule failed, flags, upstream kind
  std::string prev_hash;
  std::string entry_hash;

  bool operator==(const AuditEntry&) const = default;
};

// The bytes entry_hash is computed over: a JSON object with a fixed member order.
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
};

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
  // Entries with from_ms <= at_ms < to_ms, sorted by seq.
  Result<std::vector<AuditEntry>> range(int64_t from_ms, int64_t to_ms);
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

}  // namespace lienthong::audit
