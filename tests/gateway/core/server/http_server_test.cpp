// HttpServer driven by the real HttpClient over loopback (port 0).
#include "gateway/core/server/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "tests/support/dev_certs.hpp"

namespace lienthong::server {
namespace {

using http::ClientOptions;
using http::ClientRequest;
using http::HttpClient;
using testing::DevCerts;

std::string sha256_of_cert_file(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  X509_free(cert);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

// A plain TCP connection for what HttpClient cannot do: partial requests, idling, holding
// a connection open. Reads block (bounded by a generous safety timeout, not used to judge).
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size());
  }
  // Reads until `needle` appears; returns what was read ("" if the peer closed first).
  std::string read_until(const std::string& needle) {
    std::string got;
    char buf[4096];
    while (got.find(needle) == std::string::npos) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return got;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // True when the server closed the connection (orderly EOF or reset), reading past any data.
  bool closed_by_peer() {
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions o = {}) {
    server_ = std::make_unique<HttpServer>(o);
    configure(*server_);
    port_ = server_->start();
    ASSERT_NE(port_, 0);
  }
  virtual void configure(HttpServer&) {}
  std::string url(const std::string& path, const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, PostRoundTripCarriesHeadersQueryPathParamsAndBody) {
  std::mutex mu;
  Request seen;
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("POST", "/v1/items/{id}/notes", [&](Request& r) {
    std::lock_guard lock(mu);
    seen = r;
    return Response::json(201, R"({"ok":true})").with_header("X-Echo", *r.header("x-trace"));
  });
  port_ = server_->start();

  HttpClient client;
  ClientRequest req;
  req.method = "POST";
  req.url = url("/v1/items/ab%20c/notes?x=1&y=a+b&z=%C4%91");
  req.headers = {{"X-Trace", "t-42"}, {"Content-Type", "application/json"}};
  req.body = R"({"note":"xin chào"})";
  auto r = client.send(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->header("x-echo").value_or(""), "t-42");
  EXPECT_EQ(r->header("CONTENT-TYPE").value_or(""), "application/json");

  std::lock_guard lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/v1/items/ab c/notes");
  EXPECT_EQ(seen.target, "/v1/items/ab%20c/notes?x=1&y=a+b&z=%C4%91");
  EXPECT_EQ(seen.path_params.at("id"), "ab c");
  EXPECT_EQ(seen.query.at("x"), "1");
  EXPECT_EQ(seen.query.at("y"), "a b");
  EXPECT_EQ(seen.query.at("z"), "\xC4\x91");
  EXPECT_EQ(seen.header("X-TRACE").value_or(""), "t-42");
  EXPECT_EQ(seen.body, R"({"note":"xin chào"})");
  EXPECT_FALSE(seen.remote_address.empty());
  EXPECT_FALSE(seen.peer_certificate.has_value());
  EXPECT_GT(seen.received_at_ms, 0);
}

TEST_F(ServerTest, HeadersReachHandlerWithLowerCasedNames) {
  std::vector<std::pair<std::string, std::string>> headers;
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/h", [&](Request& r) {
    headers = r.headers;
    return Response::text(200, "ok");
  });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/h"), .headers = {{"X-Mixed-Case", "V"}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  bool found = false;
  for (const auto& [k, v] : headers) {
    if (k == "x-mixed-case" && v == "V") found = true;
    // Lower-cased by hand (clang 14 cannot capture a structured binding in a lambda).
    std::string lowered = k;
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(k, lowered);
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(r->header("content-type").value_or(""), "text/plain; charset=utf-8");
}

TEST_F(ServerTest, KeepAliveServesSeveralCallsOnOneConnection) {
  std::mutex mu;
  std::set<std::string> remotes;
  int calls = 0;
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/ping", [&](Request& r) {
    std::lock_guard lock(mu);
    remotes.insert(r.remote_address);
    ++calls;
    return Response::text(200, "pong");
  });
  port_ = server_->start();
  HttpClient client;
  for (int i = 0; i < 5; ++i) {
    auto r = client.send({.method = "GET", .url = url("/ping")});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "pong");
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(remotes.size(), 1u);
}

TEST_F(ServerTest, UnknownPathIs404Problem) {
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/known", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/unknown")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type").value_or(""), "application/problem+json");
  auto doc = json::parse(r->body);
  ASSERT_TRUE(doc.ok()) << r->body;
  EXPECT_EQ(json::get_int(*doc, "status").value_or(0), 404);
  EXPECT_EQ(json::get_string(*doc, "title").value_or(""), "Not Found");
}

TEST_F(ServerTest, KnownPathWithOtherMethodIs405WithAllow) {
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/things/{id}", [](Request&) { return Response::text(200, "x"); });
  server_->route("PUT", "/things/{id}", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "DELETE", .url = url("/things/7")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow").value_or(""), "GET, PUT");
}

TEST_F(ServerTest, BodyOverRouteLimitIs413AndHandlerNeverRuns) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route(
      "POST", "/small",
      [&](Request&) {
        ++runs;
        return Response::text(200, "x");
      },
      RouteLimits{.body_limit = 16});
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "POST", .url = url("/small"), .body = std::string(256 * 1024, 'a')});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("16 bytes"), std::string::npos) << r->body;
  // A body within the limit still works on a new connection.
  auto ok = client.send({.method = "POST", .url = url("/small"), .body = "0123456789abcdef"});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413WhileReading) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route(
      "POST", "/small",
      [&](Request&) {
        ++runs;
        return Response::text(200, "x");
      },
      RouteLimits{.body_limit = 16});
  port_ = server_->start();
  HttpClient client;
  // A chunked body announces no size: the limit must be enforced as the chunks arrive.
  ClientRequest req{.method = "POST", .url = url("/small"), .headers = {{"Transfer-Encoding", "chunked"}}};
  req.body = std::string(4096, 'b');
  auto r = client.send(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(runs.load(), 0);
}

TEST_F(ServerTest, LimitResolverDecidesPerRequest) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("POST", "/v1/webhooks/{source}", [&](Request&) {
    ++runs;
    return Response::text(202, "accepted");
  });
  server_->set_limit_resolver([](const Request& r) -> std::optional<size_t> {
    if (r.path_params.count("source") && r.path_params.at("source") == "tiny") return 8;
    return std::nullopt;
  });
  port_ = server_->start();
  HttpClient client;
  std::string body(20, 'x');
  auto tiny = client.send({.method = "POST", .url = url("/v1/webhooks/tiny"), .body = body});
  auto other = client.send({.method = "POST", .url = url("/v1/webhooks/motcua"), .body = body});
  ASSERT_TRUE(tiny.ok()) << tiny.error().message;
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(tiny->status, 413);
  EXPECT_EQ(other->status, 202);
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/boom",
                 [](Request&) -> Response { throw std::runtime_error("internal-secret-xyz"); });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/boom")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("internal-secret-xyz"), std::string::npos);
  EXPECT_EQ(r->header("content-type").value_or(""), "application/problem+json");
}

// An async route parks its responder; the test answers it from its own thread.
struct ParkedResponders {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, Responder>> parked;  // request body, responder

  void park(Request& r, Responder respond) {
    std::lock_guard lock(mu);
    parked.emplace_back(r.body, std::move(respond));
    cv.notify_all();
  }
  std::pair<std::string, Responder> take() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !parked.empty(); });
    auto p = std::move(parked.front());
    parked.erase(parked.begin());
    return p;
  }
};

TEST_F(ServerTest, AsyncRouteIsAnsweredFromAnotherThreadWithoutHoldingAServerThread) {
  ServerOptions o;
  o.threads = 1;
  ParkedResponders parked;
  server_ = std::make_unique<HttpServer>(o);
  server_->route_async("POST", "/later",
                       [&](Request& r, Responder respond) { parked.park(r, std::move(respond)); });
  server_->route("GET", "/ping", [](Request&) { return Response::text(200, "pong"); });
  port_ = server_->start();

  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send("POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst");
  auto [body, respond] = parked.take();
  EXPECT_EQ(body, "first");
  // The only server thread is free while the first request waits for its answer.
  HttpClient client;
  auto ping = client.send({.method = "GET", .url = url("/ping")});
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ(ping->body, "pong");

  std::thread([respond = std::move(respond)] { respond(Response::json(202, "{\"n\":1}")); }).join();
  std::string got = raw.read_until("{\"n\":1}");
  EXPECT_NE(got.find("HTTP/1.1 202"), std::string::npos) << got;

  // The connection stays usable for the next request.
  raw.send("POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nsecond");
  auto [body2, respond2] = parked.take();
  EXPECT_EQ(body2, "second");
  respond2(Response::json(200, "{\"n\":2}"));
  respond2(Response::json(500, "{\"n\":3}"));  // a second answer is ignored
  got = raw.read_until("{\"n\":2}");
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
}

TEST_F(ServerTest, AsyncResponderDroppedWithoutAnswerOrThrowingHandlerIs500) {
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route_async("GET", "/drop", [](Request&, Responder) {});
  server_->route_async("GET", "/throw",
                       [](Request&, Responder) { throw std::runtime_error("internal-secret-xyz"); });
  port_ = server_->start();
  HttpClient client;
  for (const char* path : {"/drop", "/throw"}) {
    auto r = client.send({.method = "GET", .url = url(path)});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_EQ(r->body.find("internal-secret-xyz"), std::string::npos);
  }
}

TEST_F(ServerTest, AsyncAnswerAfterTheServerStoppedIsDropped) {
  ParkedResponders parked;
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route_async("POST", "/later",
                       [&](Request& r, Responder respond) { parked.park(r, std::move(respond)); });
  port_ = server_->start();
  RawConnection raw(port_);
  raw.send("POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
  auto [body, respond] = parked.take();
  server_->stop();
  server_.reset();
  // Neither the late answer nor dropping the responder may touch the destroyed server.
  respond(Response::json(202, "{}"));
  respond = nullptr;
  EXPECT_TRUE(raw.closed_by_peer());
}

TEST_F(ServerTest, MalformedPercentEncodingIs400) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/q", [&](Request&) {
    ++runs;
    return Response::text(200, "x");
  });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/q?a=%zz")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(runs.load(), 0);
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  server_ = std::make_unique<HttpServer>(ServerOptions{.header_limit = 2048});
  server_->route("GET", "/h", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/h"), .headers = {{"X-Big", std::string(8000, 'h')}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 431);
}

TEST_F(ServerTest, StopThenStartOnAnotherServerFreesThePort) {
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("GET", "/x", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  EXPECT_EQ(server_->port(), port_);
  server_->stop();
  server_->stop();  // idempotent
  HttpClient client(ClientOptions{.connect_timeout = std::chrono::milliseconds(2000)});
  auto r = client.send({.method = "GET", .url = url("/x")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
}

TEST_F(ServerTest, IncompleteRequestIsClosedAfterReadTimeout) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{.read_timeout = std::chrono::milliseconds(100)});
  server_->route("GET", "/x", [&](Request&) {
    ++runs;
    return Response::text(200, "x");
  });
  port_ = server_->start();
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  c.send("GET /x HTTP/1.1\r\nHost: t\r\n");  // the header never ends
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(runs.load(), 0);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  server_ = std::make_unique<HttpServer>(ServerOptions{.idle_timeout = std::chrono::milliseconds(100)});
  server_->route("GET", "/x", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  c.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string got = c.read_until("\r\n\r\nx");
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ConnectionsOverMaxAreRefused) {
  server_ = std::make_unique<HttpServer>(ServerOptions{.max_connections = 1});
  server_->route("GET", "/x", [](Request&) { return Response::text(200, "x"); });
  port_ = server_->start();
  RawConnection first(port_);
  ASSERT_TRUE(first.connected());
  first.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_NE(first.read_until("\r\n\r\nx").find("200"), std::string::npos);
  RawConnection second(port_);  // the kernel accepts it; the server then closes it
  EXPECT_TRUE(second.closed_by_peer());
  // The first connection is still served.
  first.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(first.read_until("\r\n\r\nx").find("200"), std::string::npos);
}

TEST_F(ServerTest, ExpectContinueGets100BeforeTheBodyIsSent) {
  std::string seen;
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route("POST", "/x", [&](Request& r) {
    seen = r.body;
    return Response::text(200, "done");
  });
  port_ = server_->start();
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = c.read_until("\r\n\r\n");
  EXPECT_EQ(interim.rfind("HTTP/1.1 100", 0), 0u) << interim;
  c.send("hello");
  std::string final_answer = c.read_until("done");
  EXPECT_NE(final_answer.find("HTTP/1.1 200"), std::string::npos) << final_answer;
  EXPECT_EQ(seen, "hello");
}

TEST_F(ServerTest, ExpectContinueOverLimitGets413WithoutReadingTheBody) {
  std::atomic<int> runs{0};
  server_ = std::make_unique<HttpServer>(ServerOptions{});
  server_->route(
      "POST", "/x",
      [&](Request&) {
        ++runs;
        return Response::text(200, "x");
      },
      RouteLimits{.body_limit = 4});
  port_ = server_->start();
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n");
  std::string answer = c.read_until("\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(runs.load(), 0);
}

TEST(ResponseTest, ProblemIsRfc9457JsonWithEscapedMembers) {
  auto r = Response::problem(422, "Unprocessable \"x\"", "line1\nline2 \\ end", {{"field", "ma\"ho_so"}});
  EXPECT_EQ(r.status, 422);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "application/problem+json");
  auto doc = json::parse(r.body);
  ASSERT_TRUE(doc.ok()) << r.body;
  EXPECT_EQ(json::get_string(*doc, "type").value_or(""), "about:blank");
  EXPECT_EQ(json::get_string(*doc, "title").value_or(""), "Unprocessable \"x\"");
  EXPECT_EQ(json::get_string(*doc, "detail").value_or(""), "line1\nline2 \\ end");
  EXPECT_EQ(json::get_int(*doc, "status").value_or(0), 422);
  EXPECT_EQ(json::get_string(*doc, "field").value_or(""), "ma\"ho_so");
}

TEST(ServerOptionsTest, FromConfigReadsKeysAndRejectsUnknownOnes) {
  auto cfg = ConfigFile::from_string(
      R"({"address": "0.0.0.0", "port": 8443, "threads": 4, "body_limit_bytes": 2048, "read_timeout_ms": 500,
          "idle_timeout_ms": 900, "max_connections": 10,
          "tls": {"cert_file": "/x/server.crt", "key_file": "/x/server.key", "client_ca_file": "/x/ca.crt",
                  "require_client_cert": true}})");
  auto o = ServerOptions::from_config(cfg->root());
  EXPECT_EQ(o.address, "0.0.0.0");
  EXPECT_EQ(o.port, 8443);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.default_body_limit, 2048u);
  EXPECT_EQ(o.read_timeout.count(), 500);
  EXPECT_EQ(o.idle_timeout.count(), 900);
  EXPECT_EQ(o.max_connections, 10u);
  EXPECT_TRUE(o.tls.enabled);
  EXPECT_TRUE(o.tls.require_client_cert);
  EXPECT_EQ(o.tls.client_ca_file, "/x/ca.crt");

  auto typo = ConfigFile::from_string(R"({"prot": 80})");
  EXPECT_THROW(ServerOptions::from_config(typo->root()), ConfigError);
  auto no_key = ConfigFile::from_string(R"({"tls": {"cert_file": "/x/server.crt"}})");
  EXPECT_THROW(ServerOptions::from_config(no_key->root()), ConfigError);
  auto no_ca = ConfigFile::from_string(
      R"({"tls": {"cert_file": "/a", "key_file": "/b", "require_client_cert": true}})");
  EXPECT_THROW(ServerOptions::from_config(no_ca->root()), ConfigError);
  auto empty = ConfigFile::from_string("{}");
  auto d = ServerOptions::from_config(empty->root());
  EXPECT_EQ(d.address, "127.0.0.1");
  EXPECT_FALSE(d.tls.enabled);
}

// ---- TLS and mutual TLS ----

class TlsServerTest : public ServerTest {
 protected:
  ServerOptions tls_options(bool require_client_cert, bool ask_client_cert = true) {
    const auto& c = DevCerts::get();
    ServerOptions o;
    o.tls.enabled = true;
    o.tls.cert_file = c.path("server.crt");
    o.tls.key_file = c.path("server.key");
    if (ask_client_cert) o.tls.client_ca_file = c.path("ca.crt");
    o.tls.require_client_cert = require_client_cert;
    return o;
  }
  void start_echo(ServerOptions o) {
    server_ = std::make_unique<HttpServer>(o);
    server_->route("GET", "/who", [this](Request& r) {
      std::lock_guard lock(mu_);
      peer_ = r.peer_certificate;
      ++calls_;
      return Response::text(200, r.peer_certificate ? r.peer_certificate->common_name : "anonymous");
    });
    port_ = server_->start();
  }
  std::mutex mu_;
  std::optional<PeerCertificate> peer_;
  int calls_ = 0;
};

TEST_F(TlsServerTest, TlsVerifiedWithDevCa) {
  start_echo(tls_options(false, false));
  HttpClient client(ClientOptions{.tls = {.ca_file = DevCerts::get().path("ca.crt")}});
  auto r = client.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "anonymous");
}

TEST_F(TlsServerTest, TlsRefusedWhenClientDoesNotTrustTheCa) {
  start_echo(tls_options(false, false));
  // The system bundle does not hold the dev CA.
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
  EXPECT_NE(r.error().message.find("TLS verification failed"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ca_file"), std::string::npos) << r.error().message;
  std::lock_guard lock(mu_);
  EXPECT_EQ(calls_, 0);
}

TEST_F(TlsServerTest, MutualTlsPeerCertificateReachesHandler) {
  start_echo(tls_options(true));
  const auto& c = DevCerts::get();
  HttpClient client(ClientOptions{.tls = {.ca_file = c.path("ca.crt"),
                                          .client_cert_file = c.path("bo-tu-phap.crt"),
                                          .client_key_file = c.path("bo-tu-phap.key")}});
  auto r = client.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "bo-tu-phap");
  std::lock_guard lock(mu_);
  ASSERT_TRUE(peer_.has_value());
  EXPECT_EQ(peer_->common_name, "bo-tu-phap");
  EXPECT_EQ(peer_->subject, "CN=bo-tu-phap,O=Bo Tu phap,C=VN");
  const std::string expected = sha256_of_cert_file(c.path("bo-tu-phap.crt"));
  ASSERT_EQ(expected.size(), 64u);
  EXPECT_EQ(peer_->sha256_fingerprint, expected);
}

TEST_F(TlsServerTest, ClientWithoutCertificateRefusedWhenRequired) {
  start_echo(tls_options(true));
  HttpClient client(ClientOptions{.tls = {.ca_file = DevCerts::get().path("ca.crt")}});
  auto r = client.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_FALSE(r.ok()) << "status " << r->status;
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
  std::lock_guard lock(mu_);
  EXPECT_EQ(calls_, 0);
}

TEST_F(TlsServerTest, ClientWithoutCertificateAcceptedWhenOptional) {
  start_echo(tls_options(false));
  const auto& c = DevCerts::get();
  HttpClient anonymous(ClientOptions{.tls = {.ca_file = c.path("ca.crt")}});
  auto r = anonymous.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "anonymous");
  HttpClient with_cert(ClientOptions{.tls = {.ca_file = c.path("ca.crt"),
                                             .client_cert_file = c.path("motcua-tinh.crt"),
                                             .client_key_file = c.path("motcua-tinh.key")}});
  auto r2 = with_cert.send({.method = "GET", .url = url("/who", "https")});
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->body, "motcua-tinh");
}

}  // namespace
}  // namespace lienthong::server
