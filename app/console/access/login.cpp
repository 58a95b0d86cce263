#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "app/console/password.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/server/query.hpp"

namespace lienthong::console {

Response Console::Impl::login_page(int status, const Request& req, const std::string& message) {
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
      (message.empty() ? "" : "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>") + cert_button +
      "<form method=\"post\" action=\"/console/login\"><label for=\"user\">Tên đăng nhập</label>"
      "<input id=\"user\" name=\"user\" autocomplete=\"username\" required maxlength=\"64\">"
      "<label for=\"password\">Mật khẩu</label><input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required><button type=\"submit\">Đăng nhập</button></form>"
      "</main></body></html>\n";
  return html(status, std::move(body));
}

Response Console::Impl::start_session(const ConsoleUser& user, const std::string& via) {
  Session s = sessions.create(user.name, user.role, via);
  Response r = redirect("/console/");
  r.with_header("Set-Cookie", std::string(kCookie) + "=" + s.id +
                                  "; Path=/console/; HttpOnly; SameSite=Strict" +
                                  (ctx.secure_cookies ? "; Secure" : ""));
  log::info("console", "login", "operator logged in to the console",
            {{"user", user.name}, {"via", via.starts_with("cert:") ? "certificate" : "password"}});
  return r;
}

Response Console::Impl::login(const Request& req) {
  auto form = server::parse_query(req.body);
  if (!form.ok()) return login_page(400, req, "Biểu mẫu không đọc được.");
  if ((*form)["method"] == "certificate") {
    const ConsoleUser* u =
        req.peer_certificate ? config.find_by_certificate(req.peer_certificate->sha256_fingerprint) : nullptr;
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

}  // namespace lienthong::console
