// The payment platform's callback (with MaXacThuc verification) and API page parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/payment_platform/payment_platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lienthong::payment_platform::parse_callback(text, "fuzz-secret");
  (void)lienthong::payment_platform::parse_page(text);
  return 0;
}
