#include "app/console/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace lienthong::console {

namespace {

void init_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise (sodium_init)");
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  init_sodium();
  if (password.empty()) return Error(ErrorKind::kValidation, "the password is empty");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(ErrorKind::kInternal, "Argon2id hashing ran out of memory (it needs 64 MiB)");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  if (!is_argon2id_hash(hash) || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool is_argon2id_hash(std::string_view hash) {
  return hash.starts_with("$argon2id$v=19$m=") && hash.find("$", 17) != std::string_view::npos &&
         hash.size() < crypto_pwhash_STRBYTES;
}

}  // namespace lienthong::console
