// lienthong calendar due|holidays|lunar|check: the working-day calendar by hand, for
// operators checking a date, and whether the year files are in place.
#include <filesystem>
#include <iostream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/kpi_settings.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/calendar/lunar.hpp"
#include "gateway/flows/calendar/year_file_check.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "calendar",
      "Working days, deadlines and Vietnamese holidays by hand.",
      "TIME is ISO 8601 (2026-02-13T16:00, Vietnam time unless an offset is given); DATE is YYYY-MM-DD.\n"
      "The calendar section of --config FILE gives the year files and office hours when the file exists;\n"
      "--calendar-dir DIR overrides the year files.",
      {cli::config_option(), {"calendar-dir", "DIR", "the calendar year files' folder"}},
      {},
      {{"due",
        "the due instant N working days or hours after a receipt (rules: docs/calendar.md)",
        {},
        {{"from", "TIME", "the receipt (required)"},
         {"days", "N", "N working days (or --hours)"},
         {"hours", "N", "N working hours (or --days)"},
         {"agency", "CODE", "the agency whose office hours apply"}}},
       {"holidays",
        "the year's days off besides weekends, one a line: YYYY-MM-DD name",
        {{"YEAR", "the year, such as 2026"}},
        {{"all", "", "make-up working days too"}},
        true},
       {"lunar", "the lunar date of DATE", {{"DATE", "YYYY-MM-DD"}}, {}},
       {"check",
        "is there a confirmed year file for this year and, from 1 October, for next year? Exit 0 when yes, "
        "1 when one is missing or unconfirmed (docs/calendar.md)",
        {},
        {{"today", "DATE", "evaluate as of DATE instead of today (Vietnam time)"}}}}};
  return s;
}

const char* weekday_name(int64_t day) {
  static const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return names[vn_time::weekday(day)];
}

int64_t local_day(int64_t ms) {
  auto t = vn_time::to_vietnam(ms);
  return vn_time::days_from_civil(t.year, t.month, t.day);
}

calendar::DeadlineCalculator load_calculator(const Args& args) {
  calendar::CalendarSettings settings;
  std::string file = config_path(args);
  if (args.option("config") || std::filesystem::exists(file)) {
    settings = calendar_settings(check_config(file)->root());
  } else if (std::filesystem::is_directory("mappings/calendar")) {
    settings.calendar_dir = "mappings/calendar";
  }
  if (auto dir = args.option("calendar-dir")) settings.calendar_dir = *dir;
  if (settings.calendar_dir.empty()) {
    std::cerr << "note: no calendar year files found; using the statutory rules only\n";
  }
  auto calc = calendar::make_calculator(settings);
  if (!calc.ok()) throw ConfigError(calc.error().message);
  return std::move(*calc);
}

int due(const Args& args) {
  auto from_text = args.required("from");
  auto from = vn_time::parse_iso(from_text);
  if (!from) throw UsageError("--from '" + from_text + "' is not an ISO 8601 time such as 2026-02-13T16:00");
  bool days = args.option("days").has_value(), hours = args.option("hours").has_value();
  if (days == hours) throw UsageError("give exactly one of --days N and --hours N");
  int64_t n = args.integer_or(days ? "days" : "hours", 0);
  if (n < 0 || n > 1000) throw UsageError("N must be from 0 to 1000");
  std::string agency = args.option_or("agency", "");
  auto calc = load_calculator(args);
  auto start = calc.counting_start(*from, agency);
  auto result = days ? calc.add_working_days(*from, n, agency) : calc.add_working_hours(*from, n, agency);
  if (!start.ok() || !result.ok()) {
    std::cerr << "lienthong calendar: " << (start.ok() ? result.error() : start.error()).message << "\n";
    return kExitFailure;
  }
  std::cout << "received:      " << vn_time::format_iso(*from) << " (" << weekday_name(local_day(*from))
            << ")\n"
            << "counting from: " << vn_time::format_iso(*start) << "\n"
            << "deadline:      " << n << (days ? " working day(s)" : " working hour(s)") << "\n"
            << "due:           " << vn_time::format_iso(*result) << " (" << weekday_name(local_day(*result))
            << ")\n"
            << "office hours:  " << calc.office_hours().for_agency(agency).to_string()
            << (agency.empty() ? " (default)" : " (agency " + agency + ")") << "\n";
  return kExitOk;
}

int holidays(const Args& args) {
  std::string text = args.positional_at(1, "YEAR");
  int year = 0;
  try {
    size_t used = 0;
    year = std::stoi(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw UsageError("YEAR '" + text + "' is not a year such as 2026");
  }
  auto calc = load_calculator(args);
  auto days = calc.calendar().year_days(year, args.flag("all"));
  if (!days.ok()) {
    std::cerr << "lienthong calendar: " << days.error().message << "\n";
    return kExitFailure;
  }
  const std::string format = cli::format_of(args);
  if (format == "csv") {
    std::cout << csv_row({"date", "kind", "name"});
    for (auto& d : *days) std::cout << csv_row({vn_time::format_date(d.day), d.kind, d.name});
    return kExitOk;
  }
  if (format == "json") {
    std::cout << "[";
    for (size_t i = 0; i < days->size(); ++i) {
      const auto& d = (*days)[i];
      std::cout << (i ? "," : "") << "{\"date\":\"" << vn_time::format_date(d.day) << "\",\"kind\":\""
                << log::json_escape(d.kind) << "\",\"name\":\"" << log::json_escape(d.name) << "\"}";
    }
    std::cout << "]\n";
    return kExitOk;
  }
  for (auto& d : *days) {
    std::cout << vn_time::format_date(d.day) << " " << (d.kind == "working" ? "[working day] " : "") << d.name
              << "\n";
  }
  return kExitOk;
}

int lunar(const Args& args) {
  std::string text = args.positional_at(1, "DATE");
  auto day = vn_time::parse_date(text);
  if (!day) throw UsageError("DATE '" + text + "' is not YYYY-MM-DD");
  auto l = calendar::solar_to_lunar(*day);
  if (!l.ok()) {
    std::cerr << "lienthong calendar: " << l.error().message << "\n";
    return kExitFailure;
  }
  std::cout << text << " is lunar day " << l->day << " of month " << l->month
            << (l->leap ? " (leap month)" : "") << " of year " << l->year << "\n";
  return kExitOk;
}

int check(const Args& args) {
  int64_t today = 0;
  if (auto text = args.option("today")) {
    auto d = vn_time::parse_date(*text);
    if (!d) throw UsageError("--today '" + *text + "' is not YYYY-MM-DD");
    today = *d;
  } else {
    today = local_day(std::chrono::duration_cast<std::chrono::milliseconds>(
                          SystemClock::instance().now().time_since_epoch())
                          .count());
  }
  auto calc = load_calculator(args);
  auto result = calendar::check_year_files(calc.calendar(), today);
  calendar::publish_year_file_check(result, metrics::Registry::global());
  for (const auto& y : result.years) {
    std::cout << y.year << " " << calendar::to_string(y.state);
    if (!y.required) std::cout << " (not yet required: next year's file is checked from 1 October)";
    std::cout << "\n";
    for (const auto& r : y.reasons) std::cout << "  unconfirmed: " << r << "\n";
  }
  if (result.missing() == 0) return kExitOk;
  for (const auto& y : result.years) {
    if (!y.required || y.state == calendar::YearFileStatus::State::kConfirmed) continue;
    std::cerr << "warning: no confirmed calendar year file for " << y.year
              << (y.state == calendar::YearFileStatus::State::kMissing
                      ? ": add mappings/calendar/" + std::to_string(y.year) + ".json"
                      : ": confirm its \"unconfirmed\" entries")
              << " from the Government's announcement (docs/calendar.md); until then deadlines use the "
                 "statutory rules only\n";
  }
  return kExitFailure;
}

}  // namespace

int run_calendar(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const std::string sub = args.positional()[0];
  if (sub == "due") return due(args);
  if (sub == "holidays") return holidays(args);
  if (sub == "lunar") return lunar(args);
  if (sub == "check") return check(args);
  throw UsageError("unknown subcommand '" + sub + "'");
}

}  // namespace lienthong::app
