// Webhook JSON bodies: parse + the procedure-code lookup that reads a discriminating field.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/procedure_codes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::webhooks;
  static const ProcedureCodeTable table =
      ProcedureCodeTable::parse(R"({"codes": {"M": {"field": "a.b", "values": {"x": "1.000001"}}}})", "fuzz")
          .value();
  auto r = parse_payload(std::string(reinterpret_cast<const char*>(data), size), PayloadFormat::kJson);
  if (r.ok()) (void)table.resolve("M", *r);
  return 0;
}
