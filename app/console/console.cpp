#include "app/console/console.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>

#include "app/console/html.hpp"
#include "app/console/password.hpp"
#include "app/console/table_export.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/metrics/process_metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/query.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"
#include "gateway/flows/webhooks/quarantine_retry.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::console {

namespace {

constexpr char kCookie[] = "lt_console";
constexpr size_t kReasonMax = 500;
constexpr int64_t kDayMs = 86'400'000;

using server::Request;
using server::Response;

// Every console answer: no script but ours, no framing, nothing cached.
Response with_security_headers(Response r) {
  r.with_header("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("X-Frame-Options", "DENY")
      .with_header("Referrer-Policy", "no-referrer")
      .with_header("Cache-Control", "no-store");
  return r;
}

Response html(int status, std::string body) {
  return with_security_headers(Response::text(status, std::move(body), "text/html; charset=utf-8"));
}

Response redirect(const std::string& to) {
  Response r = Response::text(303, "", "text/plain; charset=utf-8");
  r.with_header("Location", to);
  return with_security_headers(std::move(r));
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::string> cookie(const Request& req, std::string_view name) {
  auto header = req.header("cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::optional<int64_t> to_id(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

std::string q_or(const Request& req, const std::string& key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

std::string state_label(outbox::State s) {
  switch (s) {
    case outbox::State::kPending:
      return "Đang chờ gửi";
    case outbox::State::kSent:
      return "Đã gửi";
    case outbox::State::kDead:
      return "Gửi thất bại (thư chết)";
    case outbox::State::kDiscarded:
      return "Đã huỷ bỏ";
  }
  return "";
}

// The dossier an ordering key is about: "dvcqg:<MaHoSo>" → MaHoSo.
std::string dossier_of_key(const std::string& key) {
  auto colon = key.find(':');
  return colon == std::string::npos ? key : key.substr(colon + 1);
}

// The fixed messages a redirect may announce (?ok=...): never text from the request.
std::string notice(const Request& req) {
  static const std::map<std::string, std::string> kNotices = {
      {"replayed", "Đã đưa thư trở lại hàng đợi gửi."},
      {"discarded", "Đã huỷ bỏ thư."},
      {"requested", "Đã tạo yêu cầu; cần một người phê duyệt khác duyệt trước khi thực hiện."},
      {"approved", "Đã phê duyệt và thực hiện yêu cầu."},
      {"rejected", "Đã từ chối yêu cầu."},
      {"retried", "Đã xử lý lại bản ghi cách ly; bản ghi được giải phóng."},
      {"released", "Đã giải phóng bản ghi khỏi cách ly."},
  };
  auto it = kNotices.find(q_or(req, "ok"));
  if (it == kNotices.end()) return "";
  return "<p class=\"notice\" role=\"status\">" + escape(it->second) + "</p>";
}

std::string light(const std::string& colour) {
  static const std::map<std::string, std::string> kLabels = {
      {"green", "Bình thường"}, {"amber", "Cần chú ý"}, {"red", "Có sự cố"}};
  return "<span class=\"light " + colour + "\">" + kLabels.at(colour) + "</span>";
}

}  // namespace

struct Console::Impl {
  ConsoleConfig config;
  ConsoleContext ctx;
  SessionStore sessions;
  LoginLimiter limiter;

  Impl(ConsoleConfig c, ConsoleContext x)
      : config(std::move(c)),
        ctx(std::move(x)),
        sessions(*ctx.clock, config.idle_timeout_ms),
        limiter(*ctx.clock, config.login_attempts, config.login_window_ms) {}

  // ---------------------------------------------------------------- layout

  std::string csrf_field(const Session& s) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(s.csrf) + "\">";
  }

  std::string layout(const Session& s, std::string_view active, std::string_view title,
                     const std::string& body) {
    static const std::vector<std::pair<std::string, std::string>> kNav = {
        {"overview", "Tổng quan"}, {"dossier", "Hồ sơ"},           {"outbox", "Hộp thư đi"},
        {"quarantine", "Cách ly"}, {"requests", "Yêu cầu duyệt"},  {"reconciliation", "Đối soát"},
        {"kpi", "Chỉ số"},         {"citizen", "Tra cứu công dân"}};
    std::string nav;
    for (auto& [key, label] : kNav) {
      std::string href = key == "overview" ? "/console/" : "/console/" + key;
      nav += "<li><a href=\"" + href + "\"" + (key == active ? " aria-current=\"page\"" : "") + ">" + label +
             "</a></li>";
    }
    return "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" +
           escape(title) +
           " — Bảng điều khiển lienthong</title>"
           "<link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\"><link "
           "rel=\"stylesheet\" href=\"/console/assets/console.css\">"
           "<script src=\"/console/assets/console.js\" defer></script></head><body>"
           "<a class=\"skip\" href=\"#main\">Bỏ qua phần điều hướng</a>"
           "<header><p class=\"brand\">Cổng liên thông — Bảng điều khiển</p>"
           "<nav aria-label=\"Các trang\"><ul>" +
           nav + "</ul></nav><form class=\"logout\" method=\"post\" action=\"/console/logout\">" +
           csrf_field(s) + "<span>" + escape(s.user) + " (" + std::string(role_label(s.role)) +
           ")</span> <button type=\"submit\">Đăng xuất</button></form></header>"
           "<main id=\"main\"><h1>" +
           escape(title) + "</h1>" + body + "</main></body></html>\n";
  }

  std::string action_form(const Session& s, const std::string& url, const std::string& label,
                          const std::string& id_suffix) {
    return "<form class=\"action\" method=\"post\" action=\"" + escape(url) + "\" data-confirm=\"" +
           escape(label) + "?\">" + csrf_field(s) + "<label for=\"reason-" + id_suffix +
           "\">Lý do (bắt buộc)</label><input id=\"reason-" + id_suffix +
           "\" name=\"reason\" required maxlength=\"500\"><button type=\"submit\">" + escape(label) +
           "</button></form>";
  }

  Response error_page(const Session* s, int status, const std::string& title, const std::string& text) {
    std::string body = "<p class=\"error\" role=\"alert\">" + escape(text) + "</p>";
    if (s) return html(status, layout(*s, "", title, body));
    return html(
        status,
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
            "</title><link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\"><link "
            "rel=\"stylesheet\" href=\"/console/assets/console.css\"></head><body>"
            "<main id=\"main\"><h1>" +
            escape(title) + "</h1>" + body +
            "<p><a href=\"/console/login\">Đăng nhập</a></p></main></body></html>\n");
  }

  // ---------------------------------------------------------------- audit

  // One console action in the hash-chained audit log, under the record it touched.
  // account "-": the citizen lookup flow replays per-account entries at start-up, and an
  // operator's action is not a lookup; official names the operator.
  void record_action(const Session& s, const Request& req, const std::string& record,
                     const std::string& action, const std::string& dossier, const std::string& result,
                     const std::string& reason, const std::string& extra = "") {
    audit::AuditEntry e;
    e.at_ms = ctx.clock->now_ms();
    e.lookup_id = record;
    e.account = "-";
    e.official = s.user;
    e.purpose = "console:" + action;
    e.dossier_code = dossier;
    e.result = result;
    e.detail = "reason: " + reason + (extra.empty() ? "" : "; " + extra);
    e.credential = "console:" + s.via;
    e.source = req.remote_address;
    auto appended = audit::AuditLog(*ctx.db).append(e);
    if (!appended.ok())
      log::error("console", "audit_append_failed", appended.error().message, {{"record", record}});
  }

  std::string trail(const std::string& record) {
    auto entries = audit::AuditLog(*ctx.db).of_lookup_id(record);
    if (!entries.ok())
      return "<p class=\"error\">Không đọc được nhật ký: " + escape(entries.error().message) + "</p>";
    std::string rows;
    for (auto& e : *entries) {
      if (!e.purpose.starts_with("console:")) continue;
      rows += "<tr><td>" + format_datetime(e.at_ms) + "</td><td>" + escape(e.official) + "</td><td>" +
              escape(e.purpose.substr(8)) + "</td><td>" + escape(e.result) + "</td><td>" + escape(e.detail) +
              "</td><td>" + format_number(e.seq) + "</td></tr>";
    }
    if (rows.empty()) return "<h2>Nhật ký thao tác</h2><p>Chưa có thao tác nào trên bản ghi này.</p>";
    return "<h2>Nhật ký thao tác</h2><table><caption>Các thao tác trên bản ghi, theo nhật ký kiểm toán "
           "có chuỗi băm</caption><thead><tr><th scope=\"col\">Thời điểm</th><th scope=\"col\">Người thực "
           "hiện</th><th scope=\"col\">Thao tác</th><th scope=\"col\">Kết quả</th><th scope=\"col\">Chi "
           "tiết</th><th scope=\"col\">Số thứ tự</th></tr></thead><tbody>" +
           rows + "</tbody></table>";
  }

  // ---------------------------------------------------------------- login

  Response login_page(int status, const Request& req, const std::string& message) {
    std::string cert_button;
    if (req.peer_certificate && config.find_by_certificate(req.peer_certificate->sha256_fingerprint)) {
      cert_button =
          "<form method=\"post\" action=\"/console/login\"><input type=\"hidden\" name=\"method\" "
          "value=\"certificate\"><button type=\"submit\">Đăng nhập bằng chứng thư số của "
          "bạn</button></form>";
    }
    std::string body =
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Đăng nhập — Bảng điều khiển lienthong</title>"
        "<link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\"><link "
        "rel=\"stylesheet\" href=\"/console/assets/console.css\">"
        "<script src=\"/console/assets/console.js\" defer></script></head><body>"
        "<main id=\"main\" class=\"login\"><h1>Đăng nhập bảng điều khiển</h1>" +
        (message.empty() ? "" : "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>") +
        cert_button +
        "<form method=\"post\" action=\"/console/login\"><label for=\"user\">Tên đăng nhập</label>"
        "<input id=\"user\" name=\"user\" autocomplete=\"username\" required maxlength=\"64\">"
        "<label for=\"password\">Mật khẩu</label><input id=\"password\" name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\" required><button type=\"submit\">Đăng nhập</button></form>"
        "</main></body></html>\n";
    return html(status, std::move(body));
  }

  Response start_session(const ConsoleUser& user, const std::string& via) {
    Session s = sessions.create(user.name, user.role, via);
    Response r = redirect("/console/");
    r.with_header("Set-Cookie", std::string(kCookie) + "=" + s.id +
                                    "; Path=/console/; HttpOnly; SameSite=Strict" +
                                    (ctx.secure_cookies ? "; Secure" : ""));
    log::info("console", "login", "operator logged in to the console",
              {{"user", user.name}, {"via", via.starts_with("cert:") ? "certificate" : "password"}});
    return r;
  }

  Response login(const Request& req) {
    auto form = server::parse_query(req.body);
    if (!form.ok()) return login_page(400, req, "Biểu mẫu không đọc được.");
    if ((*form)["method"] == "certificate") {
      const ConsoleUser* u = req.peer_certificate
                                 ? config.find_by_certificate(req.peer_certificate->sha256_fingerprint)
                                 : nullptr;
      if (!u) return login_page(401, req, "Chứng thư số của bạn không gắn với tài khoản nào.");
      return start_session(*u, "cert:" + req.peer_certificate->sha256_fingerprint);
    }
    const std::string name = (*form)["user"];
    const std::string password = (*form)["password"];
    const std::string user_key = "user:" + name, addr_key = "addr:" + req.remote_address;
    if (limiter.blocked(user_key) || limiter.blocked(addr_key)) {
      log::warn("console", "login_rate_limited", "too many failed console logins", {{"user", name}});
      return login_page(429, req,
                        "Đăng nhập sai quá nhiều lần. Hãy thử lại sau " +
                            std::to_string(config.login_window_ms / 60'000) + " phút.");
    }
    const ConsoleUser* u = config.find(name);
    if (!u || u->password_hash.empty() || !verify_password(u->password_hash, password)) {
      limiter.failed(user_key);
      limiter.failed(addr_key);
      log::warn("console", "login_failed", "a console login was refused", {{"user", name}});
      return login_page(401, req, "Tên đăng nhập hoặc mật khẩu không đúng.");
    }
    limiter.succeeded(user_key);
    limiter.succeeded(addr_key);
    return start_session(*u, "password");
  }

  // ---------------------------------------------------------------- dispatch

  Response handle(Request& req) {
    const auto parts = segments(req.path);
    if (parts.empty() || parts[0] != "console") return html(404, "<!doctype html><title>404</title>");
    const std::string page = parts.size() > 1 ? parts[1] : "";
    if (page == "assets" && parts.size() == 3 && req.method == "GET") {
      if (parts[2] == "console.css")
        return with_security_headers(
            Response::text(200, std::string(asset_css()), "text/css; charset=utf-8"));
      if (parts[2] == "favicon.svg")
        return with_security_headers(Response::text(200, std::string(asset_icon()), "image/svg+xml"));
      if (parts[2] == "console.js")
        return with_security_headers(
            Response::text(200, std::string(asset_js()), "text/javascript; charset=utf-8"));
      return html(404, "<!doctype html><title>404</title>");
    }
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
      if (page == "logout") {
        sessions.remove(s.id);
        Response r = redirect("/console/login");
        r.with_header("Set-Cookie", std::string(kCookie) +
                                        "=; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                        (ctx.secure_cookies ? "; Secure" : ""));
        return r;
      }
      return act(s, req, parts, form);
    }
    if (req.method != "GET") return error_page(&s, 405, "Không hỗ trợ", "Phương thức không được hỗ trợ.");
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
    if (page == "reconciliation" && parts.size() == 3 &&
        (parts[2] == "items.csv" || parts[2] == "items.xlsx"))
      return reconciliation_download(req, parts[2] == "items.xlsx");
    if (page == "kpi" && parts.size() == 3 && (parts[2] == "report.csv" || parts[2] == "report.xlsx"))
      return kpi_download(req, parts[2] == "report.xlsx");
    if (page == "kpi") return html(200, layout(s, "kpi", "Chỉ số", kpi_page(req)));
    if (page == "citizen") return html(200, layout(s, "citizen", "Tra cứu công dân", citizen_page()));
    return error_page(&s, 404, "Không tìm thấy", "Trang này không có trong bảng điều khiển.");
  }

  // ---------------------------------------------------------------- actions

  Response act(const Session& s, const Request& req, const std::vector<std::string>& parts,
               std::map<std::string, std::string>& form) {
    if (parts.size() != 4) return error_page(&s, 404, "Không tìm thấy", "Không có thao tác này.");
    const std::string& kind = parts[1];
    const std::string& action = parts[3];
    auto id = kind == "requests" ? std::optional<int64_t>(0) : to_id(parts[2]);
    if (!id) return error_page(&s, 404, "Không tìm thấy", "Mã bản ghi không hợp lệ.");
    const Role needed = kind == "requests" ? Role::kApprover : Role::kOperator;
    if (s.role < needed) {
      log::warn("console", "action_forbidden", "a console action beyond the user's role was refused",
                {{"user", s.user}, {"path", req.path}});
      return error_page(&s, 403, "Không có quyền",
                        "Vai trò " + std::string(role_label(s.role)) + " không được thực hiện thao tác này.");
    }
    const std::string reason = trim(form["reason"]);
    if (reason.empty() || reason.size() > kReasonMax)
      return error_page(&s, 400, "Thiếu lý do", "Mỗi thao tác cần một lý do (tối đa 500 ký tự).");
    if (kind == "outbox" && (action == "replay" || action == "discard"))
      return outbox_action(s, req, *id, action, reason);
    if (kind == "quarantine" && (action == "retry" || action == "release"))
      return quarantine_action(s, req, *id, action, reason);
    if (kind == "requests" && (action == "approve" || action == "reject"))
      return decide(s, req, parts[2], action, reason);
    return error_page(&s, 404, "Không tìm thấy", "Không có thao tác này.");
  }

  Response outbox_action(const Session& s, const Request& req, int64_t id, const std::string& action,
                         const std::string& reason) {
    auto m = ctx.outbox->get(id);
    if (!m.ok()) return error_page(&s, 404, "Không tìm thấy", "Không có thư số " + std::to_string(id) + ".");
    const std::string record = "outbox:" + std::to_string(id);
    const std::string dossier = dossier_of_key(m->ordering_key);
    if (m->state != outbox::State::kDead)
      return error_page(&s, 409, "Không thực hiện được",
                        "Chỉ thư gửi thất bại (thư chết) mới phát lại hoặc huỷ bỏ được.");
    if (action == "replay" && config.four_eyes(m->destination)) {
      // Bốn mắt (four eyes): money moves; a second person with the approver role decides.
      const std::string request_id = audit::random_hex(8);
      auto st = ctx.db->exec(
          "INSERT INTO console_requests (id, action, record, dossier, reason, requested_by, requested_at_ms, "
          "state, decided_by, decided_at_ms, decision_reason) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '', 0, "
          "'')",
          {request_id, std::string("outbox.replay"), record, dossier, reason, s.user, ctx.clock->now_ms()});
      if (!st.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", st.error().message);
      record_action(s, req, record, "outbox.replay", dossier, "requested", reason, "request " + request_id);
      return redirect("/console/outbox/" + std::to_string(id) + "?ok=requested");
    }
    Status st = action == "replay" ? ctx.outbox->replay(id) : ctx.outbox->discard(id);
    record_action(s, req, record, "outbox." + action, dossier, st.ok() ? "done" : "failed", reason,
                  st.ok() ? "" : st.error().message);
    if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
    return redirect("/console/outbox/" + std::to_string(id) +
                    (action == "replay" ? "?ok=replayed" : "?ok=discarded"));
  }

  Response quarantine_action(const Session& s, const Request& req, int64_t id, const std::string& action,
                             const std::string& reason) {
    dossiers::Quarantine quarantine(*ctx.db);
    auto rec = quarantine.get(id);
    if (!rec.ok() || !*rec)
      return error_page(&s, 404, "Không tìm thấy", "Không có bản ghi cách ly " + std::to_string(id) + ".");
    const std::string record = "quarantine:" + std::to_string(id);
    // Sync keys are "<MaHoSo>" or "<MaHoSo>#<sequence>"; a webhook delivery's key names the
    // delivery ("webhook-id:..."), its dossier is known once it translates.
    const std::string& key = (*rec)->record_key;
    std::string dossier = key.find(':') == std::string::npos ? key.substr(0, key.find('#')) : "";
    Status st;
    std::string extra;
    if (action == "release") {
      if ((*rec)->released_at_ms)
        st = Error(ErrorKind::kConflict, "the record was released already");
      else
        st = quarantine.release(id, ctx.clock->now_ms());
    } else if (!ctx.webhooks) {
      st = Error(ErrorKind::kConfig, "retry needs the webhooks section of the configuration");
    } else {
      auto r = webhooks::retry_quarantined(*ctx.webhooks, *ctx.db, *ctx.outbox, id, ctx.clock->now_ms());
      if (!r.ok())
        st = r.error();
      else {
        dossier = r->dossier_code;
        extra = "dossier " + r->dossier_code + " sequence " + std::to_string(r->sequence) +
                (r->duplicate ? " (duplicate)" : "");
      }
    }
    record_action(s, req, record, "quarantine." + action, dossier, st.ok() ? "done" : "failed", reason,
                  st.ok() ? extra : st.error().message);
    if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
    return redirect("/console/quarantine/" + std::to_string(id) +
                    (action == "retry" ? "?ok=retried" : "?ok=released"));
  }

  Response decide(const Session& s, const Request& req, const std::string& request_id,
                  const std::string& action, const std::string& reason) {
    auto rows = ctx.db->query(
        "SELECT action, record, dossier, requested_by, state FROM console_requests WHERE id = ?",
        {request_id});
    if (!rows.ok() || rows->empty()) return error_page(&s, 404, "Không tìm thấy", "Không có yêu cầu này.");
    const auto& r = (*rows)[0];
    const std::string kind = r.str(0), record = r.str(1), dossier = r.str(2), requester = r.str(3);
    if (r.str(4) != "pending")
      return error_page(&s, 409, "Không thực hiện được", "Yêu cầu đã được quyết định.");
    if (requester == s.user)
      return error_page(&s, 403, "Không có quyền",
                        "Người tạo yêu cầu không thể tự phê duyệt: cần một người phê duyệt khác.");
    Status st;
    if (action == "approve" && kind == "outbox.replay") {
      auto id = to_id(record.substr(record.find(':') + 1));
      st = id ? ctx.outbox->replay(*id) : Status(Error(ErrorKind::kInternal, "bad record " + record));
    }
    const std::string state = !st.ok() ? "failed" : action == "approve" ? "approved" : "rejected";
    auto upd = ctx.db->exec(
        "UPDATE console_requests SET state = ?, decided_by = ?, decided_at_ms = ?, decision_reason = ? WHERE "
        "id = ? "
        "AND state = 'pending'",
        {state, s.user, ctx.clock->now_ms(), reason, request_id});
    record_action(s, req, record, kind + "." + action, dossier, state, reason,
                  "request " + request_id + " of " + requester + (st.ok() ? "" : ": " + st.error().message));
    if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
    if (!upd.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", upd.error().message);
    return redirect("/console/requests?ok=" + std::string(action == "approve" ? "approved" : "rejected"));
  }

  // ---------------------------------------------------------------- pages

  std::string overview();
  std::string dossier_page(const std::string& code);
  std::string outbox_list(const Request& req);
  Response outbox_record(const Session& s, const Request& req, const std::string& id_text);
  std::string quarantine_list(const Request& req);
  Response quarantine_record(const Session& s, const Request& req, const std::string& id_text);
  std::string requests_page(const Session& s, const Request& req);
  std::string reconciliation_page(const Request& req);
  Response reconciliation_download(const Request& req, bool xlsx);
  Response kpi_download(const Request& req, bool xlsx);
  std::string kpi_page(const Request& req);
  std::string monitors(const kpi::Period& period);
  std::string trend(const kpi::Period& period);
  std::string citizen_page();
  std::string chain_status();
  std::mutex chain_mutex;
  int64_t chain_checked_ms = 0;
  audit::VerifyReport chain_report;
};

// ------------------------------------------------------------------ Tổng quan

std::string Console::Impl::overview() {
  const int64_t now = ctx.clock->now_ms();
  std::string out = "<p>Tình trạng các luồng lúc " + format_datetime(now) + " (giờ Việt Nam).</p>";
  // Outbox per destination: the same counts as `outbox counts` and the metrics.
  out +=
      "<h2>Hộp thư đi theo đích gửi</h2><table><thead><tr><th scope=\"col\">Đích</th><th scope=\"col\">Tình "
      "trạng</th><th scope=\"col\">Đang chờ</th><th scope=\"col\">Thư chết</th><th scope=\"col\">Bị chặn</th>"
      "<th scope=\"col\">Thư chờ lâu nhất từ</th></tr></thead><tbody>";
  auto dests = ctx.db->query("SELECT DISTINCT destination FROM outbox ORDER BY destination");
  if (dests.ok()) {
    for (auto& d : *dests) {
      const std::string dest = d.str(0);
      auto c = ctx.outbox->counts(dest);
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
  // Sync: when each source's cursor last moved.
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
  // Quarantine open by source.
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
  // Webhooks received per source in the last 24 hours.
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
  // Last reconciliation run.
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
  // Certificates: read at each visit, so a renewed file shows without a restart.
  if (!ctx.certificates.empty()) {
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
  }
  // Audit chain.
  out += "<h2>Nhật ký kiểm toán</h2>" + chain_status();
  return out;
}

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
  // What went to DVCQG (and elsewhere): the messages of the dossier's ordering keys. Payloads
  // hold personal data: only their size and hash are shown.
  out +=
      "<h2>Đã gửi đi (DVCQG và hệ thống khác)</h2><table><thead><tr><th scope=\"col\">Thư</th><th "
      "scope=\"col\">Đích</th><th scope=\"col\">Trạng thái</th><th scope=\"col\">Số lần gửi</th><th "
      "scope=\"col\">Tạo lúc</th><th scope=\"col\">Gửi xong lúc</th><th scope=\"col\">Trả lời cuối</th>"
      "</tr></thead><tbody>";
  auto ids = ctx.db->query("SELECT id FROM outbox WHERE ordering_key LIKE ? ORDER BY id", {"%:" + code});
  if (ids.ok())
    for (auto& r : *ids) {
      auto m = ctx.outbox->get(r.i64(0));
      if (!m.ok() || dossier_of_key(m->ordering_key) != code) continue;
      out += "<tr><td><a href=\"/console/outbox/" + std::to_string(m->id) + "\">" + std::to_string(m->id) +
             "</a></td><td>" + escape(m->destination) + "</td><td>" + state_label(m->state) +
             "</td><td class=\"num\">" + std::to_string(m->attempts) + "</td><td>" +
             format_datetime(m->created_at_ms) + "</td><td>" + format_datetime(m->sent_at_ms) + "</td><td>" +
             escape(m->last_error.empty() ? (m->state == outbox::State::kSent ? "Thành công" : "—")
                                          : m->last_error) +
             "</td></tr>";
    }
  out += "</tbody></table>";
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
  out += trail(record);
  return html(200, layout(s, "outbox", "Thư số " + std::to_string(m->id), out));
}

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
    std::string link = record.starts_with("outbox:") ? "/console/outbox/" + record.substr(7) : "/console/";
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

// ------------------------------------------------------------------ Đối soát

std::string Console::Impl::reconciliation_page(const Request& req) {
  auto runs = ctx.db->query(
      "SELECT id, period_from, period_to, as_of, created_at_ms FROM recon_runs ORDER BY "
      "created_at_ms DESC, seq DESC LIMIT 50");
  if (!runs.ok()) return "<p class=\"error\">" + escape(runs.error().message) + "</p>";
  if (runs->empty()) return "<p>Chưa có lần đối soát nào.</p>";
  std::string selected = q_or(req, "run");
  if (selected.empty()) selected = (*runs)[0].str(0);
  const std::string reason = q_or(req, "reason");
  std::string out =
      "<h2>Các lần đối soát</h2><table><thead><tr><th scope=\"col\">Lần chạy</th><th scope=\"col\">Kỳ"
      "</th><th scope=\"col\">Tính đến ngày</th><th scope=\"col\">Chạy lúc</th><th scope=\"col\">Ngoại "
      "lệ</th></tr></thead><tbody>";
  for (auto& r : *runs) {
    auto n = ctx.db->query("SELECT COUNT(*) FROM recon_items WHERE run_id = ?", {r.str(0)});
    out += "<tr><td><a href=\"/console/reconciliation?run=" + url_encode(r.str(0)) + "\">" +
           escape(r.str(0).substr(0, 12)) + "</a></td><td>" + escape(r.str(1)) + " – " + escape(r.str(2)) +
           "</td><td>" + escape(r.str(3)) + "</td><td>" + format_datetime(r.i64(4)) +
           "</td><td class=\"num\">" + format_number(n.ok() && !n->empty() ? (*n)[0].i64(0) : 0) +
           "</td></tr>";
  }
  out += "</tbody></table><h2>Ngoại lệ theo lý do (lần chạy " + escape(selected.substr(0, 12)) + ")</h2>";
  auto by_reason = ctx.db->query(
      "SELECT reason, COUNT(*), COALESCE(SUM(refund_amount), 0) FROM recon_items WHERE "
      "run_id = ? GROUP BY reason ORDER BY reason",
      {selected});
  out +=
      "<table><thead><tr><th scope=\"col\">Lý do</th><th scope=\"col\">Số mục</th><th scope=\"col\">Cần hoàn "
      "trả "
      "(đồng)</th></tr></thead><tbody>";
  if (by_reason.ok())
    for (auto& r : *by_reason)
      out += "<tr><td><a href=\"/console/reconciliation?run=" + url_encode(selected) +
             "&amp;reason=" + url_encode(r.str(0)) + "#ba-phia\">" + escape(r.str(0)) +
             "</a></td><td class=\"num\">" + format_number(r.i64(1)) + "</td><td class=\"num\">" +
             format_number(r.i64(2)) + "</td></tr>";
  out +=
      "</tbody></table><h2>Ngoại lệ theo cơ quan</h2><table><thead><tr><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Số mục</th><th scope=\"col\">Cổng thanh toán (đồng)</th><th scope=\"col\">Ngân hàng "
      "(đồng)</th><th scope=\"col\">Kho bạc (đồng)</th><th scope=\"col\">Cần hoàn trả "
      "(đồng)</th></tr></thead>"
      "<tbody>";
  auto by_agency = ctx.db->query(
      "SELECT COALESCE(agency, ''), COUNT(*), COALESCE(SUM(portal_amount), 0), COALESCE(SUM(bank_amount), "
      "0), "
      "COALESCE(SUM(treasury_amount), 0), COALESCE(SUM(refund_amount), 0) FROM recon_items WHERE run_id = ? "
      "GROUP BY 1 ORDER BY 1",
      {selected});
  if (by_agency.ok())
    for (auto& r : *by_agency) {
      out += "<tr><td>" + escape(r.str(0).empty() ? "—" : r.str(0)) + "</td>";
      for (size_t i = 1; i < 6; ++i) out += "<td class=\"num\">" + format_number(r.i64(i)) + "</td>";
      out += "</tr>";
    }
  out += "</tbody></table><p><a href=\"/console/reconciliation/items.csv?run=" + url_encode(selected) +
         "\" download>Tải các ngoại lệ (CSV)</a> · <a href=\"/console/reconciliation/items.xlsx?run=" +
         url_encode(selected) + "\" download>Tải (XLSX)</a></p>";
  out +=
      "<h2 id=\"ba-phia\">Ngoại lệ: ba phía (cổng thanh toán, ngân hàng, kho bạc)" +
      (reason.empty() ? std::string() : ", lý do " + escape(reason)) +
      "</h2><table><thead><tr><th "
      "scope=\"col\">Lý "
      "do</th><th scope=\"col\">Tham chiếu</th><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Cổng thanh toán</th><th scope=\"col\">Ngân hàng</th><th scope=\"col\">Kho bạc</th></tr>"
      "</thead><tbody>";
  auto items = ctx.db->query(
      "SELECT reason, reference, dossier, agency, portal_amount, bank_amount, treasury_amount, portal_amount "
      "IS "
      "NULL, bank_amount IS NULL, treasury_amount IS NULL FROM recon_items WHERE run_id = ? AND (? = '' OR "
      "reason = ?) ORDER BY reason, item_key LIMIT 500",
      {selected, reason, reason});
  auto amount = [](const store::Row& r, size_t i, size_t null_col) {
    return r.i64(null_col) ? std::string("—") : format_number(r.i64(i));
  };
  if (items.ok())
    for (auto& r : *items)
      out += "<tr><td>" + escape(r.str(0)) + "</td><td>" + escape(r.str(1)) + "</td><td>" + escape(r.str(2)) +
             "</td><td>" + escape(r.str(3)) + "</td><td class=\"num\">" + amount(r, 4, 7) +
             "</td><td class=\"num\">" + amount(r, 5, 8) + "</td><td class=\"num\">" + amount(r, 6, 9) +
             "</td></tr>";
  out += "</tbody></table>";
  reconciliation::RunStore store(*ctx.db, *ctx.clock);
  auto refunds = store.refunds();
  out +=
      "<h2>Hoàn trả</h2><table><thead><tr><th scope=\"col\">Tham chiếu</th><th scope=\"col\">Hồ sơ</th><th "
      "scope=\"col\">Số tiền (đồng)</th><th scope=\"col\">Lý do</th><th scope=\"col\">Trạng thái</th></tr>"
      "</thead><tbody>";
  static const std::map<std::string, std::string> kRefund = {
      {"due", "Cần hoàn trả"}, {"instructed", "Đã lập lệnh hoàn trả"}, {"refunded", "Đã hoàn trả"}};
  if (refunds.ok())
    for (auto& r : *refunds) {
      auto st = kRefund.find(r.state);
      out += "<tr><td>" + escape(r.reference) + "</td><td>" + escape(r.dossier) + "</td><td class=\"num\">" +
             format_number(r.amount) + "</td><td>" + escape(r.reason) + "</td><td>" +
             escape(st == kRefund.end() ? r.state : st->second) + "</td></tr>";
    }
  return out + "</tbody></table>";
}

static Response download(const ExportTable& table, const std::string& name, bool xlsx) {
  if (!xlsx) {
    Response r = Response::text(200, to_csv(table), "text/csv; charset=utf-8");
    r.with_header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    return with_security_headers(std::move(r));
  }
  auto bytes = to_xlsx(table, name);
  if (!bytes.ok()) return html(500, "<!doctype html><title>Lỗi</title><p>" + escape(bytes.error().message));
  Response r = Response::text(200, std::move(bytes).value(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  r.with_header("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
  return with_security_headers(std::move(r));
}

Response Console::Impl::reconciliation_download(const Request& req, bool xlsx) {
  const std::string run = q_or(req, "run");
  auto items = ctx.db->query(
      "SELECT item_key, reason, reference, dossier, agency, portal_amount, bank_amount, treasury_amount, "
      "refund_amount FROM recon_items WHERE run_id = ? ORDER BY reason, item_key",
      {run});
  if (!items.ok()) return html(500, "<!doctype html><title>Lỗi</title><p>" + escape(items.error().message));
  ExportTable t;
  t.header = {"item_key",      "reason",      "reference",       "dossier",      "agency",
              "portal_amount", "bank_amount", "treasury_amount", "refund_amount"};
  t.numeric = {false, false, false, false, false, true, true, true, true};
  for (auto& r : *items) {
    std::vector<std::string> row;
    for (size_t i = 0; i < 9; ++i) row.push_back(r.is_null(i) ? std::string() : r.str(i));
    t.rows.push_back(std::move(row));
  }
  return download(t, "doi-soat", xlsx);
}

Response Console::Impl::kpi_download(const Request& req, bool xlsx) {
  if (!ctx.kpi_by_agency) return html(404, "<!doctype html><title>404</title><p>Chưa cấu hình mục kpi.");
  auto period = kpi::parse_period(q_or(req, "period"));
  if (!period.ok()) return html(400, "<!doctype html><title>400</title><p>" + escape(period.error().message));
  auto report = ctx.kpi_by_agency(*period);
  if (!report.ok()) return html(500, "<!doctype html><title>Lỗi</title><p>" + escape(report.error().message));
  ExportTable t;
  t.header = {"indicator", "agency", "a", "b", "ratio", "target"};
  t.numeric = {false, false, true, true, true, true};
  for (auto& r : report->rows) {
    char ratio[32] = "", target[32] = "";
    if (r.ratio) std::snprintf(ratio, sizeof ratio, "%.6f", *r.ratio);
    if (r.target) std::snprintf(target, sizeof target, "%.4f", *r.target);
    t.rows.push_back({r.indicator, r.group, std::to_string(r.a), std::to_string(r.b), ratio, target});
  }
  return download(t, "chi-so-" + period->label.substr(0, 20), xlsx);
}

// ------------------------------------------------------------------ Chỉ số

static std::string percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ratio * 100.0);
  std::string s = buf;
  std::replace(s.begin(), s.end(), '.', ',');  // Vietnamese decimal comma
  return s + " %";
}

std::string Console::Impl::kpi_page(const Request& req) {
  std::string period_text = q_or(req, "period");
  if (period_text.empty()) {
    auto t = vn_time::to_vietnam(ctx.clock->now_ms());
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", t.year, t.month);
    period_text = buf;
  }
  std::string out =
      "<form method=\"get\" action=\"/console/kpi\" class=\"filters\"><label for=\"period\">Kỳ báo cáo "
      "(2026, 2026-Q4, 2026-12)</label><input id=\"period\" name=\"period\" value=\"" +
      escape(period_text) + "\" maxlength=\"32\"><button type=\"submit\">Xem</button></form>";
  if (!ctx.kpi_by_agency)
    return out +
           "<p>Chưa cấu hình mục <code>kpi</code> (danh mục thủ tục, mục tiêu) nên chưa tính được chỉ "
           "số.</p>";
  auto period = kpi::parse_period(period_text);
  if (!period.ok())
    return out +
           "<p class=\"error\" role=\"alert\">Kỳ báo cáo không hợp lệ: " + escape(period.error().message) +
           "</p>";
  auto report = ctx.kpi_by_agency(*period);
  if (!report.ok()) return out + "<p class=\"error\">" + escape(report.error().message) + "</p>";
  std::vector<kpi::IndicatorRow> rows;
  for (auto& r : report->rows)
    if (r.indicator == "on_time") rows.push_back(r);
  out += "<h2>Tỷ lệ hồ sơ giải quyết đúng hạn theo cơ quan</h2>";
  if (rows.empty()) return out + "<p>Không có hồ sơ nào trong kỳ.</p>";
  // One bar per agency, the target as a vertical line; drawn on the server (no script).
  const int bar_h = 22, left = 180, width = 420, top = 10;
  const int height = top * 2 + bar_h * static_cast<int>(rows.size());
  std::string svg = "<svg role=\"img\" aria-labelledby=\"kpi-chart-title\" width=\"" +
                    std::to_string(left + width + 80) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(left + width + 80) + " " + std::to_string(height) +
                    "\"><title id=\"kpi-chart-title\">Tỷ lệ đúng hạn theo cơ quan so với mục tiêu</title>";
  std::string table =
      "<table><thead><tr><th scope=\"col\">Cơ quan</th><th scope=\"col\">Tổng số hồ sơ</th><th "
      "scope=\"col\">Đúng hạn</th><th scope=\"col\">Tỷ lệ</th><th scope=\"col\">Mục tiêu</th><th "
      "scope=\"col\">Đánh giá</th></tr></thead><tbody>";
  int i = 0;
  for (auto& r : rows) {
    const double target = r.target.value_or(0.95);
    const bool met = r.ratio && *r.ratio >= target;
    const std::string label = r.group == "total" ? "Toàn tỉnh" : r.group;
    table += "<tr><td>" + escape(label) + "</td><td class=\"num\">" + format_number(r.a) +
             "</td><td class=\"num\">" + format_number(r.b) + "</td><td class=\"num\">" +
             (r.ratio ? percent(*r.ratio) : "—") + "</td><td class=\"num\">" + percent(target) + "</td><td>" +
             (r.ratio ? light(met ? "green" : "red") : std::string("—")) + "</td></tr>";
    const int y = top + i * bar_h;
    const int w = r.ratio ? static_cast<int>(*r.ratio * width) : 0;
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + escape(label) + "</text><rect x=\"" + std::to_string(left) +
           "\" y=\"" + std::to_string(y + 3) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
           std::to_string(bar_h - 6) + "\" fill=\"" + (met ? "#2e7d32" : "#c62828") + "\"></rect><text x=\"" +
           std::to_string(left + w + 4) + "\" y=\"" + std::to_string(y + 15) + "\">" +
           (r.ratio ? percent(*r.ratio) : "—") + "</text>";
    ++i;
  }
  const double target = rows.front().target.value_or(0.95);
  const int tx = left + static_cast<int>(target * width);
  svg += "<line x1=\"" + std::to_string(tx) + "\" y1=\"0\" x2=\"" + std::to_string(tx) + "\" y2=\"" +
         std::to_string(height) + "\" stroke=\"#1a1a1a\" stroke-dasharray=\"4 3\"></line></svg>";
  return out + "<p>Kỳ " + escape(report->period.label) + ", mục tiêu " + percent(target) +
         " (vạch đứt). <a href=\"/console/kpi/report.csv?period=" + url_encode(period_text) +
         "\" download>Tải CSV</a> · <a href=\"/console/kpi/report.xlsx?period=" + url_encode(period_text) +
         "\" download>Tải XLSX</a></p>" + svg + table + "</tbody></table>" + trend(*period) +
         monitors(*period);
}

// The province's on-time rate in each of the twelve months up to the period's last one,
// as a line against the target, with the figures in a table beside it.
std::string Console::Impl::trend(const kpi::Period& period) {
  int y = 0, m = 0, d = 0;
  vn_time::civil_from_days(period.last_day, y, m, d);
  struct Point {
    std::string label;
    std::optional<double> ratio;
    int64_t a = 0, b = 0;
  };
  std::vector<Point> points;
  double target = 0.95;
  for (int i = 11; i >= 0; --i) {
    int yy = y, mm = m - i;
    while (mm <= 0) {
      mm += 12;
      --yy;
    }
    char label[16];
    std::snprintf(label, sizeof label, "%04d-%02d", yy, mm);
    auto month = kpi::parse_period(label);
    if (!month.ok()) continue;
    auto report = ctx.kpi_by_agency(*month);
    if (!report.ok()) return "<p class=\"error\">" + escape(report.error().message) + "</p>";
    char shown[16];
    std::snprintf(shown, sizeof shown, "%02d/%04d", mm, yy);
    Point p{shown, std::nullopt, 0, 0};
    for (auto& r : report->rows)
      if (r.indicator == "on_time" && r.group == "total") {
        p.ratio = r.ratio;
        p.a = r.a;
        p.b = r.b;
        if (r.target) target = *r.target;
      }
    points.push_back(p);
  }
  const int left = 70, top = 10, width = 600, height = 200;
  auto x_of = [&](size_t i) {
    return left + static_cast<int>(i * width / (points.size() > 1 ? points.size() - 1 : 1));
  };
  auto y_of = [&](double ratio) { return top + static_cast<int>((1.0 - ratio) * height); };
  std::string svg =
      "<svg role=\"img\" aria-labelledby=\"kpi-trend-title\" width=\"" + std::to_string(left + width + 40) +
      "\" height=\"" + std::to_string(top + height + 40) + "\" viewBox=\"0 0 " +
      std::to_string(left + width + 40) + " " + std::to_string(top + height + 40) +
      "\"><title id=\"kpi-trend-title\">Tỷ lệ đúng hạn toàn tỉnh theo tháng so với mục tiêu</title>";
  for (double g : {0.0, 0.5, 1.0})
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + std::to_string(y_of(g) + 4) +
           "\" text-anchor=\"end\">" + percent(g) + "</text><line x1=\"" + std::to_string(left) + "\" y1=\"" +
           std::to_string(y_of(g)) + "\" x2=\"" + std::to_string(left + width) + "\" y2=\"" +
           std::to_string(y_of(g)) + "\" stroke=\"#c8c8c8\"></line>";
  svg += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(y_of(target)) + "\" x2=\"" +
         std::to_string(left + width) + "\" y2=\"" + std::to_string(y_of(target)) +
         "\" stroke=\"#1a1a1a\" stroke-dasharray=\"4 3\"></line>";
  std::string line;
  std::string table =
      "<table><caption>Toàn tỉnh theo tháng</caption><thead><tr><th scope=\"col\">Tháng</th><th "
      "scope=\"col\">Tổng số hồ sơ</th><th scope=\"col\">Đúng hạn</th><th scope=\"col\">Tỷ "
      "lệ</th></tr></thead><tbody>";
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.ratio) {
      line += (line.empty() ? "" : " ") + std::to_string(x_of(i)) + "," + std::to_string(y_of(*p.ratio));
      svg += "<circle cx=\"" + std::to_string(x_of(i)) + "\" cy=\"" + std::to_string(y_of(*p.ratio)) +
             "\" r=\"3\" fill=\"#0b4f8a\"></circle>";
    }
    if (i % 2 == 0 || i + 1 == points.size())
      svg += "<text x=\"" + std::to_string(x_of(i)) + "\" y=\"" + std::to_string(top + height + 20) +
             "\" text-anchor=\"middle\">" + p.label + "</text>";
    table += "<tr><td>" + p.label + "</td><td class=\"num\">" + format_number(p.a) +
             "</td><td class=\"num\">" + format_number(p.b) + "</td><td class=\"num\">" +
             (p.ratio ? percent(*p.ratio) : "—") + "</td></tr>";
  }
  if (!line.empty())
    svg +=
        "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"#0b4f8a\" stroke-width=\"2\"></polyline>";
  return "<h2>Xu hướng theo tháng</h2>" + svg + "</svg>" + table + "</tbody></table>";
}

// The late-dossier register and the online dossiers not acknowledged in time, for the
// dossiers received in the period (at most 200 rows each; `lienthong late` and
// `lienthong monitor ack` give them all).
std::string Console::Impl::monitors(const kpi::Period& period) {
  std::string out = "<h2>Sổ theo dõi hồ sơ trễ hạn</h2>";
  if (!ctx.late_dossiers)
    return out + "<p>Chưa tính được: " +
           escape(ctx.monitors_problem.empty() ? "chưa có lịch làm việc" : ctx.monitors_problem) + "</p>";
  auto dossier_link = [](const std::string& code) {
    return "<a href=\"/console/dossier?code=" + url_encode(code) + "\">" + escape(code) + "</a>";
  };
  auto late = ctx.late_dossiers(period.from_ms(), period.to_ms());
  if (!late.ok()) {
    out += "<p class=\"error\">" + escape(late.error().message) + "</p>";
  } else {
    out +=
        "<table><caption>" + format_number(static_cast<int64_t>(late->size())) +
        " hồ sơ trễ hạn</caption><thead><tr><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
        "scope=\"col\">Hạn trả</th><th scope=\"col\">Hoàn thành</th><th scope=\"col\">Trễ (giờ làm "
        "việc)</th><th scope=\"col\">Tình trạng</th><th scope=\"col\">Đã giải trình</th></tr></thead><tbody>";
    size_t n = 0;
    for (auto& f : *late) {
      if (++n > 200) break;
      out += "<tr><td>" + dossier_link(f.dossier_code) + "</td><td>" + escape(f.agency_code) + "</td><td>" +
             format_datetime(f.due_at_ms) + "</td><td>" + format_datetime(f.completed_at_ms.value_or(0)) +
             "</td><td class=\"num\">" + format_number(f.late_working_minutes / 60) + "</td><td>" +
             (f.timeliness == "overdue" ? "Quá hạn, chưa xong" : "Xong nhưng trễ hạn") + "</td><td>" +
             (f.explained ? "Có" : "Chưa") + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "<h2>Hồ sơ trực tuyến chưa tiếp nhận trong " + std::to_string(ctx.ack_working_hours) +
         " giờ làm việc</h2>";
  auto ack = ctx.unacknowledged_online(period.from_ms(), period.to_ms());
  if (!ack.ok()) return out + "<p class=\"error\">" + escape(ack.error().message) + "</p>";
  out +=
      "<table><caption>" + format_number(static_cast<int64_t>(ack->size())) +
      " hồ sơ</caption><thead><tr><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Nộp lúc</th><th scope=\"col\">Hạn tiếp nhận</th><th scope=\"col\">Tiếp nhận lúc</th><th "
      "scope=\"col\">Tình trạng</th></tr></thead><tbody>";
  size_t n = 0;
  for (auto& f : *ack) {
    if (++n > 200) break;
    out += "<tr><td>" + dossier_link(f.dossier_code) + "</td><td>" + escape(f.agency_code) + "</td><td>" +
           format_datetime(f.submitted_at_ms) + "</td><td>" + format_datetime(f.deadline_ms) + "</td><td>" +
           format_datetime(f.acknowledged_at_ms.value_or(0)) + "</td><td>" +
           (f.state == "unacknowledged" ? "Chưa tiếp nhận" : "Tiếp nhận muộn") + "</td></tr>";
  }
  return out + "</tbody></table>";
}

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

// The audit chain's verification, at most every five minutes: it reads the whole log.
std::string Console::Impl::chain_status() {
  const int64_t now = ctx.clock->now_ms();
  std::lock_guard lock(chain_mutex);
  if (!chain_checked_ms || now - chain_checked_ms > 5 * 60'000) {
    auto report = audit::AuditLog(*ctx.db).verify();
    if (!report.ok())
      return "<p>" + light("red") + " Không kiểm tra được: " + escape(report.error().message) + "</p>";
    chain_report = *report;
    chain_checked_ms = now;
  }
  const std::string when = " (kiểm tra lúc " + format_datetime(chain_checked_ms) + ")";
  if (chain_report.intact)
    return "<p>" + light("green") + " Chuỗi băm nguyên vẹn: " + format_number(chain_report.entries) + " mục" +
           when + ".</p>";
  return "<p>" + light("red") + " Chuỗi băm bị phá vỡ tại mục " +
         format_number(chain_report.first_broken_seq) + ": " + escape(chain_report.detail) + when + "</p>";
}

// ------------------------------------------------------------------ Console

Console::Console(ConsoleConfig config, ConsoleContext context)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(context))) {}
Console::~Console() = default;

std::vector<store::Migration> Console::migrations() {
  return {{"console", 1,
           "CREATE TABLE console_requests ("
           " id TEXT PRIMARY KEY, action TEXT NOT NULL, record TEXT NOT NULL, dossier TEXT NOT NULL,"
           " reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at_ms BIGINT NOT NULL,"
           " state TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at_ms BIGINT NOT NULL,"
           " decision_reason TEXT NOT NULL);"
           "CREATE INDEX console_requests_record ON console_requests (record)"}};
}

server::Response Console::handle(server::Request& req) {
  return impl_->handle(req);
}

void Console::register_routes(server::HttpServer& admin) {
  auto h = [this](server::Request& req) { return handle(req); };
  for (const char* p :
       {"/console", "/console/", "/console/login", "/console/assets/{file}", "/console/dossier",
        "/console/outbox", "/console/outbox/{id}", "/console/quarantine", "/console/quarantine/{id}",
        "/console/requests", "/console/reconciliation", "/console/reconciliation/{file}", "/console/kpi",
        "/console/kpi/{file}", "/console/citizen"})
    admin.route("GET", p, h, {64 * 1024});
  for (const char* p : {"/console/login", "/console/logout", "/console/outbox/{id}/{action}",
                        "/console/quarantine/{id}/{action}", "/console/requests/{id}/{action}"})
    admin.route("POST", p, h, {64 * 1024});
}

}  // namespace lienthong::console
