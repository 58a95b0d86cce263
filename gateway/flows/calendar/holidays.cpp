#include "gateway/flows/calendar/holidays.hpp"

#include <algorithm>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/calendar/lunar.hpp"

namespace lienthong::calendar {

std::string_view group_id(HolidayGroup g) {
  switch (g) {
    case HolidayGroup::kNewYear:
      return "new_year";
    case HolidayGroup::kTet:
      return "tet";
    case HolidayGroup::kHungKings:
      return "hung_kings";
    case HolidayGroup::kVictoryDay:
      return "victory_day";
    case HolidayGroup::kLabourDay:
      return "labour_day";
    case HolidayGroup::kNationalDay:
      return "national_day";
  }
  return "unknown";
}

bool parse_group_id(std::string_view id, HolidayGroup& out) {
  for (HolidayGroup g : kAllGroups) {
    if (group_id(g) == id) {
      out = g;
      return true;
    }
  }
  return false;
}

bool is_weekend(int64_t day) {
  return vn_time::weekday(day) >= 5;
}

Result<std::vector<StatutoryDay>> statutory_holidays(int year) {
  if (year <= kMinLunarYear || year > kMaxLunarYear) {
    return Error(ErrorKind::kValidation, "holidays are computed for years " +
                                             std::to_string(kMinLunarYear + 1) + "-" +
                                             std::to_string(kMaxLunarYear) + ", not " + std::to_string(year));
  }
  std::vector<StatutoryDay> out;
  auto solar = [&](int m, int d, HolidayGroup g, std::string name) {
    out.push_back({vn_time::days_from_civil(year, m, d), g, std::move(name)});
  };
  solar(1, 1, HolidayGroup::kNewYear, "Tết Dương lịch (New Year's Day)");

  auto tet = tet_day(year);
  if (!tet.ok()) return tet.error();
  auto last = solar_to_lunar(*tet - 1);
  if (!last.ok()) return last.error();
  out.push_back({*tet - 1, HolidayGroup::kTet,
                 "Tết Nguyên đán (Lunar New Year), " + std::to_string(last->day) +
                     " tháng Chạp (last day of the year)"});
  for (int i = 0; i < 4; ++i) {
    out.push_back({*tet + i, HolidayGroup::kTet,
                   "Tết Nguyên đán (Lunar New Year), mùng " + std::to_string(i + 1) + " tháng Giêng"});
  }

  auto hung = lunar_to_solar(LunarDate{year, 3, 10, false});
  if (!hung.ok()) return hung.error();
  out.push_back(
      {*hung, HolidayGroup::kHungKings, "Giỗ Tổ Hùng Vương (Hùng Kings' Commemoration), 10/3 âm lịch"});

  solar(4, 30, HolidayGroup::kVictoryDay, "Ngày Chiến thắng (Reunification Day)");
  solar(5, 1, HolidayGroup::kLabourDay, "Ngày Quốc tế Lao động (International Labour Day)");

  int64_t sep2 = vn_time::days_from_civil(year, 9, 2);
  int wd = vn_time::weekday(sep2);  // 0 Monday .. 6 Sunday
  bool before = (wd == 1 || wd == 2 || wd == 4 || wd == 5);
  if (before) solar(9, 1, HolidayGroup::kNationalDay, "Quốc khánh (National Day), adjacent day");
  solar(9, 2, HolidayGroup::kNationalDay, "Quốc khánh (National Day)");
  if (!before) solar(9, 3, HolidayGroup::kNationalDay, "Quốc khánh (National Day), adjacent day");

  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
  return out;
}

}  // namespace lienthong::calendar
