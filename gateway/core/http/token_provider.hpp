// NGSP / LGSP access tokens. Both are WSO2-style API managers:
//   POST {base}/token  grant_type=client_credentials
//   (client id and secret as HTTP Basic or as form fields, per config)
//   → {"access_token", "token_type", "expires_in"}
// The token is cached and refreshed before expiry; a 401 on a call refreshes once and
// retries once; 403 and 429 are reported as such.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/http/http_client.hpp"

namespace lienthong::http {

struct TokenOptions {
  std::string token_url;  // full URL of the token endpoint
  std::string client_id;
  Secret client_secret;
  bool credentials_in_body = false;         // false: HTTP Basic; true: client_id/client_secret form fields
  std::string scope;                        // optional
  std::chrono::seconds refresh_margin{60};  // refresh this long before expiry
  // The `system` label of its metrics (lienthong_upstream_token_refreshes_total and the
  // token calls in lienthong_upstream_requests_total): "lgsp", "ngsp". Set by the caller.
  std::string system = "token";
  // Sent with every token request besides the credentials (e.g. an LGSP's lgspaccesstoken,
  // set by the adapter that owns it; not a config key of this section).
  std::vector<Header> extra_headers;

  // Keys: token_url, client_id, client_secret (secret ref), credentials ("basic"|"form"),
  // scope, refresh_margin_seconds.
  static TokenOptions from_config(const ConfigNode& node);
  static const std::vector<std::string>& config_keys();
};

class TokenProvider {
 public:
  TokenProvider(TokenOptions options, HttpClient& client, const Clock& clock);

  // A valid bearer token, fetching a new one when needed.
  Result<std::string> token();
  // Drops the cached token (after a 401).
  void invalidate(const std::string& token);

  // Sends `request` with Authorization: Bearer; on 401 refreshes the token once and
  // retries once. Returns the upstream response (any status) or a transport error.
  Result<ClientResponse> send(ClientRequest request);

  int64_t tokens_fetched() const;  // for tests and metrics

 private:
  Result<std::string> fetch_locked(int64_t now);

  TokenOptions options_;
  HttpClient& client_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::string token_;
  int64_t expires_at_ms_ = 0;
  int64_t fetched_ = 0;
};

}  // namespace lienthong::http
