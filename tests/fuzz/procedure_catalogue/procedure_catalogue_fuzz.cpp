// The procedure catalogue (mappings/procedures.json) is replaced by each province's own:
// malformed input must give an error naming the entry, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = lienthong::procedures::ProcedureCatalogue::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (c.ok()) {
    for (auto& p : c->all()) (void)c->find(p.code);
  }
  return 0;
}
