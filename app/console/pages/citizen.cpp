#include <map>
#include <type_traits>

#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Tra cứu công dân

std::string Console::Impl::citizen_page() {
  const int64_t now = ctx.clock->now_ms();
  const int64_t from = now - 30 * kDayMs;
  // Counts only, grouped in the store in one pass over the window by account, purpose,
  // outcome and day, then summed per column here. The subject (pseudonym), the dossier and
  // the lookup id are never read. Intents are counted by their outcome; the console's own
  // entries are not lookups.
  auto rows = ctx.db->query(
      "SELECT account, purpose, result, (at_ms + 25200000) / 86400000, COUNT(*) FROM citizen_audit WHERE "
      "at_ms >= ? AND result <> 'intent' AND purpose NOT LIKE 'console:%' GROUP BY 1, 2, 3, 4",
      {from});
  std::map<std::string, int64_t> by_account, by_purpose, by_result;
  std::map<int64_t, int64_t> by_day;
  if (rows.ok())
    for (auto& r : *rows) {
      const int64_t n = r.i64(4);
      by_account[r.str(0)] += n;
      by_purpose[r.str(1)] += n;
      by_result[r.str(2)] += n;
      by_day[r.i64(3)] += n;
    }
  auto table = [&](const std::string& caption, const std::string& head, const auto& counts) {
    if (!rows.ok()) return "<p class=\"error\">" + escape(rows.error().message) + "</p>";
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
      "<p>Lượt tra cứu trong 30 ngày qua (không hiển thị số định danh, họ tên hay ngày sinh).</p>";
  out += table("Theo tài khoản", "Tài khoản", by_account) + table("Theo mục đích", "Mục đích", by_purpose) +
         table("Theo kết quả", "Kết quả", by_result) + table("Theo ngày (giờ Việt Nam)", "Ngày", by_day);
  out += "<h2>Kiểm tra chuỗi băm</h2>" + chain_status();
  return out;
}

}  // namespace lienthong::console
