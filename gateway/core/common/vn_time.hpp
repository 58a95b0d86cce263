// Civil time in Vietnam (UTC+7, no daylight saving since 1975) and the date formats the
// national systems use. All instants inside the gateway are UTC epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lienthong::vn_time {

inline constexpr int64_t kOffsetSeconds = 7 * 3600;

// Proleptic Gregorian civil date/time (no time zone attached).
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  bool operator==(const CivilTime&) const = default;
};

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithms).
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int& y, int& m, int& d);
// 0 = Monday ... 6 = Sunday (ISO).
int weekday(int64_t days_since_epoch);
bool valid_date(int y, int m, int d);

CivilTime to_vietnam(int64_t epoch_ms);
int64_t from_vietnam(const CivilTime& t);  // epoch ms

// "yyyyMMddHHmmss" in Vietnam time, as DVCQG and the payment platform use.
std::string format_compact(int64_t epoch_ms);
std::optional<int64_t> parse_compact(std::string_view s);

// ISO 8601: "2026-11-26T10:15:00+07:00" (or Z / other offsets on input; a value without
// an offset is read as Vietnam time). Output always carries +07:00.
std::string format_iso(int64_t epoch_ms);
std::optional<int64_t> parse_iso(std::string_view s);

// "YYYY-MM-DD" <-> days since epoch.
std::string format_date(int64_t days_since_epoch);
std::optional<int64_t> parse_date(std::string_view s);

}  // namespace lienthong::vn_time
