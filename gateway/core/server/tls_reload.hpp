// The server certificate and key replaced while serving (SIGHUP): the new pair is loaded
// and checked first, then handed to each new handshake by OpenSSL's certificate callback;
// connections already open keep theirs. A pair that does not load leaves the old in force.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/core/server/http_server.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace lienthong::server {

// One per TLS listener (a member of HttpServer's state). Registered process-wide from
// install() until destroyed, so that reload_server_certificates() finds every listener.
class TlsCertificateSwitch {
 public:
  TlsCertificateSwitch() = default;
  TlsCertificateSwitch(const TlsCertificateSwitch&) = delete;
  TlsCertificateSwitch& operator=(const TlsCertificateSwitch&) = delete;
  ~TlsCertificateSwitch();
  // Registers the callback on the listener's context (before it accepts).
  void install(ssl_ctx_st* listener_ctx, const TlsServerOptions& tls);
  // Loads cert_file and key_file again (same paths); empty on success, else the error
  // naming the file, and the current pair stays.
  std::string reload();

 private:
  static int on_handshake(ssl_st* ssl, void* self);
  std::mutex mu_;
  TlsServerOptions tls_;
  std::shared_ptr<ssl_ctx_st> current_;  // null until the first reload: the listener's own pair
};

struct CertificateReload {
  int loaded = 0;
  std::vector<std::string> errors;  // one per listener whose new pair did not load
};

// Every TLS listener of the process loads its certificate and key again (SIGHUP).
CertificateReload reload_server_certificates();

}  // namespace lienthong::server
