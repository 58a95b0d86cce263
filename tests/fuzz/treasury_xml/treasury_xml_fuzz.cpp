// The State Treasury export reader: streaming record splitter + pugixml per record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/treasury/treasury.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lienthong::reconciliation::Dataset d;
  (void)lienthong::treasury::read_credits_from_string(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.xml", d);
  return 0;
}
