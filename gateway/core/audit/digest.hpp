// SHA-256 and HMAC-SHA256 (OpenSSL), hex-encoded.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/common/digest.hpp"

namespace lienthong::audit {

using ::lienthong::sha256_hex;  // gateway/core/common/digest.hpp
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Constant-time comparison of two equal-length strings (false when lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b);
// `bytes` random bytes from the OS CSPRNG, hex-encoded.
std::string random_hex(size_t bytes);

// Pseudonymises an identification number with a keyed hash, so that audit entries about
// the same citizen can be matched by whoever holds the key, and by nobody else: a plain
// hash of a 12-digit number with a known structure is reversed by trying them all.
// Keys are rotated: each pseudonym written to the audit names its key by an id, given in
// the config or derived from the key (the first 8 hex digits of HMAC(key, "pseudonym-key-id"),
// which tells keys apart without revealing them).
class Pseudonymiser {
 public:
  explicit Pseudonymiser(std::string key, std::string key_id = "");
  std::string personal_id(std::string_view number) const;
  // What the audit's `subject` holds: key id, ':', personal_id(number).
  std::string subject(std::string_view number) const { return key_id_ + ":" + personal_id(number); }
  const std::string& key_id() const { return key_id_; }

 private:
  std::string key_;
  std::string key_id_;
};

}  // namespace lienthong::audit
