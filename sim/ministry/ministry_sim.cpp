// lienthong-sim ministry: a ministry system pushing signed status webhooks to a running
// gateway, good ones and bad ones, for the demo and the integration tests. Each answer is
// checked against what the gateway must say; the exit status is 0 only if all were.
// With --auth it pushes as the national systems do instead (docs/contracts/national_push.md):
// no webhook-id, a shared key in the body or the query, an LGSP bearer token, or through
// the X-Road/VXP adapter's forward path; --answer says which answer shape to expect.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"
#include "sim/common/sim_cli.hpp"
#include "sim/ministry/ministry_messages.hpp"

namespace lienthong::sim {

namespace {

const SimSpec& spec() {
  static const SimSpec s{
      "ministry",
      "A ministry system pushing signed status webhooks to a running gateway, good ones and bad ones; exit "
      "status 0 only if every answer was as expected.",
      "",
      {{"gateway", "URL", "base URL of the gateway, e.g. http://127.0.0.1:8080 (required)"},
       {"source", "ID", "webhook source id (POST <gateway>/v1/webhooks/<source>) (required)"},
       {"secret", "whsec_...", "the source's whsec_ secret (or --secret-env VAR)"},
       {"secret-env", "VAR", "the environment variable holding the secret"},
       {"count", "N", "messages (default 1)"},
       {"start", "INDEX", "index of the first message (default 0)"},
       {"size", "BYTES", "size of an oversized message (default 2 MiB)"},
       {"bad", "wrong-signature|replay|oversized|malformed|merged-code|stale|future|wrong-key|missing-key",
        "send one kind of bad message and check it is refused as it must be (wrong-key, missing-key: with "
        "--auth shared-key or bearer)"},
       {"soap", "", "civil-status SOAP 1.1 envelopes (default: business-registration JSON)"},
       {"soap12", "", "civil-status SOAP 1.2 envelopes"},
       {"auth", "standard|shared-key|bearer|forward",
        "push as a national system (no webhook-id, no signature) unless standard"},
       {"key-env", "VAR", "the environment variable holding the shared key or bearer token"},
       {"key-field", "NAME", "a top-level body member where the source reads the key"},
       {"key-query", "NAME", "a query parameter where the source reads the key"},
       {"forward-prefix", "PATH", "the adapter's path (default /XrdAdapter/RestService/forward)"},
       {"answer", "standard|dvcqg|lltp", "the answer shape the gateway must use"},
       {"ca", "FILE", "CA certificate to verify the gateway with"},
       {"cert", "FILE", "client certificate (with --key)"},
       {"key", "FILE", "client key"}}};
  return s;
}

struct Options {
  std::string gateway, source, secret, bad;
  std::string auth = "standard", key, key_field, key_query, answer = "standard";
  std::string forward_prefix = "/XrdAdapter/RestService/forward";
  int count = 1;
  int start = 0;
  bool soap = false, soap12 = false;
  size_t size = 2 * 1024 * 1024;
  http::ClientOptions client;
};

std::string random_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char* kHex = "0123456789abcdef";
  std::string id = "msg_";
  for (int i = 0; i < 24; ++i) id.push_back(kHex[rng() % 16]);
  return id;
}

struct Expectation {
  int status = 202;
  std::string outcome;  // checked in the body's "status" (success) or type suffix (problem)
};

Expectation expected_for(const std::string& bad) {
  if (bad == "wrong-key") return {401, "bad-key"};
  if (bad == "missing-key") return {401, "missing-key"};
  if (bad == "wrong-signature") return {401, "bad-signature"};
  if (bad == "stale") return {401, "stale-timestamp"};
  if (bad == "future") return {401, "future-timestamp"};
  if (bad == "oversized") return {413, ""};
  if (bad == "malformed") return {400, "malformed-payload"};
  if (bad == "merged-code") return {202, "quarantined"};
  return {202, ""};
}

std::string outcome_of(const http::ClientResponse& r) {
  auto d = json::parse(r.body, "answer");
  if (!d.ok() || !d->IsObject()) return "";
  // DVCQG's and the criminal-record service's shapes: kept, or the refusal's reason.
  if (json::get_int(*d, "error_code") == 0) return "accepted";
  if (json::get_string(*d, "statusCode") == "00") return "accepted";
  if (auto s = json::get_string(*d, "status")) return *s;
  if (auto reason = json::get_string(*d, "reason")) return *reason;
  if (auto type = json::get_string(*d, "type")) return type->substr(type->rfind('/') + 1);
  return "";
}

// As a national system sends it: no webhook-id, no signature; the key where the source
// reads it (or wrong, or missing, for --bad), or a bearer token.
void national_request(const Options& o, http::ClientRequest& req) {
  req.headers.resize(1);  // Content-Type only
  std::string key = o.bad == "wrong-key" ? o.key + "x" : o.key;
  if (o.auth == "bearer" && o.bad != "missing-key") req.headers.push_back({"Authorization", "Bearer " + key});
  if (o.auth != "shared-key" || o.bad == "missing-key") return;
  if (!o.key_query.empty()) {
    req.url += "?" + o.key_query + "=" + percent_encoded(key);
  } else if (!req.body.empty() && req.body.front() == '{') {
    std::string member;
    json::append_string(member, o.key_field);
    member += ':';
    json::append_string(member, key);
    req.body.insert(1, member + ",");
  }
}

}  // namespace

int run_ministry_sim(const std::vector<std::string>& args) {
  auto parsed = parse_sim_args(spec(), args);
  if (!parsed) return 0;
  Options o;
  auto env = [&](const std::string& option) {
    const char* v = std::getenv(parsed->str(option, "").c_str());
    return std::string(v ? v : "");
  };
  o.gateway = parsed->str("gateway", "");
  o.source = parsed->str("source", "");
  o.secret = parsed->has("secret-env") ? env("secret-env") : parsed->str("secret", "");
  o.count = static_cast<int>(parsed->integer("count", 1, 1, 10'000'000));
  o.start = static_cast<int>(parsed->integer("start", 0, 0, INT32_MAX));
  o.size = static_cast<size_t>(parsed->integer("size", 2 * 1024 * 1024, 0, INT32_MAX));
  o.bad = parsed->str("bad", "");
  o.auth = parsed->str("auth", o.auth);
  if (parsed->has("key-env")) o.key = env("key-env");
  o.key_field = parsed->str("key-field", "");
  o.key_query = parsed->str("key-query", "");
  o.forward_prefix = parsed->str("forward-prefix", o.forward_prefix);
  o.answer = parsed->str("answer", o.answer);
  o.soap12 = parsed->has("soap12");
  o.soap = o.soap12 || parsed->has("soap");
  std::string ca = parsed->str("ca", ""), cert = parsed->str("cert", ""), key = parsed->str("key", "");
  static const std::vector<std::string> kBad = {"",          "wrong-signature", "replay", "oversized",
                                                "malformed", "merged-code",     "stale",  "future",
                                                "wrong-key", "missing-key"};
  static const std::vector<std::string> kAuth = {"standard", "shared-key", "bearer", "forward"};
  static const std::vector<std::string> kAnswer = {"standard", "dvcqg", "lltp"};
  bool national = o.auth != "standard";
  if (o.gateway.empty() || o.source.empty() || o.count < 1 ||
      std::find(kBad.begin(), kBad.end(), o.bad) == kBad.end() ||
      std::find(kAuth.begin(), kAuth.end(), o.auth) == kAuth.end() ||
      std::find(kAnswer.begin(), kAnswer.end(), o.answer) == kAnswer.end() ||
      (o.auth == "shared-key" && o.key_field.empty() == o.key_query.empty()) ||
      ((o.auth == "shared-key" || o.auth == "bearer") && o.key.empty()) ||
      ((o.bad == "wrong-key" || o.bad == "missing-key") && o.auth != "shared-key" && o.auth != "bearer")) {
    std::cerr << "ministry: bad command line\n" << sim_help(spec());
    return 2;
  }
  std::string hmac_key;
  if (!o.secret.empty()) {
    auto k = webhooks::decode_secret(o.secret);
    if (!k.ok()) {
      std::cerr << "ministry: --secret: " << k.error().message << "\n";
      return 2;
    }
    hmac_key = *k;
  }
  o.client.tls.ca_file = ca;
  o.client.tls.client_cert_file = cert;
  o.client.tls.client_key_file = key;
  http::HttpClient client(o.client);
  const std::string url =
      o.gateway + (o.auth == "forward" ? o.forward_prefix : std::string("/v1/webhooks")) + "/" + o.source;
  const std::string content_type = !o.soap    ? "application/json"
                                   : o.soap12 ? "application/soap+xml; charset=utf-8"
                                              : "text/xml; charset=utf-8";
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // Distinct dossiers per run unless --start is given.
  int start = o.start > 0 ? o.start : static_cast<int>((now_ms / 1000) % 100000) * 10;
  Expectation want = expected_for(o.bad);
  if (o.auth == "bearer" && want.outcome == "bad-key") want.outcome = "bad-token";
  if (o.auth == "bearer" && want.outcome == "missing-key") want.outcome = "missing-token";
  // DVCQG and the criminal-record service read refusals in a 200 answer (429/503 excepted).
  if (o.answer != "standard" && want.status != 413) want.status = 200;
  if (o.answer == "standard" && o.bad.empty()) want.status = 202;
  int failures = 0;

  for (int n = 0; n < o.count; ++n) {
    ministry::MessageSpec spec;
    spec.index = start + n;
    spec.now_ms = now_ms;
    if (o.bad == "merged-code") spec.discriminator = "CHUA_DANG_KY";  // a kind the table does not know
    std::string body =
        o.soap ? ministry::civil_status_soap(spec, o.soap12) : ministry::business_registration_json(spec);
    if (o.bad == "malformed") body = body.substr(0, body.size() / 2);
    if (o.bad == "oversized") body.append(o.size > body.size() ? o.size - body.size() : 0, ' ');
    int64_t ts = now_ms / 1000;
    if (o.bad == "stale") ts -= 600;
    if (o.bad == "future") ts += 600;
    std::string id = random_id();
    std::string signature = hmac_key.empty() ? "" : webhooks::sign(hmac_key, id, ts, body);
    if (o.bad == "wrong-signature") {
      signature = webhooks::sign(hmac_key.empty() ? std::string(32, 'x') : hmac_key + "x", id, ts, body);
    }
    http::ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.body = body;
    req.headers = {
        {"Content-Type", content_type}, {"webhook-id", id}, {"webhook-timestamp", std::to_string(ts)}};
    if (!signature.empty()) req.headers.push_back({"webhook-signature", signature});
    if (national) national_request(o, req);
    int sends = o.bad == "replay" ? 2 : 1;
    std::string first_body;
    int first_status = 0;
    for (int s = 0; s < sends; ++s) {
      auto r = client.send(req);
      if (!r.ok()) {
        std::cout << id << " transport error: " << r.error().message << "\n";
        ++failures;
        break;
      }
      std::string outcome = outcome_of(*r);
      bool good = r->status == want.status && (want.outcome.empty() || outcome == want.outcome);
      if (o.bad.empty() || o.bad == "replay") {
        good = national ? r->status == (o.answer == "standard" ? 202 : 200) && outcome == "accepted"
                        : r->status / 100 == 2;
      }
      if (s == 1) {
        good = good && r->status == first_status && r->body == first_body;
        std::cout << id << " redelivered: " << r->status << " " << outcome
                  << (r->status == first_status && r->body == first_body ? " (same answer)"
                                                                         : " (DIFFERENT answer)")
                  << "\n";
      } else {
        std::cout << id << " " << r->status << " " << outcome << (good ? "" : "  <-- unexpected") << "\n";
        if (!good) std::cout << "  " << r->body << "\n";
      }
      first_status = r->status;
      first_body = r->body;
      if (!good) {
        ++failures;
        break;
      }
    }
  }
  std::cout << "sent " << o.count << (o.bad.empty() ? "" : " " + o.bad) << " webhook(s) to " << url << ": "
            << (o.count - failures) << " answered as expected, " << failures << " not\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace lienthong::sim
