// The JSON parser every outside JSON input goes through (bodies, config, mappings).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/common/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = lienthong::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (r.ok()) (void)lienthong::json::at_path(*r, "a.0.b");
  return 0;
}
