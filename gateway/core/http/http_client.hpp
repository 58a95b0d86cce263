// Outbound HTTP: the one place libcurl is wrapped (RAII handles, one error mapping).
// Adapters call this, never CURL* directly. Every call has explicit limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"

namespace lienthong::http {

struct Header {
  std::string name;
  std::string value;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;
  // Per-call override of the client's total timeout; 0 = client default.
  std::chrono::milliseconds timeout{0};
  // Whether sending the request twice does no harm (a read, a lookup, a token request);
  // unset: GET, HEAD and OPTIONS are, every other method is not. A request that is not
  // goes out on a fresh connection, closed afterwards: libcurl silently sends a request
  // again when a reused connection closes before any answer, and an upstream that had
  // already applied it would apply it twice. Only the caller's verify-before-retry may.
  std::optional<bool> idempotent;
  bool is_idempotent() const;
  // Labels of lienthong_upstream_requests_total and _duration_seconds: the system called
  // (empty: the client's ClientOptions::system) and the operation, a fixed name such as
  // "DongBoHoSoMC" or "token" (never a URL or anything taken from a record).
  std::string system;
  std::string operation = "other";
  // How a TokenProvider places its bearer token in this request (again with a fresh token
  // after a 401); empty: the "Authorization: Bearer" header. For upstreams that want the
  // token inside the body (an LGSP's JSON envelope).
  std::function<void(ClientRequest&, const std::string& token)> apply_bearer;
};

struct ClientResponse {
  int status = 0;
  std::vector<Header> headers;  // names lower-cased
  std::string body;
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

struct TlsOptions {
  bool verify_peer = true;       // on by default; off only for explicit dev configs
  std::string ca_file;           // extra CA bundle (e.g. the dev CA from certs/)
  std::string client_cert_file;  // mutual TLS: client certificate (PEM)
  std::string client_key_file;   // mutual TLS: its private key (PEM)
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};
  size_t max_response_bytes = 64 * 1024 * 1024;  // a larger answer is refused (kProtocol)
  std::string user_agent = "lienthong/0.1";
  TlsOptions tls;
  std::string system = "unknown";  // default `system` label of this client's calls

  // Reads {connect_timeout_ms, timeout_ms, max_response_bytes, tls:{verify_peer, ca_file,
  // client_cert_file, client_key_file}} from a section; other keys are the caller's.
  static ClientOptions from_config(const ConfigNode& node);
  static const std::vector<std::string>& config_keys();  // the keys from_config reads
};

// Maps a transport failure or an HTTP status to an error kind:
// timeout → kTimeout; connect failure → kRefused; 401 → kUnauthorized; 403 → kForbidden;
// 429 → kRateLimited; other 4xx → kClient; 5xx → kServer.
ErrorKind kind_for_status(int status);

// Thread-safe: each concurrent call takes its own curl easy handle from a small per-client
// pool and puts it back, so handles (and their kept-alive connections) are reused.
class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Transport errors come back as Error (kTimeout, kRefused, kProtocol); any HTTP status,
  // including 4xx/5xx, comes back as a ClientResponse for the caller to judge. Every call
  // is counted by system, operation and outcome ("ok" for 2xx, else the error kind of the
  // status or of the transport failure) and timed.
  Result<ClientResponse> send(const ClientRequest& request);

  // send() and turn a non-2xx status into an Error of kind_for_status(), whose message
  // names the method, URL path and status (never the body, which may hold personal data).
  Result<ClientResponse> send_expect_2xx(const ClientRequest& request);

  // send_expect_2xx() up to `max_attempts` times while the failure is retryable (timeouts,
  // refused connections, 5xx, 429: is_retryable), sleeping `backoff` × attempt between
  // tries; for pulls a caller repeats as a whole (a page of a paged list). The last result.
  Result<ClientResponse> send_expect_2xx_retrying(const ClientRequest& request, int max_attempts,
                                                  std::chrono::milliseconds backoff);

  const ClientOptions& options() const { return options_; }

 private:
  Result<ClientResponse> send_uncounted(const ClientRequest& request);

  struct Impl;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::http
