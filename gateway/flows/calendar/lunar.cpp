#include "gateway/flows/calendar/lunar.hpp"

#include <cmath>
#include <string>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::calendar {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;
constexpr double kSynodicMonth = 29.530588861;
constexpr double kNewMoonEpoch = 2451550.09766;  // JDE of mean new moon k = 0 (Meeus 49.1)
constexpr double kUnixEpochJd = 2440587.5;       // 1970-01-01T00:00Z

double sin_deg(double d) {
  return std::sin(d * kDeg);
}

double normalize_degrees(double d) {
  d = std::fmod(d, 360.0);
  return d < 0 ? d + 360.0 : d;
}

double decimal_year_of_jd(double jd) {
  return 2000.0 + (jd - 2451545.0) / 365.25;
}

// Local calendar day (days since 1970-01-01) of an instant given as JDE (Terrestrial Time).
int64_t local_day_of_jde(double jde, int offset_minutes) {
  double jd_ut = jde - delta_t_seconds(decimal_year_of_jd(jde)) / 86400.0;
  return static_cast<int64_t>(std::floor(jd_ut - kUnixEpochJd + offset_minutes / 1440.0));
}

// JDE of local midnight starting `day`.
double jde_of_local_midnight(int64_t day, int offset_minutes) {
  double jd_ut = kUnixEpochJd + static_cast<double>(day) - offset_minutes / 1440.0;
  return jd_ut + delta_t_seconds(decimal_year_of_jd(jd_ut)) / 86400.0;
}

int64_t new_moon_day(int k, int offset_minutes) {
  return local_day_of_jde(new_moon_jde(k), offset_minutes);
}

// Index 0..11 of the 30° sector the sun is in at the local midnight starting `day`; a
// month contains a major solar term exactly when the sector changes across it.
int sun_sector_at_day_start(int64_t day, int offset_minutes) {
  return static_cast<int>(sun_apparent_longitude(jde_of_local_midnight(day, offset_minutes)) / 30.0);
}

// The new-moon number k whose local day starts the month containing the winter solstice
// of Gregorian year `year` (tháng 11 âm lịch).
int month11_k(int year, int offset_minutes) {
  // Solstice instant by Meeus' iteration (ch. 27): JDE += 58 sin(270° − λ).
  double jde = kUnixEpochJd + static_cast<double>(vn_time::days_from_civil(year, 12, 21)) + 0.5;
  for (int i = 0; i < 8; ++i) jde += 58.0 * sin_deg(270.0 - sun_apparent_longitude(jde));
  int64_t solstice_day = local_day_of_jde(jde, offset_minutes);
  int k = static_cast<int>(std::floor((jde - kNewMoonEpoch) / kSynodicMonth));
  while (new_moon_day(k, offset_minutes) > solstice_day) --k;
  while (new_moon_day(k + 1, offset_minutes) <= solstice_day) ++k;
  return k;
}

// Months from month 11 of the lunar year before Gregorian `year` up to (excluding) month
// 11 of the lunar year `year`: 12 months, or 13 with one leap month.
std::vector<LunarMonth> months_between_solstices(int year, int offset_minutes) {
  int ka = month11_k(year - 1, offset_minutes);
  int kb = month11_k(year, offset_minutes);
  std::vector<int64_t> starts;
  for (int k = ka; k <= kb; ++k) starts.push_back(new_moon_day(k, offset_minutes));
  const size_t n = starts.size() - 1;
  size_t leap_index = n;  // none
  if (n == 13) {
    for (size_t i = 1; i < n; ++i) {
      if (sun_sector_at_day_start(starts[i], offset_minutes) ==
          sun_sector_at_day_start(starts[i + 1], offset_minutes)) {
        leap_index = i;
        break;
      }
    }
  }
  std::vector<LunarMonth> out;
  int number = 11;
  for (size_t i = 0; i < n; ++i) {
    LunarMonth m;
    m.start_day = starts[i];
    m.length = static_cast<int>(starts[i + 1] - starts[i]);
    if (i > 0 && i != leap_index) number = number % 12 + 1;
    m.month = number;
    m.leap = (i == leap_index);
    out.push_back(m);
  }
  return out;
}

Error out_of_range(int year) {
  return Error(ErrorKind::kValidation,
               "lunar year " + std::to_string(year) + " is outside the supported range " +
                   std::to_string(kMinLunarYear) + "-" + std::to_string(kMaxLunarYear));
}

}  // namespace

double delta_t_seconds(double y) {
  // Espenak & Meeus, "Five Millennium Canon of Solar Eclipses" (NASA TP-2006-214141).
  if (y < 1860) {
    double t = y - 1800;
    return 13.72 - 0.332447 * t + 0.0068612 * t * t + 0.0041116 * std::pow(t, 3) -
           0.00037436 * std::pow(t, 4) + 0.0000121272 * std::pow(t, 5) - 0.0000001699 * std::pow(t, 6) +
           0.000000000875 * std::pow(t, 7);
  }
  if (y < 1900) {
    double t = y - 1860;
    return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * std::pow(t, 3) -
           0.0004473624 * std::pow(t, 4) + std::pow(t, 5) / 233174;
  }
  if (y < 1920) {
    double t = y - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * std::pow(t, 3) - 0.000197 * std::pow(t, 4);
  }
  if (y < 1941) {
    double t = y - 1920;
    return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * std::pow(t, 3);
  }
  if (y < 1961) {
    double t = y - 1950;
    return 29.07 + 0.407 * t - t * t / 233 + std::pow(t, 3) / 2547;
  }
  if (y < 1986) {
    double t = y - 1975;
    return 45.45 + 1.067 * t - t * t / 260 - std::pow(t, 3) / 718;
  }
  if (y < 2005) {
    double t = y - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * std::pow(t, 3) + 0.000651814 * std::pow(t, 4) +
           0.00002373599 * std::pow(t, 5);
  }
  if (y < 2050) {
    double t = y - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  if (y < 2150) {
    double u = (y - 1820) / 100;
    return -20 + 32 * u * u - 0.5628 * (2150 - y);
  }
  double u = (y - 1820) / 100;
  return -20 + 32 * u * u;
}

double new_moon_jde(int k) {
  // Meeus ch. 49: mean phase (49.1), then the periodic terms for the new moon and the
  // fourteen planetary arguments A1..A14.
  const double kk = k;
  const double t = kk / 1236.85;
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  double jde = kNewMoonEpoch + kSynodicMonth * kk + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4;
  const double e = 1 - 0.002516 * t - 0.0000074 * t2;
  const double m = 2.5534 + 29.10535670 * kk - 0.0000014 * t2 - 0.00000011 * t3;
  const double mp = 201.5643 + 385.81693528 * kk + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4;
  const double f = 160.7108 + 390.67050284 * kk - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4;
  const double om = 124.7746 - 1.56375588 * kk + 0.0020672 * t2 + 0.00000215 * t3;
  jde += -0.40720 * sin_deg(mp) + 0.17241 * e * sin_deg(m) + 0.01608 * sin_deg(2 * mp) +
         0.01039 * sin_deg(2 * f) + 0.00739 * e * sin_deg(mp - m) - 0.00514 * e * sin_deg(mp + m) +
         0.00208 * e * e * sin_deg(2 * m) - 0.00111 * sin_deg(mp - 2 * f) - 0.00057 * sin_deg(mp + 2 * f) +
         0.00056 * e * sin_deg(2 * mp + m) - 0.00042 * sin_deg(3 * mp) + 0.00042 * e * sin_deg(m + 2 * f) +
         0.00038 * e * sin_deg(m - 2 * f) - 0.00024 * e * sin_deg(2 * mp - m) - 0.00017 * sin_deg(om) -
         0.00007 * sin_deg(mp + 2 * m) + 0.00004 * sin_deg(2 * mp - 2 * f) + 0.00004 * sin_deg(3 * m) +
         0.00003 * sin_deg(mp + m - 2 * f) + 0.00003 * sin_deg(2 * mp + 2 * f) -
         0.00003 * sin_deg(mp + m + 2 * f) + 0.00003 * sin_deg(mp - m + 2 * f) -
         0.00002 * sin_deg(mp - m - 2 * f) - 0.00002 * sin_deg(3 * mp + m) + 0.00002 * sin_deg(4 * mp);
  const double a[14] = {299.77 + 0.107408 * kk - 0.009173 * t2,
                        251.88 + 0.016321 * kk,
                        251.83 + 26.651886 * kk,
                        349.42 + 36.412478 * kk,
                        84.66 + 18.206239 * kk,
                        141.74 + 53.303771 * kk,
                        207.14 + 2.453732 * kk,
                        154.84 + 7.306860 * kk,
                        34.52 + 27.261239 * kk,
                        207.19 + 0.121824 * kk,
                        291.34 + 1.844379 * kk,
                        161.72 + 24.198154 * kk,
                        239.56 + 25.513099 * kk,
                        331.55 + 3.592518 * kk};
  const double c[14] = {0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
                        0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023};
  for (int i = 0; i < 14; ++i) jde += c[i] * sin_deg(a[i]);
  return jde;
}

double sun_apparent_longitude(double jde) {
  // Meeus ch. 25, "low accuracy" method (about 0.01°): geometric mean longitude, mean
  // anomaly, equation of the centre, then nutation and aberration for the apparent value.
  const double t = (jde - 2451545.0) / 36525.0;
  const double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
  const double m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t;
  const double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * sin_deg(m) +
                   (0.019993 - 0.000101 * t) * sin_deg(2 * m) + 0.000289 * sin_deg(3 * m);
  const double omega = 125.04 - 1934.136 * t;
  return normalize_degrees(l0 + c - 0.00569 - 0.00478 * sin_deg(omega));
}

Result<std::vector<LunarMonth>> lunar_year_months(int year, int offset_minutes) {
  if (year < kMinLunarYear || year > kMaxLunarYear) return out_of_range(year);
  // Months 1..10 (and a leap 10 or earlier) come from the span ending at this year's
  // solstice; months 11 and 12 (and a leap 11/12) from the next span.
  std::vector<LunarMonth> out;
  auto first = months_between_solstices(year, offset_minutes);
  bool started = false;
  for (auto& m : first) {
    if (m.month == 1 && !m.leap) started = true;
    if (started) out.push_back(m);
  }
  auto second = months_between_solstices(year + 1, offset_minutes);
  for (auto& m : second) {
    if (m.month == 1 && !m.leap) break;
    out.push_back(m);
  }
  return out;
}

Result<LunarDate> solar_to_lunar(int64_t day, int offset_minutes) {
  int y, mo, d;
  vn_time::civil_from_days(day, y, mo, d);
  for (int year : {y, y - 1}) {
    if (year < kMinLunarYear || year > kMaxLunarYear) continue;
    auto months = lunar_year_months(year, offset_minutes);
    if (!months.ok()) return months.error();
    if (day < months->front().start_day) continue;
    for (auto& m : *months) {
      if (day >= m.start_day && day < m.start_day + m.length) {
        return LunarDate{year, m.month, static_cast<int>(day - m.start_day) + 1, m.leap};
      }
    }
  }
  return Error(ErrorKind::kValidation,
               "date " + vn_time::format_date(day) + " is outside the supported lunar range " +
                   std::to_string(kMinLunarYear) + "-" + std::to_string(kMaxLunarYear));
}

Result<int64_t> lunar_to_solar(const LunarDate& d, int offset_minutes) {
  auto months = lunar_year_months(d.year, offset_minutes);
  if (!months.ok()) return months.error();
  for (auto& m : *months) {
    if (m.month == d.month && m.leap == d.leap) {
      if (d.day < 1 || d.day > m.length) {
        return Error(ErrorKind::kValidation, "lunar month " + std::to_string(d.month) + " of " +
                                                 std::to_string(d.year) + " has " + std::to_string(m.length) +
                                                 " days, not " + std::to_string(d.day));
      }
      return m.start_day + d.day - 1;
    }
  }
  return Error(ErrorKind::kValidation, "lunar year " + std::to_string(d.year) + " has no " +
                                           (d.leap ? "leap " : "") + "month " + std::to_string(d.month));
}

Result<int64_t> tet_day(int year, int offset_minutes) {
  return lunar_to_solar(LunarDate{year, 1, 1, false}, offset_minutes);
}

}  // namespace lienthong::calendar
