#include "gateway/flows/calendar/working_day_calendar.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::calendar {
namespace {

int64_t D(int y, int m, int d) {
  return vn_time::days_from_civil(y, m, d);
}

std::vector<std::string> listing(const WorkingDayCalendar& cal, int year, bool with_working = false) {
  std::vector<std::string> out;
  auto days = cal.year_days(year, with_working);
  EXPECT_TRUE(days.ok());
  for (auto& d : *days) out.push_back(vn_time::format_date(d.day) + " " + d.kind);
  return out;
}

YearFile file_of(std::string_view text) {
  auto f = parse_year_file(text, "test.json");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
  return *f;
}

TEST(WorkingDayCalendar, DefaultHolidaysOf2026WithCompensatoryDay) {
  WorkingDayCalendar cal;
  // Tết Bính Ngọ: 2026-02-17; the day before and mùng 1–4 fill Monday to Friday.
  // Giỗ Tổ on Sunday 2026-04-26 moves to Monday 27; 2 Sep is a Wednesday: 1 Sep joins it.
  EXPECT_EQ(listing(cal, 2026),
            (std::vector<std::string>{"2026-01-01 holiday", "2026-02-16 holiday", "2026-02-17 holiday",
                                      "2026-02-18 holiday", "2026-02-19 holiday", "2026-02-20 holiday",
                                      "2026-04-26 holiday", "2026-04-27 compensatory", "2026-04-30 holiday",
                                      "2026-05-01 holiday", "2026-09-01 holiday", "2026-09-02 holiday"}));
}

TEST(WorkingDayCalendar, CompensatoryDaysSkipOtherHolidays) {
  WorkingDayCalendar cal;
  // 2023: Giỗ Tổ Saturday 29/4, 30/4 Sunday, 1/5 Monday -> nghỉ bù Tuesday 2/5 and Wednesday 3/5.
  EXPECT_FALSE(cal.is_working_day(D(2023, 5, 1)));
  EXPECT_FALSE(cal.is_working_day(D(2023, 5, 2)));
  EXPECT_FALSE(cal.is_working_day(D(2023, 5, 3)));
  EXPECT_TRUE(cal.is_working_day(D(2023, 5, 4)));
  // 2 Sep 2023 is a Saturday: 1 Sep (Friday) joins it and Monday 4 Sep compensates.
  EXPECT_FALSE(cal.is_working_day(D(2023, 9, 1)));
  EXPECT_FALSE(cal.is_working_day(D(2023, 9, 4)));
  EXPECT_TRUE(cal.is_working_day(D(2023, 9, 5)));
  // 2022: 30/4 Saturday and 1/5 Sunday -> Monday 2/5 and Tuesday 3/5.
  EXPECT_FALSE(cal.is_working_day(D(2022, 5, 2)));
  EXPECT_FALSE(cal.is_working_day(D(2022, 5, 3)));
  EXPECT_TRUE(cal.is_working_day(D(2022, 5, 4)));
  // 1 Jan 2022 Saturday -> Monday 3 Jan.
  EXPECT_FALSE(cal.is_working_day(D(2022, 1, 3)));
}

TEST(WorkingDayCalendar, NationalDayAdjacentDayFollowsTheWeekday) {
  WorkingDayCalendar cal;
  EXPECT_FALSE(cal.is_working_day(D(2024, 9, 3)));  // 2/9 Monday -> 3/9
  EXPECT_TRUE(cal.is_working_day(D(2024, 8, 30)));
  EXPECT_FALSE(cal.is_working_day(D(2025, 9, 1)));  // 2/9 Tuesday -> 1/9
  EXPECT_TRUE(cal.is_working_day(D(2025, 9, 3)));
  EXPECT_FALSE(cal.is_working_day(D(2021, 9, 3)));  // 2/9 Thursday -> 3/9
  EXPECT_FALSE(cal.is_working_day(D(2022, 9, 1)));  // 2/9 Friday -> 1/9
}

TEST(WorkingDayCalendar, YearFileReplacesTetAndAddsMakeUpSaturday) {
  WorkingDayCalendar cal;
  ASSERT_TRUE(cal.add_year_file(file_of(R"({
    "year": 2025, "decision": "test decision", "replace": ["tet"],
    "days_off": [
      {"date": "2025-01-27", "name": "swapped"}, {"date": "2025-01-28", "name": "Tết"},
      {"date": "2025-01-29", "name": "Tết"}, {"date": "2025-01-30", "name": "Tết"},
      {"date": "2025-01-31", "name": "Tết"}, {"date": "2025-05-02", "name": "swapped"}],
    "working_days": [{"date": "2025-02-08", "name": "make-up for 27/1"},
                     {"date": "2025-04-26", "name": "make-up for 2/5"}]})"))
                  .ok());
  // Without the file, 1 Feb (Saturday, mùng 4) would be compensated on Monday 3 Feb.
  WorkingDayCalendar plain;
  EXPECT_FALSE(plain.is_working_day(D(2025, 2, 3)));
  EXPECT_TRUE(cal.is_working_day(D(2025, 2, 3)));
  EXPECT_FALSE(cal.is_working_day(D(2025, 1, 27)));
  EXPECT_TRUE(plain.is_working_day(D(2025, 1, 27)));
  EXPECT_TRUE(cal.is_working_day(D(2025, 2, 8)));  // Saturday made a working day
  EXPECT_FALSE(plain.is_working_day(D(2025, 2, 8)));
  EXPECT_TRUE(cal.is_working_day(D(2025, 4, 26)));
  EXPECT_FALSE(cal.is_working_day(D(2025, 5, 2)));
  // Groups not replaced keep their default rule: Giỗ Tổ 2025-04-07.
  EXPECT_FALSE(cal.is_working_day(D(2025, 4, 7)));
  auto listed = listing(cal, 2025, true);
  EXPECT_NE(std::find(listed.begin(), listed.end(), "2025-02-08 working"), listed.end());
  EXPECT_NE(std::find(listed.begin(), listed.end(), "2025-01-27 decision"), listed.end());
  EXPECT_EQ(std::find(listed.begin(), listed.end(), "2025-02-03 compensatory"), listed.end());
}

TEST(WorkingDayCalendar, MakeUpWorkingDayWinsOverAHoliday) {
  WorkingDayCalendar cal;
  ASSERT_TRUE(
      cal.add_year_file(file_of(R"({"year": 2026, "working_days": [{"date": "2026-09-01", "name": "x"}]})"))
          .ok());
  EXPECT_TRUE(cal.is_working_day(D(2026, 9, 1)));
  EXPECT_FALSE(cal.is_working_day(D(2026, 9, 2)));
}

TEST(WorkingDayCalendar, SecondFileForTheSameYearIsRefused) {
  WorkingDayCalendar cal;
  ASSERT_TRUE(cal.add_year_file(file_of(R"({"year": 2026})")).ok());
  auto st = cal.add_year_file(file_of(R"({"year": 2026})"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kConflict);
}

TEST(WorkingDayCalendar, LoadsTheShippedYearFiles) {
  auto cal = WorkingDayCalendar::load_directory(LIENTHONG_SOURCE_DIR "/mappings/calendar");
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  EXPECT_FALSE(cal->file_years().empty());
  for (int year : cal->file_years()) EXPECT_TRUE(cal->year_days(year, true).ok()) << year;
}

TEST(WorkingDayCalendar, DirectoryErrorsNameTheFile) {
  auto missing = WorkingDayCalendar::load_directory("/nonexistent/calendar");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/calendar"), std::string::npos);
}

TEST(WorkingDayCalendar, OrdinaryWeekendsAndWeekdays) {
  WorkingDayCalendar cal;
  EXPECT_TRUE(cal.is_working_day(D(2026, 3, 2)));   // Monday
  EXPECT_FALSE(cal.is_working_day(D(2026, 3, 7)));  // Saturday
  EXPECT_FALSE(cal.is_working_day(D(2026, 3, 8)));  // Sunday
}

}  // namespace
}  // namespace lienthong::calendar
