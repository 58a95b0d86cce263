// The KPI targets file (mappings/kpi_targets.json) is written by operators: the parser
// must refuse anything malformed with an error, never crash; a parsed file answers for
// any year, indicator and level.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::kpi;
  auto t = KpiTargets::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (t.ok()) {
    for (const auto& id : indicator_ids()) {
      for (int year : {1999, 2025, 2101}) {
        (void)t->target(id, year);
        (void)t->target(id, year, "district");
        (void)t->by_level(id, year);
      }
    }
  }
  return 0;
}
