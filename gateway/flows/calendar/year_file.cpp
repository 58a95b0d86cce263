#include "gateway/flows/calendar/year_file.hpp"

#include <set>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/calendar/lunar.hpp"

namespace lienthong::calendar {

namespace {

Error fail(std::string_view origin, const std::string& where, const std::string& what) {
  return Error(ErrorKind::kParse, std::string(origin) + ": " + where + ": " + what);
}

Result<std::vector<YearFileDay>> parse_days(const rapidjson::Value& root, const char* key,
                                            std::string_view origin, int year, std::set<int64_t>& seen) {
  std::vector<YearFileDay> out;
  auto it = root.FindMember(key);
  if (it == root.MemberEnd()) return out;
  if (!it->value.IsArray()) return fail(origin, key, "must be an array of {\"date\", \"name\"} objects");
  size_t i = 0;
  for (auto& e : it->value.GetArray()) {
    std::string where = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!e.IsObject()) return fail(origin, where, "must be an object with \"date\" and \"name\"");
    for (auto& m : e.GetObject()) {
      std::string_view k(m.name.GetString(), m.name.GetStringLength());
      if (k != "date" && k != "name") {
        return fail(origin, where, "unknown member \"" + std::string(k) + "\" (allowed: date, name)");
      }
    }
    auto date = json::get_string(e, "date");
    if (!date) return fail(origin, where + ".date", "missing; write the date as \"YYYY-MM-DD\"");
    auto day = vn_time::parse_date(*date);
    if (!day) return fail(origin, where + ".date", "'" + *date + "' is not a valid YYYY-MM-DD date");
    int y, mo, d;
    vn_time::civil_from_days(*day, y, mo, d);
    if (y != year) return fail(origin, where + ".date", *date + " is not in year " + std::to_string(year));
    if (!seen.insert(*day).second)
      return fail(origin, where + ".date", *date + " is listed twice in this file");
    auto name = json::get_string(e, "name");
    if (!name || name->empty()) return fail(origin, where + ".name", "missing; say what the day is");
    out.push_back({*day, *name});
  }
  return out;
}

}  // namespace

Result<YearFile> parse_year_file(std::string_view text, std::string_view origin, int expected_year) {
  auto doc = json::parse(text, origin);
  if (!doc.ok()) return Error(ErrorKind::kParse, doc.error().message);
  const rapidjson::Value& root = *doc;
  if (!root.IsObject()) return fail(origin, "(root)", "must be a JSON object");
  for (auto& m : root.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "year" && k != "decision" && k != "replace" && k != "days_off" && k != "working_days" &&
        k != "unconfirmed") {
      return fail(origin, std::string(k),
                  "unknown member (allowed: year, decision, replace, days_off, working_days, unconfirmed)");
    }
  }
  YearFile f;
  f.origin = std::string(origin);
  auto year = json::get_int(root, "year");
  if (!year) return fail(origin, "year", "missing or not an integer");
  if (*year <= kMinLunarYear || *year > kMaxLunarYear) {
    return fail(origin, "year",
                std::to_string(*year) + " is outside " + std::to_string(kMinLunarYear + 1) + "-" +
                    std::to_string(kMaxLunarYear));
  }
  f.year = static_cast<int>(*year);
  if (expected_year != 0 && f.year != expected_year) {
    return fail(
        origin, "year",
        std::to_string(f.year) + " does not match the file name's year " + std::to_string(expected_year));
  }
  if (auto it = root.FindMember("decision"); it != root.MemberEnd()) {
    if (!it->value.IsString()) return fail(origin, "decision", "must be a string");
    f.decision = it->value.GetString();
  }
  if (auto it = root.FindMember("replace"); it != root.MemberEnd()) {
    if (!it->value.IsArray()) return fail(origin, "replace", "must be an array of group ids");
    size_t i = 0;
    for (auto& g : it->value.GetArray()) {
      std::string where = "replace[" + std::to_string(i++) + "]";
      HolidayGroup group;
      if (!g.IsString() || !parse_group_id(g.GetString(), group)) {
        return fail(origin, where,
                    "must be one of new_year, tet, hung_kings, victory_day, labour_day, national_day");
      }
      f.replace.push_back(group);
    }
  }
  if (auto it = root.FindMember("unconfirmed"); it != root.MemberEnd()) {
    if (!it->value.IsArray()) return fail(origin, "unconfirmed", "must be an array of strings");
    size_t i = 0;
    for (auto& u : it->value.GetArray()) {
      std::string where = "unconfirmed[" + std::to_string(i++) + "]";
      if (!u.IsString() || u.GetStringLength() == 0)
        return fail(origin, where, "must be a non-empty string saying what no source confirms");
      f.unconfirmed.emplace_back(u.GetString(), u.GetStringLength());
    }
  }
  std::set<int64_t> seen;
  auto off = parse_days(root, "days_off", origin, f.year, seen);
  if (!off.ok()) return off.error();
  f.days_off = std::move(*off);
  auto work = parse_days(root, "working_days", origin, f.year, seen);
  if (!work.ok()) return work.error();
  f.working_days = std::move(*work);
  return f;
}

}  // namespace lienthong::calendar
