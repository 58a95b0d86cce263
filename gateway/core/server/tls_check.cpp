#include "gateway/core/server/tls_check.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

namespace lienthong::server {

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::vector<std::string> check_tls_material(const TlsServerOptions& tls, const std::string& key_prefix) {
  std::vector<std::string> problems;
  if (!tls.enabled) return problems;
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return {"TLS: cannot create an OpenSSL context: " + openssl_error()};
  auto key = [&](const char* k) { return "config key '" + key_prefix + "." + k + "'"; };
  bool cert_ok = SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert_file.c_str()) == 1;
  if (!cert_ok)
    problems.push_back(key("cert_file") + ": cannot load the certificate chain " + tls.cert_file + ": " +
                       openssl_error());
  bool key_ok = SSL_CTX_use_PrivateKey_file(ctx.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) == 1;
  if (!key_ok)
    problems.push_back(key("key_file") + ": cannot load the private key " + tls.key_file + ": " +
                       openssl_error());
  if (cert_ok && key_ok && SSL_CTX_check_private_key(ctx.get()) != 1)
    problems.push_back(key("key_file") + ": the private key " + tls.key_file +
                       " does not match the certificate " + tls.cert_file);
  if (!tls.client_ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), tls.client_ca_file.c_str(), nullptr) != 1)
    problems.push_back(key("client_ca_file") + ": cannot load the CA certificates " + tls.client_ca_file +
                       ": " + openssl_error());
  ERR_clear_error();
  return problems;
}

}  // namespace lienthong::server
