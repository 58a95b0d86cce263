// A reporting period (kỳ báo cáo) in Vietnam local dates: "2023" (a year), "2023-Q2" (a
// quarter), "2023-05" (a month), "2023-04-01..2023-06-30" (inclusive range of dates).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::kpi {

struct Period {
  int64_t first_day = 0;  // days since 1970-01-01, inclusive
  int64_t last_day = 0;   // inclusive
  std::string label;      // as written

  int64_t from_ms() const;  // local midnight starting first_day (UTC+7), epoch ms
  int64_t to_ms() const;    // local midnight after last_day, exclusive
  bool contains_ms(int64_t ms) const { return ms >= from_ms() && ms < to_ms(); }
};

// kParse with the accepted forms in the message. Ranges longer than 20 years are refused.
Result<Period> parse_period(std::string_view text);

}  // namespace lienthong::kpi
