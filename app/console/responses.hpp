// What every console handler answers with and reads from a request: the security headers,
// HTML and redirect responses, the request's cookie, path segments, query values, and the
// fixed labels the pages share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/console/table_export.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"

namespace lienthong::console {

inline constexpr char kCookie[] = "lt_console";
inline constexpr size_t kReasonMax = 500;
inline constexpr int64_t kDayMs = 86'400'000;

// Every console answer: no script but ours, no framing, nothing cached.
server::Response with_security_headers(server::Response r);
server::Response html(int status, std::string body);
server::Response redirect(const std::string& to);
// A CSV or XLSX attachment named `name` (.csv/.xlsx added).
server::Response download(const ExportTable& table, const std::string& name, bool xlsx);

std::string trim(std::string s);
std::optional<std::string> cookie(const server::Request& req, std::string_view name);
std::vector<std::string> segments(std::string_view path);
// A record id from the path or the query: digits only, at most 18.
std::optional<int64_t> to_id(const std::string& s);
// The query value of `key`, empty when absent.
std::string q_or(const server::Request& req, const std::string& key);

std::string state_label(outbox::State s);
// The dossier an ordering key is about: "dvcqg:<MaHoSo>" → MaHoSo.
std::string dossier_of_key(const std::string& key);
// The fixed messages a redirect may announce (?ok=...): never text from the request.
std::string notice(const server::Request& req);
// A traffic light: green, amber or red, with its label.
std::string light(const std::string& colour);
// 0.953 → "95,3 %" (Vietnamese decimal comma).
std::string percent(double ratio);

}  // namespace lienthong::console
