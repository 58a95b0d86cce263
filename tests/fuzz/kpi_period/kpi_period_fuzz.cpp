// Periods come from the command line and from GET /v1/kpi?period=...: any text must give
// a period within bounds or an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/period.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = lienthong::kpi::parse_period(text);
  if (p.ok() && (p->last_day < p->first_day || p->to_ms() <= p->from_ms())) std::abort();
  (void)lienthong::kpi::parse_indicators(text);
  (void)lienthong::kpi::parse_group_by(text);
  return 0;
}
