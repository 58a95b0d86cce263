// The admin listener: a second HttpServer for operators and their tools (/metrics,
// /healthz, /readyz, the KPI API), apart from the public listener that outside parties
// (ministries' webhooks, payment callbacks, citizen lookups) call. Loopback by default;
// any other address needs TLS with client certificates or a bearer token, so that the
// gateway's figures are never served to whoever can reach the port.
#pragma once

#include <functional>
#include <optional>

#include "gateway/core/config/config.hpp"
#include "gateway/core/server/http_server.hpp"

namespace lienthong::server {

struct AdminOptions {
  ServerOptions server;  // name "admin", address 127.0.0.1, port kDefaultPort
  std::optional<Secret> bearer_token;

  // 0: a free port, reported on stdout ({"listening":P,"admin":Q}) and in the log. A fixed
  // default would make two instances on one host (and parallel tests) collide; a
  // Prometheus deployment sets admin.port.
  static constexpr uint16_t kDefaultPort = 0;

  // Keys: address, port, threads, tls{cert_file, key_file, client_ca_file,
  // require_client_cert}, bearer_token (secret reference). A missing section (nullptr)
  // gives the loopback default. Throws ConfigError when the address is not loopback and
  // neither a bearer token nor required client certificates protect it.
  static AdminOptions from_config(const ConfigNode* node);
};

// Answers 401 (with WWW-Authenticate: Bearer) unless the request carries
// "Authorization: Bearer <token>"; compared in constant time. No token: lets all through.
// /console/ is let through: the operator console logs its users in itself.
std::function<std::optional<Response>(const Request&)> admin_guard(std::optional<Secret> bearer_token);

}  // namespace lienthong::server
