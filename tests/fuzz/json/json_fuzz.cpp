// The JSON parser every outside JSON input goes through (bodies, config, mappings), and
// what is done with a text it accepted: writing it out again, reading raw member texts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = lienthong::json::parse(text, "fuzz");
  // The std::string overload (the terminator lets the parser scan faster) must agree.
  auto s = lienthong::json::parse(std::string(text), "fuzz");
  if (r.ok() != s.ok()) std::abort();
  if (!r.ok()) return 0;
  (void)lienthong::json::at_path(*r, "a.0.b");
  if (lienthong::json::to_string(*r) != lienthong::json::to_string(*s)) std::abort();
  std::optional<std::vector<std::string_view>> list;
  if (auto items = lienthong::json::raw_member(text, "items")) {
    if ((list = lienthong::json::raw_elements(*items))) {
      // Each raw element is a JSON text of its own.
      for (auto e : *list)
        if (!lienthong::json::parse(e, "element").ok()) std::abort();
    }
  }
  // The one-pass form finds the same elements.
  if (lienthong::json::raw_member_elements(text, "items") != list) std::abort();
  return 0;
}
