// WorkingDayCalendar: which days a Vietnamese public agency works. A day is a working day
// when it is a make-up working day of a year file, or else when it is neither Saturday,
// Sunday, a public holiday (holidays.hpp, possibly replaced by a year file), a
// compensatory day off (nghỉ bù), nor a day off listed in a year file.
// Years are computed on first use and cached; the object is safe to share across threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/calendar/year_file.hpp"

namespace lienthong::calendar {

struct CalendarDay {
  int64_t day = 0;
  std::string name;
  // "holiday" (statutory day), "compensatory" (nghỉ bù), "decision" (from a year file),
  // "working" (make-up working day from a year file).
  std::string kind;
};

class WorkingDayCalendar {
 public:
  WorkingDayCalendar();

  // Reads every <YYYY>.json in `dir` (other names ending in .json are an error naming the
  // file; a missing directory is an error; non-JSON files such as README.md are ignored).
  static Result<WorkingDayCalendar> load_directory(const std::string& dir);

  // kConflict when the year already has a file.
  Status add_year_file(YearFile file);

  bool is_working_day(int64_t day) const;
  // Days off of `year` other than ordinary weekends (statutory holidays even when they fall
  // on a weekend, compensatory days, days off from the year file), then, when
  // `with_working_days`, the make-up working days; sorted by date. kValidation outside
  // 1901–2100.
  Result<std::vector<CalendarDay>> year_days(int year, bool with_working_days = false) const;
  // Years with a loaded year file.
  std::vector<int> file_years() const;
  // A copy of the year's file, if one is loaded.
  std::optional<YearFile> year_file(int year) const;

 private:
  struct YearInfo {
    std::map<int64_t, CalendarDay> off;
    std::map<int64_t, CalendarDay> work;
  };
  struct State;
  Result<std::shared_ptr<const YearInfo>> year_info(int year) const;
  std::shared_ptr<State> state_;
};

}  // namespace lienthong::calendar
