#include "gateway/flows/calendar/year_file_check.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::calendar {
namespace {

int64_t day(const char* s) {
  return *vn_time::parse_date(s);
}

WorkingDayCalendar with_files(const std::vector<std::string>& texts) {
  WorkingDayCalendar cal;
  for (const auto& t : texts) {
    auto f = parse_year_file(t, "test.json");
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    if (f.ok()) {
      EXPECT_TRUE(cal.add_year_file(std::move(*f)).ok());
    }
  }
  return cal;
}

TEST(YearFileCheck, NextYearIsRequiredFromOctoberFirst) {
  auto cal = with_files({R"({"year": 2026})"});
  auto sep = check_year_files(cal, day("2026-09-30"));
  ASSERT_EQ(sep.years.size(), 2u);
  EXPECT_EQ(sep.years[0].year, 2026);
  EXPECT_EQ(sep.years[0].state, YearFileStatus::State::kConfirmed);
  EXPECT_EQ(sep.years[1].year, 2027);
  EXPECT_EQ(sep.years[1].state, YearFileStatus::State::kMissing);
  EXPECT_FALSE(sep.years[1].required);
  EXPECT_EQ(sep.missing(), 0);
  auto oct = check_year_files(cal, day("2026-10-01"));
  EXPECT_TRUE(oct.years[1].required);
  EXPECT_EQ(oct.missing(), 1);
  EXPECT_EQ(check_year_files(cal, day("2026-12-31")).missing(), 1);
}

TEST(YearFileCheck, CurrentYearIsAlwaysRequiredAndUnconfirmedDoesNotCount) {
  auto cal = with_files({R"({"year": 2025, "unconfirmed": ["the make-up Saturday"]})", R"({"year": 2026})"});
  auto jan = check_year_files(cal, day("2025-01-15"));
  EXPECT_EQ(jan.years[0].state, YearFileStatus::State::kUnconfirmed);
  ASSERT_EQ(jan.years[0].reasons.size(), 1u);
  EXPECT_EQ(jan.years[0].reasons[0], "the make-up Saturday");
  EXPECT_EQ(jan.missing(), 1);
  EXPECT_EQ(check_year_files(WorkingDayCalendar{}, day("2027-03-01")).missing(), 1);
  EXPECT_EQ(check_year_files(cal, day("2026-10-01")).missing(), 1);  // 2027
}

TEST(YearFileCheck, UnconfirmedMustBeStrings) {
  auto bad = parse_year_file(R"({"year": 2025, "unconfirmed": [""]})", "2025.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("2025.json: unconfirmed[0]"), std::string::npos) << bad.error().message;
}

TEST(YearFileCheck, MetricShowsMissingYears) {
  metrics::Registry registry;
  auto cal = with_files({R"({"year": 2026})"});
  publish_year_file_check(check_year_files(cal, day("2026-11-01")), registry);
  auto text = registry.render();
  EXPECT_NE(text.find("lienthong_calendar_year_file_missing 1"), std::string::npos) << text;
  EXPECT_NE(text.find("lienthong_calendar_year_file_confirmed{year=\"2026\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("lienthong_calendar_year_file_confirmed{year=\"2027\"} 0"), std::string::npos) << text;
  publish_year_file_check(check_year_files(cal, day("2026-09-01")), registry);
  EXPECT_NE(registry.render().find("lienthong_calendar_year_file_missing 0"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::calendar
