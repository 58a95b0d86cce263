// Tax adapter: the JSON envelope, base64, the notice XML and the payment voucher.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/tax/tax.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lienthong::tax::parse_notice_envelope(text);
  (void)lienthong::tax::parse_notice_xml(text);
  (void)lienthong::tax::parse_voucher(text);
  (void)lienthong::tax::base64_decode(text);
  return 0;
}
