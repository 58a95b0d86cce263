#include "gateway/calendar/calendar_settings.hpp"

#include "gateway/config/config.hpp"

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
  return DeadlineCalculator(std::move(cal), settings.office_hours);
}

}  // namespace lienthong::calendar
