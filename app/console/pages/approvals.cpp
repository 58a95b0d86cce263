#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Yêu cầu duyệt

std::string Console::Impl::requests_page(const Session& s, const Request& req) {
  std::string out =
      notice(req) +
      "<p>Phát lại thư chết của luồng thanh toán cần hai người: một người yêu cầu, một người phê duyệt "
      "khác duyệt.</p>";
  auto rows = ctx.db->query(
      "SELECT id, action, record, reason, requested_by, requested_at_ms, state, decided_by, "
      "decided_at_ms FROM console_requests ORDER BY requested_at_ms DESC LIMIT 200");
  if (!rows.ok()) return out + "<p class=\"error\">" + escape(rows.error().message) + "</p>";
  out +=
      "<table><thead><tr><th scope=\"col\">Yêu cầu</th><th scope=\"col\">Bản ghi</th><th scope=\"col\">Lý "
      "do</th>"
      "<th scope=\"col\">Người yêu cầu</th><th scope=\"col\">Lúc</th><th scope=\"col\">Trạng thái</th><th "
      "scope=\"col\">Quyết định</th></tr></thead><tbody>";
  static const std::map<std::string, std::string> kStates = {{"pending", "Chờ phê duyệt"},
                                                             {"approved", "Đã phê duyệt"},
                                                             {"rejected", "Đã từ chối"},
                                                             {"failed", "Thất bại"}};
  for (auto& r : *rows) {
    const std::string id = r.str(0), record = r.str(2), state = r.str(6);
    std::string link = record.starts_with("outbox:")   ? "/console/outbox/" + record.substr(7)
                       : record.starts_with("refund:") ? "/console/refunds/" + url_encode(record.substr(7))
                                                       : "/console/";
    std::string decision;
    if (state == "pending" && s.role >= Role::kApprover && r.str(4) != s.user) {
      decision = action_form(s, "/console/requests/" + id + "/approve", "Phê duyệt", "approve-" + id) +
                 action_form(s, "/console/requests/" + id + "/reject", "Từ chối", "reject-" + id);
    } else if (state != "pending") {
      decision = escape(r.str(7)) + ", " + format_datetime(r.i64(8));
    } else {
      decision = "Cần một người phê duyệt khác";
    }
    auto st = kStates.find(state);
    out += "<tr><td>" + escape(id) + " (" + escape(r.str(1)) + ")</td><td><a href=\"" + link + "\">" +
           escape(record) + "</a></td><td>" + escape(r.str(3)) + "</td><td>" + escape(r.str(4)) +
           "</td><td>" + format_datetime(r.i64(5)) + "</td><td>" +
           escape(st == kStates.end() ? state : st->second) + "</td><td>" + decision + "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace lienthong::console
