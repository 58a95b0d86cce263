// SIGHUP's certificate reload (HttpServer::reload_tls): new handshakes get the new pair,
// a pair that does not load is refused with its file named and the old one stays.
#include "gateway/core/server/tls_reload.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gateway/core/server/http_server.hpp"
#include "gateway/core/server/tls_check.hpp"
#include "tests/support/dev_certs.hpp"

namespace lienthong::server {
namespace {

namespace fs = std::filesystem;

// The subject of the certificate the server presents on a new TLS connection.
std::string presented_subject(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::string subject = "handshake failed";
  if (SSL_connect(ssl) == 1) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    subject = buf;
    X509_free(cert);
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return subject;
}

std::string subject_of(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  X509* cert = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!cert) return "unreadable " + file;
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  X509_free(cert);
  return buf;
}

TEST(TlsReload, NewHandshakesGetTheNewPairAndABadPairKeepsTheOld) {
  const auto& a = testing::DevCerts::get();
  fs::path dir = fs::path(::testing::TempDir()) / "tls_reload";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(a.path("server.crt"), dir / "live.crt");
  fs::copy_file(a.path("server.key"), dir / "live.key");
  ServerOptions o;
  o.tls.enabled = true;
  o.tls.cert_file = (dir / "live.crt").string();
  o.tls.key_file = (dir / "live.key").string();
  HttpServer server(o);
  server.route("GET", "/", [](Request&) { return Response::text(200, "ok"); });
  uint16_t port = server.start();
  const std::string first = subject_of(a.path("server.crt"));
  const std::string second = subject_of(a.path("bo-tu-phap.crt"));
  ASSERT_NE(first, second);
  EXPECT_EQ(presented_subject(port), first);

  // The new pair: another certificate of the same CA (a client one; the test's client
  // does not verify), so a different subject.
  fs::copy_file(a.path("bo-tu-phap.crt"), dir / "live.crt", fs::copy_options::overwrite_existing);
  fs::copy_file(a.path("bo-tu-phap.key"), dir / "live.key", fs::copy_options::overwrite_existing);
  EXPECT_EQ(reload_server_certificates().errors, std::vector<std::string>{});
  EXPECT_EQ(presented_subject(port), second);

  // A key that does not match the certificate: refused, named, the second pair stays.
  fs::copy_file(a.path("server.key"), dir / "live.key", fs::copy_options::overwrite_existing);
  auto reload = reload_server_certificates();
  ASSERT_EQ(reload.errors.size(), 1u);
  std::string error = reload.errors[0];
  EXPECT_NE(error.find("mismatch"), std::string::npos) << error;
  EXPECT_NE(error.find("live.key"), std::string::npos) << error;
  EXPECT_EQ(presented_subject(port), second);
  // The same problem as config check reports it, with the key path.
  auto problems = check_tls_material(o.tls, "server.tls");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("server.tls.key_file"), std::string::npos) << problems[0];
  server.stop();
}

}  // namespace
}  // namespace lienthong::server
