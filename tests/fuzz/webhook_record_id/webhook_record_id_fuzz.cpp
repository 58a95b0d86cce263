// What the receiver reads from a push without webhook-id (issue #27): the derived delivery
// id (canonical JSON, dotted-path fields) of a JSON body, and the adapter address ranges
// of the config and the connection's address. The first line of the input is an address
// range, the second an address, the rest the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/record_id.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::webhooks;
  std::string in(reinterpret_cast<const char*>(data), size);
  auto nl1 = in.find('\n');
  auto nl2 = nl1 == std::string::npos ? std::string::npos : in.find('\n', nl1 + 1);
  if (nl2 != std::string::npos) {
    auto range = parse_address_range(in.substr(0, nl1));
    std::string addr = in.substr(nl1 + 1, nl2 - nl1 - 1);
    if (range) (void)range->contains(address_without_port(addr));
  }
  static const SourceConfig source = [] {
    SourceConfig s;
    s.id = "fuzz";
    s.shared_key_body_field = "data.SecurityKey";
    s.delivery_id = DeliveryIdSource::kDerived;
    return s;
  }();
  auto doc = parse_payload(nl2 == std::string::npos ? in : in.substr(nl2 + 1), PayloadFormat::kJson);
  if (!doc.ok()) return 0;
  DerivedId id = derive_delivery_id(source, *doc);
  if (id.id.empty() || id.id.size() > 256 || id.digest.size() != 64) std::abort();
  for (char c : id.id) {
    if (c <= 0x20 || c >= 0x7f) std::abort();
  }
  return 0;
}
