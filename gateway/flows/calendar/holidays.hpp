// Ngày nghỉ lễ, tết (public holidays) under the Labour Code 2019 (Bộ luật Lao động
// 45/2019/QH14), art. 112(1): 1 Jan (1 day); Tết Âm lịch (5 days); 30 Apr (1 day); 1 May
// (1 day); 2 Sep plus one day before or after it (2 days); the Hùng Kings' commemoration on
// the 10th day of the 3rd lunar month (1 day). Art. 112(3): the Prime Minister decides the
// exact Tết and National Day days each year (for the public sector the Ministry of Labour /
// Home Affairs announces them, often with swapped days and make-up Saturdays); those
// decisions are year files (year_file.hpp), read over these default rules.
// Art. 111(3): a holiday that falls on the weekly day off is compensated on the next
// working day (nghỉ bù); for the public sector the weekly days off are Saturday and Sunday.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::calendar {

enum class HolidayGroup { kNewYear, kTet, kHungKings, kVictoryDay, kLabourDay, kNationalDay };

// Stable ids used in year files ("replace") and output: new_year, tet, hung_kings,
// victory_day, labour_day, national_day.
std::string_view group_id(HolidayGroup g);
bool parse_group_id(std::string_view id, HolidayGroup& out);
inline constexpr HolidayGroup kAllGroups[] = {HolidayGroup::kNewYear,   HolidayGroup::kTet,
                                              HolidayGroup::kHungKings, HolidayGroup::kVictoryDay,
                                              HolidayGroup::kLabourDay, HolidayGroup::kNationalDay};

struct StatutoryDay {
  int64_t day = 0;  // days since 1970-01-01
  HolidayGroup group = HolidayGroup::kNewYear;
  std::string name;
};

// The statutory days of `year` by the default rules, in date order:
//  - Tết: the last day of the old lunar year and lunar 1/1..1/4 (the pattern the yearly
//    decisions have kept since the 5-day rule; a year file replaces it when a decision differs);
//  - National Day: 2 Sep and the adjacent day that joins it to a weekend: 1 Sep when 2 Sep is
//    a Tuesday, Friday or Saturday (and, by choice, Wednesday), 3 Sep when it is a Monday,
//    Thursday or Sunday — as the decisions of 2021–2025 did.
// kValidation outside 1901–2100 (Tết needs the previous lunar year).
Result<std::vector<StatutoryDay>> statutory_holidays(int year);

// True for Saturday and Sunday.
bool is_weekend(int64_t day);

}  // namespace lienthong::calendar
