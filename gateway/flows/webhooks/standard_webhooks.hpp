// The Standard Webhooks signature scheme (https://www.standardwebhooks.com): the sender
// signs "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256 and sends
// `webhook-signature: v1,<base64> [v1,<base64> ...]`; several signatures may be present
// so that a secret can be rotated without downtime. Secrets are written `whsec_<base64>`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::webhooks {

// Timestamps further than this from the receiver's clock are refused (replay window).
inline constexpr int64_t kDefaultToleranceSeconds = 300;

// Raw HMAC key bytes of a `whsec_<base64>` secret. kConfig error (never echoing the
// secret) when the prefix is missing or the base64 is invalid or empty.
Result<std::string> decode_secret(std::string_view whsec);

// `v1,<base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))>`.
std::string sign(std::string_view key, std::string_view id, int64_t timestamp_s, std::string_view body);

// One entry of the webhook-signature header.
struct SignatureEntry {
  std::string version;  // "v1"; other versions are ignored by verify()
  std::string mac;      // decoded bytes
};

// Splits the header on spaces into version,base64 pairs. Entries that are not
// "<version>,<base64>" are refused with kParse naming the entry's position; an empty
// header yields kParse too.
Result<std::vector<SignatureEntry>> parse_signature_header(std::string_view header);

// Decimal seconds since the epoch, digits only (no sign, no spaces), at most 18 digits.
Result<int64_t> parse_timestamp(std::string_view header);

// Why a request was refused; each maps to one problem type on the wire.
enum class VerifyFailure {
  kMissingHeaders,  // webhook-id, webhook-timestamp or webhook-signature absent
  kBadTimestamp,    // not a decimal number
  kStale,           // older than the tolerance
  kFuture,          // newer than the tolerance
  kBadSignatureHeader,
  kNoMatch,  // no v1 signature matches any configured secret
};
std::string_view to_string(VerifyFailure f);

struct VerifyResult {
  bool ok = false;
  VerifyFailure failure = VerifyFailure::kNoMatch;
  std::string detail;  // for the problem body; never contains secrets or body content
  int key_index = -1;  // which key matched (rotation visibility)
};

struct SignedHeaders {
  std::string_view id, timestamp, signature;
  bool has_id = false, has_timestamp = false, has_signature = false;
};

// Checks the timestamp window first (a stale request is refused even if correctly
// signed), then every v1 signature against every key in constant time.
VerifyResult verify(const std::vector<std::string>& keys, const SignedHeaders& headers, std::string_view body,
                    int64_t now_s, int64_t tolerance_s = kDefaultToleranceSeconds);

// Constant-time equality for equal-length inputs (CRYPTO_memcmp); false when lengths differ.
bool constant_time_equal(std::string_view a, std::string_view b);

std::string base64_encode(std::string_view bytes);
// Strict standard base64 with padding; nullopt-like error on invalid input.
Result<std::string> base64_decode(std::string_view text);

}  // namespace lienthong::webhooks
