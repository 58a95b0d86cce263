#include "gateway/core/common/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace lienthong {

std::string sha256_hex(std::string_view data) {
  // Fetched once: with OpenSSL 3, EVP_sha256() makes every EVP_Digest look the algorithm
  // up in the provider again, which cost more than hashing a whole event payload.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (kSha256 == nullptr || EVP_Digest(data.data(), data.size(), md, &n, kSha256, nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");  // only on a broken OpenSSL install
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(n) * 2, '0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0xF];
  }
  return out;
}

}  // namespace lienthong
