// Inbound HTTP/1.1 server on Boost.Beast (keep-alive, TLS, optional mutual TLS).
// Every request is counted (lienthong_http_requests_total{listener,route,method,status},
// lienthong_http_request_duration_seconds, lienthong_http_requests_in_flight) by route
// template, never by raw path, and logged once (event http_access) without its body.
// Beast and Asio stay inside http_server.cpp: this header is plain C++ so that handlers
// and tests compile fast.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"

namespace lienthong::server {

struct PeerCertificate {
  std::string subject;  // RFC 2253 form, e.g. "CN=bo-tu-phap,O=MOJ,C=VN"
  std::string common_name;
  std::string sha256_fingerprint;  // hex, lower-case, of the DER certificate
};

struct Request {
  std::string method;
  std::string target;  // path + query as received
  std::string path;    // without query, percent-decoded
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> path_params;            // filled by the router ({source})
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::optional<PeerCertificate> peer_certificate;  // verified client certificate (mTLS)
  int64_t received_at_ms = 0;
  // From the client's X-Request-Id (printable ASCII, at most 128 bytes) or generated;
  // echoed in the response's X-Request-Id, in problem+json bodies and in the access log.
  std::string request_id;

  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // RFC 9457 application/problem+json: {"type","title","status","detail"} (+ extra members).
  static Response problem(int status, std::string_view title, std::string_view detail,
                          const std::vector<std::pair<std::string, std::string>>& extra = {});
  Response& with_header(std::string name, std::string value);
};

using Handler = std::function<Response(Request&)>;

// Answers a request taken by an AsyncHandler, from any thread. The first call answers;
// later calls, and calls after the server stopped, do nothing. When every copy is gone
// without a call, the request is answered 500 (a lost answer must not hang the client).
using Responder = std::function<void(Response)>;
// For handlers that finish elsewhere (e.g. after a group commit on another thread) without
// holding a server thread meanwhile. The Request stays valid until the Responder is called:
// the connection reads nothing more until then.
using AsyncHandler = std::function<void(Request&, Responder)>;

// Looked up before the body is read, so that limits and refusals happen early.
struct RouteLimits {
  size_t body_limit = 1024 * 1024;
};

// A request the server answered itself, before any handler (404, 405, 413, 431), or a
// failed TLS handshake (status 0). `path` is "" when no request line was read.
struct EarlyRefusal {
  int status = 0;
  std::string path;
  std::string remote_address;
};

struct TlsServerOptions {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: client certificates are requested and verified
  bool require_client_cert = false;
};

struct ServerOptions {
  std::string name = "public";  // the `listener` label of its metrics and access-log lines
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port (tests)
  int threads = 2;
  size_t default_body_limit = 1024 * 1024;
  size_t header_limit = 16 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // whole request
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive idle
  size_t max_connections = 10'000;
  TlsServerOptions tls;

  // Keys: address, port, threads, body_limit_bytes, read_timeout_ms, idle_timeout_ms,
  // max_connections, tls{cert_file, key_file, client_ca_file, require_client_cert}.
  static ServerOptions from_config(const ConfigNode& node);
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Pattern segments in braces capture: "/v1/webhooks/{source}". Exact method match.
  // `limits` is consulted with the matched route before the body is read; a body over the
  // limit is answered 413 while reading, without buffering the rest.
  void route(std::string method, std::string pattern, Handler handler, RouteLimits limits = {});
  void route_async(std::string method, std::string pattern, AsyncHandler handler, RouteLimits limits = {});
  // Optional: a per-request limit decided from the request line and headers (e.g. the
  // per-source body limit of a webhook source). Returns nullopt to keep the route's.
  void set_limit_resolver(std::function<std::optional<size_t>(const Request&)> resolver);
  // Optional: consulted after a route matched and before the body is read; an answer
  // (e.g. 401 without the admin bearer token) is sent instead of calling the handler.
  void set_request_guard(std::function<std::optional<Response>(const Request&)> guard);

  // Optional: told of every EarlyRefusal, on a server thread (keep it quick). Before start().
  void add_refusal_observer(std::function<void(const EarlyRefusal&)> observer);

  // Binds and starts the worker threads; returns the bound port. Throws on bind failure.
  uint16_t start();
  void stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lienthong::server
