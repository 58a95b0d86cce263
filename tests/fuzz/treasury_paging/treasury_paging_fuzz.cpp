// The treasury API's paging headers (X-Trang, X-Tong-So-Trang): the input is split at the
// first newline into the two header values; a missing newline stands for a missing header.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "adapters/treasury/treasury.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::optional<std::string_view> page = in, total;
  if (nl != std::string_view::npos) {
    page = in.substr(0, nl);
    total = in.substr(nl + 1);
  }
  auto p = lienthong::treasury::parse_paging(page, total);
  if (p.ok() && (p->page < 1 || p->page > p->total_pages)) __builtin_trap();
  return 0;
}
