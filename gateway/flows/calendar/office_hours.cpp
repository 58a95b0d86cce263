#include "gateway/flows/calendar/office_hours.hpp"

#include <cstdio>

#include "gateway/core/config/config.hpp"

namespace lienthong::calendar {

namespace {
bool parse_hhmm(std::string_view s, int& minutes) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
  minutes = h * 60 + m;
  return true;
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}
}  // namespace

OfficeHours::OfficeHours()
    : periods_{{7 * 60 + 30, 11 * 60 + 30}, {13 * 60 + 30, 17 * 60}}, minutes_per_day_(450) {}

Result<OfficeHours> OfficeHours::parse(const std::vector<std::string>& periods) {
  if (periods.empty())
    return Error(ErrorKind::kValidation, "office hours need at least one period \"HH:MM-HH:MM\"");
  OfficeHours h;
  h.periods_.clear();
  h.minutes_per_day_ = 0;
  for (size_t i = 0; i < periods.size(); ++i) {
    std::string_view p = periods[i];
    std::string where = "period " + std::to_string(i) + " '" + periods[i] + "'";
    OfficePeriod op;
    if (p.size() != 11 || p[5] != '-' || !parse_hhmm(p.substr(0, 5), op.start_minute) ||
        !parse_hhmm(p.substr(6, 5), op.end_minute)) {
      return Error(ErrorKind::kValidation, where + " is not of the form HH:MM-HH:MM (e.g. 07:30-11:30)");
    }
    if (op.end_minute <= op.start_minute)
      return Error(ErrorKind::kValidation, where + " ends before it starts");
    if (!h.periods_.empty() && op.start_minute < h.periods_.back().end_minute) {
      return Error(ErrorKind::kValidation, where + " overlaps or precedes the period before it");
    }
    h.periods_.push_back(op);
    h.minutes_per_day_ += op.end_minute - op.start_minute;
  }
  return h;
}

std::string OfficeHours::to_string() const {
  std::string s;
  for (auto& p : periods_) {
    if (!s.empty()) s += ", ";
    s += hhmm(p.start_minute) + "-" + hhmm(p.end_minute);
  }
  return s;
}

OfficeHoursTable OfficeHoursTable::from_config(const ConfigNode& node) {
  node.allow_only({"default", "agencies"});
  auto read = [&](const ConfigNode& n, std::string_view key) {
    auto h = OfficeHours::parse(n.strings_or(key));
    if (!h.ok()) n.fail(key, h.error().message);
    return *h;
  };
  OfficeHoursTable t;
  if (node.has("default")) t.default_ = read(node, "default");
  if (auto agencies = node.optional_object("agencies")) {
    for (auto& code : agencies->keys()) t.by_agency_.emplace(code, read(*agencies, code));
  }
  return t;
}

const OfficeHours& OfficeHoursTable::for_agency(std::string_view agency_code) const {
  if (auto it = by_agency_.find(agency_code); it != by_agency_.end()) return it->second;
  return default_;
}

}  // namespace lienthong::calendar
