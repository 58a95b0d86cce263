// Percent-decoding and query-string parsing for inbound request targets (outside input).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::server {

// Decodes %XX escapes; with `plus_as_space` (query strings) '+' becomes ' '. A '%' not
// followed by two hex digits is a kParse error naming its byte offset.
Result<std::string> percent_decode(std::string_view s, bool plus_as_space);

// "a=1&b=x%20y&flag" → {a:1, b:"x y", flag:""}. Empty pairs are skipped; when a name
// repeats, the last value wins. Errors name the offending parameter's position.
Result<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace lienthong::server
