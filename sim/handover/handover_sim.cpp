// lienthong-sim handover: DVCQG handing dossiers over to the province (a promotion notice,
// the flat JSON of docs/contracts/national_push.md, files in base64) on the X-Road/VXP
// adapter's forward path of a running gateway, good ones and faulty ones. Each answer is
// checked against DVCQG's shape (HTTP 200 {error_code 0 | -1, message}, a refusal -1 with
// its reason); the exit status is 0 only if all were as expected.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "sim/common/sim_cli.hpp"

namespace lienthong::sim {

namespace {

const SimSpec& spec() {
  static const SimSpec s{
      "handover",
      "DVCQG handing dossiers over to the province on the X-Road/VXP adapter's forward path of a running "
      "gateway; exit status 0 only if every answer was as expected.",
      "",
      {{"gateway", "URL", "base URL of the gateway (required)"},
       {"path", "PATH", "the forward path (default /XrdAdapter/RestService/forward/nhanhsdvcqg)"},
       {"count", "N", "dossiers handed over (default 1)"},
       {"files", "K", "documents per dossier besides the application form (default 2)"},
       {"file-bytes", "B", "bytes per document (default 2048)"},
       {"start", "INDEX", "index of the first dossier (default 1)"},
       {"bad", "replay|update|too-large|bad-base64|no-code|fetch-fails",
        "replay: each sent twice (both accepted, stored once); update: each sent again changed (accepted, "
        "stored as version 2); too-large: one document of --file-bytes (set it over the source's "
        "record_limits.file_bytes; refused error_code -1, reason record-too-large); bad-base64 / no-code: "
        "refused 200 error_code -1"},
       {"amendment-path", "PATH",
        "the amendment path (/XrdAdapter/RestService/forward/suahsdvcqg), with --file-url"},
       {"file-url", "URL", "where the amendment's file is fetched from"}}};
  return s;
}

// A synthetic promotion notice (thông báo khuyến mại); no real person or business.
std::string handover_body(int index, int files, size_t file_bytes, const std::string& bad, int version) {
  char code[48];
  std::snprintf(code, sizeof code, "G22.99-SIM-%06d", index);
  std::string body;
  json::ObjectWriter w(body);
  if (bad != "no-code") w.str("MaHoSo", code);
  w.str("MaTTHC", "2.000003").str("SoVanBan", std::to_string(index) + "/2026/TB-KM");
  w.str("NgayNopHoSo", "20261102090000")
      .str("TenThuongNhan", "Thuong nhan mo phong " + std::to_string(index));
  w.str("MaSoThue", "0100" + std::to_string(100000 + index));
  w.str("TenChuongTrinhKhuyenMai", version == 1 ? "Chuong trinh mo phong" : "Chuong trinh mo phong (sua)");
  w.str("TenTepDonDangKy", "don_dang_ky.pdf");
  w.str("TepDonDangKy", base64_encode("%PDF-1.4 don dang ky " + std::string(code)));
  w.key("TaiLieuNop");
  body += '[';
  for (int k = 0; k < files; ++k) {
    if (k) body += ',';
    std::string content(file_bytes, static_cast<char>('a' + (index + k) % 26));
    std::string b64 = bad == "bad-base64" && k == 0 ? "%%%%" : base64_encode(content);
    json::ObjectWriter f(body);
    f.str("TenTepDinhKem", "tai_lieu_" + std::to_string(k + 1) + ".bin").str("Base64", b64);
    f.close();
  }
  body += ']';
  w.close();
  return body;
}

std::string amendment_body(int index, const std::string& file_url) {
  char code[48];
  std::snprintf(code, sizeof code, "G22.99-SIM-%06d", index);
  std::string body;
  json::ObjectWriter w(body);
  w.str("service", "ThongBaoKhuyenMaiBoSung").str("isUpdating", "true").key("data");
  json::ObjectWriter d(body);
  d.str("MaHoSoQG", code).str("MaTTHC", "2.000004").str("LyDoDieuChinh", "Tang so luong qua");
  d.key("ThongTinSuaDoi");
  json::ObjectWriter changed(body);
  changed.str("SoLuongHangHoaDichVuKM", "2000").str("NoiDungChiTietKM", "Tang so luong qua");
  changed.close();
  d.str("TenTepDangKy", "sua_doi.pdf").str("URLTepDangKy", file_url);
  d.close();
  w.close();
  return body;
}

}  // namespace

int run_handover_sim(const std::vector<std::string>& args) {
  auto parsed = parse_sim_args(spec(), args);
  if (!parsed) return 0;
  std::string gateway = parsed->str("gateway", ""), bad = parsed->str("bad", "");
  std::string path = parsed->str("path", "/XrdAdapter/RestService/forward/nhanhsdvcqg");
  std::string amendment_path = parsed->str("amendment-path", ""), file_url = parsed->str("file-url", "");
  int count = static_cast<int>(parsed->integer("count", 1, 1, 1'000'000));
  int files = static_cast<int>(parsed->integer("files", 2, 0, 10'000));
  int start = static_cast<int>(parsed->integer("start", 1, 0, INT32_MAX));
  long file_bytes = static_cast<long>(parsed->integer("file-bytes", 2048, 0, INT32_MAX));
  static const std::set<std::string> kBad = {"",           "replay",  "update",     "too-large",
                                             "bad-base64", "no-code", "fetch-fails"};
  if (gateway.empty() || count < 1 || files < 0 || file_bytes < 0 || start < 0 || !kBad.count(bad) ||
      (bad == "too-large" && files < 1) || (!amendment_path.empty() && file_url.empty()) ||
      (bad == "fetch-fails" && amendment_path.empty()))
    throw std::invalid_argument(std::string("bad command line\n") + sim_help(spec()));
  while (gateway.ends_with('/')) gateway.pop_back();

  http::ClientOptions options;
  options.max_response_bytes = 1024 * 1024;
  http::HttpClient client(options);
  int failures = 0, sent = 0;
  const bool refused = bad == "too-large" || bad == "bad-base64" || bad == "no-code";
  // One push, its answer checked: HTTP `want_status` and error_code 0 (kept) or -1 (refused).
  auto send = [&](const std::string& what, const std::string& to, const std::string& body, int want_status,
                  bool want_kept) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = gateway + to;
    req.body = body;
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    ++sent;
    auto r = client.send(req);
    int status = r.ok() ? r->status : 0;
    std::optional<int64_t> error_code;
    std::string message = r.ok() ? "" : "transport error: " + r.error().message;
    if (r.ok()) {
      auto d = json::parse(r->body, "answer");
      if (d.ok() && d->IsObject()) {
        error_code = json::get_int(*d, "error_code");
        message = json::get_string(*d, "message").value_or("");
      }
    }
    bool good = status == want_status && error_code == (want_kept ? 0 : -1);
    std::cout << what << " " << status << " error_code " << (error_code ? std::to_string(*error_code) : "?")
              << ": " << message << (good ? "" : "  <-- unexpected") << "\n";
    if (!good) ++failures;
  };
  for (int n = 0; n < count; ++n) {
    std::vector<std::string> bodies = {
        handover_body(start + n, files, static_cast<size_t>(file_bytes), bad, 1)};
    if (bad == "replay") bodies.push_back(bodies[0]);
    if (bad == "update")
      bodies.push_back(handover_body(start + n, files, static_cast<size_t>(file_bytes), bad, 2));
    for (const auto& body : bodies) send("handover " + std::to_string(start + n), path, body, 200, !refused);
    if (amendment_path.empty() || refused) continue;
    if (bad == "fetch-fails") {
      send("amendment " + std::to_string(start + n), amendment_path,
           amendment_body(start + n, file_url + "/missing"), 503, false);
    } else {
      send("amendment " + std::to_string(start + n), amendment_path, amendment_body(start + n, file_url), 200,
           true);
    }
  }
  std::cout << "sent " << sent << (bad.empty() ? "" : " " + bad) << " hand-over(s) to " << gateway << ": "
            << (sent - failures) << " answered as expected, " << failures << " not\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace lienthong::sim
