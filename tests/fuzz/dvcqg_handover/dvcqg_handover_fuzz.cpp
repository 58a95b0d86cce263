// DVCQG's hand-over push (flat JSON, files in base64) and its amendment ({service,
// isUpdating, data{…, URLTepDangKy}}) as the record kinds read them, with small limits so
// that the size refusals are reached too. The amendment's file comes from a stub, never
// the network: a fixed file, an over-limit one or a failure, chosen by the URL's length,
// once the URL's host passed the source's fetch_hosts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/dvcqg/handover_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong;
  static const auto handover = adapters::dvcqg::make_handover_record_kind();
  static const auto amendment = adapters::dvcqg::make_amendment_record_kind(
      [](const std::string& url, size_t max, std::chrono::milliseconds) -> Result<std::string> {
        if (url.size() % 3 == 0) return Error(ErrorKind::kTimeout, "stub timeout");
        if (url.size() % 3 == 1) return std::string(max + 1, 'x');
        return std::string("fetched file");
      });
  std::string text(reinterpret_cast<const char*>(data), size);
  webhooks::RecordLimits limits;
  limits.file_bytes = 512;
  limits.record_bytes = 1024;
  limits.fetch_hosts = {"127.0.0.1", "*.gov.vn"};  // the host check, and past it the stub
  for (const auto* kind : {handover.get(), amendment.get()}) {
    auto r = kind->read(text, limits);
    if (r.ok() && r->record.empty()) __builtin_trap();  // a read record is never empty
    (void)kind->read(text);
  }
  return 0;
}
