// A year file (mappings/calendar/<year>.json): one year's government decision on the
// exact days off — Tết days, National Day's adjacent day, swapped days (hoán đổi ngày
// làm việc) and make-up working Saturdays (làm bù). Operators add one per year without
// rebuilding; the calendar reads it over the default rules of holidays.hpp.
//
//   {
//     "year": 2025,
//     "decision": "free text: the notice or decision this file transcribes",
//     "replace": ["tet"],              // groups whose default days this file supersedes
//     "days_off": [{"date": "2025-01-25", "name": "..."}],
//     "working_days": [{"date": "2025-02-08", "name": "..."}],
//     "unconfirmed": ["free text: what of this file no found source confirms"]
//   }
//
// A replaced group loses its default days and their compensatory days; the file's
// days_off are taken as decided (the decision already includes any compensation).
// working_days make a date a working day whatever it is otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/calendar/holidays.hpp"

namespace lienthong::calendar {

struct YearFileDay {
  int64_t day = 0;
  std::string name;
};

struct YearFile {
  int year = 0;
  std::string decision;
  std::vector<HolidayGroup> replace;
  std::vector<YearFileDay> days_off;
  std::vector<YearFileDay> working_days;
  // What of this file no source found confirms; a file with entries here is not a
  // confirmed year file (`lienthong calendar check`).
  std::vector<std::string> unconfirmed;
  std::string origin;  // file name, for messages
};

// Strict: unknown members, dates outside `year`, a date listed twice, an unknown group are
// kParse errors naming `origin` and the entry ("2025.json: days_off[2].date: ...").
// `expected_year` (0: any) must match "year" — the file name decides which year it is for.
Result<YearFile> parse_year_file(std::string_view text, std::string_view origin, int expected_year = 0);

}  // namespace lienthong::calendar
