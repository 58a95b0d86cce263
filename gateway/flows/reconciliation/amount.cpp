#include "gateway/flows/reconciliation/amount.hpp"

#include <limits>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::reconciliation {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Returns an empty string on success, else the reason.
const char* parse_impl(std::string_view text, const AmountFormat& f, Vnd& out) {
  std::string_view s = trim(text);
  if (s.empty()) return "empty amount";
  bool negative = false;
  if (s.front() == '-') {
    if (!f.allow_negative) return "negative amount not allowed here";
    negative = true;
    s.remove_prefix(1);
    if (s.empty()) return "sign without digits";
  }
  constexpr Vnd kMax = std::numeric_limits<Vnd>::max();
  Vnd value = 0;
  int group_digits = 0;  // digits since the last separator
  bool seen_separator = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      int d = c - '0';
      if (value > (kMax - d) / 10) return "amount too large";
      value = value * 10 + d;
      ++group_digits;
      if (seen_separator && group_digits > 3) return "thousands group longer than 3 digits";
    } else if (f.thousands_separator != 0 && c == f.thousands_separator) {
      if (group_digits == 0) return "misplaced thousands separator";
      if (!seen_separator && group_digits > 3) return "first thousands group longer than 3 digits";
      if (seen_separator && group_digits != 3) return "thousands group shorter than 3 digits";
      seen_separator = true;
      group_digits = 0;
    } else if (c == '.' || c == ',') {
      return "separator not allowed (VND has no decimals; configure thousands_separator if the source groups "
             "digits)";
    } else {
      return "not a digit";
    }
  }
  if (seen_separator && group_digits != 3) return "last thousands group must have 3 digits";
  if (group_digits == 0 && !seen_separator) return "no digits";
  out = negative ? -value : value;
  return nullptr;
}

}  // namespace

bool parse_vnd_fast(std::string_view text, const AmountFormat& format, Vnd& out) {
  return parse_impl(text, format, out) == nullptr;
}

Result<Vnd> parse_vnd(std::string_view text, const AmountFormat& format) {
  Vnd v = 0;
  if (const char* why = parse_impl(text, format, v)) {
    std::string shown(text.substr(0, 32));
    return make_error(ErrorKind::kParse, std::string("invalid VND amount '") + shown + "': " + why);
  }
  return v;
}

namespace {
bool two_or_four(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::optional<Day> parse_day(std::string_view text, std::string_view format) {
  std::string_view s = trim(text);
  int y = 0, mo = 0, d = 0;
  if (format == "dd/MM/yyyy") {
    if (s.size() < 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
    if (!two_or_four(s, 0, 2, d) || !two_or_four(s, 3, 2, mo) || !two_or_four(s, 6, 4, y))
      return std::nullopt;
  } else if (format == "yyyy-MM-dd") {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!two_or_four(s, 0, 4, y) || !two_or_four(s, 5, 2, mo) || !two_or_four(s, 8, 2, d))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (s.size() > 10 && s[10] != ' ' && s[10] != 'T') return std::nullopt;
  if (!vn_time::valid_date(y, mo, d)) return std::nullopt;
  return static_cast<Day>(vn_time::days_from_civil(y, mo, d));
}

std::string format_vnd(Vnd amount) {
  bool neg = amount < 0;
  // Work on the unsigned magnitude so INT64_MIN does not overflow.
  uint64_t mag = neg ? 0 - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  std::string digits = std::to_string(mag);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out.push_back(digits[static_cast<size_t>(i)]);
    int left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out.push_back('.');
  }
  return neg ? "-" + out : out;
}

}  // namespace lienthong::reconciliation
