// Thời hạn giải quyết (legal deadlines) in working days and working hours, and the checks
// the synchronisation flow and the monitors run on them. The rules (docs/calendar.md):
//  1. Counting starts at the receipt instant when it falls inside an office period of a
//     working day; otherwise at the opening of the next office period (after closing, at
//     lunch, on a weekend or holiday: the next period that is open).
//  2. N working hours = N×60 minutes of office time from the start; N working days =
//     N × (the agency's office minutes per day). With the same periods every day, N days
//     from 10:00 end at 10:00 on the N-th following working day.
//  3. The due instant is the moment the working time is used up; used up exactly at a
//     closing time, it is that closing time (not the next opening).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/calendar/office_hours.hpp"
#include "gateway/flows/calendar/working_day_calendar.hpp"

namespace lienthong::calendar {

class DeadlineCalculator {
 public:
  DeadlineCalculator(WorkingDayCalendar calendar, OfficeHoursTable hours)
      : calendar_(std::move(calendar)), hours_(std::move(hours)) {}

  const WorkingDayCalendar& calendar() const { return calendar_; }
  const OfficeHoursTable& office_hours() const { return hours_; }

  // Rule 1. kValidation if no office time exists within 20 years (a broken year file).
  Result<int64_t> counting_start(int64_t received_ms, std::string_view agency = {}) const;
  Result<int64_t> add_working_minutes(int64_t received_ms, int64_t minutes,
                                      std::string_view agency = {}) const;
  Result<int64_t> add_working_hours(int64_t received_ms, int64_t hours, std::string_view agency = {}) const;
  Result<int64_t> add_working_days(int64_t received_ms, int64_t days, std::string_view agency = {}) const;
  // Office minutes in [from_ms, to_ms) (0 when to <= from); spans over 100 years are clamped.
  int64_t working_minutes_between(int64_t from_ms, int64_t to_ms, std::string_view agency = {}) const;

 private:
  WorkingDayCalendar calendar_;
  OfficeHoursTable hours_;
};

// A procedure's legal deadline: in working days, or in working hours when days == 0.
struct LegalDeadline {
  int working_days = 0;
  int working_hours = 0;
  bool empty() const { return working_days <= 0 && working_hours <= 0; }
};

enum class DueVerdict {
  kMatch,    // the reported due date is the legal one
  kEarlier,  // reported earlier than the law allows the agency: late by construction
  kLater,    // reported later than the legal deadline
};
std::string_view to_string(DueVerdict v);

struct DueCheck {
  DueVerdict verdict = DueVerdict::kMatch;
  int64_t computed_due_ms = 0;
  int64_t reported_due_ms = 0;
  int64_t working_minutes_off = 0;  // office minutes between the two (0 on a match)
  std::string message() const;      // operator-facing, no personal data
};

// Compares the due date a provincial system reported with the legal one computed here.
// Deadlines in days compare local dates (a reported "end of that day" matches), deadlines
// in hours compare instants; two instants with no office time between them always match
// (17:00 and the next working day's 07:30 are the same point of working time).
Result<DueCheck> check_due(const DeadlineCalculator& calc, int64_t received_ms, int64_t reported_due_ms,
                           const LegalDeadline& deadline, std::string_view agency = {});

// Where a dossier stands against its due date.
enum class Timeliness {
  kNotApplicable,   // refused (3), withdrawn (7), stopped (8), or no due date
  kOnTrack,         // open, more than the at-risk margin of office time left
  kAtRisk,          // open, due within the at-risk margin (sắp đến hạn)
  kOverdue,         // open, past due (quá hạn)
  kResolvedOnTime,  // resolved (9) or returned (10), completed at or before due
  kResolvedLate,    // resolved or returned after due
};
std::string_view to_string(Timeliness t);

// `completed_at_ms`: when processing finished (NgayKetThucXuLy; the caller falls back to
// the return or status time). Open statuses are 1, 2, 4, 5, 6.
Timeliness classify(const DeadlineCalculator& calc, int status, int64_t due_at_ms,
                    std::optional<int64_t> completed_at_ms, int64_t now_ms, int64_t at_risk_minutes,
                    std::string_view agency = {});

}  // namespace lienthong::calendar
