#include "gateway/core/common/vn_time.hpp"

#include <array>
#include <cstdio>

namespace lienthong::vn_time {

int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

int weekday(int64_t days) {
  // 1970-01-01 was a Thursday (ISO 3, zero-based Monday=0).
  int64_t w = (days + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool valid_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

static int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

CivilTime to_vietnam(int64_t epoch_ms) {
  int64_t secs = floor_div(epoch_ms, 1000) + kOffsetSeconds;
  int64_t days = floor_div(secs, 86400);
  int64_t rem = secs - days * 86400;
  CivilTime t;
  civil_from_days(days, t.year, t.month, t.day);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

int64_t from_vietnam(const CivilTime& t) {
  int64_t days = days_from_civil(t.year, t.month, t.day);
  int64_t secs = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - kOffsetSeconds;
  return secs * 1000;
}

namespace {
// Writes year (4 digits), month, day, hour, minute and second (2 each) of `t` at the
// given offsets of `out`, which holds the separators already (years 0-9999 only).
void put_fields(std::string& out, const CivilTime& t, const std::array<size_t, 6>& at) {
  auto put = [&out](size_t pos, int v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10)
      out[pos + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(at[0], t.year, 4);
  put(at[1], t.month, 2);
  put(at[2], t.day, 2);
  put(at[3], t.hour, 2);
  put(at[4], t.minute, 2);
  put(at[5], t.second, 2);
}
}  // namespace

std::string format_compact(int64_t epoch_ms) {
  CivilTime t = to_vietnam(epoch_ms);
  if (t.year < 0 || t.year > 9999) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute,
                  t.second);
    return buf;
  }
  // Hand-written digits: snprintf here was a visible share of every mapped event.
  std::string out(14, '0');
  put_fields(out, t, {0, 4, 6, 8, 10, 12});
  return out;
}

namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
bool valid_time(const CivilTime& t) {
  return valid_date(t.year, t.month, t.day) && t.hour < 24 && t.minute < 60 && t.second < 60;
}
}  // namespace

std::optional<int64_t> parse_compact(std::string_view s) {
  if (s.size() != 14) return std::nullopt;
  CivilTime t;
  if (!digits(s, 0, 4, t.year) || !digits(s, 4, 2, t.month) || !digits(s, 6, 2, t.day) ||
      !digits(s, 8, 2, t.hour) || !digits(s, 10, 2, t.minute) || !digits(s, 12, 2, t.second))
    return std::nullopt;
  if (!valid_time(t)) return std::nullopt;
  return from_vietnam(t);
}

std::string format_iso(int64_t epoch_ms) {
  CivilTime t = to_vietnam(epoch_ms);
  if (t.year < 0 || t.year > 9999) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
    return buf;
  }
  // Hand-written digits, as format_compact: the simulated one-stop-shop writes several per
  // dossier of every page.
  std::string out = "0000-00-00T00:00:00+07:00";
  put_fields(out, t, {0, 5, 8, 11, 14, 17});
  return out;
}

std::optional<int64_t> parse_iso(std::string_view s) {
  CivilTime t;
  if (!digits(s, 0, 4, t.year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, t.month) || s[7] != '-' ||
      !digits(s, 8, 2, t.day))
    return std::nullopt;
  size_t pos = 10;
  int offset_s = kOffsetSeconds;
  int ms = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    if (!digits(s, pos + 1, 2, t.hour) || s.size() < pos + 6 || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, t.minute))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, t.second)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        size_t start = ++pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (scale > 0) ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
        offset_s = 0;
      } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
        int oh, om;
        if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 14 || om > 59)
          return std::nullopt;
        offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (!valid_time(t)) return std::nullopt;
  return from_vietnam(t) + static_cast<int64_t>(kOffsetSeconds - offset_s) * 1000 + ms;
}

std::string format_date(int64_t days) {
  int y, m, d;
  civil_from_days(days, y, m, d);
  // Room for any three ints, so GCC's -Wformat-truncation (which cannot see that
  // civil_from_days bounds them) has nothing to warn about at -O3.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::optional<int64_t> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d) || !valid_date(y, m, d))
    return std::nullopt;
  return days_from_civil(y, m, d);
}

}  // namespace lienthong::vn_time
