// Criminal-record requests from the national citizen app (issue #27), over the real HTTP
// server on loopback (port 0): GET …/LayMaHoSo hands out a dossier code stored before the
// answer and never handed out twice (also after a restart, also by two instances on one
// store); POST …/TaoHoSo is kept only under a code handed out to the source, once per code,
// answered {statusCode "00"|"01", errorDetail}; the shared code in the query string is
// checked on both steps; the simulator's two-step exchange and faults.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "adapters/lltp/lltp_request_record.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/issued_codes.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"

namespace lienthong::sim {
int run_lltp_sim(const std::vector<std::string>& args);
}

namespace lienthong::adapters::lltp {
namespace {

constexpr const char* kCode = "lltp-code-0123456789abcdef0123456789abcdef";
// 2026-11-02 09:00 in Vietnam (02:00 UTC).
constexpr int64_t kNowMs = 1'793'584'800'000;

class LltpWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("LLTP_TEST_CODE", kCode, 1);
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("lltp_wh_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    add_lltp_record_kinds(kinds_);
    open();
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }
  std::vector<store::Migration> all_migrations() {
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v : {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(),
                    webhooks::WebhookReceiver::migrations(), kinds_.migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  }
  void open() {
    store::SqliteOptions so;
    so.path = (dir_ / "db.sqlite").string();
    db_ = std::move(store::open_sqlite(so).value());
    ASSERT_TRUE(db_->migrate(all_migrations()).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {
        "lltp": {"auth": "shared_key", "answer": "lltp", "delivery_id": "derived",
                 "shared_key": {"secret": {"env": "LLTP_TEST_CODE"}, "query_parameter": "CodeGet"},
                 "record_kind": "lltp_request", "dossier_codes": {"unit": "H22.99"}},
        "other": {"auth": "shared_key", "answer": "lltp", "delivery_id": "derived",
                  "shared_key": {"secret": {"env": "LLTP_TEST_CODE"}, "query_parameter": "CodeGet"},
                  "record_kind": "lltp_request", "dossier_codes": {"unit": "H22.98"}}}}})",
                                   LIENTHONG_SOURCE_DIR);
    webhooks::WebhooksConfig wc = webhooks::parse_config(cfg_->root().object("webhooks"));
    wc.journal_dir = (dir_ / "journal").string();
    receiver_ = std::make_unique<webhooks::WebhookReceiver>(std::move(wc), *db_, *outbox_, clock_, 0, nullptr,
                                                            &kinds_);
    server_ = std::make_unique<server::HttpServer>(server::ServerOptions{});
    webhooks::register_routes(*server_, *receiver_);
    port_ = server_->start();
  }
  void close() {
    if (server_) server_->stop();
    server_.reset();
    receiver_.reset();
    outbox_.reset();
    db_.reset();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/webhooks/"; }
  http::ClientResponse call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    http::ClientRequest req;
    req.method = method;
    req.url = base() + path;
    req.body = body;
    if (!body.empty()) req.headers = {{"Content-Type", "application/json"}};
    auto r = client_.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : http::ClientResponse{};
  }
  std::string new_code(const std::string& source = "lltp") {
    auto r = call("GET", source + "/LayMaHoSo?CodeGet=" + kCode);
    EXPECT_EQ(r.status, 200) << r.body;
    return member(r.body, "data");
  }
  http::ClientResponse create(const std::string& code, const std::string& name = "Cong dan A",
                              const std::string& query = std::string("?CodeGet=") + kCode,
                              const std::string& source = "lltp") {
    return call("POST", source + "/TaoHoSo" + query, body(code, name));
  }
  static std::string body(const std::string& code, const std::string& name) {
    return R"({"maTinh":"22","tenTinh":"Quang Ninh","maHoSoMCDT":")" + code +
           R"(","ngayTiepNhan":"02/11/2026 09:30:00","nguonDangKy":1,"tenNguonDangKy":"VNeID",)"
           R"("toKhai":{"loaiPhieu":1,"nycHoTen":")" +
           name +
           R"(","nycSoGiayTo":"001090000001"},"thongTinBienLai":{"maTTHC":"2.000488","trangThaiGD":1},)"
           R"("ghiChuKhac":"x"})";
  }
  static std::string member(const std::string& json_text, const char* key) {
    auto d = json::parse(json_text);
    if (!d.ok() || !d->IsObject()) return "<not json>";
    return json::get_string(*d, key).value_or("<missing>");
  }
  int64_t stored() { return count_lltp_requests(*db_).value(); }
  void applied() { ASSERT_TRUE(receiver_->wait_applied(std::chrono::seconds(20))); }

  ManualClock clock_{kNowMs};
  std::filesystem::path dir_;
  webhooks::RecordKinds kinds_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<webhooks::WebhookReceiver> receiver_;
  std::unique_ptr<server::HttpServer> server_;
  uint16_t port_ = 0;
  http::HttpClient client_;
};

TEST_F(LltpWebhookTest, LayMaHoSoHandsOutNewCodesOfTheUnitAndDayAsTheResultObject) {
  auto r = call("GET", std::string("lltp/LayMaHoSo?CodeGet=") + kCode);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = json::parse(r.body).value();
  EXPECT_TRUE(d["succeeded"].GetBool());
  EXPECT_EQ(json::get_string(d, "data").value(), "H22.99-261102-0001");
  EXPECT_EQ(new_code(), "H22.99-261102-0002");
  EXPECT_EQ(new_code("other"), "H22.98-261102-0001") << "each unit counts on its own";
  // The next day in Vietnam (UTC+7) starts again at 0001: 17:00 UTC is midnight there.
  clock_.set_ms(kNowMs + 15LL * 3600 * 1000);
  EXPECT_EQ(new_code(), "H22.99-261103-0001");
}

TEST_F(LltpWebhookTest, CodesHandedOutAreNeverHandedOutAgainAfterARestart) {
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(seen.insert(new_code()).second);
  close();
  open();
  for (int i = 0; i < 3; ++i) {
    std::string c = new_code();
    EXPECT_TRUE(seen.insert(c).second) << c << " handed out twice";
  }
  EXPECT_EQ(db_->query("SELECT count(*) FROM webhook_issued_codes", {}).value()[0].i64(0), 6);
}

TEST_F(LltpWebhookTest, TwoInstancesOnOneStoreNeverHandOutTheSameCode) {
  // Two connections to the store, as two gateway instances, issuing at the same time: both
  // may read the same highest number; the primary key makes the loser take the next one.
  store::SqliteOptions so;
  so.path = (dir_ / "db.sqlite").string();
  auto second = std::move(store::open_sqlite(so).value());
  constexpr int kEach = 40;
  std::vector<std::string> from_a, from_b;
  auto issue = [](store::Database& db, std::vector<std::string>& out) {
    webhooks::IssuedCodes codes(db);
    for (int i = 0; i < kEach; ++i) {
      auto c = codes.issue("lltp", "H22.99", kNowMs);
      if (c.ok()) out.push_back(*c);
    }
  };
  std::thread ta(issue, std::ref(*db_), std::ref(from_a));
  std::thread tb(issue, std::ref(*second), std::ref(from_b));
  ta.join();
  tb.join();
  ASSERT_EQ(from_a.size() + from_b.size(), 2u * kEach);
  std::set<std::string> seen(from_a.begin(), from_a.end());
  seen.insert(from_b.begin(), from_b.end());
  EXPECT_EQ(seen.size(), 2u * kEach) << "a code was handed out twice";
  EXPECT_TRUE(seen.count("H22.99-261102-0080"));
}

TEST_F(LltpWebhookTest, TaoHoSoUnderAHandedOutCodeIsStoredOnceAndAnswered00) {
  std::string code = new_code();
  auto first = create(code);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(member(first.body, "statusCode"), "00");
  EXPECT_EQ(member(first.body, "errorDetail"), "");
  EXPECT_EQ(first.body.find("Cong dan"), std::string::npos) << "no personal data in the answer";
  auto again = create(code);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
  applied();
  EXPECT_EQ(stored(), 1);
  auto q = find_lltp_request(*db_, code).value();
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->province, "22");
  EXPECT_EQ(q->channel, "1");
  EXPECT_EQ(q->received_on, "02/11/2026 09:30:00");
  EXPECT_NE(q->declaration.find("\"loaiPhieu\":1"), std::string::npos);
  EXPECT_NE(q->receipt.find("2.000488"), std::string::npos);
  EXPECT_EQ(q->unread, std::vector<std::string>{"ghiChuKhac"});
  EXPECT_EQ(q->received_at_ms, kNowMs);
  EXPECT_EQ(db_->query("SELECT used_by IS NOT NULL FROM webhook_issued_codes WHERE code = ?", {code})
                .value()[0]
                .i64(0),
            1);
}

TEST_F(LltpWebhookTest, ACodeNeverHandedOutOrOfAnotherSourceIsRefused01) {
  auto unknown = create("H22.99-261102-0077");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(member(unknown.body, "statusCode"), "01");
  EXPECT_EQ(member(unknown.body, "reason"), "unknown-dossier-code");
  std::string others = new_code("other");
  auto foreign = create(others);
  EXPECT_EQ(member(foreign.body, "reason"), "unknown-dossier-code") << foreign.body;
  applied();
  EXPECT_EQ(stored(), 0);
}

TEST_F(LltpWebhookTest, AnotherRequestUnderAUsedCodeIsRefused01) {
  std::string code = new_code();
  ASSERT_EQ(member(create(code).body, "statusCode"), "00");
  auto other = create(code, "Cong dan B");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(member(other.body, "statusCode"), "01");
  EXPECT_EQ(member(other.body, "reason"), "dossier-code-used");
  EXPECT_EQ(other.body.find("Cong dan"), std::string::npos);
  applied();
  EXPECT_EQ(stored(), 1);
  EXPECT_NE(find_lltp_request(*db_, code).value()->declaration.find("Cong dan A"), std::string::npos);
}

TEST_F(LltpWebhookTest, AWrongOrMissingSharedCodeIsRefusedOnBothSteps) {
  auto wrong = call("GET", "lltp/LayMaHoSo?CodeGet=wrong");
  EXPECT_EQ(wrong.status, 401);
  auto d = json::parse(wrong.body).value();
  EXPECT_FALSE(d["succeeded"].GetBool());
  EXPECT_TRUE(d["data"].IsNull());
  EXPECT_EQ(json::get_string(d, "reason").value(), "bad-key");
  EXPECT_EQ(member(call("GET", "lltp/LayMaHoSo").body, "reason"), "missing-key");
  EXPECT_EQ(call("GET", std::string("nope/LayMaHoSo?CodeGet=") + kCode).status, 404);
  EXPECT_EQ(db_->query("SELECT count(*) FROM webhook_issued_codes", {}).value()[0].i64(0), 0);
  std::string code = new_code();
  auto bad = create(code, "A", "?CodeGet=wrong");
  EXPECT_EQ(member(bad.body, "statusCode"), "01");
  EXPECT_EQ(member(bad.body, "reason"), "bad-key");
  EXPECT_EQ(member(create(code, "A", "").body, "reason"), "missing-key");
  // The code is still free: the refused pushes did not use it.
  EXPECT_EQ(member(create(code).body, "statusCode"), "00");
}

TEST_F(LltpWebhookTest, ARequestWithoutItsCodeOrDeclarationIsRefused01) {
  auto no_code = call("POST", std::string("lltp/TaoHoSo?CodeGet=") + kCode,
                      R"({"maTinh":"22","toKhai":{"loaiPhieu":1}})");
  EXPECT_EQ(member(no_code.body, "statusCode"), "01");
  EXPECT_EQ(member(no_code.body, "reason"), "invalid-record");
  EXPECT_NE(member(no_code.body, "errorDetail").find("maHoSoMCDT"), std::string::npos);
  std::string code = new_code();
  auto no_form = call("POST", std::string("lltp/TaoHoSo?CodeGet=") + kCode,
                      R"({"maTinh":"22","maHoSoMCDT":")" + code + R"("})");
  EXPECT_NE(member(no_form.body, "errorDetail").find("toKhai"), std::string::npos) << no_form.body;
  applied();
  EXPECT_EQ(stored(), 0);
}

TEST_F(LltpWebhookTest, AcceptedRequestsSurviveARestartBeforeTheyAreApplied) {
  std::string code = new_code();
  ASSERT_EQ(member(create(code).body, "statusCode"), "00");
  close();  // whatever the applier had not stored is in the journal
  open();
  applied();
  EXPECT_EQ(stored(), 1);
  EXPECT_EQ(member(create(code).body, "statusCode"), "00") << "the redelivery is answered from its receipt";
  applied();
  EXPECT_EQ(stored(), 1);
}

TEST_F(LltpWebhookTest, TheSimulatorsTwoStepExchangeAndFaultsAreAnsweredAsExpected) {
  const std::string gw = "http://127.0.0.1:" + std::to_string(port_);
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway", gw, "--key-env", "LLTP_TEST_CODE", "--count", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_lltp_sim(args);
  };
  EXPECT_EQ(run({}), 0);
  EXPECT_EQ(run({"--bad", "replay"}), 0);
  EXPECT_EQ(run({"--bad", "wrong-code"}), 0);
  EXPECT_EQ(run({"--bad", "missing-code"}), 0);
  EXPECT_EQ(run({"--bad", "unknown-code"}), 0);
  applied();
  EXPECT_EQ(stored(), 4) << "two plain, two replayed once each";
  // The simulator notices an answer it did not expect: a wrong code expected to pass fails.
  ::setenv("LLTP_OTHER_CODE", "not-the-configured-code-0123456789abcdef", 1);
  EXPECT_EQ(sim::run_lltp_sim({"--gateway", gw, "--key-env", "LLTP_OTHER_CODE"}), 1);
}

TEST(LltpConfig, DossierCodesNeedARecordKindAndAUnitIdentifier) {
  ::setenv("LLTP_TEST_CODE", kCode, 1);
  auto parse = [](const std::string& source) {
    auto cfg =
        ConfigFile::from_string(R"({"webhooks": {"sources": {"s": )" + source + "}}}", LIENTHONG_SOURCE_DIR);
    return webhooks::parse_config(cfg->root().object("webhooks"));
  };
  const std::string auth =
      R"("auth": "shared_key", "delivery_id": "derived", "shared_key": {"secret": {"env": "LLTP_TEST_CODE"},
         "query_parameter": "CodeGet"})";
  EXPECT_EQ(parse("{" + auth + R"(, "record_kind": "lltp_request", "dossier_codes": {"unit": "H22.99"}})")
                .sources[0]
                .dossier_code_unit,
            "H22.99");
  try {
    parse("{" + auth +
          R"(, "mapping": "mappings/webhooks/dkkd/mapping.json", "dossier_codes": {"unit": "H22"}})");
    FAIL() << "dossier_codes without a record_kind accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("dossier_codes"), std::string::npos) << e.what();
  }
  try {
    parse("{" + auth + R"(, "record_kind": "lltp_request", "dossier_codes": {"unit": "H22 99/x"}})");
    FAIL() << "a unit with spaces accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unit"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lienthong::adapters::lltp
