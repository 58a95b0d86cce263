// Standard base64 (RFC 4648 §4) for files that outside systems put inside JSON: DVCQG's
// hand-over attachments, the amendments' fetched files. Decoding is strict about the
// alphabet and padding (whitespace tolerated); errors name the offset, never the content.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong {

Result<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);
// Bytes base64_decode(in) would give at most (for a limit check before decoding).
size_t base64_decoded_size_bound(std::string_view in);

}  // namespace lienthong
