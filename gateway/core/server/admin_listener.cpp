#include "gateway/core/server/admin_listener.hpp"

#include <openssl/crypto.h>

#include <boost/asio/ip/address.hpp>

namespace lienthong::server {

AdminOptions AdminOptions::from_config(const ConfigNode* node) {
  AdminOptions a;
  a.server.name = "admin";
  a.server.address = "127.0.0.1";
  a.server.port = kDefaultPort;
  a.server.threads = 1;
  if (!node) return a;
  node->allow_only({"address", "port", "threads", "tls", "bearer_token"});
  // The server keys are read by ServerOptions from a copy without bearer_token.
  rapidjson::Document copy;
  copy.CopyFrom(node->raw(), copy.GetAllocator());
  copy.RemoveMember("bearer_token");
  if (!copy.HasMember("threads")) copy.AddMember("threads", 1, copy.GetAllocator());
  if (!copy.HasMember("address")) copy.AddMember("address", "127.0.0.1", copy.GetAllocator());
  ConfigNode server_node(&copy, node->path(), node->resolve_path("."));
  a.server = ServerOptions::from_config(server_node);
  a.server.name = "admin";
  a.bearer_token = node->optional_secret("bearer_token");
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(a.server.address, ec);
  const bool loopback = !ec && address.is_loopback();
  const bool client_certs = a.server.tls.enabled && a.server.tls.require_client_cert;
  if (!loopback && !a.bearer_token && !client_certs) {
    node->fail("address",
               "the admin listener serves metrics and KPI figures: on a non-loopback address it needs "
               "bearer_token ({\"env\": \"VARIABLE\"}) or tls with require_client_cert; or use 127.0.0.1");
  }
  return a;
}

std::function<std::optional<Response>(const Request&)> admin_guard(std::optional<Secret> bearer_token) {
  if (!bearer_token) return nullptr;
  return [expected = "Bearer " + bearer_token->reveal()](const Request& req) -> std::optional<Response> {
    // The operator console logs its users in itself (a browser sends no bearer token).
    if (req.path == "/console" || req.path.starts_with("/console/")) return std::nullopt;
    auto given = req.header("authorization");
    if (given && given->size() == expected.size() &&
        CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0)
      return std::nullopt;
    return Response::problem(401, "Unauthorized", "The admin listener needs Authorization: Bearer <token>.")
        .with_header("WWW-Authenticate", "Bearer realm=\"lienthong-admin\"");
  };
}

}  // namespace lienthong::server
