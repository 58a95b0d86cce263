// The payment platform's messages as lienthong reads them: the confirmation callback (with
// its MaXacThuc check), INIT ledger lines, QUERY and GET_BILL answers, saved transactions.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/payment_platform/payment_platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace pp = lienthong::payment_platform;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)pp::parse_confirmation(text, "golden-secret");
  if (auto i = pp::parse_init(text); i.ok()) (void)pp::verify(*i, "golden-secret");
  (void)pp::parse_query_answer(text);
  (void)pp::parse_bill(text);
  (void)pp::parse_transaction(text);
  return 0;
}
