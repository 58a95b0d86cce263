#include "gateway/flows/calendar/calendar_settings.hpp"

#include <chrono>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/flows/calendar/year_file_check.hpp"

namespace lienthong::calendar {

CalendarSettings read_calendar_settings(const ConfigNode& section) {
  section.allow_only({"calendar_dir", "office_hours"});
  CalendarSettings s;
  s.calendar_dir = section.file_path_or("calendar_dir", "");
  if (auto oh = section.optional_object("office_hours")) s.office_hours = OfficeHoursTable::from_config(*oh);
  return s;
}

Result<DeadlineCalculator> make_calculator(const CalendarSettings& settings) {
  WorkingDayCalendar cal;
  if (!settings.calendar_dir.empty()) {
    auto loaded = WorkingDayCalendar::load_directory(settings.calendar_dir);
    if (!loaded.ok()) return loaded.error();
    cal = std::move(*loaded);
  }
  // The year-file gauges as of start-up (`lienthong calendar check` evaluates them again).
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::instance().now().time_since_epoch())
          .count();
  auto t = vn_time::to_vietnam(ms);
  publish_year_file_check(check_year_files(cal, vn_time::days_from_civil(t.year, t.month, t.day)),
                          metrics::Registry::global());
  return DeadlineCalculator(std::move(cal), settings.office_hours);
}

}  // namespace lienthong::calendar
