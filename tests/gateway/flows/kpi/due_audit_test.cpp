#include "gateway/flows/kpi/due_audit.hpp"

#include <gtest/gtest.h>

#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::T;

model::DossierStatusEvent event(const char* procedure, const char* received, const char* due,
                                int status = 2) {
  model::DossierStatusEvent e;
  e.dossier_code = "H56-2026-1";
  e.procedure_code = procedure;
  e.agency_code = "A1";
  e.received_at_ms = T(received);
  e.due_at_ms = due ? T(due) : 0;
  e.status = status;
  e.status_at_ms = T(received);
  e.sequence = 1;
  return e;
}

class DueAuditTest : public ::testing::Test {
 protected:
  calendar::DeadlineCalculator calc_{calendar::WorkingDayCalendar(), calendar::OfficeHoursTable()};
  procedures::ProcedureCatalogue catalogue_ = testing::catalogue();
  Result<DueAudit> audit(const model::DossierStatusEvent& e, const char* now = "2026-02-13T16:30") {
    return audit_due(e, catalogue_, calc_, T(now), 480);
  }
};

TEST_F(DueAuditTest, DueDateCountedInCalendarDaysAcrossTetIsFlaggedEarlier) {
  // 5 working days from Friday 13 Feb 2026 16:00 skip the Tết break: Friday 27 Feb 16:00.
  auto a = audit(event(testing::kOnline, "2026-02-13T16:00", "2026-02-18T16:00"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->outcome, "earlier");
  EXPECT_TRUE(a->mismatch());
  EXPECT_EQ(vn_time::format_iso(*a->computed_due_ms), "2026-02-27T16:00:00+07:00");
  // Judged by the reported due date, as the national portal will: 30 office minutes left.
  EXPECT_EQ(a->timeliness, calendar::Timeliness::kAtRisk);
}

TEST_F(DueAuditTest, LegalDueDateMatchesAndLongerOneIsFlaggedLater) {
  EXPECT_EQ(audit(event(testing::kOnline, "2026-02-13T16:00", "2026-02-27T17:00"))->outcome, "match");
  EXPECT_EQ(audit(event(testing::kOnline, "2026-02-13T16:00", "2026-03-03T17:00"))->outcome, "later");
}

TEST_F(DueAuditTest, OutcomesWithoutACheck) {
  EXPECT_EQ(audit(event(testing::kUnknown, "2026-02-13T16:00", "2026-02-27T17:00"))->outcome,
            "unknown_procedure");
  EXPECT_EQ(audit(event(testing::kOnline, "2026-02-13T16:00", nullptr))->outcome, "no_due_date");
  EXPECT_EQ(audit(event(testing::kOnline, "2026-02-13T16:00", nullptr, 1))->outcome, "not_received");
}

TEST_F(DueAuditTest, FlagsOverdueAndAtRisk) {
  auto e = event(testing::kOnline, "2026-02-13T16:00", "2026-02-27T16:00", 4);
  EXPECT_EQ(audit(e, "2026-02-27T09:00")->timeliness, calendar::Timeliness::kAtRisk);
  EXPECT_EQ(audit(e, "2026-03-02T09:00")->timeliness, calendar::Timeliness::kOverdue);
}

TEST_F(DueAuditTest, LogKeepsTheLatestAuditPerDossier) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(DueAuditLog::migrations()).ok());
  DueAuditLog log(*db);
  ASSERT_TRUE(log.record(*audit(event(testing::kOnline, "2026-02-13T16:00", "2026-02-18T16:00")), 1).ok());
  auto m = log.mismatches();
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].outcome, "earlier");
  EXPECT_EQ((*m)[0].office_minutes_off, 4 * 450 + 390);  // 18 Feb is Tết; 23–26 Feb whole, 27 Feb to 16:00
  // The province corrects the due date: the dossier leaves the list.
  ASSERT_TRUE(log.record(*audit(event(testing::kOnline, "2026-02-13T16:00", "2026-02-27T17:00")), 2).ok());
  EXPECT_TRUE(log.mismatches()->empty());
}

TEST_F(DueAuditTest, AuditorRecordsEachEventInTheCallersTransaction) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(DueAuditLog::migrations()).ok());
  DueAuditor auditor(*db, testing::catalogue(), calc_);
  Status rolled_back = db->transaction([&]() -> Status {
    auto a = auditor.on_event(event(testing::kOnline, "2026-02-13T16:00", "2026-02-18T16:00"), 1);
    EXPECT_TRUE(a.ok());
    return Error(ErrorKind::kStore, "simulated failure later in the page");
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_TRUE(DueAuditLog(*db).mismatches()->empty());
  auto a = auditor.on_event(event(testing::kOnline, "2026-02-13T16:00", "2026-03-03T17:00"), 2);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outcome, "later");
  EXPECT_EQ(DueAuditLog(*db).mismatches()->size(), 1u);
}

}  // namespace
}  // namespace lienthong::kpi
