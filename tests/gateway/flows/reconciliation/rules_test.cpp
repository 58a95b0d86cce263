#include "gateway/flows/reconciliation/rules.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/config/config.hpp"

namespace lienthong::reconciliation {
namespace {

Rules rules_of(const char* json) {
  return Rules::from_config(ConfigFile::from_string(json)->root());
}

TEST(ReconciliationRules, WindowUnitWorkingDaysIsReadAndChangesTheFingerprint) {
  EXPECT_EQ(rules_of("{}").window_unit, WindowUnit::kCalendarDays);
  EXPECT_EQ(rules_of(R"({"window_unit": "calendar_days"})").fingerprint(), rules_of("{}").fingerprint());
  Rules w = rules_of(R"({"window_unit": "working_days"})");
  EXPECT_EQ(w.window_unit, WindowUnit::kWorkingDays);
  EXPECT_NE(w.fingerprint().find("window_unit=working_days"), std::string::npos);
}

TEST(ReconciliationRules, UnknownWindowUnitIsRefusedNamingTheKey) {
  try {
    rules_of(R"({"window_unit": "business_days"})");
    FAIL() << "accepted an unknown unit";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("window_unit"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("working_days"), std::string::npos) << e.what();
  }
}

TEST(ReconciliationWorkingDays, CountsWorkingDaysAfterADayInsideAndOutsideItsTable) {
  auto day = [](const char* iso) { return static_cast<int32_t>(*vn_time::parse_date(iso)); };
  WorkingDays weekdays;
  EXPECT_EQ(weekdays.after(day("2026-11-06"), day("2026-11-09")), 1);  // Friday to Monday
  EXPECT_EQ(weekdays.after(day("2026-11-09"), day("2026-11-06")), 0);
  EXPECT_FALSE(weekdays.is_working(day("2026-11-07")));
  // A table where Monday 09/11 is a holiday and Saturday 14/11 a make-up working day.
  WorkingDays table(day("2026-11-01"), day("2026-11-30"), [&](int32_t d) {
    if (d == day("2026-11-09")) return false;
    if (d == day("2026-11-14")) return true;
    return weekdays.is_working(d);
  });
  EXPECT_EQ(table.after(day("2026-11-06"), day("2026-11-09")), 0);
  EXPECT_EQ(table.after(day("2026-11-06"), day("2026-11-16")), 6);  // 10..14 and 16
  // Crossing the table's end falls back to Monday to Friday beyond it.
  EXPECT_EQ(table.after(day("2026-11-27"), day("2026-12-01")), 2);
}

}  // namespace
}  // namespace lienthong::reconciliation
