#include "app/console/html.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

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

namespace {

// The <td ...> / <th ...> opening tags of one row, in order, as (position, is numeric).
std::vector<std::pair<size_t, bool>> cells(const std::string& html, size_t from, size_t to,
                                           std::string_view tag) {
  std::vector<std::pair<size_t, bool>> out;
  const std::string open = "<" + std::string(tag);
  for (size_t p = html.find(open, from); p != std::string::npos && p < to; p = html.find(open, p + 1)) {
    const char next = html[p + open.size()];
    if (next != '>' && next != ' ') continue;
    const size_t end = html.find('>', p);
    out.emplace_back(p, html.compare(p, end - p, open + " class=\"num\"") == 0);
  }
  return out;
}

}  // namespace

std::string align_numeric_headings(std::string html) {
  for (size_t table = html.find("<table"); table != std::string::npos;
       table = html.find("<table", table + 1)) {
    const size_t table_end = html.find("</table>", table);
    const size_t head = html.find("<thead>", table), head_end = html.find("</thead>", table);
    const size_t body = html.find("<tbody>", table);
    if (table_end == std::string::npos || head > table_end || head_end > table_end || body > table_end)
      continue;
    std::vector<std::pair<size_t, bool>> first_row;
    for (size_t row = html.find("<tr", body); row != std::string::npos && row < table_end;
         row = html.find("<tr", row + 1)) {
      const size_t row_end = html.find("</tr>", row);
      if (html.substr(row, row_end - row).find("colspan") != std::string::npos) continue;
      first_row = cells(html, row, row_end, "td");
      break;
    }
    auto headings = cells(html, head, head_end, "th");
    // From the last heading back, so that earlier positions stay valid.
    for (size_t i = std::min(headings.size(), first_row.size()); i-- > 0;) {
      if (!first_row[i].second || headings[i].second) continue;
      const size_t at = headings[i].first + 3;  // after "<th"
      html.insert(at, " class=\"num\"");
    }
  }
  return html;
}

}  // namespace lienthong::console
