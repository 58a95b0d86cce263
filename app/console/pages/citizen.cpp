#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Tra cứu công dân

std::string Console::Impl::citizen_page() {
  const int64_t now = ctx.clock->now_ms();
  const int64_t from = now - 30 * kDayMs;
  // Counts only, grouped in the store: account, purpose, outcome and day. The subject
  // (pseudonym), the dossier and the lookup id are never read here. Intents are counted
  // by their outcome; the console's own entries are not lookups.
  auto grouped = [&](const std::string& column) {
    return ctx.db->query(
        "SELECT " + column +
            ", COUNT(*) FROM citizen_audit WHERE at_ms >= ? AND result <> 'intent' AND purpose "
            "NOT LIKE 'console:%' GROUP BY 1 ORDER BY 1",
        {from});
  };
  auto table = [&](const std::string& caption, const std::string& head, const std::string& column,
                   bool days) {
    auto rows = grouped(column);
    if (!rows.ok()) return "<p class=\"error\">" + escape(rows.error().message) + "</p>";
    std::string t = "<table><caption>" + caption + "</caption><thead><tr><th scope=\"col\">" + head +
                    "</th><th scope=\"col\">Số lượt</th></tr></thead><tbody>";
    if (rows->empty()) t += "<tr><td colspan=\"2\">Không có lượt tra cứu nào.</td></tr>";
    for (auto& r : *rows)
      t += "<tr><td>" + (days ? format_day(r.i64(0)) : escape(r.str(0))) + "</td><td class=\"num\">" +
           format_number(r.i64(1)) + "</td></tr>";
    return t + "</tbody></table>";
  };
  std::string out =
      "<p>Lượt tra cứu trong 30 ngày qua (không hiển thị số định danh, họ tên hay ngày sinh).</p>";
  out += table("Theo tài khoản", "Tài khoản", "account", false) +
         table("Theo mục đích", "Mục đích", "purpose", false) +
         table("Theo kết quả", "Kết quả", "result", false) +
         table("Theo ngày (giờ Việt Nam)", "Ngày", "(at_ms + 25200000) / 86400000", true);
  out += "<h2>Kiểm tra chuỗi băm</h2>" + chain_status();
  return out;
}

}  // namespace lienthong::console
