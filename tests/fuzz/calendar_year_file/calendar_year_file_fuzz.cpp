// Calendar year files (mappings/calendar/<year>.json) are written by operators: the
// parser must refuse anything malformed with an error, never crash; a parsed file must
// load into a calendar and answer for its year.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/flows/calendar/working_day_calendar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong::calendar;
  auto f = parse_year_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (f.ok()) {
    int year = f->year;
    WorkingDayCalendar cal;
    if (cal.add_year_file(std::move(*f)).ok()) (void)cal.year_days(year, true);
  }
  return 0;
}
