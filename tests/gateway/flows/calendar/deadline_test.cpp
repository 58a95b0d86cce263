#include "gateway/flows/calendar/deadline.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::calendar {
namespace {

int64_t T(const char* iso_local) {
  return *vn_time::parse_iso(iso_local);
}
std::string S(int64_t ms) {
  return vn_time::format_iso(ms);
}

DeadlineCalculator calculator() {
  std::map<std::string, OfficeHours, std::less<>> agencies;
  agencies.emplace("AGENCY-8H", *OfficeHours::parse({"08:00-12:00", "13:00-17:00"}));
  return DeadlineCalculator(WorkingDayCalendar(), OfficeHoursTable(OfficeHours(), std::move(agencies)));
}

TEST(Deadline, WorkingDaysAcrossTetSkipTheWholeHoliday) {
  auto c = calculator();
  // Friday 13 Feb 2026 16:00; 14–15 weekend, 16–20 Tết, 21–22 weekend.
  EXPECT_EQ(S(*c.add_working_days(T("2026-02-13T16:00:00"), 1)), "2026-02-23T16:00:00+07:00");
  EXPECT_EQ(S(*c.add_working_days(T("2026-02-13T16:00:00"), 3)), "2026-02-25T16:00:00+07:00");
  // Received on the eve of the holiday after closing: counting starts on the first day back.
  EXPECT_EQ(S(*c.add_working_days(T("2026-02-13T17:30:00"), 1)), "2026-02-23T17:00:00+07:00");
}

TEST(Deadline, ReceiptOutsideOfficeHoursStartsAtTheNextPeriod) {
  auto c = calculator();
  EXPECT_EQ(S(*c.counting_start(T("2026-03-02T06:15:00"))), "2026-03-02T07:30:00+07:00");  // before opening
  EXPECT_EQ(S(*c.counting_start(T("2026-03-02T12:00:00"))), "2026-03-02T13:30:00+07:00");  // lunch
  EXPECT_EQ(S(*c.counting_start(T("2026-03-02T17:00:00"))), "2026-03-03T07:30:00+07:00");  // at closing
  EXPECT_EQ(S(*c.counting_start(T("2026-03-07T09:00:00"))), "2026-03-09T07:30:00+07:00");  // Saturday
  EXPECT_EQ(S(*c.counting_start(T("2026-03-02T10:00:00"))),
            "2026-03-02T10:00:00+07:00");  // inside: unchanged
}

TEST(Deadline, UsedUpAtClosingIsDueAtClosing) {
  auto c = calculator();
  EXPECT_EQ(S(*c.add_working_days(T("2026-03-02T07:30:00"), 1)), "2026-03-02T17:00:00+07:00");
  EXPECT_EQ(S(*c.add_working_hours(T("2026-03-02T07:30:00"), 4)), "2026-03-02T11:30:00+07:00");
}

TEST(Deadline, EightWorkingHoursForAcknowledgement) {
  auto c = calculator();
  // Friday 10:00: 90 + 210 minutes on Friday, 180 more on the first day after Tết.
  EXPECT_EQ(S(*c.add_working_hours(T("2026-02-13T10:00:00"), 8)), "2026-02-23T10:30:00+07:00");
  // Submitted online on Sunday night: counting from Monday 07:30, 8 h end Tuesday 08:00.
  EXPECT_EQ(S(*c.add_working_hours(T("2026-03-08T22:00:00"), 8)), "2026-03-10T08:00:00+07:00");
}

TEST(Deadline, AgencyOfficeHoursChangeTheDayLength) {
  auto c = calculator();
  EXPECT_EQ(S(*c.add_working_days(T("2026-03-02T07:45:00"), 1, "AGENCY-8H")), "2026-03-02T17:00:00+07:00");
  // From 12:30: the agency opens at 13:00 (4 h left in the day); the default at 13:30 (3.5 h).
  EXPECT_EQ(S(*c.add_working_hours(T("2026-03-02T12:30:00"), 4, "AGENCY-8H")), "2026-03-02T17:00:00+07:00");
  EXPECT_EQ(S(*c.add_working_hours(T("2026-03-02T12:30:00"), 4, "OTHER")), "2026-03-03T08:00:00+07:00");
}

TEST(Deadline, WorkingMinutesBetween) {
  auto c = calculator();
  EXPECT_EQ(c.working_minutes_between(T("2026-03-02T07:00:00"), T("2026-03-03T07:00:00")), 450);
  EXPECT_EQ(c.working_minutes_between(T("2026-02-13T16:00:00"), T("2026-02-23T08:30:00")), 120);
  EXPECT_EQ(c.working_minutes_between(T("2026-03-03T00:00:00"), T("2026-03-02T00:00:00")), 0);
}

TEST(Deadline, CheckDueMatchEarlierLater) {
  auto c = calculator();
  LegalDeadline three_days{3, 0};
  const int64_t received = T("2026-02-13T16:00:00");
  // Legal: 2026-02-25 16:00. A due date at the end of that day matches.
  auto match = check_due(c, received, T("2026-02-25T17:00:00"), three_days);
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->verdict, DueVerdict::kMatch);
  EXPECT_EQ(S(match->computed_due_ms), "2026-02-25T16:00:00+07:00");
  // Counted in calendar days by the provincial system: late by construction.
  auto earlier = check_due(c, received, T("2026-02-16T16:00:00"), three_days);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->verdict, DueVerdict::kEarlier);
  EXPECT_EQ(earlier->working_minutes_off, 450 + 450 + 390);  // 23 and 24 Feb, 25 Feb until 16:00
  EXPECT_NE(earlier->message().find("earlier"), std::string::npos);
  auto later = check_due(c, received, T("2026-02-27T10:00:00"), three_days);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->verdict, DueVerdict::kLater);
}

TEST(Deadline, CheckDueTreatsClosingAndNextOpeningAsTheSameTime) {
  auto c = calculator();
  // Legal due Monday 17:00; reported Tuesday 07:30: no office time between them.
  auto r = check_due(c, T("2026-03-02T07:30:00"), T("2026-03-03T07:30:00"), LegalDeadline{1, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, DueVerdict::kMatch);
  auto hours = check_due(c, T("2026-03-02T07:30:00"), T("2026-03-02T12:00:00"), LegalDeadline{0, 4});
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->verdict, DueVerdict::kMatch);  // 11:30 and 12:00: lunch, no office time
  auto hours_late = check_due(c, T("2026-03-02T07:30:00"), T("2026-03-02T14:00:00"), LegalDeadline{0, 4});
  EXPECT_EQ(hours_late->verdict, DueVerdict::kLater);
  EXPECT_FALSE(check_due(c, 0, 0, LegalDeadline{}).ok());
}

TEST(Deadline, ClassifyOpenAndResolvedDossiers) {
  auto c = calculator();
  const int64_t due = T("2026-03-04T16:00:00");
  EXPECT_EQ(classify(c, 4, due, std::nullopt, T("2026-03-02T08:00:00"), 480), Timeliness::kOnTrack);
  EXPECT_EQ(classify(c, 4, due, std::nullopt, T("2026-03-04T08:00:00"), 480), Timeliness::kAtRisk);
  EXPECT_EQ(classify(c, 2, due, std::nullopt, T("2026-03-04T16:00:01"), 480), Timeliness::kOverdue);
  EXPECT_EQ(classify(c, 9, due, T("2026-03-04T16:00:00"), T("2026-03-09T08:00:00"), 480),
            Timeliness::kResolvedOnTime);
  EXPECT_EQ(classify(c, 10, due, T("2026-03-05T08:00:00"), T("2026-03-09T08:00:00"), 480),
            Timeliness::kResolvedLate);
  EXPECT_EQ(classify(c, 7, due, std::nullopt, T("2026-03-09T08:00:00"), 480), Timeliness::kNotApplicable);
  EXPECT_EQ(classify(c, 4, 0, std::nullopt, T("2026-03-09T08:00:00"), 480), Timeliness::kNotApplicable);
}

TEST(OfficeHours, ParseErrorsNameThePeriod) {
  EXPECT_EQ(OfficeHours().minutes_per_day(), 450);
  auto bad = OfficeHours::parse({"07:30-11:30", "11:00-17:00"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("period 1 '11:00-17:00'"), std::string::npos);
  EXPECT_FALSE(OfficeHours::parse({"7:30-11:30"}).ok());
  EXPECT_FALSE(OfficeHours::parse({"11:30-07:30"}).ok());
  EXPECT_FALSE(OfficeHours::parse({}).ok());
  EXPECT_EQ(OfficeHours::parse({"08:00-12:00", "13:00-17:00"})->minutes_per_day(), 480);
}

}  // namespace
}  // namespace lienthong::calendar
