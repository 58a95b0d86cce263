#include "gateway/flows/calendar/year_file.hpp"

#include <gtest/gtest.h>

namespace lienthong::calendar {
namespace {

std::string error_of(std::string_view text, int expected_year = 0) {
  auto f = parse_year_file(text, "mappings/calendar/2025.json", expected_year);
  EXPECT_FALSE(f.ok());
  return f.ok() ? "" : f.error().message;
}

TEST(YearFile, ParsesAllMembers) {
  auto f = parse_year_file(R"({"year": 2025, "decision": "d", "replace": ["tet", "national_day"],
      "days_off": [{"date": "2025-01-27", "name": "swapped"}],
      "working_days": [{"date": "2025-02-08", "name": "make-up"}]})",
                           "2025.json", 2025);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->year, 2025);
  EXPECT_EQ(f->decision, "d");
  ASSERT_EQ(f->replace.size(), 2u);
  EXPECT_EQ(f->replace[0], HolidayGroup::kTet);
  ASSERT_EQ(f->days_off.size(), 1u);
  EXPECT_EQ(f->days_off[0].name, "swapped");
  ASSERT_EQ(f->working_days.size(), 1u);
}

TEST(YearFile, ErrorsNameFileAndEntry) {
  EXPECT_EQ(error_of(R"({"year": 2025, "days_off": [{"date": "2025-01-27", "name": "a"},
                                                     {"date": "2025-13-01", "name": "b"}]})"),
            "mappings/calendar/2025.json: days_off[1].date: '2025-13-01' is not a valid YYYY-MM-DD date");
  EXPECT_EQ(error_of(R"({"year": 2025, "working_days": [{"date": "2024-12-28", "name": "a"}]})"),
            "mappings/calendar/2025.json: working_days[0].date: 2024-12-28 is not in year 2025");
  EXPECT_EQ(error_of(R"({"year": 2025, "replace": ["tet", "christmas"]})"),
            "mappings/calendar/2025.json: replace[1]: must be one of new_year, tet, hung_kings, victory_day, "
            "labour_day, national_day");
  EXPECT_NE(error_of(R"({"year": 2025, "days_off": [{"date": "2025-01-27", "name": "a"}],
                         "working_days": [{"date": "2025-01-27", "name": "b"}]})")
                .find("working_days[0].date: 2025-01-27 is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"year": 2025, "holidays": []})").find("holidays: unknown member"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"year": 2025, "days_off": [{"date": "2025-01-27"}]})").find("days_off[0].name: missing"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"year": 2024})", 2025).find("does not match the file name's year 2025"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"year": 2025,})").find("mappings/calendar/2025.json"), std::string::npos);
  EXPECT_NE(error_of("[]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"year": 1800})").find("outside"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::calendar
