// The webhook route on the real Beast server over loopback (port 0): RFC 9457 bodies,
// Retry-After, the per-source body limit enforced while reading, idempotent redelivery.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"
#include "sim/ministry/ministry_messages.hpp"

namespace lienthong::webhooks {
namespace {

// The intake journal of the test, next to its store.
WebhooksConfig with_journal(WebhooksConfig c, const std::filesystem::path& dir) {
  c.journal_dir = (dir / "journal").string();
  return c;
}

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class WebhookHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("WH_H_SECRET", kSecret, 1);
    dir_ = std::filesystem::temp_directory_path() /
           ("wh_http_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store::SqliteOptions so;
    so.path = (dir_ / "db.sqlite").string();
    db_ = std::move(store::open_sqlite(so).value());
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v :
         {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(), WebhookReceiver::migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {"dkkd": {
        "secrets": {"current": {"env": "WH_H_SECRET"}},
        "mapping": "mappings/webhooks/dkkd/mapping.json",
        "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json",
        "body_limit_bytes": 4096, "rate_limit": {"per_second": 1, "burst": 3}},
      "nhanhsdvcqg": {"auth": "trusted_upstream", "answer": "dvcqg",
        "trusted_upstream": {"addresses": ["127.0.0.0/8", "::1"]},
        "derived_id": {"dossier_fields": ["maHoSo"]},
        "mapping": "mappings/webhooks/dkkd/mapping.json",
        "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
      "vxp-far": {"auth": "trusted_upstream", "answer": "dvcqg",
        "trusted_upstream": {"addresses": ["10.9.9.9"]},
        "mapping": "mappings/webhooks/dkkd/mapping.json"}}}})",
                                   LIENTHONG_SOURCE_DIR);
    WebhooksConfig wc = with_journal(parse_config(cfg_->root().object("webhooks")), dir_);
    wc.journal_fsync = journal_fsync();
    receiver_ = std::make_unique<WebhookReceiver>(std::move(wc), *db_, *outbox_, clock_);
    server_ = std::make_unique<server::HttpServer>(server::ServerOptions{});
    register_routes(*server_, *receiver_);
    port_ = server_->start();
  }
  // store.synchronous FULL: the route answers after the journal's group sync (asynchronously).
  virtual bool journal_fsync() const { return false; }
  void TearDown() override {
    server_->stop();
    server_.reset();
    receiver_.reset();
    outbox_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::ClientResponse post(const std::string& source, const std::string& body, const std::string& id,
                            const std::string& content_type = "application/json") {
    int64_t ts = clock_.now_ms() / 1000;
    http::ClientRequest req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(port_) + "/v1/webhooks/" + source;
    req.body = body;
    req.headers = {{"Content-Type", content_type},
                   {"webhook-id", id},
                   {"webhook-timestamp", std::to_string(ts)},
                   {"webhook-signature", sign(decode_secret(kSecret).value(), id, ts, body)}};
    auto r = client_.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : http::ClientResponse{};
  }
  // As the X-Road/VXP adapter forwards a DVCQG push: no signature, no webhook-id.
  http::ClientResponse forward(const std::string& path, const std::string& body) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    req.body = body;
    req.headers = {{"Content-Type", "application/json"}};
    auto r = client_.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : http::ClientResponse{};
  }
  std::string body(int i) {
    sim::ministry::MessageSpec s;
    s.index = i;
    s.now_ms = clock_.now_ms();
    return sim::ministry::business_registration_json(s);
  }
  // A new delivery is accepted; the same one again gets the same answer, marked replayed.
  void expect_accepted_then_replayed(int n, const std::string& id) {
    auto first = post("dkkd", body(n), id);
    EXPECT_EQ(first.status, 202) << first.body;
    EXPECT_EQ(member(first.body, "status"), "accepted");
    auto again = post("dkkd", body(n), id);
    EXPECT_EQ(again.status, 202);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
  }
  static std::string member(const std::string& json_text, const char* key) {
    auto d = json::parse(json_text);
    if (!d.ok()) return "<not json>";
    auto v = json::get_string(*d, key);
    return v.value_or("<missing>");
  }

  ManualClock clock_{1'795'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<server::HttpServer> server_;
  uint16_t port_ = 0;
  http::HttpClient client_;
};

TEST_F(WebhookHttpTest, AcceptedThenRedeliveredGetsTheSameAnswer) {
  expect_accepted_then_replayed(1, "msg_h1");
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
  std::string m = metrics::Registry::global().render();
  EXPECT_NE(m.find("lienthong_webhooks_received_total{source=\"dkkd\",outcome=\"replayed\"}"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("lienthong_webhooks_intake_backlog "), std::string::npos) << m;
}

class WebhookHttpFsyncTest : public WebhookHttpTest {
 protected:
  bool journal_fsync() const override { return true; }
};

TEST_F(WebhookHttpFsyncTest, TheAsynchronousRouteAnswersAcceptedRedeliveredAndRefusedDeliveries) {
  ASSERT_TRUE(receiver_->answers_after_group_sync());
  expect_accepted_then_replayed(1, "msg_f1");
  auto second = post("dkkd", body(2), "msg_f2");
  EXPECT_EQ(second.status, 202);
  // Refusals are answered at once, on the same route.
  auto unknown = post("nope", body(3), "msg_f3");
  EXPECT_EQ(unknown.status, 404);
  auto limited = post("dkkd", body(4), "msg_f4");  // burst 3: msg_f1, msg_f1 again, msg_f2
  EXPECT_EQ(limited.status, 429);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 2);
  // Operators see the syncs and how many deliveries each one answered.
  std::string m = metrics::Registry::global().render();
  EXPECT_NE(m.find("lienthong_webhooks_journal_sync_seconds_count "), std::string::npos) << m;
  EXPECT_NE(m.find("lienthong_webhooks_journal_synced_deliveries_total "), std::string::npos) << m;
}

TEST_F(WebhookHttpTest, RefusalsAreProblemJsonWithTypeAndReason) {
  auto r = post("nope", body(1), "m1");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.header("content-type").value_or("").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(member(r.body, "type"), std::string(kProblemTypeBase) + "unknown-source");
  EXPECT_EQ(member(r.body, "reason"), "unknown-source");
  EXPECT_NE(member(r.body, "detail").find("nope"), std::string::npos);
  auto t = post("dkkd", body(1), "m2", "text/plain");
  EXPECT_EQ(t.status, 415);
  EXPECT_NE(t.header("content-type").value_or("").find("application/problem+json"), std::string::npos);
}

TEST_F(WebhookHttpTest, RateLimitAnswers429WithRetryAfter) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post("dkkd", body(i + 1), "r" + std::to_string(i)).status, 202);
  auto r = post("dkkd", body(9), "r9");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after").value_or(""), "1");
}

TEST_F(WebhookHttpTest, BodyOverTheSourceLimitIs413FromTheServer) {
  std::string big = body(1);
  big.append(64 * 1024, ' ');
  auto r = post("dkkd", big, "big");
  EXPECT_EQ(r.status, 413);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
  EXPECT_EQ(post("dkkd", body(2), "small").status, 202) << "the server still answers after a 413";
}

TEST_F(WebhookHttpTest, SourceFromPathOnlyMatchesOneSegmentUnderThePrefix) {
  EXPECT_EQ(source_from_path("/v1/webhooks/dkkd", "/v1/webhooks"), "dkkd");
  EXPECT_EQ(source_from_path("/v1/webhooks/", "/v1/webhooks"), "");
  EXPECT_EQ(source_from_path("/v1/webhooksx/dkkd", "/v1/webhooks"), "");
  EXPECT_EQ(source_from_path("/v1/webhooks/a/b", "/v1/webhooks"), "");
  EXPECT_EQ(source_from_path("/other", "/v1/webhooks"), "");
}

TEST_F(WebhookHttpTest, ForwardedByTheTrustedAdapterIsAcceptedOnceAndAnsweredAsDvcqgReads) {
  auto first = forward("/XrdAdapter/RestService/forward/nhanhsdvcqg", body(1));
  EXPECT_EQ(first.status, 200) << first.body;
  auto d = json::parse(first.body).value();
  EXPECT_EQ(json::get_int(d, "error_code"), 0) << first.body;
  auto again = forward("/XrdAdapter/RestService/forward/nhanhsdvcqg", body(1));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
}

TEST_F(WebhookHttpTest, RefusalsOfADvcqgSourceAreItsShapeWithTheReason) {
  // Not through the adapter's path: refused, in the sender's shape, HTTP 200.
  auto direct = forward("/v1/webhooks/nhanhsdvcqg", body(1));
  EXPECT_EQ(direct.status, 200) << direct.body;
  auto d = json::parse(direct.body).value();
  EXPECT_EQ(json::get_int(d, "error_code"), -1);
  EXPECT_EQ(json::get_string(d, "reason"), "not-forwarded");
  EXPECT_NE(json::get_string(d, "message").value_or("").find("/XrdAdapter/RestService/forward"),
            std::string::npos);
  // Through the path but from an address that is not the adapter's.
  auto far = forward("/XrdAdapter/RestService/forward/vxp-far", body(2));
  EXPECT_EQ(far.status, 200);
  EXPECT_EQ(json::get_string(json::parse(far.body).value(), "reason"), "untrusted-address");
  // A Standard Webhooks source keeps its RFC 9457 problems.
  auto unsigned_post = forward("/v1/webhooks/dkkd", body(3));
  EXPECT_EQ(unsigned_post.status, 401);
  EXPECT_EQ(member(unsigned_post.body, "reason"), "missing-headers");
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
}

}  // namespace
}  // namespace lienthong::webhooks
