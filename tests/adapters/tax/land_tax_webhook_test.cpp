// The land-tax pushes through the webhook receiver (issue #27): DVCQG's notice and voucher
// pushes, authenticated by the SecurityKey in the body, read by the tax adapter's reader
// (every ROW_LIST and LIST), journaled before the answer, stored once in tax_pushes by the
// applier, and loaded by reconciliation as obligations and payments.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "adapters/tax/land_tax_record.hpp"
#include "adapters/tax/push_inbox.hpp"
#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

namespace lienthong::sim {
int run_tax_push_sim(const std::vector<std::string>& args);
}

namespace lienthong::tax {
namespace {

constexpr const char* kKey = "land-tax-key-of-thirty-two-bytes";
constexpr int64_t kNowMs = 1'795'000'000'000;

// Forwards to a real database; fails writes on demand (the store down while pushes arrive).
class FlakyDatabase final : public store::Database {
 public:
  explicit FlakyDatabase(store::Database& inner) : inner_(inner) {}
  std::string_view backend() const override { return inner_.backend(); }
  Result<int64_t> exec(std::string_view sql, const store::Params& p) override {
    if (fail_writes) return make_error(ErrorKind::kStore, "disk I/O error (injected)");
    return inner_.exec(sql, p);
  }
  Result<int64_t> insert(std::string_view sql, const store::Params& p) override {
    if (fail_writes) return make_error(ErrorKind::kStore, "disk I/O error (injected)");
    return inner_.insert(sql, p);
  }
  Result<store::Rows> query(std::string_view sql, const store::Params& p) override {
    return inner_.query(sql, p);
  }
  Status transaction(const std::function<Status()>& fn) override { return inner_.transaction(fn); }
  Status migrate(const std::vector<store::Migration>& m) override { return inner_.migrate(m); }
  int64_t size_bytes() override { return inner_.size_bytes(); }
  bool fail_writes = false;

 private:
  store::Database& inner_;
};

class LandTaxWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("WH_LAND_TAX_KEY", kKey, 1);
    dir_ = std::filesystem::temp_directory_path() /
           ("land_tax_wh_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    add_land_tax_record_kinds(kinds_);
    open();
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }
  void open(bool fail_writes = false) {
    store::SqliteOptions so;
    so.path = (dir_ / "db.sqlite").string();
    real_db_ = std::move(store::open_sqlite(so).value());
    db_ = std::make_unique<FlakyDatabase>(*real_db_);
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v : {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(),
                    webhooks::WebhookReceiver::migrations(), kinds_.migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    db_->fail_writes = fail_writes;
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {
        "thue-tb": {"auth": "shared_key", "answer": "dvcqg", "record_kind": "land_tax_notice",
                    "shared_key": {"secret": {"env": "WH_LAND_TAX_KEY"}, "body_field": "SecurityKey"}},
        "thue-ct": {"auth": "shared_key", "answer": "dvcqg", "record_kind": "land_tax_voucher",
                    "shared_key": {"secret": {"env": "WH_LAND_TAX_KEY"}, "body_field": "SecurityKey"}},
        "thue-vxp": {"auth": "trusted_upstream", "answer": "dvcqg", "record_kind": "land_tax_notice",
                     "trusted_upstream": {"addresses": ["10.1.0.0/16"]}}}}})",
                                   LIENTHONG_SOURCE_DIR);
    webhooks::WebhooksConfig wc = webhooks::parse_config(cfg_->root().object("webhooks"));
    wc.journal_dir = (dir_ / "journal").string();
    receiver_ = std::make_unique<webhooks::WebhookReceiver>(std::move(wc), *db_, *outbox_, clock_, 0, nullptr,
                                                            &kinds_);
  }
  void close() {
    receiver_.reset();
    outbox_.reset();
    db_.reset();
    real_db_.reset();
  }
  server::Request push(const std::string& body) {
    server::Request r;
    r.method = "POST";
    r.path = "/v1/webhooks/x";
    r.headers = {{"content-type", "application/json"}};
    r.body = body;
    return r;
  }
  sim::tax_push::Envelope envelope(const char* service, const std::string& key = kKey) {
    sim::tax_push::Envelope e;
    e.security_key = key;
    e.service = service;
    e.ngay = "20261102143000";
    return e;
  }
  std::string notice(int index, int lists, const std::string& key = kKey) {
    return sim::tax_push::notice_push(
        envelope("ImportThongBaoThueFromDVCQG", key),
        sim::tax_push::notice_xml({sim::tax_push::sample_dossier(index, lists)}));
  }
  int64_t count(PushKind k) {
    EXPECT_TRUE(receiver_->wait_applied(std::chrono::seconds(20)));
    return PushInbox(*db_, clock_).count(k).value();
  }

  ManualClock clock_{kNowMs};
  std::filesystem::path dir_;
  webhooks::RecordKinds kinds_;
  std::unique_ptr<store::Database> real_db_;
  std::unique_ptr<FlakyDatabase> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<webhooks::WebhookReceiver> receiver_;
};

TEST_F(LandTaxWebhookTest, ANoticeIsStoredOnceWithEveryListAndReconciliationReadsThem) {
  auto out = receiver_->receive("thue-tb", push(notice(7, 3)));
  ASSERT_EQ(out.status, 200) << out.detail << out.body;
  auto d = json::parse(out.body).value();
  EXPECT_EQ(json::get_int(d, "error_code"), 0);
  EXPECT_NE(out.body.find("(3 dòng)"), std::string::npos) << out.body;
  EXPECT_EQ(out.body.find("0110000007"), std::string::npos) << "no taxpayer id in the answer";
  auto again = receiver_->receive("thue-tb", push(notice(7, 3)));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, out.body);
  EXPECT_EQ(count(PushKind::kNotice), 1);
  reconciliation::Dataset ds;
  EXPECT_EQ(PushInbox(*db_, clock_).load("THUE", ds).value(), 3);
  EXPECT_EQ(ds.obligations().size(), 3u);
  EXPECT_TRUE(ds.issues().empty());
  // Nothing of the taxpayer is kept.
  auto rows = db_->query("SELECT data FROM tax_pushes", {}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(0).find("0110000007"), std::string::npos) << rows[0].str(0);
}

TEST_F(LandTaxWebhookTest, TheLowerCaseEnvelopeIsReadBesideTheUpperCaseOne) {
  // {service, isUpdating, data} as DVCQG's forwarded pushes spell it (issue #27's table),
  // no key in the body: the X-Road/VXP adapter's path and address prove the sender.
  std::string xml = sim::tax_push::notice_xml({sim::tax_push::sample_dossier(9, 2)});
  std::string body = R"({"service":"NhanThongBaoThueDat","isUpdating":false,"data":{"FileThongBaoThue":")" +
                     base64_encode(xml) + R"("}})";
  server::Request r = push(body);
  r.path = "/XrdAdapter/RestService/forward/thue-vxp";
  r.remote_address = "10.1.2.3:5000";
  auto out = receiver_->receive("thue-vxp", r);
  ASSERT_EQ(out.status, 200) << out.detail << out.body;
  EXPECT_EQ(json::get_int(json::parse(out.body).value(), "error_code"), 0) << out.body;
  EXPECT_NE(out.body.find("(2 dòng)"), std::string::npos) << out.body;
  EXPECT_EQ(count(PushKind::kNotice), 1);
  reconciliation::Dataset ds;
  EXPECT_EQ(PushInbox(*db_, clock_).load("THUE", ds).value(), 2);
  auto rows = db_->query("SELECT service, is_updating FROM tax_pushes", {}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(0), "NhanThongBaoThueDat");
  EXPECT_EQ(rows[0].str(1), "false");
  // Both spellings of one member in one envelope: refused, naming them.
  r.body = R"({"service":"S","Service":"S","data":{"FileThongBaoThue":")" + base64_encode(xml) + R"("}})";
  auto both = receiver_->receive("thue-vxp", r);
  EXPECT_EQ(both.reason, "invalid-record") << both.detail;
  EXPECT_NE(both.detail.find("Service and service"), std::string::npos) << both.detail;
  auto shaped = webhooks::to_response(both, webhooks::AnswerShape::kDvcqg);
  EXPECT_EQ(shaped.status, 200);
  EXPECT_EQ(json::get_int(json::parse(shaped.body).value(), "error_code"), -1) << shaped.body;
  EXPECT_EQ(count(PushKind::kNotice), 1);
}

TEST_F(LandTaxWebhookTest, AVoucherBecomesAPayment) {
  auto dossier = sim::tax_push::sample_dossier(8, 1);
  auto v = sim::tax_push::sample_voucher(dossier, dossier.lines[0], "20261103091500");
  auto out = receiver_->receive("thue-ct",
                                push(sim::tax_push::voucher_push(envelope("ImportChungTuThueFromDVCQG"), v)));
  ASSERT_EQ(out.status, 200) << out.detail << out.body;
  EXPECT_EQ(count(PushKind::kVoucher), 1);
  reconciliation::Dataset ds;
  EXPECT_EQ(PushInbox(*db_, clock_).load("THUE", ds).value(), 1);
  ASSERT_EQ(ds.payments().size(), 1u);
}

TEST_F(LandTaxWebhookTest, WrongKeyMissingKeyAndABadLineAreRefusedAndNothingIsKept) {
  auto wrong = receiver_->receive("thue-tb", push(notice(9, 2, std::string(kKey) + "x")));
  EXPECT_EQ(wrong.reason, "bad-key");
  std::string body = notice(9, 2);
  auto cut = body.find("\"SecurityKey\"");
  ASSERT_NE(cut, std::string::npos);
  std::string no_key = body;
  no_key.replace(cut, std::string("\"SecurityKey\"").size(), "\"Khoa\"");
  EXPECT_EQ(receiver_->receive("thue-tb", push(no_key)).reason, "missing-key");
  // A LIST whose amount is not a whole number of đồng refuses the whole push, naming it.
  auto bad_dossier = sim::tax_push::sample_dossier(9, 2);
  bad_dossier.lines[1].amount = -5;
  auto bad = receiver_->receive("thue-tb",
                                push(sim::tax_push::notice_push(envelope("ImportThongBaoThueFromDVCQG"),
                                                                sim::tax_push::notice_xml({bad_dossier}))));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.reason, "invalid-record");
  EXPECT_NE(bad.detail.find("LIST"), std::string::npos) << bad.detail;
  auto not_base64 = receiver_->receive(
      "thue-tb", push(R"({"SecurityKey":")" + std::string(kKey) +
                      R"(","Service":"ImportThongBaoThueFromDVCQG","Data":{"FileThongBaoThue":"%%%"}})"));
  EXPECT_EQ(not_base64.reason, "invalid-record");
  EXPECT_EQ(count(PushKind::kNotice), 0);
}

TEST_F(LandTaxWebhookTest, AnAcceptedPushSurvivesTheStoreBeingDownAndARestartAndIsStoredOnce) {
  close();
  open(/*fail_writes=*/true);
  auto out = receiver_->receive("thue-tb", push(notice(11, 2)));
  ASSERT_EQ(out.status, 200) << out.detail << out.body;  // answered once in the journal
  EXPECT_FALSE(receiver_->wait_applied(std::chrono::milliseconds(300)));
  close();  // stopped (or killed) before the applier could store it
  open();
  EXPECT_EQ(count(PushKind::kNotice), 1);
  // Pushed again after the restart: answered from the receipt, not stored twice.
  auto again = receiver_->receive("thue-tb", push(notice(11, 2)));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(count(PushKind::kNotice), 1);
  reconciliation::Dataset ds;
  EXPECT_EQ(PushInbox(*db_, clock_).load("THUE", ds).value(), 2);
}

TEST_F(LandTaxWebhookTest, ASourceNamingAnUnknownKindIsAConfigError) {
  auto cfg = ConfigFile::from_string(R"({"webhooks": {"sources": {"x": {"auth": "shared_key",
      "record_kind": "ho_so_dat", "shared_key": {"secret": {"env": "WH_LAND_TAX_KEY"}, "body_field": "k"}}}}})",
                                     LIENTHONG_SOURCE_DIR);
  webhooks::WebhooksConfig wc = webhooks::parse_config(cfg->root().object("webhooks"));
  wc.journal_dir = (dir_ / "journal2").string();
  try {
    webhooks::WebhookReceiver r(std::move(wc), *db_, *outbox_, clock_, 0, nullptr, &kinds_);
    FAIL() << "built a receiver for an unknown record kind";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("webhooks.sources.x.record_kind"), std::string::npos) << e.what();
  }
}

TEST_F(LandTaxWebhookTest, TheTaxSimulatorPushesThroughTheWebhookRouteAndEveryFaultIsRefused) {
  server::HttpServer server(server::ServerOptions{});
  webhooks::register_routes(server, *receiver_);
  std::string gateway = "http://127.0.0.1:" + std::to_string(server.start());
  auto sim = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway",      gateway,
                                     "--security-key", kKey,
                                     "--notice-path",  "/v1/webhooks/thue-tb",
                                     "--voucher-path", "/v1/webhooks/thue-ct",
                                     "--answer",       "dvcqg"};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_tax_push_sim(args);
  };
  EXPECT_EQ(sim({"--count", "2", "--lists", "3", "--start", "20"}), 0);
  EXPECT_EQ(sim({"--bad", "replay", "--start", "30", "--lists", "1"}), 0);
  for (std::string bad : {"wrong-key", "missing-key", "bad-base64", "bad-xml", "bad-amount", "not-json"}) {
    EXPECT_EQ(sim({"--bad", bad, "--start", "40"}), 0) << bad;
  }
  // Expecting the reconciliation route's answer from a webhook source is noticed.
  EXPECT_EQ(sim({"--start", "50", "--no-vouchers", "--answer", "tax"}), 1);
  server.stop();
  // 2 + 1 + 1 notices (the last one was accepted, only its answer was not the expected shape).
  EXPECT_EQ(count(PushKind::kNotice), 4);
  EXPECT_EQ(count(PushKind::kVoucher), 7);  // 2 × 3 + 1
}

}  // namespace
}  // namespace lienthong::tax
