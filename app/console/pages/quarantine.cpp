#include "gateway/core/dossiers/quarantine.hpp"

#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Cách ly

std::string Console::Impl::quarantine_list(const Request& req) {
  const std::string source = q_or(req, "source");
  const bool all = q_or(req, "all") == "1";
  std::string out =
      "<form method=\"get\" action=\"/console/quarantine\" class=\"filters\"><label for=\"source\">Nguồn"
      "</label><input id=\"source\" name=\"source\" value=\"" +
      escape(source) +
      "\" maxlength=\"64\"><label for=\"all\">Gồm cả bản ghi đã giải phóng</label><input type=\"checkbox\" "
      "id=\"all\" name=\"all\" value=\"1\"" +
      (all ? " checked" : "") + "><button type=\"submit\">Lọc</button></form>";
  auto recs = dossiers::Quarantine(*ctx.db).list(source, all, 500);
  if (!recs.ok()) return out + "<p class=\"error\">" + escape(recs.error().message) + "</p>";
  out += "<table><caption>" + format_number(static_cast<int64_t>(recs->size())) +
         " bản ghi</caption><thead><tr><th scope=\"col\">Số</th><th scope=\"col\">Nguồn</th><th "
         "scope=\"col\">Bản "
         "ghi</th><th scope=\"col\">Loại lỗi</th><th scope=\"col\">Lý do</th><th scope=\"col\">Cách ly "
         "lúc</th><th "
         "scope=\"col\">Giải phóng lúc</th></tr></thead><tbody>";
  for (auto& r : *recs)
    out += "<tr><td><a href=\"/console/quarantine/" + std::to_string(r.id) + "\">" + std::to_string(r.id) +
           "</a></td><td>" + escape(r.source) + "</td><td>" + escape(r.record_key) + "</td><td>" +
           escape(r.reason_kind) + "</td><td>" + escape(r.reason) + "</td><td>" +
           format_datetime(r.quarantined_at_ms) + "</td><td>" + format_datetime(r.released_at_ms) +
           "</td></tr>";
  return out + "</tbody></table>";
}

Response Console::Impl::quarantine_record(const Session& s, const Request& req, const std::string& id_text) {
  auto id = to_id(id_text);
  auto rec = id ? dossiers::Quarantine(*ctx.db).get(*id)
                : Result<std::optional<dossiers::QuarantinedRecord>>(std::nullopt);
  if (!rec.ok() || !*rec) return error_page(&s, 404, "Không tìm thấy", "Không có bản ghi cách ly này.");
  const auto& r = **rec;
  std::string out = notice(req);
  out += "<dl><dt>Nguồn</dt><dd>" + escape(r.source) + "</dd><dt>Bản ghi</dt><dd>" + escape(r.record_key) +
         "</dd><dt>Loại lỗi</dt><dd>" + escape(r.reason_kind) + "</dd><dt>Lý do</dt><dd>" + escape(r.reason) +
         "</dd><dt>Cách ly lúc</dt><dd>" + format_datetime(r.quarantined_at_ms) +
         "</dd><dt>Giải phóng lúc</dt><dd>" + format_datetime(r.released_at_ms) +
         "</dd><dt>Nội dung</dt><dd>" + format_number(static_cast<int64_t>(r.payload.size())) +
         " byte (ẩn: có thể chứa dữ liệu cá nhân)</dd></dl>";
  if (!r.released_at_ms && s.role >= Role::kOperator) {
    out += "<h2>Thao tác</h2>";
    if (r.source.starts_with("webhook:"))
      out += action_form(s, "/console/quarantine/" + std::to_string(r.id) + "/retry", "Xử lý lại", "retry");
    out +=
        action_form(s, "/console/quarantine/" + std::to_string(r.id) + "/release", "Giải phóng", "release");
  }
  out += trail("quarantine:" + std::to_string(r.id));
  return html(200, layout(s, "quarantine", "Bản ghi cách ly số " + std::to_string(r.id), out));
}

}  // namespace lienthong::console
