#include "gateway/flows/calendar/lunar.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::calendar {
namespace {

int64_t D(int y, int m, int d) {
  return vn_time::days_from_civil(y, m, d);
}
std::string iso(int64_t day) {
  return vn_time::format_date(day);
}

TEST(Lunar, NewMoonMatchesMeeusWorkedExample49a) {
  // Meeus example 49.a: the new moon of 1977 February, k = -283, JDE 2443192.65118.
  EXPECT_NEAR(new_moon_jde(-283), 2443192.65118, 1e-5);
}

TEST(Lunar, SunLongitudeMatchesMeeusWorkedExample25a) {
  // Meeus example 25.a: 1992 October 13.0 TD, apparent longitude 199.90895°.
  EXPECT_NEAR(sun_apparent_longitude(2448908.5), 199.90895, 1e-4);
}

TEST(Lunar, TetDatesOfOrdinaryYears) {
  const std::pair<int, const char*> cases[] = {
      {2000, "2000-02-05"}, {2010, "2010-02-14"}, {2015, "2015-02-19"}, {2019, "2019-02-05"},
      {2020, "2020-01-25"}, {2021, "2021-02-12"}, {2022, "2022-02-01"}, {2023, "2023-01-22"},
      {2024, "2024-02-10"}, {2025, "2025-01-29"}, {2026, "2026-02-17"}, {2027, "2027-02-06"},
  };
  for (auto& [year, date] : cases) {
    auto t = tet_day(year);
    ASSERT_TRUE(t.ok()) << year;
    EXPECT_EQ(iso(*t), date) << year;
  }
}

TEST(Lunar, VietnameseAndChineseNewYearDifferOnUtc7) {
  // Same rules, different meridian: Vietnam computes on UTC+7, China on UTC+8.
  struct Case {
    int year;
    const char* vn;
    const char* cn;
  };
  for (auto c : {Case{1968, "1968-01-29", "1968-01-30"}, Case{1985, "1985-01-21", "1985-02-20"},
                 Case{2007, "2007-02-17", "2007-02-18"}, Case{2030, "2030-02-02", "2030-02-03"}}) {
    EXPECT_EQ(iso(*tet_day(c.year, 420)), c.vn) << c.year;
    EXPECT_EQ(iso(*tet_day(c.year, 480)), c.cn) << c.year;
  }
  // In years without a difference both agree.
  EXPECT_EQ(*tet_day(2024, 420), *tet_day(2024, 480));
}

TEST(Lunar, HungKingsCommemorationIsTenthDayOfThirdMonth) {
  const std::pair<int, const char*> cases[] = {{2022, "2022-04-10"},
                                               {2023, "2023-04-29"},
                                               {2024, "2024-04-18"},
                                               {2025, "2025-04-07"},
                                               {2026, "2026-04-26"}};
  for (auto& [year, date] : cases) {
    auto d = lunar_to_solar(LunarDate{year, 3, 10, false});
    ASSERT_TRUE(d.ok()) << year;
    EXPECT_EQ(iso(*d), date) << year;
  }
}

TEST(Lunar, LeapMonthsOfKnownYears) {
  auto leap_of = [](int year, int tz) {
    auto months = lunar_year_months(year, tz);
    if (!months.ok()) return -1;
    int leap = 0;
    for (const LunarMonth& m : months.value()) {
      if (m.leap) leap = m.month;
    }
    return leap;
  };
  EXPECT_EQ(leap_of(2020, 420), 4);
  EXPECT_EQ(leap_of(2023, 420), 2);
  EXPECT_EQ(leap_of(2025, 420), 6);
  EXPECT_EQ(leap_of(2024, 420), 0);
  EXPECT_EQ(leap_of(1984, 480), 10);  // China's 1984 leap 10th month...
  EXPECT_EQ(leap_of(1984, 420), 0);   // ...which Vietnam did not have: hence Tết 1985 a month apart.
  EXPECT_EQ(leap_of(1985, 420), 2);
  EXPECT_EQ(leap_of(2033, 420), 11);
}

TEST(Lunar, SolarToLunarKnownDates) {
  auto l = solar_to_lunar(D(2025, 8, 1));  // 2025-08-01 is 8/6 nhuận (leap 6th month) Ất Tỵ
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, (LunarDate{2025, 6, 8, true}));
  auto eve = solar_to_lunar(D(2026, 2, 16));  // the last day of Ất Tỵ: 29 tháng Chạp
  ASSERT_TRUE(eve.ok());
  EXPECT_EQ(*eve, (LunarDate{2025, 12, 29, false}));
  EXPECT_EQ(*solar_to_lunar(D(2026, 2, 17)), (LunarDate{2026, 1, 1, false}));
}

TEST(Lunar, RoundTripAndShapeOverTheWholeRange) {
  for (int year = kMinLunarYear; year <= kMaxLunarYear; ++year) {
    auto months = lunar_year_months(year);
    ASSERT_TRUE(months.ok()) << year;
    ASSERT_TRUE(months->size() == 12 || months->size() == 13) << year;
    int y, m, d;
    vn_time::civil_from_days(months->front().start_day, y, m, d);
    EXPECT_EQ(y, year);
    EXPECT_TRUE(months->front().start_day >= D(year, 1, 21) && months->front().start_day <= D(year, 2, 20))
        << year;
    for (size_t i = 0; i < months->size(); ++i) {
      const auto& mo = (*months)[i];
      EXPECT_TRUE(mo.length == 29 || mo.length == 30) << year;
      if (i + 1 < months->size()) {
        EXPECT_EQ(mo.start_day + mo.length, (*months)[i + 1].start_day);
      }
    }
    if (months->size() == 13) {
      int leaps = 0;
      for (auto& mo : *months) leaps += mo.leap;
      EXPECT_EQ(leaps, 1) << year;
    }
  }
  for (int64_t day = D(1900, 2, 1); day < D(2100, 12, 31); day += 23) {
    auto l = solar_to_lunar(day);
    ASSERT_TRUE(l.ok()) << iso(day);
    auto back = lunar_to_solar(*l);
    ASSERT_TRUE(back.ok()) << iso(day);
    EXPECT_EQ(*back, day);
  }
}

TEST(Lunar, RefusesDatesOutsideTheSupportedRange) {
  EXPECT_FALSE(lunar_year_months(1899).ok());
  EXPECT_FALSE(lunar_year_months(2101).ok());
  EXPECT_FALSE(solar_to_lunar(D(1900, 1, 1)).ok());  // still lunar year 1899
  EXPECT_EQ(lunar_to_solar(LunarDate{2024, 4, 1, true}).error().kind,
            ErrorKind::kValidation);  // 2024 has no leap
  EXPECT_FALSE(lunar_to_solar(LunarDate{2025, 1, 31, false}).ok());
}

}  // namespace
}  // namespace lienthong::calendar
