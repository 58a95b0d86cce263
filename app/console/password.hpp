// Operator passwords of the console, stored only as Argon2id hashes (libsodium's
// crypto_pwhash_str: "$argon2id$v=19$m=...,t=...,p=1$salt$hash", salt and parameters
// inside the string).
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::console {

// Argon2id with libsodium's "interactive" limits (64 MiB, 2 passes): a fraction of a
// second per login on the gateway's hardware. An empty password is refused.
Result<std::string> hash_password(std::string_view password);
// Constant-time verification against a stored hash; false for a malformed hash.
bool verify_password(const std::string& hash, std::string_view password);
// The shape crypto_pwhash_str produces for Argon2id (what `console.users` accepts).
bool is_argon2id_hash(std::string_view hash);

}  // namespace lienthong::console
