#include "gateway/core/audit/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace lienthong::audit {
namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len)) {
    throw std::runtime_error("HMAC(sha256) failed");
  }
  return to_hex(md, len);
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return to_hex(buf.data(), buf.size());
}

Pseudonymiser::Pseudonymiser(std::string key, std::string key_id)
    : key_(std::move(key)), key_id_(std::move(key_id)) {
  if (key_id_.empty()) key_id_ = hmac_sha256_hex(key_, "pseudonym-key-id").substr(0, 8);
}

std::string Pseudonymiser::personal_id(std::string_view number) const {
  // Domain-separated so that the same key could pseudonymise other identifiers safely.
  return hmac_sha256_hex(key_, std::string("personal_id:") + std::string(number));
}

}  // namespace lienthong::audit
