#include "gateway/flows/calendar/year_file_check.hpp"

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::calendar {

const char* to_string(YearFileStatus::State s) {
  switch (s) {
    case YearFileStatus::State::kConfirmed:
      return "confirmed";
    case YearFileStatus::State::kUnconfirmed:
      return "unconfirmed";
    case YearFileStatus::State::kMissing:
      return "missing";
  }
  return "?";
}

int YearFileCheck::missing() const {
  int n = 0;
  for (const auto& y : years)
    if (y.required && y.state != YearFileStatus::State::kConfirmed) ++n;
  return n;
}

YearFileCheck check_year_files(const WorkingDayCalendar& cal, int64_t today) {
  int year = 0, month = 0, day = 0;
  vn_time::civil_from_days(today, year, month, day);
  YearFileCheck out;
  for (int y : {year, year + 1}) {
    YearFileStatus s;
    s.year = y;
    s.required = y == year || month >= 10;
    if (auto f = cal.year_file(y)) {
      s.reasons = f->unconfirmed;
      s.state =
          f->unconfirmed.empty() ? YearFileStatus::State::kConfirmed : YearFileStatus::State::kUnconfirmed;
    }
    out.years.push_back(std::move(s));
  }
  return out;
}

void publish_year_file_check(const YearFileCheck& check, metrics::Registry& registry) {
  registry
      .gauge("lienthong_calendar_year_file_missing",
             "Years (current; next from October) without a confirmed calendar year file")
      .set(check.missing());
  for (const auto& y : check.years) {
    registry
        .gauge("lienthong_calendar_year_file_confirmed",
               "1 when mappings/calendar has a confirmed year file for the year",
               {{"year", std::to_string(y.year)}})
        .set(y.state == YearFileStatus::State::kConfirmed ? 1 : 0);
  }
}

}  // namespace lienthong::calendar
