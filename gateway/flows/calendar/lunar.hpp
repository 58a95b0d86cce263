// Âm lịch (the Vietnamese lunisolar calendar), computed — not tabled — for 1900–2100 from
// published astronomical formulas (J. Meeus, "Astronomical Algorithms", 2nd ed.):
// true new moons from ch. 49 (mean phase + periodic and planetary terms) and the sun's
// apparent longitude from ch. 25, with ΔT from the Espenak–Meeus polynomials.
// The calendar rules are those of the traditional Chinese-style calendar, applied on
// Vietnam's own meridian (UTC+7), which is why in some years (1985, 2007, 2030...) Tết
// differs from the Chinese New Year computed on UTC+8:
//  - a month starts on the local day of a new moon;
//  - month 11 is the month that contains the winter solstice;
//  - when 13 new moons separate two month-11 starts, the first month after month 11 that
//    contains no major solar term (trung khí: sun longitude a multiple of 30°) is a leap
//    month (tháng nhuận) and takes the number of the month before it.
#pragma once

#include <cstdint>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::calendar {

inline constexpr int kMinLunarYear = 1900;
inline constexpr int kMaxLunarYear = 2100;
inline constexpr int kVietnamOffsetMinutes = 7 * 60;

struct LunarDate {
  int year = 0;       // lunar year; its month 1 day 1 (Tết) falls in the Gregorian year of that number
  int month = 0;      // 1..12
  int day = 0;        // 1..30
  bool leap = false;  // tháng nhuận
  bool operator==(const LunarDate&) const = default;
};

// One lunar month: the local day (days since 1970-01-01) it starts on and its length.
struct LunarMonth {
  int64_t start_day = 0;
  int length = 0;  // 29 or 30
  int month = 0;
  bool leap = false;
};

// Astronomical building blocks (exposed for tests against Meeus' worked examples).
// Julian Ephemeris Day of the true new moon number k (k = 0: 2000-01-06).
double new_moon_jde(int k);
// Apparent geometric longitude of the sun, degrees in [0, 360), at Julian Ephemeris Day jde.
double sun_apparent_longitude(double jde);
// ΔT = TT − UT in seconds for a decimal year.
double delta_t_seconds(double year);

// The months of lunar year `year` in order, from month 1 to month 12 (a leap month sits
// after the month it repeats). `offset_minutes` is the time zone east of UTC (420 for
// Vietnam, 480 to reproduce the Chinese calendar in tests). kValidation outside 1900–2100.
Result<std::vector<LunarMonth>> lunar_year_months(int year, int offset_minutes = kVietnamOffsetMinutes);

// Gregorian day (days since 1970-01-01) -> lunar date, and back.
Result<LunarDate> solar_to_lunar(int64_t day, int offset_minutes = kVietnamOffsetMinutes);
// kValidation when the date does not exist (day 30 of a 29-day month, a leap month the year lacks).
Result<int64_t> lunar_to_solar(const LunarDate& d, int offset_minutes = kVietnamOffsetMinutes);

// Day of Tết (lunar 1/1) of `year`.
Result<int64_t> tet_day(int year, int offset_minutes = kVietnamOffsetMinutes);

}  // namespace lienthong::calendar
