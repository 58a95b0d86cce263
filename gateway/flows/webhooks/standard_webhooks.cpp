#include "gateway/flows/webhooks/standard_webhooks.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <charconv>
#include <utility>
#include <vector>

namespace lienthong::webhooks {

namespace {
constexpr std::string_view kSecretPrefix = "whsec_";

bool is_b64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  // EVP_DecodeBlock is lenient (whitespace, padding count); check the alphabet ourselves.
  if (text.empty() || text.size() % 4 != 0) {
    return make_error(ErrorKind::kParse,
                      "base64 length " + std::to_string(text.size()) + " is not a multiple of 4");
  }
  size_t pad = 0;
  if (text.back() == '=') pad = (text[text.size() - 2] == '=') ? 2 : 1;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!is_b64_char(text[i])) {
      return make_error(ErrorKind::kParse, "invalid base64 character at offset " + std::to_string(i));
    }
  }
  std::string out(3 * (text.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return make_error(ErrorKind::kParse, "invalid base64");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Result<std::string> decode_secret(std::string_view whsec) {
  if (whsec.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
    return make_error(ErrorKind::kConfig, "webhook secret must be written whsec_<base64>");
  }
  auto key = base64_decode(whsec.substr(kSecretPrefix.size()));
  if (!key.ok()) {
    return make_error(ErrorKind::kConfig,
                      "webhook secret after 'whsec_' is not valid base64 (" + key.error().message + ")");
  }
  if (key->size() < 16) {
    return make_error(ErrorKind::kConfig,
                      "webhook secret is shorter than 16 bytes; generate 24-64 random bytes");
  }
  return key;
}

namespace {

// The v1 MAC of one delivery, raw (32 bytes): HMAC-SHA256 over id.timestamp.body without
// concatenating a copy of the body. Each thread keeps one HMAC context per key with the
// key already set: with OpenSSL 3, a fresh context looks the digest up in the provider and
// hashes the key pads again on every delivery.
class MacContexts {
 public:
  ~MacContexts() {
    for (auto& [key, ctx] : contexts_) EVP_MAC_CTX_free(ctx);
  }
  // Null when OpenSSL fails (then nothing matches and the delivery is refused).
  EVP_MAC_CTX* for_key(const std::string& key) {
    for (auto& [k, ctx] : contexts_) {
      if (k == key) return EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 ? ctx : nullptr;
    }
    static EVP_MAC* const kMac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (kMac == nullptr) return nullptr;
    // Secrets are few (current and previous per source); a rotation leaves old ones here.
    if (contexts_.size() >= kMaxKeys) {
      EVP_MAC_CTX_free(contexts_.front().second);
      contexts_.erase(contexts_.begin());
    }
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(kMac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>("SHA256"), 0),
                           OSSL_PARAM_construct_end()};
    if (ctx == nullptr ||
        EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
      EVP_MAC_CTX_free(ctx);
      return nullptr;
    }
    contexts_.emplace_back(key, ctx);
    return ctx;
  }

 private:
  static constexpr size_t kMaxKeys = 32;
  std::vector<std::pair<std::string, EVP_MAC_CTX*>> contexts_;
};

bool mac_v1(const std::string& key, std::string_view id, std::string_view timestamp, std::string_view body,
            unsigned char (&out)[EVP_MAX_MD_SIZE], size_t& out_len) {
  thread_local MacContexts contexts;
  EVP_MAC_CTX* ctx = contexts.for_key(key);
  if (ctx == nullptr) return false;
  auto update = [&](std::string_view s) {
    return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(s.data()), s.size()) == 1;
  };
  return update(id) && update(".") && update(timestamp) && update(".") && update(body) &&
         EVP_MAC_final(ctx, out, &out_len, EVP_MAX_MD_SIZE) == 1;
}

}  // namespace

std::string sign(std::string_view key, std::string_view id, int64_t timestamp_s, std::string_view body) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  // On an OpenSSL failure the signature is empty and verifies nowhere.
  if (!mac_v1(std::string(key), id, std::to_string(timestamp_s), body, out, out_len)) out_len = 0;
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(out), out_len));
}

Result<std::vector<SignatureEntry>> parse_signature_header(std::string_view header) {
  std::vector<SignatureEntry> entries;
  size_t pos = 0;
  int index = 0;
  while (pos < header.size()) {
    if (header[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t end = header.find(' ', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view token = header.substr(pos, end - pos);
    ++index;
    size_t comma = token.find(',');
    if (comma == std::string_view::npos || comma == 0 || comma + 1 == token.size()) {
      return make_error(ErrorKind::kParse, "webhook-signature entry " + std::to_string(index) + " (offset " +
                                               std::to_string(pos) + ") is not '<version>,<base64>'");
    }
    auto mac = base64_decode(token.substr(comma + 1));
    if (!mac.ok()) {
      return make_error(ErrorKind::kParse, "webhook-signature entry " + std::to_string(index) + " (offset " +
                                               std::to_string(pos) + "): " + mac.error().message);
    }
    entries.push_back({std::string(token.substr(0, comma)), std::move(mac).value()});
    if (entries.size() > 16)
      return make_error(ErrorKind::kParse, "webhook-signature has more than 16 entries");
    pos = end;
  }
  if (entries.empty()) return make_error(ErrorKind::kParse, "webhook-signature is empty");
  return entries;
}

Result<int64_t> parse_timestamp(std::string_view header) {
  if (header.empty() || header.size() > 18) {
    return make_error(ErrorKind::kParse,
                      "webhook-timestamp must be 1 to 18 decimal digits (seconds since epoch)");
  }
  int64_t v = 0;
  auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), v);
  if (ec != std::errc() || p != header.data() + header.size() || header[0] == '-' || header[0] == '+') {
    return make_error(ErrorKind::kParse, "webhook-timestamp must be decimal seconds since epoch");
  }
  return v;
}

std::string_view to_string(VerifyFailure f) {
  switch (f) {
    case VerifyFailure::kMissingHeaders:
      return "missing-headers";
    case VerifyFailure::kBadTimestamp:
      return "bad-timestamp";
    case VerifyFailure::kStale:
      return "stale-timestamp";
    case VerifyFailure::kFuture:
      return "future-timestamp";
    case VerifyFailure::kBadSignatureHeader:
      return "bad-signature-header";
    case VerifyFailure::kNoMatch:
      return "bad-signature";
  }
  return "bad-signature";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

VerifyResult verify(const std::vector<std::string>& keys, const SignedHeaders& h, std::string_view body,
                    int64_t now_s, int64_t tolerance_s) {
  VerifyResult r;
  if (!h.has_id || !h.has_timestamp || !h.has_signature || h.id.empty()) {
    std::string missing;
    if (!h.has_id || h.id.empty()) missing += " webhook-id";
    if (!h.has_timestamp) missing += " webhook-timestamp";
    if (!h.has_signature) missing += " webhook-signature";
    r.failure = VerifyFailure::kMissingHeaders;
    r.detail = "missing header(s):" + missing + " (Standard Webhooks signing is required for this source)";
    return r;
  }
  auto ts = parse_timestamp(h.timestamp);
  if (!ts.ok()) {
    r.failure = VerifyFailure::kBadTimestamp;
    r.detail = ts.error().message;
    return r;
  }
  if (*ts < now_s - tolerance_s) {
    r.failure = VerifyFailure::kStale;
    r.detail = "webhook-timestamp is " + std::to_string(now_s - *ts) + " s in the past; at most " +
               std::to_string(tolerance_s) + " s is accepted (replayed or delayed message; send a fresh one)";
    return r;
  }
  if (*ts > now_s + tolerance_s) {
    r.failure = VerifyFailure::kFuture;
    r.detail = "webhook-timestamp is " + std::to_string(*ts - now_s) + " s in the future; at most " +
               std::to_string(tolerance_s) + " s is accepted (check the sender's clock)";
    return r;
  }
  auto entries = parse_signature_header(h.signature);
  if (!entries.ok()) {
    r.failure = VerifyFailure::kBadSignatureHeader;
    r.detail = entries.error().message;
    return r;
  }
  // The timestamp in the text sign() writes (a header with leading zeros verifies as before).
  const std::string ts_text = std::to_string(*ts);
  for (size_t k = 0; k < keys.size(); ++k) {
    unsigned char raw[EVP_MAX_MD_SIZE];
    size_t raw_len = 0;
    if (!mac_v1(keys[k], h.id, ts_text, body, raw, raw_len)) continue;
    std::string_view mac(reinterpret_cast<const char*>(raw), raw_len);
    for (auto& e : *entries) {
      if (e.version != "v1") continue;
      // Compare every entry: no early exit that would reveal which one matched first.
      if (constant_time_equal(e.mac, mac) && r.key_index < 0) r.key_index = static_cast<int>(k);
    }
  }
  if (r.key_index >= 0) {
    r.ok = true;
    return r;
  }
  r.failure = VerifyFailure::kNoMatch;
  r.detail = "no v1 signature in webhook-signature matches a configured secret for this source";
  return r;
}

}  // namespace lienthong::webhooks
