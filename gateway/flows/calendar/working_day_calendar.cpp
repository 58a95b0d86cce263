#include "gateway/flows/calendar/working_day_calendar.hpp"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/calendar/lunar.hpp"

namespace lienthong::calendar {

struct WorkingDayCalendar::State {
  std::mutex mu;
  std::map<int, YearFile> files;
  std::map<int, std::shared_ptr<const YearInfo>> cache;
};

WorkingDayCalendar::WorkingDayCalendar() : state_(std::make_shared<State>()) {}

Result<WorkingDayCalendar> WorkingDayCalendar::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error(ErrorKind::kConfig,
                 "calendar directory '" + dir +
                     "' does not exist or is not a directory; create it or fix calendar_dir");
  }
  std::vector<fs::path> files;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return Error(ErrorKind::kConfig, "cannot list calendar directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  WorkingDayCalendar cal;
  for (auto& p : files) {
    std::string stem = p.stem().string();
    bool digits = stem.size() == 4 &&
                  std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      return Error(ErrorKind::kConfig, p.string() + ": a calendar year file must be named <YYYY>.json");
    }
    auto text = json::read_file(p.string());
    if (!text.ok()) return Error(ErrorKind::kConfig, text.error().message);
    auto f = parse_year_file(*text, p.string(), std::stoi(stem));
    if (!f.ok()) return Error(ErrorKind::kConfig, f.error().message);
    auto st = cal.add_year_file(std::move(*f));
    if (!st.ok()) return st.error();
  }
  return cal;
}

Status WorkingDayCalendar::add_year_file(YearFile file) {
  std::lock_guard lock(state_->mu);
  if (state_->files.count(file.year)) {
    return Error(ErrorKind::kConflict, file.origin + ": year " + std::to_string(file.year) +
                                           " already has a file (" + state_->files[file.year].origin + ")");
  }
  state_->cache.erase(file.year);
  state_->files.emplace(file.year, std::move(file));
  return {};
}

std::vector<int> WorkingDayCalendar::file_years() const {
  std::lock_guard lock(state_->mu);
  std::vector<int> out;
  for (auto& [y, f] : state_->files) out.push_back(y);
  return out;
}

std::optional<YearFile> WorkingDayCalendar::year_file(int year) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->files.find(year);
  if (it == state_->files.end()) return std::nullopt;
  return it->second;
}

Result<std::shared_ptr<const WorkingDayCalendar::YearInfo>> WorkingDayCalendar::year_info(int year) const {
  {
    std::lock_guard lock(state_->mu);
    if (auto it = state_->cache.find(year); it != state_->cache.end()) return it->second;
  }
  auto statutory = statutory_holidays(year);
  if (!statutory.ok()) return statutory.error();
  const YearFile* file = nullptr;
  YearFile copy;
  {
    std::lock_guard lock(state_->mu);
    if (auto it = state_->files.find(year); it != state_->files.end()) {
      copy = it->second;
      file = &copy;
    }
  }
  auto info = std::make_shared<YearInfo>();
  std::vector<StatutoryDay> kept;
  for (auto& s : *statutory) {
    if (file && std::find(file->replace.begin(), file->replace.end(), s.group) != file->replace.end())
      continue;
    kept.push_back(s);
    info->off[s.day] = CalendarDay{s.day, s.name, "holiday"};
  }
  if (file) {
    for (auto& d : file->days_off) {
      if (!info->off.count(d.day)) info->off[d.day] = CalendarDay{d.day, d.name, "decision"};
    }
    for (auto& d : file->working_days) info->work[d.day] = CalendarDay{d.day, d.name, "working"};
  }
  // Labour Code 2019 art. 111(3): a holiday on the weekly day off moves to the next
  // working day. Decided days (year files) already include their compensation.
  for (auto& s : kept) {
    if (!is_weekend(s.day)) continue;
    int64_t c = s.day + 1;
    while (is_weekend(c) || info->off.count(c)) ++c;
    info->off[c] =
        CalendarDay{c, "Nghỉ bù (compensatory day off) for " + vn_time::format_date(s.day) + " " + s.name,
                    "compensatory"};
  }
  std::shared_ptr<const YearInfo> done = info;
  std::lock_guard lock(state_->mu);
  state_->cache.emplace(year, done);
  return done;
}

bool WorkingDayCalendar::is_working_day(int64_t day) const {
  int y, m, d;
  vn_time::civil_from_days(day, y, m, d);
  auto info = year_info(y);
  // Outside the computed range (before 1901, after 2100) only weekends are known.
  if (!info.ok()) return !is_weekend(day);
  if ((*info)->work.count(day)) return true;
  return !is_weekend(day) && !(*info)->off.count(day);
}

Result<std::vector<CalendarDay>> WorkingDayCalendar::year_days(int year, bool with_working_days) const {
  auto info = year_info(year);
  if (!info.ok()) return info.error();
  std::vector<CalendarDay> out;
  for (auto& [d, c] : (*info)->off) {
    if (!(*info)->work.count(d)) out.push_back(c);
  }
  if (with_working_days) {
    for (auto& [d, c] : (*info)->work) out.push_back(c);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
  return out;
}

}  // namespace lienthong::calendar
