#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/server/query.hpp"

namespace lienthong::console {

// Every /console/ request: assets and login without a session; everything else needs a
// live session, and every POST its CSRF token.
Response Console::Impl::handle(Request& req) {
  const auto parts = segments(req.path);
  if (parts.empty() || parts[0] != "console") return html(404, "<!doctype html><title>404</title>");
  const std::string page = parts.size() > 1 ? parts[1] : "";
  if (page == "assets" && parts.size() == 3 && req.method == "GET") return serve_asset(parts[2]);
  if (page == "login") {
    if (req.method == "POST") return login(req);
    return login_page(200, req, "");
  }
  std::optional<Session> session;
  if (auto c = cookie(req, kCookie)) session = sessions.touch(*c);
  if (!session) {
    if (req.method == "GET") return redirect("/console/login");
    return error_page(nullptr, 401, "Chưa đăng nhập",
                      "Phiên làm việc đã hết hạn hoặc chưa đăng nhập. Hãy đăng nhập lại.");
  }
  const Session& s = *session;
  std::map<std::string, std::string> form;
  if (req.method == "POST") {
    auto parsed = server::parse_query(req.body);
    if (parsed.ok()) form = std::move(parsed).value();
    if (!same_token(form["csrf"], s.csrf)) {
      log::warn("console", "csrf_refused", "a console POST without a valid CSRF token was refused",
                {{"user", s.user}, {"path", req.path}});
      return error_page(&s, 403, "Yêu cầu bị từ chối",
                        "Thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang rồi thử lại.");
    }
    if (page == "logout") return logout(s);
    return act(s, req, parts, form);
  }
  if (req.method != "GET") return error_page(&s, 405, "Không hỗ trợ", "Phương thức không được hỗ trợ.");
  return get_page(s, req, parts);
}

// The pages, by path; the session is valid here.
Response Console::Impl::get_page(const Session& s, Request& req, const std::vector<std::string>& parts) {
  const std::string page = parts.size() > 1 ? parts[1] : "";
  if (page.empty()) return html(200, layout(s, "overview", "Tổng quan", overview()));
  if (page == "dossier") return html(200, layout(s, "dossier", "Hồ sơ", dossier_page(q_or(req, "code"))));
  if (page == "outbox" && parts.size() == 2)
    return html(200, layout(s, "outbox", "Hộp thư đi", outbox_list(req)));
  if (page == "outbox" && parts.size() == 3) return outbox_record(s, req, parts[2]);
  if (page == "quarantine" && parts.size() == 2)
    return html(200, layout(s, "quarantine", "Cách ly", quarantine_list(req)));
  if (page == "quarantine" && parts.size() == 3) return quarantine_record(s, req, parts[2]);
  if (page == "requests") return html(200, layout(s, "requests", "Yêu cầu duyệt", requests_page(s, req)));
  if (page == "reconciliation" && parts.size() == 2)
    return html(200, layout(s, "reconciliation", "Đối soát", reconciliation_page(req)));
  if (page == "reconciliation" && parts.size() == 3 && (parts[2] == "items.csv" || parts[2] == "items.xlsx"))
    return reconciliation_download(req, parts[2] == "items.xlsx");
  if (page == "kpi" && parts.size() == 3 && (parts[2] == "report.csv" || parts[2] == "report.xlsx"))
    return kpi_download(req, parts[2] == "report.xlsx");
  if (page == "kpi") return html(200, layout(s, "kpi", "Chỉ số", kpi_page(req)));
  if (page == "refunds" && parts.size() == 3) return refund_record(s, req, parts[2]);
  if (page == "citizen") return html(200, layout(s, "citizen", "Tra cứu công dân", citizen_page()));
  return error_page(&s, 404, "Không tìm thấy", "Trang này không có trong bảng điều khiển.");
}

Response Console::Impl::serve_asset(const std::string& name) {
  if (name == "console.css")
    return with_security_headers(Response::text(200, std::string(asset_css()), "text/css; charset=utf-8"));
  if (name == "favicon.svg")
    return with_security_headers(Response::text(200, std::string(asset_icon()), "image/svg+xml"));
  if (name == "console.js")
    return with_security_headers(
        Response::text(200, std::string(asset_js()), "text/javascript; charset=utf-8"));
  return html(404, "<!doctype html><title>404</title>");
}

Response Console::Impl::logout(const Session& s) {
  sessions.remove(s.id);
  Response r = redirect("/console/login");
  r.with_header("Set-Cookie", std::string(kCookie) +
                                  "=; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                  (ctx.secure_cookies ? "; Secure" : ""));
  return r;
}

}  // namespace lienthong::console
