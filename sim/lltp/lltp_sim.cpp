// lienthong-sim lltp: the national citizen app (VNeID) filing criminal-record certificate
// requests (yêu cầu cấp phiếu lý lịch tư pháp) with a running gateway in two steps, as
// docs/contracts/national_push.md describes: GET <path>/LayMaHoSo?CodeGet=… for a new
// dossier code, then POST <path>/TaoHoSo?CodeGet=… with {maTinh, maHoSoMCDT, ngayTiepNhan,
// nguonDangKy, toKhai{…}, thongTinBienLai{…}} under that code. Each answer is checked
// (the code: 200 {"succeeded":true,"data":code}; the request: HTTP 200 {statusCode
// "00" | "01", errorDetail}); the exit status is 0 only if all were as expected.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "sim/common/sim_cli.hpp"

namespace lienthong::sim {

namespace {

const SimSpec& spec() {
  static const SimSpec s{
      "lltp",
      "The national citizen app filing criminal-record certificate requests with a running gateway in two "
      "steps (LayMaHoSo, then TaoHoSo); exit status 0 only if every answer was as expected.",
      "",
      {{"gateway", "URL", "base URL of the gateway, e.g. http://127.0.0.1:8080 (required)"},
       {"path", "PATH", "the source's path (default /v1/webhooks/lltp)"},
       {"key-env", "VAR",
        "the environment variable holding the shared code (the source's shared_key; required)"},
       {"key-query", "NAME", "the query parameter carrying the code (default CodeGet)"},
       {"province", "CODE", "maTinh of the requests (default 22)"},
       {"count", "N", "requests, each a code then a request (default 1)"},
       {"bad", "wrong-code|missing-code|replay|unknown-code",
        "wrong-code / missing-code: both steps sent with a wrong or no code (the code refused 401 "
        "succeeded=false, the request refused 200 statusCode 01); replay: each request sent twice (both 00, "
        "stored once); unknown-code: a request under a code never handed out (200 statusCode 01)"}}};
  return s;
}

// A synthetic request (no real person): the members of LLTP_VNEIDParams.Request.
std::string request_body(const std::string& code, const std::string& province, int index) {
  std::string body;
  json::ObjectWriter w(body);
  w.str("maTinh", province).str("tenTinh", "Tinh mo phong").str("maHoSoMCDT", code);
  w.str("ngayTiepNhan", "02/11/2026 09:30:00").num("nguonDangKy", 1).str("tenNguonDangKy", "VNeID");
  w.key("toKhai");
  json::ObjectWriter t(body);
  t.num("loaiPhieu", 1).num("maMucDich", 1).str("tenMucDich", "Bo sung ho so xin viec").num("soLuongCap", 1);
  t.str("nycHoTen", "Cong dan mo phong " + std::to_string(index)).num("nycGioiTinh", 1);
  t.str("nycNgaySinh", "01/01/1990").num("nycLoaiGiayTo", 1);
  t.str("nycSoGiayTo", "0000000" + std::to_string(10000 + index)).num("uyQuyen", 0);
  t.close();
  w.key("thongTinBienLai");
  json::ObjectWriter b(body);
  b.num("maDichVu", 1).str("maTTHC", "2.000488").str("maDonVi", "000.00.00.G22").num("trangThaiGD", 1);
  b.key("dSKhoanNop");
  body += "[";
  json::ObjectWriter k(body);
  k.str("NoiDung", "Phi cap phieu LLTP").str("SoTien", "200000");
  k.close();
  body += "]";
  b.close();
  w.close();
  return body;
}

}  // namespace

int run_lltp_sim(const std::vector<std::string>& args) {
  auto parsed = parse_sim_args(spec(), args);
  if (!parsed) return 0;
  std::string gateway = parsed->str("gateway", ""), bad = parsed->str("bad", "");
  std::string path = parsed->str("path", "/v1/webhooks/lltp"),
              key_query = parsed->str("key-query", "CodeGet");
  std::string province = parsed->str("province", "22"), key;
  if (parsed->has("key-env")) {
    const char* v = std::getenv(parsed->str("key-env", "").c_str());
    key = v ? v : "";
  }
  int count = static_cast<int>(parsed->integer("count", 1, 1, 1'000'000));
  static const std::set<std::string> kBad = {"", "wrong-code", "missing-code", "replay", "unknown-code"};
  if (gateway.empty() || key.empty() || count < 1 || !kBad.count(bad))
    throw std::invalid_argument(std::string("bad command line (--gateway and --key-env are required)\n") +
                                sim_help(spec()));
  while (gateway.ends_with('/')) gateway.pop_back();

  http::HttpClient client;
  int failures = 0, sent = 0;
  const std::string query =
      bad == "missing-code" ? std::string()
                            : "?" + key_query + "=" + percent_encoded(bad == "wrong-code" ? key + "x" : key);
  const bool refused_auth = bad == "wrong-code" || bad == "missing-code";
  auto check = [&](const std::string& what, bool good, int status, const std::string& detail) {
    ++sent;
    std::cout << what << " " << status << ": " << detail << (good ? "" : "  <-- unexpected") << "\n";
    if (!good) ++failures;
  };
  auto call = [&](const std::string& method, const std::string& url,
                  const std::string& body) -> std::pair<int, std::optional<rapidjson::Document>> {
    http::ClientRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    if (!body.empty()) req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    auto r = client.send(req);
    if (!r.ok()) return {0, std::nullopt};
    auto d = json::parse(r->body, "answer");
    if (!d.ok() || !d->IsObject()) return {r->status, std::nullopt};
    return {r->status, std::move(d).value()};
  };
  for (int n = 1; n <= count; ++n) {
    // Step 1: a new dossier code.
    std::string code;
    if (bad == "unknown-code") {
      char made_up[48];
      std::snprintf(made_up, sizeof made_up, "SIM-NEVER-ISSUED-%04d", n);
      code = made_up;
    } else {
      auto [status, d] = call("GET", gateway + path + "/LayMaHoSo" + query, "");
      bool succeeded =
          d && d->HasMember("succeeded") && (*d)["succeeded"].IsBool() && (*d)["succeeded"].GetBool();
      code = d ? json::get_string(*d, "data").value_or("") : "";
      bool good =
          refused_auth ? (status == 401 && !succeeded) : (status == 200 && succeeded && !code.empty());
      check("LayMaHoSo " + std::to_string(n), good, status, code.empty() ? "no code" : "code " + code);
      if (refused_auth) code = "SIM-NO-CODE-" + std::to_string(n);
      if (!refused_auth && code.empty()) continue;
    }
    // Step 2: the request under it.
    const std::string body = request_body(code, province, n);
    for (int copy = 0; copy < (bad == "replay" ? 2 : 1); ++copy) {
      auto [status, d] = call("POST", gateway + path + "/TaoHoSo" + query, body);
      std::string sc = d ? json::get_string(*d, "statusCode").value_or("?") : "?";
      std::string reason = d ? json::get_string(*d, "reason").value_or("") : "";
      bool want_kept = !refused_auth && bad != "unknown-code";
      bool good = status == 200 && sc == (want_kept ? "00" : "01");
      check("TaoHoSo " + code, good, status,
            "statusCode " + sc + (reason.empty() ? "" : " (" + reason + ")"));
    }
  }
  std::cout << "sent " << sent << (bad.empty() ? "" : " " + bad) << " criminal-record call(s) to " << gateway
            << ": " << (sent - failures) << " answered as expected, " << failures << " not\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace lienthong::sim
