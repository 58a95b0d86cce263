#include "gateway/core/outbox/outbox.hpp"

#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Hộp thư đi

std::string Console::Impl::outbox_list(const Request& req) {
  outbox::ListFilter f;
  const std::string state = q_or(req, "state"), dest = q_or(req, "destination");
  f.state = outbox::parse_state(state.empty() ? "dead" : state);
  if (state == "all") f.state.reset();
  f.destination = dest;
  f.limit = 200;
  if (auto after = to_id(q_or(req, "after"))) f.after_id = *after;
  std::string out =
      "<form method=\"get\" action=\"/console/outbox\" class=\"filters\"><label for=\"state\">Trạng "
      "thái</label><select id=\"state\" name=\"state\">";
  const std::string shown = state.empty() ? "dead" : state;
  for (auto& [v, l] : std::vector<std::pair<std::string, std::string>>{{"dead", "Thư chết"},
                                                                       {"pending", "Đang chờ gửi"},
                                                                       {"sent", "Đã gửi"},
                                                                       {"discarded", "Đã huỷ bỏ"},
                                                                       {"all", "Tất cả"}})
    out += "<option value=\"" + v + "\"" + (v == shown ? " selected" : "") + ">" + l + "</option>";
  out +=
      "</select><label for=\"destination\">Đích</label><input id=\"destination\" name=\"destination\" "
      "value=\"" +
      escape(dest) + "\" maxlength=\"64\"><button type=\"submit\">Lọc</button></form>";
  auto msgs = ctx.outbox->list(f);
  if (!msgs.ok()) return out + "<p class=\"error\">" + escape(msgs.error().message) + "</p>";
  out += "<table><caption>" + format_number(static_cast<int64_t>(msgs->size())) +
         " thư (tối đa 200 mỗi trang)</caption><thead><tr><th scope=\"col\">Số</th><th scope=\"col\">Trạng "
         "thái</th>"
         "<th scope=\"col\">Đích</th><th scope=\"col\">Loại</th><th scope=\"col\">Hồ sơ</th><th "
         "scope=\"col\">Lần "
         "gửi</th><th scope=\"col\">Tạo lúc</th><th scope=\"col\">Lỗi cuối</th></tr></thead><tbody>";
  for (auto& m : *msgs)
    out += "<tr><td><a href=\"/console/outbox/" + std::to_string(m.id) + "\">" + std::to_string(m.id) +
           "</a></td><td>" + state_label(m.state) + "</td><td>" + escape(m.destination) + "</td><td>" +
           escape(m.kind) + "</td><td>" + escape(dossier_of_key(m.ordering_key)) + "</td><td class=\"num\">" +
           std::to_string(m.attempts) + "</td><td>" + format_datetime(m.created_at_ms) + "</td><td>" +
           escape(m.last_error) + "</td></tr>";
  out += "</tbody></table>";
  if (static_cast<int64_t>(msgs->size()) == f.limit)
    out += "<p><a href=\"/console/outbox?state=" + url_encode(shown) +
           "&amp;destination=" + url_encode(dest) + "&amp;after=" + std::to_string(msgs->back().id) +
           "\">Trang sau</a></p>";
  return out;
}

Response Console::Impl::outbox_record(const Session& s, const Request& req, const std::string& id_text) {
  auto id = to_id(id_text);
  auto m = id ? ctx.outbox->get(*id) : Result<outbox::Message>(Error(ErrorKind::kNotFound, "bad id"));
  if (!m.ok()) return error_page(&s, 404, "Không tìm thấy", "Không có thư này trong hộp thư đi.");
  const std::string dossier = dossier_of_key(m->ordering_key);
  std::string out = notice(req);
  out += "<dl><dt>Trạng thái</dt><dd>" + state_label(m->state) + "</dd><dt>Đích</dt><dd>" +
         escape(m->destination) + "</dd><dt>Loại</dt><dd>" + escape(m->kind) +
         "</dd><dt>Hồ sơ</dt><dd><a href=\"/console/dossier?code=" + url_encode(dossier) + "\">" +
         escape(dossier) + "</a></dd><dt>Số lần gửi</dt><dd>" + std::to_string(m->attempts) +
         "</dd><dt>Tạo lúc</dt><dd>" + format_datetime(m->created_at_ms) + "</dd><dt>Gửi xong lúc</dt><dd>" +
         format_datetime(m->sent_at_ms) + "</dd><dt>Lỗi cuối</dt><dd>" +
         escape(m->last_error.empty() ? "—" : m->last_error) + "</dd><dt>Nội dung</dt><dd>" +
         format_number(static_cast<int64_t>(m->payload.size())) + " byte, SHA-256 " +
         escape(m->content_hash) + " (ẩn: có thể chứa dữ liệu cá nhân)</dd></dl>";
  const std::string record = "outbox:" + std::to_string(m->id);
  auto pending = ctx.db->query(
      "SELECT id, requested_by, reason FROM console_requests WHERE record = ? AND state = 'pending'",
      {record});
  if (pending.ok() && !pending->empty()) {
    out += "<p class=\"notice\">Đang chờ phê duyệt: yêu cầu của " + escape((*pending)[0].str(1)) +
           ". <a href=\"/console/requests\">Xem yêu cầu duyệt</a></p>";
  } else if (m->state == outbox::State::kDead && s.role >= Role::kOperator) {
    const bool four = config.four_eyes(m->destination);
    out += "<h2>Thao tác</h2>" +
           action_form(s, "/console/outbox/" + std::to_string(m->id) + "/replay",
                       four ? "Yêu cầu phát lại (cần người phê duyệt)" : "Phát lại", "replay") +
           action_form(s, "/console/outbox/" + std::to_string(m->id) + "/discard", "Huỷ bỏ", "discard");
  }
  out += delivery_attempts({*m}) + trail(record);
  return html(200, layout(s, "outbox", "Thư số " + std::to_string(m->id), out));
}

}  // namespace lienthong::console
