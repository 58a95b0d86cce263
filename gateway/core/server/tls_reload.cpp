#include "gateway/core/server/tls_reload.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <set>

#include "gateway/core/server/tls_check.hpp"

namespace lienthong::server {

namespace {

std::mutex g_registry_mu;
std::set<TlsCertificateSwitch*> g_registry;

}  // namespace

TlsCertificateSwitch::~TlsCertificateSwitch() {
  std::lock_guard lock(g_registry_mu);
  g_registry.erase(this);
}

void TlsCertificateSwitch::install(SSL_CTX* listener_ctx, const TlsServerOptions& tls) {
  tls_ = tls;
  SSL_CTX_set_cert_cb(listener_ctx, &TlsCertificateSwitch::on_handshake, this);
  std::lock_guard lock(g_registry_mu);
  g_registry.insert(this);
}

CertificateReload reload_server_certificates() {
  CertificateReload out;
  std::lock_guard lock(g_registry_mu);
  for (auto* sw : g_registry) {
    if (std::string e = sw->reload(); e.empty())
      ++out.loaded;
    else
      out.errors.push_back(std::move(e));
  }
  return out;
}

std::string TlsCertificateSwitch::reload() {
  const TlsServerOptions& tls = tls_;
  if (!tls.enabled) return {};
  std::shared_ptr<SSL_CTX> fresh(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!fresh) return "cannot create an OpenSSL context: " + openssl_error();
  if (SSL_CTX_use_certificate_chain_file(fresh.get(), tls.cert_file.c_str()) != 1)
    return "cannot load the certificate chain " + tls.cert_file + ": " + openssl_error();
  if (SSL_CTX_use_PrivateKey_file(fresh.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return "cannot load the private key " + tls.key_file + ": " + openssl_error();
  if (SSL_CTX_check_private_key(fresh.get()) != 1)
    return "the private key " + tls.key_file + " does not match the certificate " + tls.cert_file;
  std::lock_guard lock(mu_);
  current_ = std::move(fresh);
  return {};
}

int TlsCertificateSwitch::on_handshake(SSL* ssl, void* self) {
  auto* sw = static_cast<TlsCertificateSwitch*>(self);
  std::shared_ptr<SSL_CTX> pair;
  {
    std::lock_guard lock(sw->mu_);
    pair = sw->current_;
  }
  if (!pair) return 1;  // never reloaded: the listener's own certificate
  // SSL_use_* take their own references: the pair may be replaced right after.
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(pair.get(), &chain);
  if (SSL_use_certificate(ssl, SSL_CTX_get0_certificate(pair.get())) != 1 ||
      SSL_use_PrivateKey(ssl, SSL_CTX_get0_privatekey(pair.get())) != 1 || SSL_set1_chain(ssl, chain) != 1)
    return 0;  // the handshake fails rather than silently using another certificate
  return 1;
}

}  // namespace lienthong::server
