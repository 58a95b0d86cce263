// The three Standard Webhooks headers as a sender controls them, and Content-Type.
// Input: id \n timestamp \n signature \n content-type \n body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::webhooks;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (int i = 0; i < 4; ++i) {
    size_t nl = in.find('\n');
    if (nl == std::string_view::npos) break;
    parts.push_back(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  parts.push_back(in);
  while (parts.size() < 5) parts.emplace_back();
  (void)parse_signature_header(parts[2]);
  (void)parse_timestamp(parts[1]);
  (void)format_for_content_type(parts[3]);
  (void)base64_decode(parts[2]);
  (void)decode_secret(parts[0]);
  SignedHeaders h;
  h.id = parts[0];
  h.timestamp = parts[1];
  h.signature = parts[2];
  h.has_id = h.has_timestamp = h.has_signature = true;
  static const std::vector<std::string> keys = {std::string(32, 'k'), std::string(24, 'z')};
  auto r = verify(keys, h, parts[4], 1'700'000'000, 300);
  // Verification can only succeed if the input holds a genuine MAC of one of the keys
  // (which the fuzzer can only find by breaking HMAC-SHA256).
  if (r.ok) {
    auto ts = parse_timestamp(parts[1]);
    bool genuine = false;
    for (auto& k : keys)
      genuine = genuine || parts[2].find(sign(k, h.id, *ts, parts[4]).substr(3)) != std::string_view::npos;
    if (!genuine) __builtin_trap();
  }
  return 0;
}
