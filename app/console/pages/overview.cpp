#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/metrics/process_metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Tổng quan

std::string Console::Impl::overview() {
  const int64_t now = ctx.clock->now_ms();
  std::string out = "<p>Tình trạng các luồng lúc " + format_datetime(now) + " (giờ Việt Nam).</p>";
  return out + overview_outbox(now) + overview_sync(now) + overview_quarantine() + overview_webhooks(now) +
         overview_reconciliation() + overview_certificates(now) + "<h2>Nhật ký kiểm toán</h2>" +
         chain_status();
}

// Outbox per destination: the same counts as `outbox counts` and the metrics, sent apart.
std::string Console::Impl::overview_outbox(int64_t now) {
  std::string out;
  out +=
      "<h2>Hộp thư đi theo đích gửi</h2><table><thead><tr><th scope=\"col\">Đích</th><th scope=\"col\">Tình "
      "trạng</th><th scope=\"col\">Đang chờ</th><th scope=\"col\">Thư chết</th><th scope=\"col\">Bị chặn</th>"
      "<th scope=\"col\">Thư chờ lâu nhất từ</th></tr></thead><tbody>";
  auto dests = ctx.outbox->destinations();
  if (dests.ok()) {
    for (const std::string& dest : *dests) {
      auto c = ctx.outbox->unsent_counts(dest);
      auto oldest = ctx.db->query(
          "SELECT MIN(created_at_ms) FROM outbox WHERE destination = ? AND state = 'pending'", {dest});
      if (!c.ok()) continue;
      int64_t oldest_ms = oldest.ok() && !oldest->empty() ? (*oldest)[0].i64(0) : 0;
      std::string colour = c->dead > 0                                                            ? "red"
                           : (c->blocked > 0 || (oldest_ms > 0 && now - oldest_ms > 15 * 60'000)) ? "amber"
                                                                                                  : "green";
      out += "<tr><td><a href=\"/console/outbox?destination=" + url_encode(dest) + "\">" + escape(dest) +
             "</a></td><td>" + light(colour) + "</td><td class=\"num\">" + format_number(c->pending) +
             "</td><td class=\"num\">" + format_number(c->dead) + "</td><td class=\"num\">" +
             format_number(c->blocked) + "</td><td>" + format_datetime(oldest_ms) + "</td></tr>";
    }
  }
  out += "</tbody></table>";
  return out;
}

// Sync: when each source's cursor last moved.
std::string Console::Impl::overview_sync(int64_t now) {
  std::string out;
  out +=
      "<h2>Đồng bộ</h2><table><thead><tr><th scope=\"col\">Nguồn</th><th scope=\"col\">Tình trạng</th>"
      "<th scope=\"col\">Lần chạy cuối</th><th scope=\"col\">Độ trễ (phút)</th></tr></thead><tbody>";
  if (auto rows = ctx.db->query("SELECT source, updated_at_ms FROM sync_cursors ORDER BY source");
      rows.ok()) {
    for (auto& r : *rows) {
      int64_t lag = now - r.i64(1);
      std::string colour = lag > 3'600'000 ? "red" : lag > 15 * 60'000 ? "amber" : "green";
      out += "<tr><td>" + escape(r.str(0)) + "</td><td>" + light(colour) + "</td><td>" +
             format_datetime(r.i64(1)) + "</td><td class=\"num\">" + format_number(lag / 60'000) +
             "</td></tr>";
    }
  }
  out += "</tbody></table>";
  return out;
}

// Quarantine open by source.
std::string Console::Impl::overview_quarantine() {
  std::string out;
  out +=
      "<h2>Cách ly đang mở theo nguồn</h2><table><thead><tr><th scope=\"col\">Nguồn</th><th "
      "scope=\"col\">Tình "
      "trạng</th><th scope=\"col\">Bản ghi</th></tr></thead><tbody>";
  if (auto rows = ctx.db->query(
          "SELECT source, COUNT(*) FROM quarantine WHERE released_at_ms = 0 GROUP BY source ORDER BY source");
      rows.ok()) {
    if (rows->empty())
      out += "<tr><td colspan=\"3\">Không có bản ghi nào bị cách ly. " + light("green") + "</td></tr>";
    for (auto& r : *rows)
      out += "<tr><td><a href=\"/console/quarantine?source=" + url_encode(r.str(0)) + "\">" +
             escape(r.str(0)) + "</a></td><td>" + light("amber") + "</td><td class=\"num\">" +
             format_number(r.i64(1)) + "</td></tr>";
  }
  out += "</tbody></table>";
  return out;
}

// Webhooks received per source in the last 24 hours.
std::string Console::Impl::overview_webhooks(int64_t now) {
  std::string out;
  out +=
      "<h2>Webhook nhận trong 24 giờ qua</h2><table><thead><tr><th scope=\"col\">Nguồn</th><th "
      "scope=\"col\">Đã nhận</th><th scope=\"col\">Bị từ chối (mã lỗi 4xx, 5xx)</th></tr></thead><tbody>";
  if (auto rows = ctx.db->query("SELECT source, COUNT(*), COUNT(CASE WHEN status >= 400 THEN 1 END) FROM "
                                "webhook_receipts WHERE received_at_ms >= ? GROUP BY source ORDER BY source",
                                {now - kDayMs});
      rows.ok()) {
    if (rows->empty()) out += "<tr><td colspan=\"3\">Không có webhook nào.</td></tr>";
    for (auto& r : *rows)
      out += "<tr><td>" + escape(r.str(0)) + "</td><td class=\"num\">" + format_number(r.i64(1)) +
             "</td><td class=\"num\">" + format_number(r.i64(2)) + "</td></tr>";
  }
  out += "</tbody></table>";
  return out;
}

// Last reconciliation run.
std::string Console::Impl::overview_reconciliation() {
  std::string out;
  out += "<h2>Đối soát gần nhất</h2>";
  auto run = ctx.db->query(
      "SELECT id, period_from, period_to, created_at_ms FROM recon_runs ORDER BY created_at_ms "
      "DESC, seq DESC LIMIT 1");
  if (run.ok() && !run->empty()) {
    auto items = ctx.db->query("SELECT COUNT(*) FROM recon_items WHERE run_id = ?", {(*run)[0].str(0)});
    int64_t n = items.ok() && !items->empty() ? (*items)[0].i64(0) : 0;
    out += "<p>" + light(n > 0 ? "amber" : "green") + " Kỳ " + escape((*run)[0].str(1)) + " đến " +
           escape((*run)[0].str(2)) + ", chạy lúc " + format_datetime((*run)[0].i64(3)) + ": " +
           format_number(n) + " ngoại lệ. <a href=\"/console/reconciliation\">Xem đối soát</a></p>";
  } else {
    out += "<p>Chưa có lần đối soát nào.</p>";
  }
  return out;
}

// Certificates: read at each visit, so a renewed file shows without a restart.
std::string Console::Impl::overview_certificates(int64_t now) {
  std::string out;
  if (ctx.certificates.empty()) return "";
  out +=
      "<h2>Chứng thư số</h2><table><thead><tr><th scope=\"col\">Dùng cho</th><th scope=\"col\">Tình "
      "trạng</th><th scope=\"col\">Hết hạn</th><th scope=\"col\">Còn (ngày)</th></tr></thead><tbody>";
  for (auto& [use, file] : ctx.certificates) {
    std::string expiry = "Không đọc được tệp", days = "—", colour = "red";
    try {
      const int64_t not_after_ms = static_cast<int64_t>(metrics::certificate_not_after(file) * 1000.0);
      const int64_t left = (not_after_ms - now) / kDayMs;
      expiry = format_datetime(not_after_ms);
      days = format_number(left);
      colour = left < 7 ? "red" : left < 30 ? "amber" : "green";
    } catch (const std::exception&) {
    }
    out += "<tr><td>" + escape(use) + "</td><td>" + light(colour) + "</td><td>" + expiry +
           "</td><td class=\"num\">" + days + "</td></tr>";
  }
  out += "</tbody></table>";
  return out;
}

}  // namespace lienthong::console
