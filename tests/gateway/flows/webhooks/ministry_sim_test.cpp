// lienthong-sim ministry against the real route on loopback: every good and bad kind of
// push is answered as the gateway must (the simulator checks and returns 0 only then).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"

namespace lienthong::sim {
int run_ministry_sim(const std::vector<std::string>& args);
}

namespace lienthong::webhooks {
namespace {

// The intake journal of the test, next to its store.
WebhooksConfig with_journal(WebhooksConfig c, const std::filesystem::path& dir) {
  c.journal_dir = (dir / "journal").string();
  return c;
}

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kKey = "k3y+of/exactly=thirty-two-bytes!";

class MinistrySimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("WH_S_SECRET", kSecret, 1);
    ::setenv("WH_S_KEY", kKey, 1);
    dir_ = std::filesystem::temp_directory_path() /
           ("wh_sim_" + std::to_string(::getpid()) + "_" +
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
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, SystemClock::instance());
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {
        "dkkd": {"secrets": {"current": {"env": "WH_S_SECRET"}}, "body_limit_bytes": 65536,
                 "mapping": "mappings/webhooks/dkkd/mapping.json",
                 "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
        "hotich": {"payload": "soap", "secrets": {"current": {"env": "WH_S_SECRET"}},
                   "mapping": "mappings/webhooks/hotich/mapping.json",
                   "procedure_codes": "mappings/webhooks/hotich/procedure_codes.json"},
        "dvcqg-hs": {"auth": "shared_key", "answer": "dvcqg", "origin": "dvcqg",
                     "shared_key": {"secret": {"env": "WH_S_KEY"}, "body_field": "SecurityKey"},
                     "derived_id": {"dossier_fields": ["maHoSo"]},
                     "mapping": "mappings/webhooks/dkkd/mapping.json",
                     "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
        "lltp": {"auth": "shared_key", "answer": "lltp",
                 "shared_key": {"secret": {"env": "WH_S_KEY"}, "query_parameter": "maXacThuc"},
                 "mapping": "mappings/webhooks/dkkd/mapping.json",
                 "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
        "lgsp": {"auth": "lgsp_bearer", "bearer_tokens": {"current": {"env": "WH_S_KEY"}},
                 "mapping": "mappings/webhooks/dkkd/mapping.json",
                 "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
        "nhanhsdvcqg": {"auth": "trusted_upstream", "answer": "dvcqg",
                        "trusted_upstream": {"addresses": ["127.0.0.1"]},
                        "mapping": "mappings/webhooks/dkkd/mapping.json",
                        "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"}}}})",
                                   LIENTHONG_SOURCE_DIR);
    receiver_ =
        std::make_unique<WebhookReceiver>(with_journal(parse_config(cfg_->root().object("webhooks")), dir_),
                                          *db_, *outbox_, SystemClock::instance());
    server_ = std::make_unique<server::HttpServer>(server::ServerOptions{});
    register_routes(*server_, *receiver_);
    gateway_ = "http://127.0.0.1:" + std::to_string(server_->start());
  }
  void TearDown() override {
    server_->stop();
    server_.reset();
    receiver_.reset();
    outbox_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int sim(const std::string& source, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway", gateway_, "--source", source, "--secret", kSecret};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_ministry_sim(args);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<server::HttpServer> server_;
  std::string gateway_;
};

TEST_F(MinistrySimTest, GoodPushesAreAcceptedAndStored) {
  EXPECT_EQ(sim("dkkd", {"--count", "4", "--start", "100"}), 0);
  EXPECT_EQ(sim("hotich", {"--count", "3", "--soap", "--start", "200"}), 0);
  EXPECT_EQ(sim("hotich", {"--count", "2", "--soap12", "--start", "300"}), 0);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 9);
}

TEST_F(MinistrySimTest, EveryBadKindIsRefusedAsItMustBe) {
  for (std::string bad : {"wrong-signature", "stale", "future", "malformed", "oversized"}) {
    EXPECT_EQ(sim("dkkd", {"--bad", bad, "--size", "100000"}), 0) << bad;
  }
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
  EXPECT_EQ(sim("dkkd", {"--bad", "replay", "--start", "500"}), 0);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 1);
  EXPECT_EQ(sim("hotich", {"--soap", "--bad", "merged-code", "--start", "600"}), 0);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::Quarantine(*db_).count().value(), 1);
}

TEST_F(MinistrySimTest, TheSimulatorNoticesAWrongAnswer) {
  // Pushes to a source with the wrong secret are all refused: the simulator must say so.
  std::vector<std::string> args = {"--gateway", gateway_,
                                   "--source",  "dkkd",
                                   "--secret",  "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM="};
  EXPECT_EQ(sim::run_ministry_sim(args), 1);
}

TEST_F(MinistrySimTest, NationalSchemesAreAcceptedAndTheirFaultsRefusedInTheSendersShape) {
  auto national = [&](const std::string& source, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway", gateway_, "--source", source, "--key-env", "WH_S_KEY"};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_ministry_sim(args);
  };
  const std::vector<std::string> body_key = {"--auth",      "shared-key", "--key-field",
                                             "SecurityKey", "--answer",   "dvcqg"};
  const std::vector<std::string> query_key = {"--auth",    "shared-key", "--key-query",
                                              "maXacThuc", "--answer",   "lltp"};
  auto with = [](std::vector<std::string> a, std::vector<std::string> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  EXPECT_EQ(national("dvcqg-hs", with(body_key, {"--count", "2", "--start", "700"})), 0);
  EXPECT_EQ(national("lltp", with(query_key, {"--start", "710"})), 0);
  EXPECT_EQ(national("lgsp", {"--auth", "bearer", "--start", "720"}), 0);
  EXPECT_EQ(national("nhanhsdvcqg", {"--auth", "forward", "--answer", "dvcqg", "--start", "730"}), 0);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 5);
  for (std::string bad : {"wrong-key", "missing-key"}) {
    EXPECT_EQ(national("dvcqg-hs", with(body_key, {"--bad", bad, "--start", "740"})), 0) << bad;
    EXPECT_EQ(national("lltp", with(query_key, {"--bad", bad, "--start", "740"})), 0) << bad;
    EXPECT_EQ(national("lgsp", {"--auth", "bearer", "--bad", bad, "--start", "740"}), 0) << bad;
  }
  // Pushed twice without webhook-id: the second is answered from the first's receipt.
  EXPECT_EQ(national("dvcqg-hs", with(body_key, {"--bad", "replay", "--start", "750"})), 0);
  ASSERT_TRUE(receiver_->wait_applied());
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 6);
  // Expecting the wrong shape is noticed.
  EXPECT_EQ(national("dvcqg-hs", with(body_key, {"--answer", "standard", "--start", "760"})), 1);
}

}  // namespace
}  // namespace lienthong::webhooks
