// SOAP 1.1 / 1.2 envelopes and their XML → JSON conversion. The first byte picks the
// version so that both code paths are explored.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/flows/webhooks/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::webhooks;
  if (size == 0) return 0;
  auto version = (data[0] & 1) ? PayloadFormat::kSoap12 : PayloadFormat::kSoap11;
  (void)parse_payload(std::string(reinterpret_cast<const char*>(data + 1), size - 1), version);
  return 0;
}
