#include "app/console/responses.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "app/console/html.hpp"

namespace lienthong::console {

using server::Request;
using server::Response;

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

std::string dossier_of_key(const std::string& key) {
  return outbox::dossier_of_ordering_key(key);
}

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

Response download(const ExportTable& table, const std::string& name, bool xlsx) {
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

std::string percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ratio * 100.0);
  std::string s = buf;
  std::replace(s.begin(), s.end(), '.', ',');  // Vietnamese decimal comma
  return s + " %";
}

}  // namespace lienthong::console
