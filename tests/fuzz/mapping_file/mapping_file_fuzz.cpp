// Mapping files are operator-edited input: loading any bytes must end in a Mapping or an
// error, never a crash. A file that loads is also applied to a small document.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/core/common/json.hpp"
#include "gateway/core/mapping/mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong;
  auto m = mapping::Mapping::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!m.ok()) return 0;
  auto src =
      json::parse(R"({"a":{"b":[1,"2",{"c":"x"}]},"s":"moi","t":"2024-10-01T08:15:00+07:00","n":null})");
  if (!src.ok()) return 0;
  auto out = m->apply(*src);
  if (out.ok()) (void)m->validate(*out);
  if (const auto* sm = m->transitions()) (void)sm->check(std::nullopt, 1);
  return 0;
}
