// The "calendar" config section, shared by the deadline checks in sync, the monitors,
// the KPI and the `lienthong calendar` command:
//   "calendar": {
//     "calendar_dir": "mappings/calendar",     // year files; relative to the config file
//     "office_hours": {"default": ["07:30-11:30", "13:30-17:00"], "agencies": {...}}
//   }
#pragma once

#include <string>

#include "gateway/flows/calendar/deadline.hpp"

namespace lienthong {
class ConfigNode;
}

namespace lienthong::calendar {

struct CalendarSettings {
  std::string calendar_dir;  // empty: statutory rules only, no year files
  OfficeHoursTable office_hours;
};

// Throws ConfigError naming the key. Does not read the directory (validation must not
// depend on files being in place); make_calculator does.
CalendarSettings read_calendar_settings(const ConfigNode& section);

// Loads the year files; kConfig naming the file and entry on a bad one.
Result<DeadlineCalculator> make_calculator(const CalendarSettings& settings);

}  // namespace lienthong::calendar
