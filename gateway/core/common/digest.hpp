// SHA-256 as lower-case hex: content hashes, dedup checks, input checksums, signatures.
#pragma once

#include <string>
#include <string_view>

namespace lienthong {

std::string sha256_hex(std::string_view data);

}  // namespace lienthong
