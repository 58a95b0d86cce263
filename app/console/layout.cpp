#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"

namespace lienthong::console {

std::string Console::Impl::csrf_field(const Session& s) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(s.csrf) + "\">";
}

std::string Console::Impl::layout(const Session& s, std::string_view active, std::string_view title,
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
         escape(title) + "</h1>" + align_numeric_headings(body) + "</main></body></html>\n";
}

std::string Console::Impl::action_form(const Session& s, const std::string& url, const std::string& label,
                                       const std::string& id_suffix) {
  return "<form class=\"action\" method=\"post\" action=\"" + escape(url) + "\" data-confirm=\"" +
         escape(label) + "?\">" + csrf_field(s) + "<label for=\"reason-" + id_suffix +
         "\">Lý do (bắt buộc)</label><input id=\"reason-" + id_suffix +
         "\" name=\"reason\" required maxlength=\"500\"><button type=\"submit\">" + escape(label) +
         "</button></form>";
}

Response Console::Impl::error_page(const Session* s, int status, const std::string& title,
                                   const std::string& text) {
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

}  // namespace lienthong::console
