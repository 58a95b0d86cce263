#include "gateway/flows/kpi/monitors.hpp"

#include <gtest/gtest.h>

#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::T;

class MonitorsTest : public testing::KpiFixture {
 protected:
  calendar::DeadlineCalculator calc_{calendar::WorkingDayCalendar(), calendar::OfficeHoursTable()};
};

TEST_F(MonitorsTest, OnlineDossiersNotAcknowledgedWithinEightWorkingHours) {
  auto f =
      unacknowledged_online(*db_, calc_, T("2023-07-05T08:00"), T("2023-03-01T00:00"), T("2023-07-01T00:00"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  // D3 was submitted on a compensatory day off and acknowledged within 8 working hours of
  // 4 May 07:30; D1, D6, D7 were acknowledged (accepted or refused) the same morning.
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].dossier_code, "D8");
  EXPECT_EQ((*f)[0].state, "acknowledged_late");
  EXPECT_EQ(vn_time::format_iso((*f)[0].deadline_ms), "2023-06-21T10:30:00+07:00");
  EXPECT_EQ((*f)[1].dossier_code, "D10");
  EXPECT_EQ((*f)[1].state, "unacknowledged");
  EXPECT_FALSE((*f)[1].acknowledged_at_ms.has_value());
  EXPECT_EQ(vn_time::format_iso((*f)[1].deadline_ms), "2023-06-29T08:30:00+07:00");
}

TEST_F(MonitorsTest, UnacknowledgedOnlyOnceTheDeadlinePassed) {
  auto f =
      unacknowledged_online(*db_, calc_, T("2023-06-29T08:00"), T("2023-06-28T00:00"), T("2023-06-29T00:00"));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->empty());  // D10 still has 30 working minutes
}

TEST_F(MonitorsTest, LateDossiersWithoutExplanation) {
  const int64_t now = T("2023-07-05T08:00");
  auto all = late_dossiers(*db_, calc_, now, 0, T("2030-01-01T00:00"), true);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].dossier_code, "D7");
  EXPECT_EQ((*all)[0].timeliness, "resolved_late");
  EXPECT_EQ((*all)[0].late_working_minutes, 150);  // due Fri 17:00, finished Mon 10:00
  EXPECT_EQ((*all)[1].dossier_code, "D2");
  EXPECT_EQ((*all)[1].late_working_minutes, 5 * 450 + 150);
  EXPECT_EQ((*all)[2].dossier_code, "D5");
  EXPECT_EQ((*all)[2].timeliness, "overdue");

  LateRegister reg(*db_);
  ASSERT_TRUE(reg.record({"D2", "waiting for the land office's opinion", "XL-2023-017", std::nullopt,
                          "officer-1", T("2023-04-13T09:00")})
                  .ok());
  auto unexplained = late_dossiers(*db_, calc_, now, 0, T("2030-01-01T00:00"), true);
  ASSERT_TRUE(unexplained.ok());
  ASSERT_EQ(unexplained->size(), 2u);
  EXPECT_EQ((*unexplained)[0].dossier_code, "D7");
  EXPECT_EQ((*unexplained)[1].dossier_code, "D5");
  auto with_explained = late_dossiers(*db_, calc_, now, 0, T("2030-01-01T00:00"), false);
  ASSERT_EQ(with_explained->size(), 3u);
  EXPECT_TRUE((*with_explained)[1].explained);
}

TEST_F(MonitorsTest, DeadlineWatchFlagsAtRiskAndOverdue) {
  auto at = deadline_watch(*db_, calc_, T("2023-06-09T10:00"), 480);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 1u);
  EXPECT_EQ((*at)[0].dossier_code, "D5");
  EXPECT_EQ((*at)[0].timeliness, "at_risk");
  EXPECT_EQ((*at)[0].working_minutes_left, 90 + 210);
  auto later = deadline_watch(*db_, calc_, T("2023-07-05T18:00"), 480);
  ASSERT_EQ(later->size(), 2u);
  EXPECT_EQ((*later)[0].timeliness, "overdue");
  EXPECT_EQ((*later)[1].dossier_code, "D10");
  EXPECT_EQ((*later)[1].timeliness, "overdue");
}

}  // namespace
}  // namespace lienthong::kpi
