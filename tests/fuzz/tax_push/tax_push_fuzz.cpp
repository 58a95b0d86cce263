// Tax pushes from DVCQG: the public envelope {SecurityKey, Service, Ngay, IsUpdating, Data},
// then its Data as a notice (base64 XML in FileThongBaoThue) and as a voucher.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/tax/tax.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lienthong::tax::security_key_matches(text, "fuzz-security-key-0123");
  auto e = lienthong::tax::parse_push_envelope(text);
  if (e.ok()) {
    (void)lienthong::tax::parse_push_data(lienthong::tax::PushKind::kNotice, e->data);
    (void)lienthong::tax::parse_push_data(lienthong::tax::PushKind::kVoucher, e->data);
  }
  (void)lienthong::tax::parse_push_data(lienthong::tax::PushKind::kNotice, text);
  return 0;
}
