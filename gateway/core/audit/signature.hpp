// Signed evidence: an exported segment of the audit log and a recorded head carry an
// Ed25519 signature by the gateway's key (OpenSSL), so that an inspector holding only the
// public key can tell a genuine export from a trimmed or fabricated one. The chain proves
// that entries follow each other; the seal says which entries the export must hold (first
// and last seq and hash, count, days) and the head of the whole log when it was made.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/result.hpp"

namespace lienthong::audit {

// An Ed25519 key read from a PEM file (`certs/make-audit-signing-key.sh`). The private
// key signs; the public key (or a private one) verifies. key_id: the first 16 hex digits
// of the SHA-256 of the raw 32-byte public key.
class SigningKey {
 public:
  // Errors name the file and what is wrong with it (not Ed25519, unreadable).
  static Result<SigningKey> load_private(const std::string& pem_path);
  static Result<SigningKey> load_public(const std::string& pem_path);
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;

  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  const std::string& key_id() const { return key_id_; }
  // The signature over `message`, 128 hex digits. Only a private key signs.
  Result<std::string> sign(std::string_view message) const;
  bool verify(std::string_view message, std::string_view signature_hex) const;

 private:
  std::unique_ptr<Impl> impl_;
  std::string key_id_;
};

// The last line of a signed export: {"seal":{...}}.
struct ExportSeal {
  std::string from_day, to_day;  // YYYY-MM-DD, Vietnam time, both inclusive
  int64_t count = 0;
  int64_t first_seq = 0, last_seq = 0;     // 0 when the export is empty
  std::string first_prev_hash, last_hash;  // "" when empty
  int64_t log_head_seq = 0;                // the whole log's head when exported
  std::string log_head_hash;
  std::string signed_at;  // ISO 8601, for people; signed too
  std::string key_id;
  std::string signature;  // hex
};

// Fills the seal's statement from the exported entries (sorted by seq).
void describe_entries(const std::vector<AuditEntry>& entries, ExportSeal& seal);
// The exact bytes signed: a versioned text of every member but the signature.
std::string seal_message(const ExportSeal& seal);
std::string seal_line(const ExportSeal& seal);
bool is_seal_line(std::string_view line);
Result<ExportSeal> parse_seal_line(std::string_view line);

// Checks a signed export: the signature by `key`, then that `entries` are exactly the
// ones the seal names. Returns "" when they are, otherwise what is wrong (for people).
std::string check_seal(const ExportSeal& seal, const std::vector<AuditEntry>& entries, const SigningKey& key);

// The bytes signed for a recorded head.
std::string anchor_message(const Anchor& a);

}  // namespace lienthong::audit
