#include "gateway/flows/calendar/deadline.hpp"

#include <algorithm>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::calendar {

namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kOffsetMs = vn_time::kOffsetSeconds * 1000;
constexpr int64_t kSearchDays = 20 * 366;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t local_day(int64_t ms) {
  return floor_div(ms + kOffsetMs, kDayMs);
}
int64_t day_start_ms(int64_t day) {
  return day * kDayMs - kOffsetMs;
}
}  // namespace

Result<int64_t> DeadlineCalculator::add_working_minutes(int64_t received_ms, int64_t minutes,
                                                        std::string_view agency) const {
  if (minutes < 0) return Error(ErrorKind::kValidation, "a deadline cannot be negative");
  const OfficeHours& h = hours_.for_agency(agency);
  int64_t remaining = minutes * 60'000;
  int64_t cur = received_ms;
  int64_t first = local_day(received_ms);
  for (int64_t day = first; day < first + kSearchDays; ++day) {
    if (calendar_.is_working_day(day)) {
      for (const auto& p : h.periods()) {
        int64_t ps = day_start_ms(day) + p.start_minute * int64_t{60'000};
        int64_t pe = day_start_ms(day) + p.end_minute * int64_t{60'000};
        if (cur >= pe) continue;
        int64_t s = std::max(cur, ps);
        if (remaining <= pe - s) return s + remaining;
        remaining -= pe - s;
      }
    }
    cur = std::max(cur, day_start_ms(day + 1));
  }
  return Error(ErrorKind::kValidation, "no office time found within 20 years of " +
                                           vn_time::format_iso(received_ms) +
                                           "; check the calendar year files and office hours");
}

Result<int64_t> DeadlineCalculator::counting_start(int64_t received_ms, std::string_view agency) const {
  return add_working_minutes(received_ms, 0, agency);
}

Result<int64_t> DeadlineCalculator::add_working_hours(int64_t received_ms, int64_t hours,
                                                      std::string_view agency) const {
  return add_working_minutes(received_ms, hours * 60, agency);
}

Result<int64_t> DeadlineCalculator::add_working_days(int64_t received_ms, int64_t days,
                                                     std::string_view agency) const {
  return add_working_minutes(received_ms, days * hours_.for_agency(agency).minutes_per_day(), agency);
}

int64_t DeadlineCalculator::working_minutes_between(int64_t from_ms, int64_t to_ms,
                                                    std::string_view agency) const {
  if (to_ms <= from_ms) return 0;
  const OfficeHours& h = hours_.for_agency(agency);
  int64_t first = local_day(from_ms);
  int64_t last = std::min(local_day(to_ms), first + 100 * 366);
  int64_t total_ms = 0;
  for (int64_t day = first; day <= last; ++day) {
    if (!calendar_.is_working_day(day)) continue;
    for (const auto& p : h.periods()) {
      int64_t ps = std::max(from_ms, day_start_ms(day) + p.start_minute * int64_t{60'000});
      int64_t pe = std::min(to_ms, day_start_ms(day) + p.end_minute * int64_t{60'000});
      if (pe > ps) total_ms += pe - ps;
    }
  }
  return total_ms / 60'000;
}

std::string_view to_string(DueVerdict v) {
  switch (v) {
    case DueVerdict::kMatch:
      return "match";
    case DueVerdict::kEarlier:
      return "earlier";
    case DueVerdict::kLater:
      return "later";
  }
  return "unknown";
}

std::string DueCheck::message() const {
  if (verdict == DueVerdict::kMatch) return "due date matches the legal deadline";
  return std::string("reported due date ") + vn_time::format_iso(reported_due_ms) + " is " +
         std::string(to_string(verdict)) + " than the legal " + vn_time::format_iso(computed_due_ms) +
         " by " + std::to_string(working_minutes_off) + " office minutes";
}

Result<DueCheck> check_due(const DeadlineCalculator& calc, int64_t received_ms, int64_t reported_due_ms,
                           const LegalDeadline& deadline, std::string_view agency) {
  if (deadline.empty())
    return Error(ErrorKind::kValidation, "the procedure has no legal deadline to check against");
  auto due = deadline.working_days > 0 ? calc.add_working_days(received_ms, deadline.working_days, agency)
                                       : calc.add_working_hours(received_ms, deadline.working_hours, agency);
  if (!due.ok()) return due.error();
  DueCheck c;
  c.computed_due_ms = *due;
  c.reported_due_ms = reported_due_ms;
  int64_t lo = std::min(*due, reported_due_ms), hi = std::max(*due, reported_due_ms);
  c.working_minutes_off = calc.working_minutes_between(lo, hi, agency);
  bool same_date = deadline.working_days > 0 && local_day(*due) == local_day(reported_due_ms);
  if (same_date || c.working_minutes_off == 0) {
    c.verdict = DueVerdict::kMatch;
    c.working_minutes_off = 0;
  } else {
    c.verdict = reported_due_ms < *due ? DueVerdict::kEarlier : DueVerdict::kLater;
  }
  return c;
}

std::string_view to_string(Timeliness t) {
  switch (t) {
    case Timeliness::kNotApplicable:
      return "not_applicable";
    case Timeliness::kOnTrack:
      return "on_track";
    case Timeliness::kAtRisk:
      return "at_risk";
    case Timeliness::kOverdue:
      return "overdue";
    case Timeliness::kResolvedOnTime:
      return "resolved_on_time";
    case Timeliness::kResolvedLate:
      return "resolved_late";
  }
  return "unknown";
}

Timeliness classify(const DeadlineCalculator& calc, int status, int64_t due_at_ms,
                    std::optional<int64_t> completed_at_ms, int64_t now_ms, int64_t at_risk_minutes,
                    std::string_view agency) {
  if (due_at_ms <= 0) return Timeliness::kNotApplicable;
  switch (status) {
    case 9:
    case 10: {
      int64_t done = completed_at_ms.value_or(now_ms);
      return done <= due_at_ms ? Timeliness::kResolvedOnTime : Timeliness::kResolvedLate;
    }
    case 1:
    case 2:
    case 4:
    case 5:
    case 6:
      if (now_ms > due_at_ms) return Timeliness::kOverdue;
      return calc.working_minutes_between(now_ms, due_at_ms, agency) <= at_risk_minutes
                 ? Timeliness::kAtRisk
                 : Timeliness::kOnTrack;
    default:
      return Timeliness::kNotApplicable;
  }
}

}  // namespace lienthong::calendar
