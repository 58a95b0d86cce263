// lienthong-sim tax-push: DVCQG pushing land-tax notices (ImportThongBaoThueFromDVCQG) and
// payment vouchers (ImportChungTuThueFromDVCQG) to a running gateway in the public envelope
// of docs/contracts/tax.md, good ones and faulty ones. Each answer is checked against what
// the receiver must say ({succeeded, message} with HTTP 201); the exit status is 0 only if
// all were.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

namespace lienthong::sim {

namespace {

constexpr const char* kUsage =
    "usage: lienthong-sim tax-push --gateway URL (--security-key KEY | --security-key-env VAR)\n"
    "         [--count N] [--lists L] [--start INDEX] [--no-vouchers]\n"
    "         [--bad wrong-key|missing-key|replay|bad-base64|bad-xml|bad-amount|not-json]\n"
    "         [--notice-path /v1/webhooks/thue-tb] [--voucher-path /v1/webhooks/thue-ct]\n"
    "         [--answer dvcqg|tax]\n"
    "  --answer      the answer the receiver must give: dvcqg (the default: a webhook source whose\n"
    "                record_kind is land_tax_notice/land_tax_voucher, 200 {error_code 0 | -1, message})\n"
    "                or tax (the public .NET receiver's own 201 {succeeded, message}; lienthong\n"
    "                no longer has routes answering so)\n"
    "  --gateway     base URL of the gateway, e.g. http://127.0.0.1:8080\n"
    "  --count       dossiers, each one notice push with L LIST elements (default 1)\n"
    "  --lists       LIST elements per dossier (default 2); one voucher push per LIST\n"
    "  --bad         send one kind of faulty push and check it is refused (replay: sent twice,\n"
    "                both answered succeeded)\n";

struct Answer {
  int status = 0;
  bool succeeded = false;
  std::string message;
};

}  // namespace

int run_tax_push_sim(const std::vector<std::string>& args) {
  std::string answer = "dvcqg";
  std::string gateway, key, bad, notice_path = "/v1/webhooks/thue-tb", voucher_path = "/v1/webhooks/thue-ct";
  int count = 1, lists = 2, start = 1;
  bool vouchers = true;
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
    } else if (a == "--security-key") {
      key = next();
    } else if (a == "--security-key-env") {
      const char* v = std::getenv(next().c_str());
      key = v ? v : "";
    } else if (a == "--count") {
      count = std::atoi(next().c_str());
    } else if (a == "--lists") {
      lists = std::atoi(next().c_str());
    } else if (a == "--start") {
      start = std::atoi(next().c_str());
    } else if (a == "--no-vouchers") {
      vouchers = false;
    } else if (a == "--bad") {
      bad = next();
    } else if (a == "--notice-path") {
      notice_path = next();
    } else if (a == "--answer") {
      answer = next();
    } else if (a == "--voucher-path") {
      voucher_path = next();
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  static const std::set<std::string> kBad = {"",           "wrong-key", "missing-key", "replay",
                                             "bad-base64", "bad-xml",   "bad-amount",  "not-json"};
  if (gateway.empty() || count < 1 || lists < 1 || start < 0 || !kBad.count(bad) ||
      (answer != "tax" && answer != "dvcqg"))
    throw std::invalid_argument(std::string("bad command line\n") + kUsage);
  while (gateway.ends_with('/')) gateway.pop_back();

  http::HttpClient client(http::ClientOptions{});
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  tax_push::Envelope env;
  env.security_key = bad == "wrong-key" ? key + "x" : bad == "missing-key" ? "" : key;
  env.ngay = vn_time::format_compact(now);
  const bool refused = !bad.empty() && bad != "replay";
  int failures = 0, sent = 0;

  auto post = [&](const std::string& path, const std::string& body) -> Answer {
    http::ClientRequest req;
    req.method = "POST";
    req.url = gateway + path;
    req.body = body;
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    ++sent;
    auto r = client.send(req);
    if (!r.ok()) return {0, false, "transport error: " + r.error().message};
    Answer a{r->status, false, ""};
    auto d = json::parse(r->body, "answer");
    if (d.ok() && d->IsObject()) {
      const auto* s = json::member(*d, "succeeded");
      a.succeeded =
          answer == "dvcqg" ? json::get_int(*d, "error_code") == 0 : s && s->IsBool() && s->GetBool();
      a.message = json::get_string(*d, "message").value_or("");
    }
    return a;
  };
  auto check = [&](const std::string& what, const Answer& a, bool want_ok) {
    const int status = answer == "dvcqg" ? 200 : 201;
    bool good = a.status == status && a.succeeded == want_ok;
    std::cout << what << " " << a.status << " " << (a.succeeded ? "succeeded" : "failed") << ": " << a.message
              << (good ? "" : "  <-- unexpected") << "\n";
    if (!good) ++failures;
  };

  for (int n = 0; n < count; ++n) {
    auto d = tax_push::sample_dossier(start + n, lists);
    std::string xml = tax_push::notice_xml({d});
    if (bad == "bad-xml") xml = xml.substr(0, xml.size() / 2);
    if (bad == "bad-amount") xml.replace(xml.find("<SO_TIEN>") + 9, 1, "x");
    env.service = "ImportThongBaoThueFromDVCQG";
    std::string body = tax_push::notice_push(env, xml);
    if (bad == "bad-base64") {
      size_t at = body.find("\"FileThongBaoThue\":\"") + 20;
      body.replace(at, 4, "@@@@");
    }
    if (bad == "not-json") body = body.substr(0, body.size() - 2);
    int sends = bad == "replay" ? 2 : 1;
    for (int s = 0; s < sends; ++s) check("notice " + d.dossier, post(notice_path, body), !refused);
    if (!vouchers) continue;
    env.service = "ImportChungTuThueFromDVCQG";
    for (const auto& l : d.lines) {
      auto v = tax_push::sample_voucher(d, l, vn_time::format_compact(now));
      std::string vb = tax_push::voucher_push(env, v);
      if (bad == "bad-amount") vb.replace(vb.find("\"SoTien\":") + 9, 1, "\"x");
      if (bad == "bad-base64" || bad == "bad-xml") continue;  // no base64 XML in a voucher
      if (bad == "not-json") vb = vb.substr(0, vb.size() - 2);
      for (int s = 0; s < sends; ++s)
        check("voucher " + d.dossier + " " + l.decision_number, post(voucher_path, vb), !refused);
    }
  }
  std::cout << "sent " << sent << (bad.empty() ? "" : " " + bad) << " tax push(es) to " << gateway << ": "
            << (sent - failures) << " answered as expected, " << failures << " not\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace lienthong::sim
