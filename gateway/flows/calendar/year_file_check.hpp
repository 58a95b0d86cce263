// Are this year's and next year's public-sector day-off decisions transcribed? The
// Government announces Tết and National Day days for the coming year from about October,
// so from 1 October a missing or unconfirmed file for next year is reported too
// (`lienthong calendar check`, metric lienthong_calendar_year_file_missing).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/flows/calendar/working_day_calendar.hpp"

namespace lienthong::metrics {
class Registry;
}

namespace lienthong::calendar {

struct YearFileStatus {
  enum class State { kConfirmed, kUnconfirmed, kMissing };
  int year = 0;
  State state = State::kMissing;
  bool required = false;             // current year; next year from 1 October
  std::vector<std::string> reasons;  // the file's "unconfirmed" entries
};
const char* to_string(YearFileStatus::State s);

struct YearFileCheck {
  std::vector<YearFileStatus> years;  // current year, next year
  // Required years without a confirmed file.
  int missing() const;
};

// `today` is a civil day in Vietnam time (vn_time day number).
YearFileCheck check_year_files(const WorkingDayCalendar& cal, int64_t today);

// Sets lienthong_calendar_year_file_missing (the count of required years without a
// confirmed file) and lienthong_calendar_year_file_confirmed{year} (1 or 0).
void publish_year_file_check(const YearFileCheck& check, metrics::Registry& registry);

}  // namespace lienthong::calendar
