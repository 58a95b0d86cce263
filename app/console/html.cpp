#include "app/console/html.hpp"

#include <cstdio>

#include "gateway/core/common/markup.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::console {

std::string escape(std::string_view s) {
  return markup_escape(s);
}

std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string format_number(int64_t n) {
  // Through unsigned so that INT64_MIN has a magnitude.
  uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_datetime(int64_t epoch_ms) {
  if (epoch_ms <= 0) return "—";
  auto t = vn_time::to_vietnam(epoch_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d", t.day, t.month, t.year, t.hour, t.minute);
  return buf;
}

std::string format_date(int64_t epoch_ms) {
  auto t = vn_time::to_vietnam(epoch_ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", t.day, t.month, t.year);
  return buf;
}

std::string format_day(int64_t days_since_epoch) {
  int y = 0, m = 0, d = 0;
  vn_time::civil_from_days(days_since_epoch, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, m, y);
  return buf;
}

}  // namespace lienthong::console
