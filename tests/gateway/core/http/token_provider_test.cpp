// TokenProvider against a fake WSO2-style API manager (token endpoint + one API) on loopback.
#include "gateway/core/http/token_provider.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <mutex>

#include "gateway/core/server/http_server.hpp"

namespace lienthong::http {
namespace {

using server::HttpServer;
using server::Request;
using server::Response;
using server::ServerOptions;

class FakeApiManager {
 public:
  FakeApiManager() : server_(ServerOptions{}) {
    server_.route("POST", "/token", [this](Request& r) {
      std::lock_guard lock(mu_);
      ++token_calls_;
      token_authorization_ = r.header("authorization").value_or("");
      token_body_ = r.body;
      token_content_type_ = r.header("content-type").value_or("");
      if (token_status_ != 200) return Response::json(token_status_, R"({"error":"invalid_client"})");
      if (!token_answer_.empty()) return Response::json(200, token_answer_);
      return Response::json(200, R"({"access_token":"tok-)" + std::to_string(token_calls_) +
                                     R"(","token_type":"Bearer","expires_in":)" +
                                     std::to_string(expires_in_) + "}");
    });
    server_.route("GET", "/api/ho-so", [this](Request& r) {
      std::lock_guard lock(mu_);
      ++api_calls_;
      std::string auth = r.header("authorization").value_or("");
      api_authorizations_.push_back(auth);
      if (rejected_tokens_.count(auth)) return Response::json(401, R"({"fault":"invalid token"})");
      if (api_status_ != 200) return Response::json(api_status_, "{}");
      return Response::json(200, R"({"ok":true})");
    });
    port_ = server_.start();
  }
  ~FakeApiManager() { server_.stop(); }

  std::string url(const std::string& p) const { return "http://127.0.0.1:" + std::to_string(port_) + p; }

  std::mutex mu_;
  int token_calls_ = 0;
  int api_calls_ = 0;
  int token_status_ = 200;
  int api_status_ = 200;
  int64_t expires_in_ = 3600;
  std::string token_answer_;
  std::string token_authorization_, token_body_, token_content_type_;
  std::vector<std::string> api_authorizations_;
  std::set<std::string> rejected_tokens_;

 private:
  HttpServer server_;
  uint16_t port_ = 0;
};

class TokenProviderTest : public ::testing::Test {
 protected:
  TokenOptions options(bool form = false) {
    TokenOptions o;
    o.token_url = api_.url("/token");
    o.client_id = "lienthong-tinh";
    o.client_secret = Secret("s3cr&t", "env:TEST");
    o.credentials_in_body = form;
    o.scope = "dvcqg ho_so";
    o.refresh_margin = std::chrono::seconds(60);
    return o;
  }
  ClientRequest api_call() { return {.method = "GET", .url = api_.url("/api/ho-so")}; }

  FakeApiManager api_;
  HttpClient client_;
  ManualClock clock_;
};

TEST_F(TokenProviderTest, BasicCredentialsReachTokenEndpointAsAuthorizationHeader) {
  TokenProvider tp(options(false), client_, clock_);
  auto t = tp.token();
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*t, "tok-1");
  std::lock_guard lock(api_.mu_);
  // base64("lienthong-tinh:s3cr&t")
  EXPECT_EQ(api_.token_authorization_, "Basic bGllbnRob25nLXRpbmg6czNjciZ0");
  EXPECT_EQ(api_.token_body_, "grant_type=client_credentials&scope=dvcqg+ho_so");
  EXPECT_EQ(api_.token_content_type_, "application/x-www-form-urlencoded");
}

TEST_F(TokenProviderTest, FormCredentialsReachTokenEndpointAsBodyFields) {
  TokenProvider tp(options(true), client_, clock_);
  auto t = tp.token();
  ASSERT_TRUE(t.ok()) << t.error().message;
  std::lock_guard lock(api_.mu_);
  EXPECT_EQ(api_.token_authorization_, "");
  EXPECT_EQ(
      api_.token_body_,
      "grant_type=client_credentials&scope=dvcqg+ho_so&client_id=lienthong-tinh&client_secret=s3cr%26t");
}

TEST_F(TokenProviderTest, TokenIsCachedAcrossCallsAndSentAsBearer) {
  TokenProvider tp(options(), client_, clock_);
  for (int i = 0; i < 3; ++i) {
    auto r = tp.send(api_call());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(tp.tokens_fetched(), 1);
  std::lock_guard lock(api_.mu_);
  EXPECT_EQ(api_.token_calls_, 1);
  ASSERT_EQ(api_.api_authorizations_.size(), 3u);
  for (const auto& a : api_.api_authorizations_) EXPECT_EQ(a, "Bearer tok-1");
}

TEST_F(TokenProviderTest, RefreshedRefreshMarginBeforeExpiry) {
  TokenProvider tp(options(), client_, clock_);  // expires_in 3600, margin 60
  ASSERT_EQ(*tp.token(), "tok-1");
  clock_.advance(std::chrono::seconds(3539));
  ASSERT_EQ(*tp.token(), "tok-1");
  EXPECT_EQ(tp.tokens_fetched(), 1);
  clock_.advance(std::chrono::seconds(2));  // inside the last 60 s
  ASSERT_EQ(*tp.token(), "tok-2");
  EXPECT_EQ(tp.tokens_fetched(), 2);
}

TEST_F(TokenProviderTest, On401RefreshesOnceAndRetriesOnce) {
  {
    std::lock_guard lock(api_.mu_);
    api_.rejected_tokens_ = {"Bearer tok-1"};
  }
  TokenProvider tp(options(), client_, clock_);
  auto r = tp.send(api_call());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  std::lock_guard lock(api_.mu_);
  EXPECT_EQ(api_.token_calls_, 2);
  ASSERT_EQ(api_.api_authorizations_.size(), 2u);
  EXPECT_EQ(api_.api_authorizations_[1], "Bearer tok-2");
}

TEST_F(TokenProviderTest, PersistentUnauthorizedStopsAfterOneRetry) {
  {
    std::lock_guard lock(api_.mu_);
    api_.api_status_ = 401;
  }
  TokenProvider tp(options(), client_, clock_);
  auto r = tp.send(api_call());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(kind_for_status(r->status), ErrorKind::kUnauthorized);
  std::lock_guard lock(api_.mu_);
  EXPECT_EQ(api_.token_calls_, 2);
  EXPECT_EQ(api_.api_calls_, 2);
}

TEST_F(TokenProviderTest, ForbiddenAndRateLimitedAreReturnedNotRetried) {
  TokenProvider tp(options(), client_, clock_);
  for (int status : {403, 429}) {
    {
      std::lock_guard lock(api_.mu_);
      api_.api_status_ = status;
      api_.api_calls_ = 0;
    }
    auto r = tp.send(api_call());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, status);
    std::lock_guard lock(api_.mu_);
    EXPECT_EQ(api_.api_calls_, 1) << status;
  }
  EXPECT_EQ(tp.tokens_fetched(), 1);
}

TEST_F(TokenProviderTest, MalformedTokenAnswersAreProtocolErrors) {
  for (std::string answer : {R"(not json)", R"({"access_token":"a","token_type":"Bearer"})",
                             R"({"access_token":"","token_type":"Bearer","expires_in":60})",
                             R"({"access_token":"a","token_type":"mac","expires_in":60})",
                             R"({"access_token":"a","token_type":"Bearer","expires_in":"60"})", R"([1])"}) {
    {
      std::lock_guard lock(api_.mu_);
      api_.token_answer_ = answer;
    }
    TokenProvider tp(options(), client_, clock_);
    auto t = tp.token();
    ASSERT_FALSE(t.ok()) << answer;
    EXPECT_EQ(t.error().kind, ErrorKind::kProtocol) << answer;
    EXPECT_NE(t.error().message.find("token endpoint"), std::string::npos) << t.error().message;
    EXPECT_EQ(tp.tokens_fetched(), 0);
  }
}

TEST_F(TokenProviderTest, TokenEndpoint401IsUnauthorizedNamingTheCredentials) {
  {
    std::lock_guard lock(api_.mu_);
    api_.token_status_ = 401;
  }
  TokenProvider tp(options(), client_, clock_);
  auto r = tp.send(api_call());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUnauthorized);
  EXPECT_NE(r.error().message.find("refused the client credentials"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cr&t"), std::string::npos);
  std::lock_guard lock(api_.mu_);
  EXPECT_EQ(api_.api_calls_, 0);
}

TEST_F(TokenProviderTest, TokenEndpoint503IsServerError) {
  {
    std::lock_guard lock(api_.mu_);
    api_.token_status_ = 503;
  }
  TokenProvider tp(options(), client_, clock_);
  auto t = tp.token();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().kind, ErrorKind::kServer);
  EXPECT_EQ(t.error().upstream_status, 503);
}

TEST(TokenOptionsTest, FromConfigReadsKeysWithSecretReference) {
  ::setenv("LT_TOKEN_TEST_SECRET", "abc", 1);
  auto cfg = ConfigFile::from_string(
      R"({"token_url": "https://lgsp.example.vn/token", "client_id": "cid",
          "client_secret": {"env": "LT_TOKEN_TEST_SECRET"}, "credentials": "form", "scope": "s",
          "refresh_margin_seconds": 30})");
  auto o = TokenOptions::from_config(cfg->root());
  EXPECT_EQ(o.token_url, "https://lgsp.example.vn/token");
  EXPECT_EQ(o.client_id, "cid");
  EXPECT_EQ(o.client_secret.reveal(), "abc");
  EXPECT_TRUE(o.credentials_in_body);
  EXPECT_EQ(o.scope, "s");
  EXPECT_EQ(o.refresh_margin.count(), 30);

  auto literal = ConfigFile::from_string(
      R"({"token_url": "https://x/token", "client_id": "cid", "client_secret": "plain"})");
  EXPECT_THROW(TokenOptions::from_config(literal->root()), ConfigError);
  auto bad_mode = ConfigFile::from_string(
      R"({"token_url": "https://x/token", "client_id": "cid", "client_secret": {"env": "LT_TOKEN_TEST_SECRET"},
          "credentials": "digest"})");
  EXPECT_THROW(TokenOptions::from_config(bad_mode->root()), ConfigError);
  auto bad_url = ConfigFile::from_string(
      R"({"token_url": "lgsp/token", "client_id": "cid", "client_secret": {"env": "LT_TOKEN_TEST_SECRET"}})");
  EXPECT_THROW(TokenOptions::from_config(bad_url->root()), ConfigError);
}

}  // namespace
}  // namespace lienthong::http
