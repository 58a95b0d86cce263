// Accounts of the provincial systems allowed to look citizens up. The province grants one
// only against a signed commitment to protect the data; each maps a credential (an API
// key, or a mutual-TLS client certificate) to the official and agency answerable for the
// lookups made with it, the purposes it may state, and its rate limit.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lienthong::citizen {

struct RateLimit {
  double per_minute = 30;  // sustained lookups per minute
  int burst = 10;          // lookups allowed back to back
};

struct Account {
  std::string id;        // stable name used in the audit log and metrics
  std::string official;  // mã cán bộ (official's code): MaCanBo upstream
  std::string agency;    // mã đơn vị (agency code) answerable for the account
  std::set<std::string> purposes;
  RateLimit rate_limit;
};

// How the caller presented itself; filled by the HTTP layer.
struct CallerCredentials {
  std::optional<std::string> api_key;
  std::optional<std::string> cert_subject;      // RFC 2253
  std::optional<std::string> cert_fingerprint;  // SHA-256 hex of the DER certificate
  std::string source_address;                   // the peer's address and port
  std::optional<std::string> named_official;    // X-Official: the official the calling system names
};

class AccountDirectory {
 public:
  // Throws std::invalid_argument on a duplicate account id or credential.
  void add(Account account, const std::vector<std::string>& api_key_sha256_hex,
           const std::vector<std::string>& cert_subjects, const std::vector<std::string>& cert_fingerprints);

  // A certificate (when present and known) wins over an API key. Keys are compared by
  // their SHA-256, so the directory never holds a key in clear.
  const Account* identify(const CallerCredentials& credentials) const;
  const Account* by_id(const std::string& id) const;
  // The id of the credential that identifies (or, for an unknown caller, was presented
  // by) the caller, for the audit: "cert:" + SHA-256 fingerprint of a certificate,
  // "key:" + the first 16 hex digits of an API key's SHA-256 (enough to tell keys apart,
  // useless to guess one), "" when nothing was presented.
  std::string credential_id(const CallerCredentials& credentials) const;
  size_t size() const { return accounts_.size(); }

 private:
  std::map<std::string, Account> accounts_;
  std::map<std::string, std::string> by_key_hash_, by_subject_, by_fingerprint_;
};

// Lower-cases a hex fingerprint and drops ':' separators ("AB:CD" → "abcd").
std::string normalise_fingerprint(std::string_view fp);

}  // namespace lienthong::citizen
