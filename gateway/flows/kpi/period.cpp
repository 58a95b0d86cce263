#include "gateway/flows/kpi/period.hpp"

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::kpi {

namespace {
constexpr int64_t kDayMs = 86'400'000;

Error bad(std::string_view text, std::string_view why) {
  return Error(ErrorKind::kParse, "period '" + std::string(text.substr(0, 64)) + "' " + std::string(why) +
                                      "; use 2023, 2023-Q2, 2023-05 or 2023-04-01..2023-06-30");
}

bool number(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}
}  // namespace

int64_t Period::from_ms() const {
  return first_day * kDayMs - vn_time::kOffsetSeconds * 1000LL;
}
int64_t Period::to_ms() const {
  return (last_day + 1) * kDayMs - vn_time::kOffsetSeconds * 1000LL;
}

Result<Period> parse_period(std::string_view text) {
  Period p;
  p.label = std::string(text);
  if (auto dots = text.find(".."); dots != std::string_view::npos) {
    auto a = vn_time::parse_date(text.substr(0, dots));
    auto b = vn_time::parse_date(text.substr(dots + 2));
    if (!a || !b) return bad(text, "has a date that is not YYYY-MM-DD");
    if (*b < *a) return bad(text, "ends before it starts");
    if (*b - *a > 20 * 366) return bad(text, "is longer than 20 years");
    p.first_day = *a;
    p.last_day = *b;
    return p;
  }
  int year = 0;
  if (text.size() < 4 || !number(text.substr(0, 4), year) || year < 1900 || year > 2100) {
    return bad(text, "does not start with a year from 1900 to 2100");
  }
  if (text.size() == 4) {
    p.first_day = vn_time::days_from_civil(year, 1, 1);
    p.last_day = vn_time::days_from_civil(year, 12, 31);
    return p;
  }
  if (text.size() == 7 && text[4] == '-' && (text[5] == 'Q' || text[5] == 'q')) {
    int q = text[6] - '0';
    if (q < 1 || q > 4) return bad(text, "has a quarter other than Q1..Q4");
    p.first_day = vn_time::days_from_civil(year, 3 * q - 2, 1);
    p.last_day =
        (q == 4 ? vn_time::days_from_civil(year + 1, 1, 1) : vn_time::days_from_civil(year, 3 * q + 1, 1)) -
        1;
    return p;
  }
  int month = 0;
  if (text.size() == 7 && text[4] == '-' && number(text.substr(5, 2), month) && month >= 1 && month <= 12) {
    p.first_day = vn_time::days_from_civil(year, month, 1);
    p.last_day = (month == 12 ? vn_time::days_from_civil(year + 1, 1, 1)
                              : vn_time::days_from_civil(year, month + 1, 1)) -
                 1;
    return p;
  }
  return bad(text, "is not a recognised form");
}

}  // namespace lienthong::kpi
