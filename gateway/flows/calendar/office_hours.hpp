// Giờ làm việc (office hours) of an agency: the same periods on every working day, e.g.
// 07:30–11:30 and 13:30–17:00. Configured as a default plus overrides per agency code:
//   "office_hours": {"default": ["07:30-11:30", "13:30-17:00"],
//                    "agencies": {"000.00.31.H56": ["07:00-11:00", "13:00-16:30"]}}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong {
class ConfigNode;
}

namespace lienthong::calendar {

struct OfficePeriod {
  int start_minute = 0;  // local minutes since midnight, inclusive
  int end_minute = 0;    // exclusive
};

class OfficeHours {
 public:
  OfficeHours();  // 07:30–11:30, 13:30–17:00
  // Periods as "HH:MM-HH:MM", in order, not overlapping, each non-empty. kValidation
  // naming the entry.
  static Result<OfficeHours> parse(const std::vector<std::string>& periods);
  const std::vector<OfficePeriod>& periods() const { return periods_; }
  int minutes_per_day() const { return minutes_per_day_; }
  std::string to_string() const;

 private:
  std::vector<OfficePeriod> periods_;
  int minutes_per_day_ = 0;
};

class OfficeHoursTable {
 public:
  OfficeHoursTable() = default;
  OfficeHoursTable(OfficeHours default_hours, std::map<std::string, OfficeHours, std::less<>> by_agency)
      : default_(std::move(default_hours)), by_agency_(std::move(by_agency)) {}
  // Reads the "office_hours" node described above; throws ConfigError naming the key.
  static OfficeHoursTable from_config(const ConfigNode& node);
  const OfficeHours& for_agency(std::string_view agency_code) const;

 private:
  OfficeHours default_;
  std::map<std::string, OfficeHours, std::less<>> by_agency_;
};

}  // namespace lienthong::calendar
