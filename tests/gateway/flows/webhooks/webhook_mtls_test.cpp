// A mutual-TLS source over real TLS on loopback, with the dev certificates made by
// certs/make-dev-certs.sh: the registered client certificate (CN=bo-tu-phap) plus a valid
// signature is accepted; another valid certificate, or none, is refused with 401.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/http/http_client.hpp"
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

class WebhookMtlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = std::filesystem::temp_directory_path() / ("wh_certs_" + std::to_string(::getpid()));
    std::string cmd =
        std::string(LIENTHONG_SOURCE_DIR) + "/certs/make-dev-certs.sh " + certs_.string() + " >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(certs_); }

  void SetUp() override {
    ::setenv("WH_M_SECRET", kSecret, 1);
    store::SqliteOptions so;
    so.path = (certs_ / "db.sqlite").string();
    db_ = std::move(store::open_sqlite(so).value());
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v :
         {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(), WebhookReceiver::migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, SystemClock::instance());
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {"hotich": {"auth": "both", "payload": "soap",
        "secrets": {"current": {"env": "WH_M_SECRET"}}, "client_subjects": ["CN=bo-tu-phap,O=Bo Tu phap,C=VN"],
        "mapping": "mappings/webhooks/hotich/mapping.json",
        "procedure_codes": "mappings/webhooks/hotich/procedure_codes.json"}}}})",
                                   LIENTHONG_SOURCE_DIR);
    receiver_ =
        std::make_unique<WebhookReceiver>(with_journal(parse_config(cfg_->root().object("webhooks")), certs_),
                                          *db_, *outbox_, SystemClock::instance());
    server::ServerOptions o;
    o.tls.enabled = true;
    o.tls.cert_file = (certs_ / "server.crt").string();
    o.tls.key_file = (certs_ / "server.key").string();
    o.tls.client_ca_file = (certs_ / "ca.crt").string();
    o.tls.require_client_cert = false;  // the route decides, so that it can answer 401
    server_ = std::make_unique<server::HttpServer>(o);
    register_routes(*server_, *receiver_);
    port_ = server_->start();
  }
  void TearDown() override {
    server_->stop();
    server_.reset();
    receiver_.reset();
    outbox_.reset();
    db_.reset();
    std::filesystem::remove(certs_ / "db.sqlite");
    std::filesystem::remove(certs_ / "db.sqlite-wal");
    std::filesystem::remove(certs_ / "db.sqlite-shm");
  }

  http::ClientResponse post(const std::string& client_cert, int index) {
    http::ClientOptions co;
    co.tls.ca_file = (certs_ / "ca.crt").string();
    if (!client_cert.empty()) {
      co.tls.client_cert_file = (certs_ / (client_cert + ".crt")).string();
      co.tls.client_key_file = (certs_ / (client_cert + ".key")).string();
    }
    http::HttpClient client(co);
    sim::ministry::MessageSpec spec;
    spec.index = index;
    spec.now_ms = SystemClock::instance().now_ms();
    std::string body = sim::ministry::civil_status_soap(spec);
    std::string id = "mtls-" + std::to_string(index);
    int64_t ts = spec.now_ms / 1000;
    http::ClientRequest req;
    req.method = "POST";
    req.url = "https://localhost:" + std::to_string(port_) + "/v1/webhooks/hotich";
    req.body = body;
    req.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                   {"webhook-id", id},
                   {"webhook-timestamp", std::to_string(ts)},
                   {"webhook-signature", sign(decode_secret(kSecret).value(), id, ts, body)}};
    auto r = client.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : http::ClientResponse{};
  }

  static inline std::filesystem::path certs_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<server::HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(WebhookMtlsTest, RegisteredClientCertificateWithSignatureIsAccepted) {
  auto r = post("bo-tu-phap", 1);
  EXPECT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
}

TEST_F(WebhookMtlsTest, AnotherCertificateOrNoneIsRefused) {
  auto other = post("lgsp-client", 2);
  EXPECT_EQ(other.status, 401);
  EXPECT_NE(other.body.find("client-certificate-not-allowed"), std::string::npos) << other.body;
  auto none = post("", 3);
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("client-certificate-required"), std::string::npos) << none.body;
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
}

}  // namespace
}  // namespace lienthong::webhooks
