#include <map>
#include <type_traits>

#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Tra cứu công dân

std::string Console::Impl::citizen_page() {
  const int64_t now = ctx.clock->now_ms();
  auto found = lookup_counts(now);
  std::map<std::string, int64_t> by_account, by_purpose, by_result;
  std::map<int64_t, int64_t> by_day;
  if (found.ok())
    for (auto& [day, rows] : *found)
      for (auto& r : rows) {
        by_account[r.account] += r.count;
        by_purpose[r.purpose] += r.count;
        by_result[r.result] += r.count;
        by_day[day] += r.count;
      }
  auto table = [&](const std::string& caption, const std::string& head, const auto& counts) {
    if (!found.ok()) return "<p class=\"error\">" + escape(found.error().message) + "</p>";
    std::string t = "<table><caption>" + caption + "</caption><thead><tr><th scope=\"col\">" + head +
                    "</th><th scope=\"col\">Số lượt</th></tr></thead><tbody>";
    if (counts.empty()) t += "<tr><td colspan=\"2\">Không có lượt tra cứu nào.</td></tr>";
    for (auto& [key, n] : counts) {
      if constexpr (std::is_same_v<std::decay_t<decltype(key)>, int64_t>)
        t += "<tr><td>" + format_day(key);
      else
        t += "<tr><td>" + escape(key);
      t += "</td><td class=\"num\">" + format_number(n) + "</td></tr>";
    }
    return t + "</tbody></table>";
  };
  std::string out =
      "<p>Lượt tra cứu trong 30 ngày gần nhất tính cả hôm nay (không hiển thị số định danh, họ tên hay "
      "ngày sinh).</p>";
  out += table("Theo tài khoản", "Tài khoản", by_account) + table("Theo mục đích", "Mục đích", by_purpose) +
         table("Theo kết quả", "Kết quả", by_result) + table("Theo ngày (giờ Việt Nam)", "Ngày", by_day);
  out += "<h2>Kiểm tra chuỗi băm</h2>" + chain_status();
  return out;
}

}  // namespace lienthong::console
