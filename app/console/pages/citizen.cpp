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
  struct Flags {
    int64_t newly_flagged = 0, refused = 0, repeated_subject = 0, unjustified = 0;
  };
  std::map<std::string, Flags> flags;
  if (found.ok())
    for (auto& [day, rows] : *found)
      for (auto& r : rows) {
        by_account[r.account] += r.count;
        by_purpose[r.purpose] += r.count;
        by_result[r.result] += r.count;
        by_day[day] += r.count;
        if (r.newly_flagged + r.repeated_subject + r.unjustified == 0 && r.result != "refused_enumeration")
          continue;
        Flags& f = flags[r.account];
        f.newly_flagged += r.newly_flagged;
        f.refused += r.result == "refused_enumeration" ? r.count : 0;
        f.repeated_subject += r.repeated_subject;
        f.unjustified += r.unjustified;
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
  out += "<h2>Cờ cảnh báo</h2>";
  if (!found.ok()) {
    out += "<p class=\"error\">" + escape(found.error().message) + "</p>";
  } else if (flags.empty()) {
    out += "<p>Không có tài khoản nào bị gắn cờ trong 30 ngày.</p>";
  } else {
    out +=
        "<table><caption>Tài khoản có cờ cảnh báo trong 30 ngày</caption><thead><tr><th scope=\"col\">Tài "
        "khoản</th><th scope=\"col\">Bị gắn cờ dò tìm (lần)</th><th scope=\"col\">Bị từ chối khi đang gắn "
        "cờ</th><th scope=\"col\">Tra cứu lặp lại một người</th><th scope=\"col\">Hồ sơ không biện minh cho "
        "tra cứu</th></tr></thead><tbody>";
    for (auto& [account, f] : flags)
      out += "<tr><td>" + escape(account) + "</td><td class=\"num\">" + format_number(f.newly_flagged) +
             "</td><td class=\"num\">" + format_number(f.refused) + "</td><td class=\"num\">" +
             format_number(f.repeated_subject) + "</td><td class=\"num\">" + format_number(f.unjustified) +
             "</td></tr>";
    out += "</tbody></table>";
  }
  out += "<h2>Kiểm tra chuỗi băm</h2>" + chain_status();
  return out;
}

}  // namespace lienthong::console
