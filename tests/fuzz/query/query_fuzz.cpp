// The query-string and percent-decoding parser every inbound request target goes through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/core/server/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto q = lienthong::server::parse_query(in);
  auto d = lienthong::server::percent_decode(in, false);
  // Decoding never grows the input.
  if (d.ok() && d->size() > size) std::abort();
  if (q.ok()) {
    for (const auto& [k, v] : *q) {
      if (k.size() + v.size() > size) std::abort();
    }
  }
  return 0;
}
