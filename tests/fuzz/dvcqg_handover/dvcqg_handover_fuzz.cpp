// DVCQG's hand-over push (flat JSON, files in base64) as the record kind reads it, with
// small limits so that the size refusals are reached too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/dvcqg/handover_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto kind = lienthong::adapters::dvcqg::make_handover_record_kind();
  std::string text(reinterpret_cast<const char*>(data), size);
  lienthong::webhooks::RecordLimits limits;
  limits.file_bytes = 512;
  limits.record_bytes = 1024;
  auto r = kind->read(text, limits);
  if (r.ok() && r->record.empty()) __builtin_trap();  // a read record is never empty
  (void)kind->read(text);
  return 0;
}
