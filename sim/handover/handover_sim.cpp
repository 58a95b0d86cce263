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

namespace lienthong::sim {

namespace {

constexpr const char* kUsage =
    "usage: lienthong-sim handover --gateway URL [--path /XrdAdapter/RestService/forward/nhanhsdvcqg]\n"
    "         [--count N] [--files K] [--file-bytes B] [--start INDEX]\n"
    "         [--bad replay|update|too-large|bad-base64|no-code|fetch-fails]\n"
    "         [--amendment-path /XrdAdapter/RestService/forward/suahsdvcqg --file-url URL]\n"
    "  --count       dossiers handed over (default 1), each with an application form and K\n"
    "                documents (default 2) of B bytes (default 2048)\n"
    "  --bad         replay: each sent twice (both accepted, stored once); update: each sent\n"
    "                again changed (accepted, stored as version 2); too-large: one document of\n"
    "                --file-bytes (set it over the source's record_limits.file_bytes; refused\n"
    "                error_code -1, reason record-too-large); bad-base64 / no-code: refused 200 error_code "
    "-1\n";

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
  std::string gateway, bad, path = "/XrdAdapter/RestService/forward/nhanhsdvcqg", amendment_path, file_url;
  int count = 1, files = 2, start = 1;
  long file_bytes = 2048;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--gateway") {
      gateway = next();
    } else if (a == "--path") {
      path = next();
    } else if (a == "--count") {
      count = std::atoi(next().c_str());
    } else if (a == "--files") {
      files = std::atoi(next().c_str());
    } else if (a == "--file-bytes") {
      file_bytes = std::atol(next().c_str());
    } else if (a == "--start") {
      start = std::atoi(next().c_str());
    } else if (a == "--amendment-path") {
      amendment_path = next();
    } else if (a == "--file-url") {
      file_url = next();
    } else if (a == "--bad") {
      bad = next();
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  static const std::set<std::string> kBad = {"",           "replay",  "update",     "too-large",
                                             "bad-base64", "no-code", "fetch-fails"};
  if (gateway.empty() || count < 1 || files < 0 || file_bytes < 0 || start < 0 || !kBad.count(bad) ||
      (bad == "too-large" && files < 1) || (!amendment_path.empty() && file_url.empty()) ||
      (bad == "fetch-fails" && amendment_path.empty()))
    throw std::invalid_argument(std::string("bad command line\n") + kUsage);
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
