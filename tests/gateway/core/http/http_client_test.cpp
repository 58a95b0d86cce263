// HttpClient against an in-process HttpServer on 127.0.0.1, port 0.
#include "gateway/core/http/http_client.hpp"

#include <gtest/gtest.h>

#include <future>

#include "gateway/core/server/http_server.hpp"

namespace lienthong::http {
namespace {

using server::HttpServer;
using server::Request;
using server::Response;
using server::ServerOptions;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(ServerOptions{});
    server_->route("GET", "/big", [](Request&) { return Response::text(200, std::string(10'000, 'z')); });
    server_->route("GET", "/headers", [](Request&) {
      return Response::text(200, "ok").with_header("X-Custom-Header", "Value-1");
    });
    server_->route("GET", "/status/{code}", [](Request& r) {
      return Response::json(std::stoi(r.path_params.at("code")), R"({"ho_ten":"Nguyen Van A"})");
    });
    server_->route("GET", "/slow", [this](Request&) {
      release_.wait();
      return Response::text(200, "late");
    });
    server_->route("PUT", "/echo", [](Request& r) { return Response::text(200, r.method + ":" + r.body); });
    port_ = server_->start();
  }
  void TearDown() override {
    if (!released_) release_promise_.set_value();
    server_->stop();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
  bool released_ = false;
};

TEST_F(ClientTest, ResponseHeaderNamesAreLowerCased) {
  HttpClient client;
  auto r = client.send({.method = "GET", .url = url("/headers")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  bool found = false;
  for (const auto& h : r->headers) {
    if (h.name == "x-custom-header") found = h.value == "Value-1";
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(r->header("X-CUSTOM-HEADER").value_or(""), "Value-1");
  EXPECT_FALSE(r->header("x-absent").has_value());
}

TEST_F(ClientTest, PutSendsBodyWithCustomMethod) {
  HttpClient client;
  auto r = client.send({.method = "PUT", .url = url("/echo"), .body = "payload"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "PUT:payload");
}

TEST_F(ClientTest, UpstreamTimeoutIsKTimeout) {
  HttpClient client(ClientOptions{.total_timeout = std::chrono::milliseconds(30'000)});
  // Per-call override: the handler only answers after the client has given up.
  auto r = client.send({.method = "GET", .url = url("/slow"), .timeout = std::chrono::milliseconds(150)});
  release_promise_.set_value();
  released_ = true;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_NE(r.error().message.find("150 ms"), std::string::npos) << r.error().message;
}

TEST_F(ClientTest, ConnectionRefusedIsKRefused) {
  auto closed = std::make_unique<HttpServer>(ServerOptions{});
  uint16_t port = closed->start();
  closed->stop();
  HttpClient client;
  auto r = client.send(
      {.method = "GET", .url = "http://127.0.0.1:" + std::to_string(port) + "/x?cccd=001099012345"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
  // The query (which may carry personal data) never reaches the message.
  EXPECT_EQ(r.error().message.find("001099012345"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("/x"), std::string::npos) << r.error().message;
}

TEST_F(ClientTest, ResponseOverSizeCapIsKProtocolNamingTheLimit) {
  HttpClient client(ClientOptions{.max_response_bytes = 1024});
  auto r = client.send({.method = "GET", .url = url("/big")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
  EXPECT_NE(r.error().message.find("max_response_bytes=1024"), std::string::npos) << r.error().message;
  // The same handle is reused afterwards without the failed call's state.
  HttpClient roomy(ClientOptions{.max_response_bytes = 20'000});
  auto ok = roomy.send({.method = "GET", .url = url("/big")});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->body.size(), 10'000u);
}

TEST_F(ClientTest, SendExpect2xxMapsStatusAndNeverEchoesBody) {
  HttpClient client;
  struct Case {
    int status;
    ErrorKind kind;
  };
  for (auto c :
       {Case{404, ErrorKind::kClient}, Case{401, ErrorKind::kUnauthorized}, Case{403, ErrorKind::kForbidden},
        Case{429, ErrorKind::kRateLimited}, Case{503, ErrorKind::kServer}}) {
    auto r =
        client.send_expect_2xx({.method = "GET", .url = url("/status/" + std::to_string(c.status) + "?q=1")});
    ASSERT_FALSE(r.ok()) << c.status;
    EXPECT_EQ(r.error().kind, c.kind) << c.status;
    EXPECT_EQ(r.error().upstream_status, c.status);
    const auto& m = r.error().message;
    EXPECT_NE(m.find("GET /status/" + std::to_string(c.status)), std::string::npos) << m;
    EXPECT_NE(m.find(std::to_string(c.status)), std::string::npos) << m;
    EXPECT_EQ(m.find("Nguyen"), std::string::npos) << m;
    EXPECT_EQ(m.find("q=1"), std::string::npos) << m;
  }
  auto ok = client.send_expect_2xx({.method = "GET", .url = url("/status/204")});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 204);
}

TEST(KindForStatusTest, MapsStatusesAsDocumented) {
  EXPECT_EQ(kind_for_status(401), ErrorKind::kUnauthorized);
  EXPECT_EQ(kind_for_status(403), ErrorKind::kForbidden);
  EXPECT_EQ(kind_for_status(429), ErrorKind::kRateLimited);
  EXPECT_EQ(kind_for_status(400), ErrorKind::kClient);
  EXPECT_EQ(kind_for_status(422), ErrorKind::kClient);
  EXPECT_EQ(kind_for_status(500), ErrorKind::kServer);
  EXPECT_EQ(kind_for_status(504), ErrorKind::kServer);
  EXPECT_EQ(kind_for_status(302), ErrorKind::kProtocol);
}

TEST(ClientOptionsTest, FromConfigReadsLimitsAndTls) {
  auto cfg = ConfigFile::from_string(
      R"({"connect_timeout_ms": 1500, "timeout_ms": 9000, "max_response_bytes": 4096, "url": "x",
          "tls": {"verify_peer": false, "ca_file": "ca.crt", "client_cert_file": "/c.crt",
                  "client_key_file": "/c.key"}})",
      "/etc/lienthong");
  auto o = ClientOptions::from_config(cfg->root());
  EXPECT_EQ(o.connect_timeout.count(), 1500);
  EXPECT_EQ(o.total_timeout.count(), 9000);
  EXPECT_EQ(o.max_response_bytes, 4096u);
  EXPECT_FALSE(o.tls.verify_peer);
  EXPECT_EQ(o.tls.ca_file, "/etc/lienthong/ca.crt");
  EXPECT_EQ(o.tls.client_cert_file, "/c.crt");
  const auto& keys = ClientOptions::config_keys();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "timeout_ms"), keys.end());

  auto half = ConfigFile::from_string(R"({"tls": {"client_cert_file": "/c.crt"}})");
  EXPECT_THROW(ClientOptions::from_config(half->root()), ConfigError);
  auto typo = ConfigFile::from_string(R"({"tls": {"verify": false}})");
  EXPECT_THROW(ClientOptions::from_config(typo->root()), ConfigError);
  auto empty = ConfigFile::from_string("{}");
  auto d = ClientOptions::from_config(empty->root());
  EXPECT_TRUE(d.tls.verify_peer);
  EXPECT_EQ(d.total_timeout.count(), 30'000);
}

}  // namespace
}  // namespace lienthong::http
