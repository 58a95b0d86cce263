#include "gateway/core/http/token_provider.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::http {

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// application/x-www-form-urlencoded value encoding.
std::string form_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string without_query(const std::string& url) {
  return url.substr(0, url.find_first_of("?#"));
}

}  // namespace

const std::vector<std::string>& TokenOptions::config_keys() {
  static const std::vector<std::string> keys = {"token_url",   "client_id", "client_secret",
                                                "credentials", "scope",     "refresh_margin_seconds"};
  return keys;
}

TokenOptions TokenOptions::from_config(const ConfigNode& node) {
  TokenOptions o;
  o.token_url = node.string("token_url");
  if (o.token_url.rfind("http://", 0) != 0 && o.token_url.rfind("https://", 0) != 0) {
    node.fail("token_url", "must be an http:// or https:// URL of the API manager's token endpoint");
  }
  o.client_id = node.string("client_id");
  if (o.client_id.empty()) node.fail("client_id", "must not be empty");
  o.client_secret = node.secret("client_secret");
  o.credentials_in_body = node.choice("credentials", {"basic", "form"}, "basic") == "form";
  o.scope = node.string_or("scope", "");
  o.refresh_margin = std::chrono::seconds(node.integer_or("refresh_margin_seconds", 60, 0, 86'400));
  return o;
}

TokenProvider::TokenProvider(TokenOptions options, HttpClient& client, const Clock& clock)
    : options_(std::move(options)), client_(client), clock_(clock) {
  // Both outcomes exist from the start, so that a rate or an increase of failures is
  // defined before the first one.
  for (const char* outcome : {"ok", "failed"}) {
    metrics::Registry::global().counter("lienthong_upstream_token_refreshes_total",
                                        "Access tokens requested from an API manager (NGSP/LGSP), by outcome",
                                        {{"system", options_.system}, {"outcome", outcome}});
  }
}

Result<std::string> TokenProvider::token() {
  // Holding the lock across the fetch makes concurrent callers wait for one fetch
  // instead of each asking the API manager for a token.
  std::lock_guard lock(mu_);
  const int64_t now = clock_.now_ms();
  if (!token_.empty() && now < expires_at_ms_) return token_;
  auto r = fetch_locked(now);
  const char* outcome = r.ok() ? "ok" : "failed";
  metrics::Registry::global()
      .counter("lienthong_upstream_token_refreshes_total",
               "Access tokens requested from an API manager (NGSP/LGSP), by outcome",
               {{"system", options_.system}, {"outcome", outcome}})
      .inc();
  if (!r.ok()) {
    log::warn("http", "token_refresh_failed", r.error().message,
              {{"upstream", options_.system}, {"error_kind", to_string(r.error().kind)}});
  }
  return r;
}

Result<std::string> TokenProvider::fetch_locked(int64_t now) {
  const std::string where = "token endpoint " + without_query(options_.token_url);
  ClientRequest req;
  req.method = "POST";
  req.url = options_.token_url;
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.headers.push_back({"Accept", "application/json"});
  req.body = "grant_type=client_credentials";
  req.idempotent = true;  // a second token request only yields another token
  req.system = options_.system;
  req.operation = "token";
  for (const auto& h : options_.extra_headers) req.headers.push_back(h);
  if (!options_.scope.empty()) req.body += "&scope=" + form_encode(options_.scope);
  if (options_.credentials_in_body) {
    req.body += "&client_id=" + form_encode(options_.client_id);
    req.body += "&client_secret=" + form_encode(options_.client_secret.reveal());
  } else {
    req.headers.push_back(
        {"Authorization", "Basic " + base64(options_.client_id + ":" + options_.client_secret.reveal())});
  }

  auto r = client_.send(req);
  if (!r.ok()) return r.error().context("fetching an access token");
  const ClientResponse& resp = *r;

  if (resp.status != 200) {
    // OAuth error codes ("invalid_client") are safe to report; the body as a whole is not echoed.
    std::string code;
    if (auto doc = json::parse(resp.body, "token error"); doc.ok() && doc->IsObject()) {
      code = json::get_string(*doc, "error").value_or("");
    }
    ErrorKind kind = kind_for_status(resp.status);
    std::string msg;
    if (resp.status == 401 || (resp.status == 400 && code == "invalid_client")) {
      kind = ErrorKind::kUnauthorized;
      msg = where + " refused the client credentials of client_id '" + options_.client_id + "' (HTTP " +
            std::to_string(resp.status) + (code.empty() ? "" : ", " + code) +
            "); check client_id and client_secret (" + options_.client_secret.source() +
            ") and the credentials mode (" + (options_.credentials_in_body ? "form" : "basic") + ")";
    } else {
      msg = where + " answered HTTP " + std::to_string(resp.status) +
            (code.empty() ? "" : " (" + code + ")") + " to a client_credentials request";
    }
    Error e(kind, msg);
    e.upstream_status = resp.status;
    e.code = code;
    return e;
  }

  auto doc = json::parse(resp.body, "token response");
  if (!doc.ok()) return Error(ErrorKind::kProtocol, where + ": " + doc.error().message);
  auto bad = [&](std::string_view what) {
    return Error(ErrorKind::kProtocol,
                 where + ": token response " + std::string(what) +
                     "; expected {\"access_token\": string, \"token_type\": \"Bearer\", \"expires_in\": "
                     "seconds}");
  };
  if (!doc->IsObject()) return bad("is not a JSON object");
  const auto* at = json::member(*doc, "access_token");
  if (!at || !at->IsString() || at->GetStringLength() == 0)
    return bad("has no non-empty string access_token");
  const auto* tt = json::member(*doc, "token_type");
  if (!tt || !tt->IsString()) return bad("has no string token_type");
  if (!iequals(std::string_view(tt->GetString(), tt->GetStringLength()), "Bearer")) {
    return bad("has token_type other than Bearer");
  }
  const auto* ei = json::member(*doc, "expires_in");
  if (!ei || !ei->IsInt64() || ei->GetInt64() <= 0) return bad("has no positive integer expires_in");

  const int64_t lifetime_ms = ei->GetInt64() * 1000;
  // Refresh refresh_margin early; a token shorter-lived than twice the margin is refreshed
  // at half its life so that it is still used at all.
  const int64_t margin_ms =
      std::min<int64_t>(std::chrono::duration_cast<Millis>(options_.refresh_margin).count(), lifetime_ms / 2);
  token_.assign(at->GetString(), at->GetStringLength());
  expires_at_ms_ = now + lifetime_ms - margin_ms;
  ++fetched_;
  return token_;
}

void TokenProvider::invalidate(const std::string& token) {
  std::lock_guard lock(mu_);
  // Only the token that was refused: another thread may already have fetched a new one.
  if (token_ == token) {
    token_.clear();
    expires_at_ms_ = 0;
  }
}

Result<ClientResponse> TokenProvider::send(ClientRequest request) {
  auto set_bearer = [&request](const std::string& tok) {
    if (request.apply_bearer) {
      request.apply_bearer(request, tok);
      return;
    }
    std::erase_if(request.headers, [](const Header& h) { return iequals(h.name, "Authorization"); });
    request.headers.push_back({"Authorization", "Bearer " + tok});
  };
  LT_ASSIGN_OR_RETURN(std::string tok, token());
  set_bearer(tok);
  auto r = client_.send(request);
  if (!r.ok() || r->status != 401) return r;
  // The token was revoked or expired early: one fresh token, one retry, no more.
  invalidate(tok);
  LT_ASSIGN_OR_RETURN(std::string fresh, token());
  set_bearer(fresh);
  return client_.send(request);
}

int64_t TokenProvider::tokens_fetched() const {
  std::lock_guard lock(mu_);
  return fetched_;
}

}  // namespace lienthong::http
