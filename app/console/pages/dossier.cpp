#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Hồ sơ

std::string Console::Impl::dossier_page(const std::string& raw_code) {
  const std::string code = trim(raw_code);
  std::string out =
      "<form method=\"get\" action=\"/console/dossier\" class=\"filters\"><label for=\"code\">Mã hồ "
      "sơ</label><input id=\"code\" name=\"code\" value=\"" +
      escape(code) + "\" required maxlength=\"64\"><button type=\"submit\">Tìm</button></form>";
  if (code.empty()) return out;
  dossiers::DossierStore store(*ctx.db);
  auto row = store.get(code);
  if (!row.ok()) return out + "<p class=\"error\">" + escape(row.error().message) + "</p>";
  if (!*row) return out + "<p>Không có hồ sơ " + escape(code) + " trong kho.</p>";
  const auto& d = **row;
  out += "<h2>Hồ sơ " + escape(code) + "</h2><dl><dt>Thủ tục</dt><dd>" + escape(d.procedure_code) + " — " +
         escape(d.procedure_name) + "</dd><dt>Cơ quan</dt><dd>" + escape(d.agency_code) +
         "</dd><dt>Ngày tiếp "
         "nhận</dt><dd>" +
         format_datetime(d.received_at_ms) + "</dd><dt>Hạn trả</dt><dd>" + format_datetime(d.due_at_ms) +
         "</dd><dt>Trạng thái hiện tại</dt><dd>" + std::to_string(d.status) + "</dd></dl>";
  auto history = store.history(code);
  out +=
      "<h2>Lịch sử trạng thái (như đã nhận)</h2><table><thead><tr><th scope=\"col\">Thứ tự</th><th "
      "scope=\"col\">Trạng thái</th><th scope=\"col\">Thời điểm</th><th scope=\"col\">Nguồn</th><th "
      "scope=\"col\">Phòng ban xử lý</th></tr></thead><tbody>";
  if (history.ok())
    for (auto& e : *history)
      out += "<tr><td class=\"num\">" + std::to_string(e.sequence) + "</td><td>" + std::to_string(e.status) +
             "</td><td>" + format_datetime(e.status_at_ms) + "</td><td>" + escape(e.source) + "</td><td>" +
             escape(e.department) + "</td></tr>";
  out += "</tbody></table>";
  return out + dossier_messages(code) + dossier_quarantine(code);
}

// What went to DVCQG (and elsewhere): the messages of the dossier's ordering keys. Payloads
// hold personal data: only their size and hash are shown.
std::string Console::Impl::dossier_messages(const std::string& code) {
  std::string out;
  out +=
      "<h2>Đã gửi đi (DVCQG và hệ thống khác)</h2><table><thead><tr><th scope=\"col\">Thư</th><th "
      "scope=\"col\">Đích</th><th scope=\"col\">Trạng thái</th><th scope=\"col\">Số lần gửi</th><th "
      "scope=\"col\">Tạo lúc</th><th scope=\"col\">Gửi xong lúc</th><th scope=\"col\">Trả lời cuối</th>"
      "</tr></thead><tbody>";
  auto ids = ctx.db->query("SELECT id FROM outbox WHERE dossier_code = ? ORDER BY id", {code});
  std::vector<outbox::Message> messages;
  if (ids.ok())
    for (auto& r : *ids) {
      auto m = ctx.outbox->get(r.i64(0));
      if (!m.ok()) continue;
      messages.push_back(*m);
      out += "<tr><td><a href=\"/console/outbox/" + std::to_string(m->id) + "\">" + std::to_string(m->id) +
             "</a></td><td>" + escape(m->destination) + "</td><td>" + state_label(m->state) +
             "</td><td class=\"num\">" + std::to_string(m->attempts) + "</td><td>" +
             format_datetime(m->created_at_ms) + "</td><td>" + format_datetime(m->sent_at_ms) + "</td><td>" +
             escape(m->last_error.empty() ? (m->state == outbox::State::kSent ? "Thành công" : "—")
                                          : m->last_error) +
             "</td></tr>";
    }
  out += "</tbody></table>";
  return out + delivery_attempts(messages);
}

// Every delivery attempt of the messages and the answer it got: the failed ones as the
// outbox recorded them, then the successful one (the message's sent time).
std::string Console::Impl::delivery_attempts(const std::vector<outbox::Message>& messages) {
  std::string out =
      "<h2>Các lần gửi và câu trả lời</h2><table><thead><tr><th scope=\"col\">Thư</th><th "
      "scope=\"col\">Lần</th><th "
      "scope=\"col\">Lúc</th><th scope=\"col\">Kết quả</th><th scope=\"col\">Câu trả "
      "lời</th></tr></thead><tbody>";
  size_t rows = 0;
  for (const auto& m : messages) {
    auto failed = ctx.outbox->failed_attempts(m.id);
    if (!failed.ok())
      return out + "</tbody></table><p class=\"error\">" + escape(failed.error().message) + "</p>";
    const std::string link =
        "<a href=\"/console/outbox/" + std::to_string(m.id) + "\">" + std::to_string(m.id) + "</a>";
    for (const auto& a : *failed) {
      out += "<tr><td>" + link + "</td><td class=\"num\">" + std::to_string(a.attempt) + "</td><td>" +
             format_datetime(a.at_ms) + "</td><td>" +
             (a.outcome == "dead" ? "Thất bại, thành thư chết" : "Thất bại, sẽ gửi lại") + "</td><td>" +
             escape(a.answer) + "</td></tr>";
      ++rows;
    }
    if (m.state == outbox::State::kSent) {
      out += "<tr><td>" + link + "</td><td class=\"num\">" + std::to_string(m.attempts) + "</td><td>" +
             format_datetime(m.sent_at_ms) + "</td><td>Thành công</td><td>Đã nhận</td></tr>";
      ++rows;
    }
  }
  if (rows == 0) out += "<tr><td colspan=\"5\">Chưa có lần gửi nào.</td></tr>";
  return out + "</tbody></table>";
}

// The dossier's quarantined records: sync keys are "<MaHoSo>" or "<MaHoSo>#<sequence>".
std::string Console::Impl::dossier_quarantine(const std::string& code) {
  std::string out;
  out +=
      "<h2>Bản ghi cách ly</h2><table><thead><tr><th scope=\"col\">Số</th><th scope=\"col\">Nguồn</th><th "
      "scope=\"col\">Lý do</th><th scope=\"col\">Lúc</th><th scope=\"col\">Đã giải "
      "phóng</th></tr></thead><tbody>";
  auto qs = ctx.db->query(
      "SELECT id, source, reason, quarantined_at_ms, released_at_ms FROM quarantine WHERE "
      "record_key = ? OR record_key LIKE ? ORDER BY id",
      {code, code + "#%"});
  if (qs.ok())
    for (auto& r : *qs)
      out += "<tr><td><a href=\"/console/quarantine/" + std::to_string(r.i64(0)) + "\">" +
             std::to_string(r.i64(0)) + "</a></td><td>" + escape(r.str(1)) + "</td><td>" + escape(r.str(2)) +
             "</td><td>" + format_datetime(r.i64(3)) + "</td><td>" + format_datetime(r.i64(4)) + "</td></tr>";
  out += "</tbody></table>";
  return out;
}

}  // namespace lienthong::console
