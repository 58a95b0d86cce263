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
#include "sim/common/sim_cli.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

namespace lienthong::sim {

namespace {

const SimSpec& spec() {
  static const SimSpec s{
      "tax-push",
      "DVCQG pushing land-tax notices and vouchers to a running gateway; exit status 0 only if every answer "
      "was as expected.",
      "",
      {{"gateway", "URL", "base URL of the gateway, e.g. http://127.0.0.1:8080 (required)"},
       {"security-key", "KEY", "the envelope's security key (or --security-key-env)"},
       {"security-key-env", "VAR", "the environment variable holding the security key"},
       {"count", "N", "dossiers, each one notice push with L LIST elements (default 1)"},
       {"lists", "L", "LIST elements per dossier (default 2); one voucher push per LIST"},
       {"start", "INDEX", "index of the first dossier (default 1)"},
       {"no-vouchers", "", "push the notices only"},
       {"bad", "wrong-key|missing-key|replay|bad-base64|bad-xml|bad-amount|not-json",
        "send one kind of faulty push and check it is refused (replay: sent twice, both answered succeeded)"},
       {"notice-path", "PATH", "default /v1/webhooks/thue-tb"},
       {"voucher-path", "PATH", "default /v1/webhooks/thue-ct"},
       {"answer", "dvcqg|tax",
        "the answer the receiver must give: dvcqg (the default: a webhook source whose record_kind is "
        "land_tax_notice/land_tax_voucher, 200 {error_code 0 | -1, message}) or tax (the public .NET "
        "receiver's own 201 {succeeded, message}; lienthong no longer has routes answering so)"}}};
  return s;
}

struct Answer {
  int status = 0;
  bool succeeded = false;
  std::string message;
};

}  // namespace

int run_tax_push_sim(const std::vector<std::string>& args) {
  auto parsed = parse_sim_args(spec(), args);
  if (!parsed) return 0;
  std::string answer = parsed->str("answer", "dvcqg");
  std::string gateway = parsed->str("gateway", ""), bad = parsed->str("bad", "");
  std::string notice_path = parsed->str("notice-path", "/v1/webhooks/thue-tb");
  std::string voucher_path = parsed->str("voucher-path", "/v1/webhooks/thue-ct");
  std::string key = parsed->str("security-key", "");
  if (parsed->has("security-key-env")) {
    const char* v = std::getenv(parsed->str("security-key-env", "").c_str());
    key = v ? v : "";
  }
  int count = static_cast<int>(parsed->integer("count", 1, 1, 1'000'000));
  int lists = static_cast<int>(parsed->integer("lists", 2, 1, 10'000));
  int start = static_cast<int>(parsed->integer("start", 1, 0, INT32_MAX));
  bool vouchers = !parsed->has("no-vouchers");
  static const std::set<std::string> kBad = {"",           "wrong-key", "missing-key", "replay",
                                             "bad-base64", "bad-xml",   "bad-amount",  "not-json"};
  if (gateway.empty() || count < 1 || lists < 1 || start < 0 || !kBad.count(bad) ||
      (answer != "tax" && answer != "dvcqg"))
    throw std::invalid_argument(std::string("bad command line\n") + sim_help(spec()));
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
