#include "sim/token/token_sim.hpp"

#include <iostream>

#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

namespace {

std::string base64_decode(std::string_view in) {
  static const std::string kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t p = kChars.find(c);
    if (p == std::string::npos) break;
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> out;
  SimRequest tmp;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    std::string kv = body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = kv.find('=');
    std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    // Form values here are plain identifiers; decode %XX and '+' all the same.
    auto decode = [](const std::string& s) {
      std::string o;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
          o.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size()) {
          o.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
          i += 2;
        } else {
          o.push_back(s[i]);
        }
      }
      return o;
    };
    if (!k.empty()) out[decode(k)] = decode(v);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

SimResponse oauth_error(int status, const std::string& code, const std::string& description) {
  return SimResponse::json(status,
                           "{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}");
}

}  // namespace

const std::vector<SimOption>& token_sim_options() {
  static const std::vector<SimOption> v = {
      {"client-id", "ID", "accepted client id (default lienthong)"},
      {"client-secret", "S", "accepted client secret (default sim-secret)"},
      {"token-ttl-s", "N", "lifetime of an issued token (default 3600)"},
      {"expire-token-after", "N", "revoke every live token after each N authorised calls (0: never)"}};
  return v;
}

TokenAuthority::TokenAuthority(TokenSimOptions options) : options_(std::move(options)) {}

SimResponse TokenAuthority::issue(const SimRequest& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request", "use POST");
  auto form = parse_form(request.body);
  if (form["grant_type"] != "client_credentials")
    return oauth_error(400, "unsupported_grant_type", "only client_credentials is supported");
  std::string id = form["client_id"], secret = form["client_secret"];
  std::string auth = request.header("authorization");
  if (auth.rfind("Basic ", 0) == 0) {
    std::string decoded = base64_decode(auth.substr(6));
    size_t colon = decoded.find(':');
    id = decoded.substr(0, colon);
    secret = colon == std::string::npos ? "" : decoded.substr(colon + 1);
  }
  if (id != options_.client_id || secret != options_.client_secret) {
    std::lock_guard lock(mu_);
    ++stats_.rejected;
    return oauth_error(401, "invalid_client", "client authentication failed");
  }
  std::lock_guard lock(mu_);
  std::string token = "sim-token-" + std::to_string(next_id_++);
  live_[token] = std::chrono::steady_clock::now() + std::chrono::seconds(options_.ttl_seconds);
  ++stats_.issued;
  return SimResponse::json(
      200, "{\"access_token\":\"" + token +
               "\",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(options_.ttl_seconds) + "}");
}

bool TokenAuthority::authorise(const SimRequest& request) {
  std::string auth = request.header("authorization");
  std::lock_guard lock(mu_);
  auto reject = [&] {
    ++stats_.rejected;
    return false;
  };
  if (auth.rfind("Bearer ", 0) != 0) return reject();
  auto it = live_.find(auth.substr(7));
  if (it == live_.end()) return reject();
  if (std::chrono::steady_clock::now() >= it->second) {
    live_.erase(it);
    return reject();
  }
  ++stats_.authorised;
  if (options_.expire_after_calls > 0 && ++calls_since_revocation_ >= options_.expire_after_calls) {
    // This call still succeeds; the next one with the same token does not.
    live_.clear();
    calls_since_revocation_ = 0;
    ++stats_.revocations;
  }
  return true;
}

void TokenAuthority::revoke_all() {
  std::lock_guard lock(mu_);
  live_.clear();
  ++stats_.revocations;
}

TokenStats TokenAuthority::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string token_stats_json(const TokenStats& s) {
  return "{\"issued\":" + std::to_string(s.issued) + ",\"authorised\":" + std::to_string(s.authorised) +
         ",\"rejected\":" + std::to_string(s.rejected) + ",\"revocations\":" + std::to_string(s.revocations) +
         "}";
}

TokenSimOptions token_options_from(const SimArgs& args) {
  TokenSimOptions o;
  o.client_id = args.str("client-id", o.client_id);
  o.client_secret = args.str("client-secret", o.client_secret);
  o.ttl_seconds = args.integer("token-ttl-s", o.ttl_seconds, 1, 365LL * 24 * 3600);
  o.expire_after_calls = args.integer("expire-token-after", 0, 0, INT64_MAX);
  return o;
}

SimHandler token_handler(TokenAuthority& authority) {
  return [&authority](const SimRequest& r) {
    if (r.path == "/token") return authority.issue(r);
    if (r.path == "/__sim/stats") return SimResponse::json(200, token_stats_json(authority.stats()));
    if (r.path == "/__sim/revoke" && r.method == "POST") {
      authority.revoke_all();
      return SimResponse::json(200, "{\"revoked\":true}");
    }
    return SimResponse::json(404, "{\"error\":\"no such endpoint\"}");
  };
}

int run_token_sim(const std::vector<std::string>& argv) {
  SimSpec spec{"token",
               "NGSP/LGSP OAuth2 client-credentials token endpoint.",
               "",
               {{"port", "N", "port (default 0: any free one)"}},
               true};
  for (auto& o : token_sim_options()) spec.options.push_back(o);
  auto parsed = parse_sim_args(spec, argv);
  if (!parsed) return 0;
  const SimArgs& args = *parsed;
  TokenAuthority authority(token_options_from(args));
  SimServer server("token", args.faults(), token_handler(authority));
  uint16_t port = server.start("127.0.0.1", static_cast<uint16_t>(args.integer("port", 0, 0, 65535)));
  print_ready("{\"sim\":\"token\",\"token_port\":" + std::to_string(port) + "}");
  wait_for_shutdown_signal();
  server.stop();
  return 0;
}

}  // namespace lienthong::sim
