// The receiver end to end without sockets: real SQLite (file-backed), the real outbox,
// the real mapping files under mappings/webhooks/, a manual clock.
#include "gateway/flows/webhooks/webhook_receiver.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/webhooks/quarantine_retry.hpp"
#include "gateway/flows/webhooks/receipts.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"
#include "sim/ministry/ministry_messages.hpp"

namespace lienthong::webhooks {
namespace {

// The intake journal of the test, next to its store.
WebhooksConfig with_journal(WebhooksConfig c, const std::filesystem::path& dir) {
  c.journal_dir = (dir / "journal").string();
  return c;
}

constexpr const char* kSecretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kSecretB = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
constexpr int64_t kNowMs = 1'795'000'000'000;  // 2026-11-18
constexpr const char* kSharedKey = "k3y-of-exactly-thirty-two-bytes!";

// Forwards to a real database; fails writes on demand (store unavailable).
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

class WebhookReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("WH_T_DKKD_A", kSecretA, 1);
    ::setenv("WH_T_DKKD_B", kSecretB, 1);
    ::setenv("WH_T_HOTICH", kSecretB, 1);
    ::setenv("WH_T_DVCQG_KEY", kSharedKey, 1);
    dir_ = std::filesystem::temp_directory_path() /
           ("wh_recv_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }

  std::string config_text(const std::string& dkkd_secrets = R"({"current": {"env": "WH_T_DKKD_A"}})") {
    return std::string(R"({"webhooks": {"notify": {"url": "http://127.0.0.1:9/api/v1/notifications"},
      "retry_after_seconds": 7,
      "sources": {
        "dkkd": {"secrets": )") +
           dkkd_secrets + R"(, "mapping": "mappings/webhooks/dkkd/mapping.json",
                 "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json",
                 "body_limit_bytes": 8192, "rate_limit": {"per_second": 5, "burst": 5}},
        "hotich": {"auth": "both", "payload": "soap", "secrets": {"k": {"env": "WH_T_HOTICH"}},
                   "client_subjects": ["CN=bo-tu-phap,O=Bo Tu phap,C=VN"],
                   "mapping": "mappings/webhooks/hotich/mapping.json",
                   "procedure_codes": "mappings/webhooks/hotich/procedure_codes.json"},
        "dvcqg-hs": {"auth": "shared_key", "answer": "dvcqg", "origin": "dvcqg",
                     "shared_key": {"secret": {"env": "WH_T_DVCQG_KEY"}, "body_field": "SecurityKey"},
                     "derived_id": {"dossier_fields": ["maHoSo"]},
                     "mapping": "mappings/webhooks/dkkd/mapping.json",
                     "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"},
        "lltp": {"auth": "shared_key", "answer": "lltp",
                 "shared_key": {"secret": {"env": "WH_T_DVCQG_KEY"}, "query_parameter": "maXacThuc"},
                 "derived_id": {"dossier_fields": ["maHoSo"]},
                 "mapping": "mappings/webhooks/dkkd/mapping.json",
                 "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json"}}}})";
  }

  void open(const std::string& dkkd_secrets = R"({"current": {"env": "WH_T_DKKD_A"}})", int64_t hwm = 0,
            uint64_t segment_bytes = 0, size_t max_backlog = 0) {
    store::SqliteOptions so;
    so.path = (dir_ / "lienthong.db").string();
    real_db_ = std::move(store::open_sqlite(so).value());
    db_ = std::make_unique<FlakyDatabase>(*real_db_);
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v :
         {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(), WebhookReceiver::migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    cfg_file_ = ConfigFile::from_string(config_text(dkkd_secrets), LIENTHONG_SOURCE_DIR);
    WebhooksConfig wc = with_journal(parse_config(cfg_file_->root().object("webhooks")), dir_);
    if (segment_bytes) wc.journal_segment_bytes = segment_bytes;
    if (max_backlog) wc.max_backlog = max_backlog;
    wc.journal_fsync = journal_fsync_;
    receiver_ = std::make_unique<WebhookReceiver>(std::move(wc), *db_, *outbox_, clock_, hwm);
  }
  void close() {
    receiver_.reset();
    outbox_.reset();
    db_.reset();
    real_db_.reset();
  }

  server::Request signed_request(const std::string& body, const std::string& id,
                                 const char* secret = kSecretA, std::string content_type = "application/json",
                                 int64_t ts_offset_s = 0) {
    server::Request r;
    r.method = "POST";
    r.path = "/v1/webhooks/x";
    r.body = body;
    int64_t ts = clock_.now_ms() / 1000 + ts_offset_s;
    r.headers = {{"content-type", content_type},
                 {"webhook-id", id},
                 {"webhook-timestamp", std::to_string(ts)},
                 {"webhook-signature", sign(decode_secret(secret).value(), id, ts, body)}};
    return r;
  }
  server::Request soap_request(const std::string& body, const std::string& id, bool soap12 = false) {
    auto r = signed_request(body, id, kSecretB, soap12 ? "application/soap+xml; charset=utf-8" : "text/xml");
    server::PeerCertificate pc;
    pc.subject = "CN=bo-tu-phap,O=Bo Tu phap,C=VN";
    pc.common_name = "bo-tu-phap";
    r.peer_certificate = pc;
    return r;
  }

  sim::ministry::MessageSpec spec(int index) {
    sim::ministry::MessageSpec s;
    s.index = index;
    s.now_ms = clock_.now_ms();
    return s;
  }
  std::string dkkd_body(int index) { return sim::ministry::business_registration_json(spec(index)); }
  // The same record as DVCQG would push it: no webhook-id, the key in the body.
  server::Request keyed_request(const std::string& body, const std::string& key = kSharedKey) {
    server::Request r;
    r.method = "POST";
    r.path = "/v1/webhooks/dvcqg-hs";
    r.headers = {{"content-type", "application/json"}};
    r.body = "{\"SecurityKey\":\"" + key + "\",\"service\":\"CapNhatTrangThai\"," + body.substr(1);
    return r;
  }

  // Accepted deliveries reach the store's tables through the applier thread: every look at
  // the store waits for it first.
  void settle() { ASSERT_TRUE(receiver_->wait_applied(std::chrono::seconds(20))); }
  int64_t events() {
    settle();
    return dossiers::DossierStore(*db_).count_events().value();
  }
  int64_t receipts() {
    settle();
    return Receipts(*db_).count().value();
  }
  int64_t quarantined() {
    settle();
    return dossiers::Quarantine(*db_).count().value();
  }
  int64_t outbox_messages() {
    settle();
    auto c = outbox_->counts().value();
    return c.pending + c.sent + c.dead;
  }
  // Nothing at all was written.
  void expect_no_side_effect() {
    EXPECT_EQ(events(), 0);
    EXPECT_EQ(receipts(), 0);
    EXPECT_EQ(quarantined(), 0);
    EXPECT_EQ(outbox_messages(), 0);
  }

  ManualClock clock_{kNowMs};
  bool journal_fsync_ = false;  // store.synchronous FULL: answers after the journal's group sync
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> real_db_;
  std::unique_ptr<FlakyDatabase> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_file_;
  std::unique_ptr<WebhookReceiver> receiver_;
};

TEST_F(WebhookReceiverTest, SignedJsonIsAcceptedThenAppliedAsEventOutboxAndReceipt) {
  auto s = spec(1);
  s.discriminator = "CO_PHAN";
  auto out =
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), "msg_1"));
  ASSERT_EQ(out.status, 202) << out.detail << out.body;
  EXPECT_FALSE(out.problem);
  EXPECT_EQ(out.reason, "accepted");
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(receipts(), 1);
  // The merged ministry code was resolved to the national code for a joint-stock company.
  settle();
  auto hist = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(s)).value();
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].procedure_code, "2.000031.000.00.00.H56");
  EXPECT_EQ(hist[0].source, "webhook:dkkd");
  EXPECT_EQ(hist[0].sequence, 1);
  // One message for DVCQG and one for the provincial system, both the canonical event.
  auto dv = outbox_->list({.destination = "dvcqg"}).value();
  auto ns = outbox_->list({.destination = "one_stop_shop_notify"}).value();
  ASSERT_EQ(dv.size(), 1u);
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(dv[0].ordering_key, "dossier:" + sim::ministry::dossier_code_for(s));
  EXPECT_EQ(dv[0].dedup_key, sim::ministry::dossier_code_for(s) + "#1#dvcqg");
  EXPECT_EQ(ns[0].ordering_key, "one_stop_shop_notify:" + sim::ministry::dossier_code_for(s));
  EXPECT_EQ(dv[0].payload, ns[0].payload);
  auto ev = model::from_json_string(dv[0].payload);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->procedure_code, "2.000031.000.00.00.H56");
  // The answer names the event by codes only.
  auto body = json::parse(out.body).value();
  EXPECT_EQ(json::get_string(body, "status"), "accepted");
  EXPECT_EQ(out.body.find("soGiayTo"), std::string::npos);
  EXPECT_EQ(out.body.find("Mẫu Thử"), std::string::npos);
}

TEST_F(WebhookReceiverTest, SoapFromTheMtlsSenderIsAcceptedInBothVersions) {
  auto a = receiver_->receive("hotich", soap_request(sim::ministry::civil_status_soap(spec(1)), "s-1"));
  ASSERT_EQ(a.status, 202) << a.detail << a.body;
  auto s2 = spec(2);
  s2.discriminator = "KET_HON";
  auto b =
      receiver_->receive("hotich", soap_request(sim::ministry::civil_status_soap(s2, true), "s-2", true));
  ASSERT_EQ(b.status, 202) << b.detail << b.body;
  EXPECT_EQ(events(), 2);
  settle();
  auto hist = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(s2)).value();
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].procedure_code, "1.000894.000.00.00.H56");
  EXPECT_EQ(hist[0].agency_level, "commune");
}

TEST_F(WebhookReceiverTest, UnknownSourceIs404WithoutSideEffect) {
  auto out = receiver_->receive("bo-xyz", signed_request(dkkd_body(1), "m"));
  EXPECT_EQ(out.status, 404);
  EXPECT_TRUE(out.problem);
  EXPECT_EQ(out.reason, "unknown-source");
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, BadOrMissingSignatureIs401WithoutSideEffect) {
  auto wrong = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1", kSecretB));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.reason, "bad-signature");
  auto req = signed_request(dkkd_body(1), "m2");
  req.headers.pop_back();  // no webhook-signature
  auto missing = receiver_->receive("dkkd", req);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.reason, "missing-headers");
  EXPECT_NE(missing.detail.find("webhook-signature"), std::string::npos);
  auto tampered = signed_request(dkkd_body(1), "m3");
  tampered.body[10] ^= 1;
  EXPECT_EQ(receiver_->receive("dkkd", tampered).status, 401);
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, StaleAndFutureTimestampsAre401AndSaySo) {
  auto stale =
      receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1", kSecretA, "application/json", -301));
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.reason, "stale-timestamp");
  EXPECT_NE(stale.detail.find("past"), std::string::npos);
  auto future =
      receiver_->receive("dkkd", signed_request(dkkd_body(1), "m2", kSecretA, "application/json", 301));
  EXPECT_EQ(future.status, 401);
  EXPECT_EQ(future.reason, "future-timestamp");
  EXPECT_NE(future.detail.find("future"), std::string::npos);
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, WrongContentTypeIs415WithoutSideEffect) {
  auto plain = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1", kSecretA, "text/plain"));
  EXPECT_EQ(plain.status, 415);
  EXPECT_EQ(plain.reason, "unsupported-media-type");
  // A JSON source sending SOAP: refused by type, not parsed.
  auto xml = receiver_->receive(
      "dkkd", signed_request(sim::ministry::civil_status_soap(spec(1)), "m2", kSecretA, "text/xml"));
  EXPECT_EQ(xml.status, 415);
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, BodyOverTheSourceLimitIs413WithoutSideEffect) {
  std::string big = dkkd_body(1);
  big.append(9000, ' ');
  auto out = receiver_->receive("dkkd", signed_request(big, "m1"));
  EXPECT_EQ(out.status, 413);
  EXPECT_EQ(receiver_->body_limit("dkkd"), 8192u);
  EXPECT_EQ(receiver_->body_limit("hotich"), kDefaultBodyLimit);
  EXPECT_FALSE(receiver_->body_limit("nope").has_value());
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, MalformedJsonAndXmlAre400NamingThePosition) {
  std::string body = dkkd_body(1);
  auto json_out = receiver_->receive("dkkd", signed_request(body.substr(0, body.size() / 2), "m1"));
  EXPECT_EQ(json_out.status, 400);
  EXPECT_EQ(json_out.reason, "malformed-payload");
  EXPECT_NE(json_out.detail.find("line 1"), std::string::npos) << json_out.detail;
  std::string soap = sim::ministry::civil_status_soap(spec(1));
  auto xml_out = receiver_->receive("hotich", soap_request(soap.substr(0, soap.size() - 30), "m2"));
  EXPECT_EQ(xml_out.status, 400);
  EXPECT_NE(xml_out.detail.find("line "), std::string::npos) << xml_out.detail;
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, RateLimitIs429WithRetryAfterAndRefillsWithTime) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(i + 1), "r" + std::to_string(i))).status,
              202);
  }
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(9), "r9"));
  EXPECT_EQ(out.status, 429);
  EXPECT_EQ(out.retry_after_s, 1);
  EXPECT_EQ(events(), 5);
  clock_.advance(Millis(1000));
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(9), "r9")).status, 202);
}

TEST_F(WebhookReceiverTest, StoreOverHighWaterMarkIs503WithRetryAfterWithoutSideEffect) {
  close();
  open(R"({"current": {"env": "WH_T_DKKD_A"}})", 1);
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1"));
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.reason, "store-full");
  EXPECT_EQ(out.retry_after_s, 7);
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, RedeliveryIsAnsweredFromItsReceiptEvenWhenTheStoreIsFullOrTheBodyMalformed) {
  const std::string body = dkkd_body(1);
  auto first = receiver_->receive("dkkd", signed_request(body, "m_full"));
  ASSERT_EQ(first.status, 202);
  close();
  open(R"({"current": {"env": "WH_T_DKKD_A"}})", 1);
  auto again = receiver_->receive("dkkd", signed_request(body, "m_full"));
  EXPECT_EQ(again.status, 202);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, first.body);
  // A new id is refused while the store is over its mark; a reused id with a malformed body
  // is still told that the id was used (not that the body is malformed).
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(2), "m_new")).reason, "store-full");
  close();
  open();
  EXPECT_EQ(receiver_->receive("dkkd", signed_request("{not json", "m_full")).status, 409);
  EXPECT_EQ(receiver_->receive("dkkd", signed_request("{not json", "m_other")).status, 400);
  EXPECT_EQ(events(), 1);
}

TEST_F(WebhookReceiverTest, StoreFailureDelaysApplyingButLosesNothing) {
  db_->fail_writes = true;
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1"));
  // Durable in the intake journal: accepted even though the store refuses writes.
  EXPECT_EQ(out.status, 202) << out.detail;
  EXPECT_FALSE(receiver_->wait_applied(std::chrono::milliseconds(300)));
  EXPECT_EQ(receiver_->backlog(), 1u);
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
  // A redelivery meanwhile is answered from the accepted job, not taken twice.
  auto again = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m1"));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, out.body);
  db_->fail_writes = false;
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(receipts(), 1);
  EXPECT_EQ(quarantined(), 0);
  EXPECT_EQ(outbox_messages(), 2);
}

TEST_F(WebhookReceiverTest, AcceptedDeliveryNotYetAppliedSurvivesAStopAndIsAppliedAtTheNextStart) {
  db_->fail_writes = true;  // the store takes nothing: the delivery stays in the journal only
  auto first = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m_crash"));
  ASSERT_EQ(first.status, 202);
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(2), "m_crash2")).status, 202);
  receiver_.reset();  // stops without applying (its applier cannot write)
  db_->fail_writes = false;
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 0);
  close();
  open();
  EXPECT_EQ(events(), 2);
  EXPECT_EQ(receipts(), 2);
  EXPECT_EQ(outbox_->counts("dvcqg").value().pending, 2);
  // Applied once: the redelivery is answered from the receipt, and a further restart
  // finds nothing left in the journal to apply.
  auto again = receiver_->receive("dkkd", signed_request(dkkd_body(1), "m_crash"));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, first.body);
  close();
  open();
  EXPECT_EQ(events(), 2);
  EXPECT_EQ(outbox_messages(), 4);
}

TEST_F(WebhookReceiverTest, JournalWriteFailureIs503WithoutSideEffect) {
  close();
  open(R"({"current": {"env": "WH_T_DKKD_A"}})", 0, /*segment_bytes=*/1);
  ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(1), "ok1")).status, 202);
  settle();
  // Every record starts a segment (segment_bytes 1): with the directory gone, it cannot.
  std::filesystem::remove_all(dir_ / "journal");
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(2), "m2"));
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.reason, "store-unavailable");
  EXPECT_EQ(out.retry_after_s, 7);
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(receipts(), 1);
  // The sender's retry succeeds once the journal can be written again.
  std::filesystem::create_directories(dir_ / "journal");
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(2), "m2")).status, 202);
  EXPECT_EQ(events(), 2);
}

TEST_F(WebhookReceiverTest, WithJournalFsyncConcurrentDeliveriesAreAnsweredAfterAGroupSync) {
  close();
  journal_fsync_ = true;
  open();
  ASSERT_TRUE(receiver_->answers_after_group_sync());
  // The blocking form waits for the sync itself.
  auto first = receiver_->receive("dkkd", signed_request(dkkd_body(1), "g1"));
  EXPECT_EQ(first.status, 202) << first.detail;
  // The asynchronous form answers later, on the syncing thread, whichever thread asked.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Outcome> outcomes;
  std::map<int, server::Request> requests;  // made here: the clock is not the senders'
  auto deliver = [&](int from, int to) {
    for (int n = from; n <= to; ++n) {
      if (!requests.count(n)) requests[n] = signed_request(dkkd_body(n), "g" + std::to_string(n));
    }
    std::vector<std::thread> senders;
    for (int n = from; n <= to; ++n) {
      senders.emplace_back([&, n] {
        receiver_->receive_async("dkkd", requests.at(n), [&](Outcome o) {
          std::lock_guard lock(mu);
          outcomes.push_back(std::move(o));
          cv.notify_all();
        });
      });
    }
    for (auto& t : senders) t.join();
  };
  clock_.advance(Millis(1000));  // the source's rate limit: 5 per second
  deliver(2, 6);
  clock_.advance(Millis(1000));
  deliver(7, 11);
  // A redelivery of an accepted one gets the same answer, also after the sync.
  clock_.advance(Millis(1000));
  deliver(11, 11);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return outcomes.size() == 11; }));
  }
  int accepted = 0, replayed = 0;
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, 202) << o.reason << " " << o.detail;
    if (o.replayed) {
      ++replayed;
    } else {
      ++accepted;
    }
  }
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(replayed, 1);
  settle();
  EXPECT_EQ(events(), 11);
  EXPECT_EQ(receipts(), 11);
  // Nothing is applied twice after a restart.
  close();
  open();
  settle();
  EXPECT_EQ(events(), 11);
}

TEST_F(WebhookReceiverTest, AppliedJournalSegmentsAreDeleted) {
  for (int i = 1; i <= 4; ++i) {
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(i), "s" + std::to_string(i))).status, 202);
  }
  settle();
  // Only the segment appends go to is left, and it is empty: nothing is read back at the
  // next start.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "journal")) {
    if (e.path().extension() == ".log") {
      ++files;
      EXPECT_EQ(std::filesystem::file_size(e.path()), 0u);
    }
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(events(), 4);
}

TEST_F(WebhookReceiverTest, BacklogOverItsLimitIs503WithoutSideEffect) {
  close();
  open(R"({"current": {"env": "WH_T_DKKD_A"}})", 0, 0, /*max_backlog=*/100);
  db_->fail_writes = true;
  // The rate limit of dkkd (5/s, burst 5) refills with the manual clock.
  for (int i = 1; i <= 100; ++i) {
    clock_.advance(Millis(1000));
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(i), "b" + std::to_string(i))).status, 202)
        << i;
  }
  clock_.advance(Millis(1000));
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(101), "b101"));
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.reason, "intake-backlog");
  EXPECT_EQ(out.retry_after_s, 7);
  db_->fail_writes = false;
  EXPECT_EQ(events(), 100);
  clock_.advance(Millis(1000));
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(101), "b101")).status, 202);
  EXPECT_EQ(events(), 101);
}

TEST_F(WebhookReceiverTest, RedeliveryReturnsTheSameAnswerWithoutASecondEffect) {
  const std::string body = dkkd_body(1);
  auto req = signed_request(body, "msg_same");
  auto first = receiver_->receive("dkkd", req);
  ASSERT_EQ(first.status, 202);
  clock_.advance(Millis(30'000));
  auto again = receiver_->receive("dkkd", signed_request(body, "msg_same"));  // re-signed retry
  auto replay = receiver_->receive("dkkd", req);                              // byte-identical replay
  for (auto* o : {&again, &replay}) {
    EXPECT_EQ(o->status, first.status);
    EXPECT_EQ(o->body, first.body);
    EXPECT_TRUE(o->replayed);
  }
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(receipts(), 1);
  EXPECT_EQ(outbox_messages(), 2);
}

TEST_F(WebhookReceiverTest, ReplayAfterTheToleranceOrUnderAnotherIdIsRefused) {
  auto req = signed_request(dkkd_body(1), "msg_captured");
  ASSERT_EQ(receiver_->receive("dkkd", req).status, 202);
  // An attacker changes the id to dodge idempotency: the id is signed.
  auto renamed = req;
  for (auto& [k, v] : renamed.headers) {
    if (k == "webhook-id") v = "msg_other";
  }
  EXPECT_EQ(receiver_->receive("dkkd", renamed).status, 401);
  // Replayed later than the tolerance: stale.
  clock_.advance(Millis(301'000));
  auto late = receiver_->receive("dkkd", req);
  EXPECT_EQ(late.status, 401);
  EXPECT_EQ(late.reason, "stale-timestamp");
  EXPECT_EQ(events(), 1);
}

TEST_F(WebhookReceiverTest, ReusedIdWithAnotherBodyIs409) {
  ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(1), "msg_x")).status, 202);
  auto out = receiver_->receive("dkkd", signed_request(dkkd_body(2), "msg_x"));
  EXPECT_EQ(out.status, 409);
  EXPECT_EQ(events(), 1);
}

TEST_F(WebhookReceiverTest, SecretRotationAcceptsOldAndNewThenOnlyNew) {
  close();
  open(R"({"current": {"env": "WH_T_DKKD_A"}, "next": {"env": "WH_T_DKKD_B"}})");
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(1), "a", kSecretA)).status, 202);
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(2), "b", kSecretB)).status, 202);
  close();
  open(R"({"next": {"env": "WH_T_DKKD_B"}})");
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(3), "c", kSecretA)).status, 401);
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(4), "d", kSecretB)).status, 202);
  EXPECT_EQ(events(), 3);
}

TEST_F(WebhookReceiverTest, AcknowledgedEventSurvivesARestartAndRedeliveryStillHasNoEffect) {
  auto req = signed_request(dkkd_body(1), "msg_durable");
  auto first = receiver_->receive("dkkd", req);
  ASSERT_EQ(first.status, 202);
  close();  // the gateway stops (or crashes) after answering
  open();
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(outbox_->counts("dvcqg").value().pending, 1);
  auto again = receiver_->receive("dkkd", req);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(outbox_messages(), 2);
}

TEST_F(WebhookReceiverTest, RedeliveriesAreRecognisedAfterARestartBeyondTheFirstPageOfReceipts) {
  // More receipts than one page of the start-up read, the delivery's own among the last.
  const std::string body = dkkd_body(1);
  auto first = receiver_->receive("dkkd", signed_request(body, "zz_last"));
  ASSERT_EQ(first.status, 202);
  settle();
  ASSERT_TRUE(db_->transaction([&]() -> Status {
                   Receipts r(*db_);
                   for (int i = 0; i < 10'050; ++i) {
                     Receipt x;
                     x.source = "dkkd";
                     x.webhook_id = "old_" + std::to_string(i);
                     x.body_sha256 = std::string(64, '0');
                     x.status = 202;
                     x.outcome = "accepted";
                     x.response_body = "{}";
                     x.received_at_ms = kNowMs;
                     LT_TRY(r.insert(x));
                   }
                   return {};
                 })
                  .ok());
  close();
  open();
  auto again = receiver_->receive("dkkd", signed_request(body, "zz_last"));
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, first.body);
  auto old = receiver_->receive("dkkd", signed_request(dkkd_body(2), "old_10049"));
  EXPECT_EQ(old.status, 409);  // known id, other body
  EXPECT_EQ(events(), 1);
}

TEST_F(WebhookReceiverTest, ReceiptRetentionForgetsTheDeletedIdsInMemoryAndKeepsTheOthers) {
  constexpr int64_t kDay = 86'400'000;
  std::map<int, std::string> bodies;  // the messages carry the clock's time: kept as sent
  auto body = [&](int i) -> const std::string& {
    if (!bodies.count(i)) bodies[i] = dkkd_body(i);
    return bodies[i];
  };
  for (int i = 1; i <= 3; ++i)
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(body(i), "old_" + std::to_string(i))).status, 202);
  settle();
  clock_.advance(Millis(10 * kDay));
  // Two more apply rounds, so that the old deliveries' answers are no longer held in memory.
  for (int i = 4; i <= 5; ++i) {
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(body(i), "new_" + std::to_string(i))).status, 202);
    settle();
  }
  // Taken just before the prune: known whether or not the applier stored it yet.
  const std::string late_body = body(6);
  auto late = receiver_->receive("dkkd", signed_request(late_body, "new_6"));
  ASSERT_EQ(late.status, 202);
  EXPECT_EQ(receiver_->known_ids(), 6u);

  auto none = receiver_->prune_receipts(kNowMs - kDay);  // nothing that old
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(receiver_->known_ids(), 6u);

  auto pruned = receiver_->prune_receipts(kNowMs + 5 * kDay);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 3);
  EXPECT_EQ(receiver_->known_ids(), 3u);
  EXPECT_EQ(receipts(), 3);

  clock_.advance(Millis(1000));  // the source's rate limit: 5 per second
  // Kept: redeliveries are answered as before, and nothing happens twice.
  auto again = receiver_->receive("dkkd", signed_request(body(4), "new_4"));
  EXPECT_TRUE(again.replayed);
  auto late_again = receiver_->receive("dkkd", signed_request(late_body, "new_6"));
  EXPECT_TRUE(late_again.replayed);
  EXPECT_EQ(late_again.body, late.body);
  // Forgotten: a redelivery after the retention is a new delivery (documented). This source
  // does not number its messages, so it becomes the dossier's next event.
  auto forgotten = receiver_->receive("dkkd", signed_request(body(1), "old_1"));
  EXPECT_EQ(forgotten.status, 202);
  EXPECT_FALSE(forgotten.replayed);
  EXPECT_EQ(events(), 7);
  EXPECT_EQ(outbox_messages(), 14);
  EXPECT_EQ(receipts(), 4);
  EXPECT_EQ(receiver_->known_ids(), 4u);
}

TEST_F(WebhookReceiverTest, UnmappedProcedureCodeIsQuarantinedAnd202) {
  auto s = spec(1);
  s.procedure_code = "DKDN-KHONG-CO";
  auto out = receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), "q1"));
  EXPECT_EQ(out.status, 202);
  EXPECT_EQ(out.reason, "quarantined");
  EXPECT_NE(out.body.find("DKDN-KHONG-CO"), std::string::npos) << out.body;
  settle();
  auto q = dossiers::Quarantine(*db_).list("webhook:dkkd").value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("DKDN-KHONG-CO"), std::string::npos);
  EXPECT_EQ(q[0].reason_kind, "mapping");
  EXPECT_NE(q[0].payload.find("DKDN-KHONG-CO"), std::string::npos) << "the record is kept as received";
  EXPECT_EQ(events(), 0);
  EXPECT_EQ(outbox_messages(), 0);
  EXPECT_EQ(receipts(), 1);
}

// `lienthong quarantine retry` (gateway/flows/webhooks/quarantine_retry.cpp), on deliveries the
// receiver quarantined: translated again with the source's table as fixed by an operator.
class QuarantineRetryTest : public WebhookReceiverTest {
 protected:
  // The webhooks config with dkkd's procedure-code table extended by `code`.
  WebhooksConfig fixed_config(const std::string& code) {
    WebhooksConfig wc = parse_config(cfg_file_->root().object("webhooks"));
    for (auto& sc : wc.sources) {
      if (sc.id != "dkkd") continue;
      std::ifstream in(sc.procedure_codes_file);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const std::string open = "\"codes\": {";
      auto at = text.find(open);
      EXPECT_NE(at, std::string::npos);
      text.insert(at + open.size(), "\n    \"" + code + "\": \"2.000099.000.00.00.H56\",");
      sc.procedure_codes_file = (dir_ / "fixed_codes.json").string();
      std::ofstream(sc.procedure_codes_file) << text;
    }
    return wc;
  }
  // A delivery of dossier `index` with a code missing from the table, quarantined.
  int64_t quarantined_delivery(int index, const std::string& id, const std::string& code = "DKDN-KHONG-CO") {
    auto s = spec(index);
    s.procedure_code = code;
    auto out = receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), id));
    EXPECT_EQ(out.reason, "quarantined");
    settle();
    auto q = dossiers::Quarantine(*db_).list("webhook:dkkd").value();
    for (const auto& r : q) {
      if (r.record_key == "webhook-id:" + id) return r.id;
    }
    ADD_FAILURE() << "delivery " << id << " is not in quarantine";
    return 0;
  }
  int64_t unreleased() { return dossiers::Quarantine(*db_).count("webhook:dkkd").value(); }
};

TEST_F(QuarantineRetryTest, AfterTheTableIsFixedTheDeliveryIsStoredQueuedAndReleased) {
  int64_t id = quarantined_delivery(1, "q1");
  ASSERT_EQ(unreleased(), 1);

  // Not fixed yet: the same reason, nothing written, the record stays.
  auto still = retry_quarantined(parse_config(cfg_file_->root().object("webhooks")), *db_, *outbox_, id,
                                 clock_.now_ms());
  ASSERT_FALSE(still.ok());
  EXPECT_EQ(still.error().kind, ErrorKind::kMapping);
  EXPECT_NE(still.error().message.find("DKDN-KHONG-CO"), std::string::npos) << still.error().message;
  EXPECT_NE(still.error().message.find("still does not translate"), std::string::npos);
  EXPECT_EQ(events(), 0);
  EXPECT_EQ(outbox_messages(), 0);
  EXPECT_EQ(unreleased(), 1);

  auto done = retry_quarantined(fixed_config("DKDN-KHONG-CO"), *db_, *outbox_, id, clock_.now_ms());
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->source, "dkkd");
  EXPECT_FALSE(done->duplicate);
  EXPECT_EQ(done->sequence, 1);
  auto history = dossiers::DossierStore(*db_).history(done->dossier_code).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].procedure_code, "2.000099.000.00.00.H56");
  EXPECT_EQ(history[0].source, "webhook:dkkd");
  EXPECT_EQ(outbox_messages(), 2);  // DVCQG and the provincial system
  EXPECT_EQ(outbox_->counts("dvcqg").value().pending, 1);
  EXPECT_EQ(unreleased(), 0);
  // The sender's answer stays what it was told.
  EXPECT_EQ(Receipts(*db_).find("dkkd", "q1").value()->outcome, "quarantined");

  // Once is enough.
  auto twice = retry_quarantined(fixed_config("DKDN-KHONG-CO"), *db_, *outbox_, id, clock_.now_ms());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(outbox_messages(), 2);
}

TEST_F(QuarantineRetryTest, ASourcesRecordsAreRetriedOldestFirstEachOnItsOwn) {
  int64_t first = quarantined_delivery(1, "s1");
  int64_t other_code = quarantined_delivery(2, "s2", "DKDN-KHAC");
  clock_.advance(Millis(1000));  // the source's rate limit: 5 per second
  int64_t third = quarantined_delivery(3, "s3");
  ASSERT_EQ(unreleased(), 3);

  auto all = retry_quarantined_source(fixed_config("DKDN-KHONG-CO"), *db_, *outbox_, "dkkd", clock_.now_ms());
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, first);
  EXPECT_EQ((*all)[1].id, other_code);
  EXPECT_EQ((*all)[2].id, third);
  EXPECT_TRUE((*all)[0].result.ok());
  ASSERT_FALSE((*all)[1].result.ok());  // its code is still missing: it stays
  EXPECT_NE((*all)[1].result.error().message.find("DKDN-KHAC"), std::string::npos);
  EXPECT_TRUE((*all)[2].result.ok());
  EXPECT_EQ(events(), 2);
  EXPECT_EQ(unreleased(), 1);

  // Another source's records are not touched; a source with none gives an empty list.
  auto none =
      retry_quarantined_source(fixed_config("DKDN-KHONG-CO"), *db_, *outbox_, "hotich", clock_.now_ms());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(unreleased(), 1);
}

TEST_F(QuarantineRetryTest, ALaterStatusOfTheDossierIsNotOvertakenByTheOlderOne) {
  int64_t id = quarantined_delivery(1, "q_old");
  // The same dossier's next status arrives with a known code and goes through.
  clock_.advance(Millis(60'000));
  auto later = spec(1);
  later.now_ms = clock_.now_ms();
  later.status = "HOAN_THANH";
  ASSERT_EQ(
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(later), "q_new"))
          .reason,
      "accepted");
  ASSERT_EQ(events(), 1);

  auto refused = retry_quarantined(fixed_config("DKDN-KHONG-CO"), *db_, *outbox_, id, clock_.now_ms());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  EXPECT_NE(refused.error().message.find("later status"), std::string::npos) << refused.error().message;
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(outbox_messages(), 2);
  EXPECT_EQ(unreleased(), 1);
}

TEST_F(QuarantineRetryTest, OnlyDeliveriesHeldBackBeforeTranslationAreRetried) {
  // A record of the sync flow, a missing record, and a delivery that was translated and
  // then met another event under its (dossier, sequence).
  dossiers::Quarantine q(*db_);
  int64_t sync_record =
      q.put("one_stop_shop", "H56-1#1", Error(ErrorKind::kValidation, "bad"), "{}", clock_.now_ms()).value();
  auto not_webhook = retry_quarantined(fixed_config("X"), *db_, *outbox_, sync_record, clock_.now_ms());
  ASSERT_FALSE(not_webhook.ok());
  EXPECT_EQ(not_webhook.error().kind, ErrorKind::kValidation);
  EXPECT_NE(not_webhook.error().message.find("not from a webhook"), std::string::npos);

  auto missing = retry_quarantined(fixed_config("X"), *db_, *outbox_, 999'999, clock_.now_ms());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);

  ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(1), "accepted_one")).reason, "accepted");
  settle();
  int64_t translated = q.put("webhook:dkkd", "webhook-id:accepted_one",
                             Error(ErrorKind::kConflict, "other content"), "{}", clock_.now_ms())
                           .value();
  auto after_translation = retry_quarantined(fixed_config("X"), *db_, *outbox_, translated, clock_.now_ms());
  ASSERT_FALSE(after_translation.ok());
  EXPECT_EQ(after_translation.error().kind, ErrorKind::kValidation);
  EXPECT_NE(after_translation.error().message.find("translated when it arrived"), std::string::npos)
      << after_translation.error().message;
  EXPECT_EQ(events(), 1);
}

// The answers are written without a rapidjson document: the same bytes one gives,
// escapes included (the answer is stored in the receipt and replayed byte for byte).
std::string answer_as_document_writes(const std::string& status, const std::string& webhook_id,
                                      const model::DossierStatusEvent* e, const std::string& reason) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  auto str = [&](const std::string& s) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  d.AddMember("status", str(status), a);
  d.AddMember("source", str("dkkd"), a);
  d.AddMember("webhook_id", str(webhook_id), a);
  if (e) {
    rapidjson::Value ev(rapidjson::kObjectType);
    ev.AddMember("dossier_code", str(e->dossier_code), a);
    if (e->sequence > 0) ev.AddMember("sequence", e->sequence, a);
    ev.AddMember("procedure_code", str(e->procedure_code), a);
    ev.AddMember("status", e->status, a);
    d.AddMember("event", ev, a);
  }
  if (!reason.empty()) d.AddMember("reason", str(reason), a);
  return json::to_string(d);
}

TEST_F(WebhookReceiverTest, AnswersAreTheCompactJsonOfTheirFieldsWithEscapes) {
  auto s = spec(1);
  const std::string id = "id-with-\\\"quote\"-and-\\backslash";
  auto out = receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), id));
  ASSERT_EQ(out.status, 202) << out.detail << out.body;
  settle();
  auto hist = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(s)).value();
  ASSERT_EQ(hist.size(), 1u);
  model::DossierStatusEvent e;
  e.dossier_code = hist[0].dossier_code;
  e.procedure_code = hist[0].procedure_code;
  e.status = hist[0].status;
  e.sequence = 0;  // assigned by the applier, after the answer
  EXPECT_EQ(out.body, answer_as_document_writes("accepted", id, &e, ""));

  auto q = spec(2);
  // Quotes escaped for the sender's JSON text: the code itself is DKDN-"KHÔNG"-CÓ.
  q.procedure_code = R"(DKDN-\"KHÔNG\"-CÓ)";
  auto quarantined =
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(q), "q-escaped"));
  ASSERT_EQ(quarantined.reason, "quarantined") << quarantined.body;
  auto parsed = json::parse(quarantined.body);
  ASSERT_TRUE(parsed.ok()) << quarantined.body;
  std::string reason = json::get_string(*parsed, "reason").value_or("");
  EXPECT_NE(reason.find("DKDN-\"KHÔNG\"-CÓ"), std::string::npos) << quarantined.body;
  EXPECT_EQ(quarantined.body, answer_as_document_writes("quarantined", "q-escaped", nullptr, reason));
  // A redelivery gets the stored answer, byte for byte.
  EXPECT_EQ(receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), id)).body,
            out.body);
}

// Accepted deliveries reach the store on their own: the applier's wait for a fuller batch
// is bounded, nothing has to flush it.
TEST_F(WebhookReceiverTest, AcceptedDeliveriesAreAppliedWithoutAFlush) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(receiver_->receive("dkkd", signed_request(dkkd_body(i), "g" + std::to_string(i))).status, 202);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (receiver_->backlog() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(receiver_->backlog(), 0u);
  EXPECT_EQ(dossiers::DossierStore(*db_).count_events().value(), 3);
  EXPECT_EQ(Receipts(*db_).count("dkkd").value(), 3);
}

TEST_F(WebhookReceiverTest, MergedCodeWithAnUnknownDiscriminatorIsQuarantined) {
  auto s = spec(1);
  s.discriminator = "CHUA_DANG_KY";
  auto out = receiver_->receive("hotich", soap_request(sim::ministry::civil_status_soap(s), "q2"));
  EXPECT_EQ(out.status, 202);
  EXPECT_EQ(out.reason, "quarantined");
  EXPECT_EQ(quarantined(), 1);
  EXPECT_EQ(events(), 0);
}

TEST_F(WebhookReceiverTest, ClientCertificateIsRequiredAndMustBeRegistered) {
  auto req = soap_request(sim::ministry::civil_status_soap(spec(1)), "c1");
  req.peer_certificate.reset();
  auto none = receiver_->receive("hotich", req);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.reason, "client-certificate-required");
  req.peer_certificate = server::PeerCertificate{"CN=someone-else", "someone-else", "00"};
  auto other = receiver_->receive("hotich", req);
  EXPECT_EQ(other.status, 401);
  EXPECT_EQ(other.reason, "client-certificate-not-allowed");
  // The right certificate without a signature is still refused: auth "both".
  auto unsigned_req = soap_request(sim::ministry::civil_status_soap(spec(1)), "c2");
  unsigned_req.headers.pop_back();
  EXPECT_EQ(receiver_->receive("hotich", unsigned_req).status, 401);
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, SuccessiveStatusesOfOneDossierGetSuccessiveSequences) {
  auto s = spec(1);
  s.status = "TIEP_NHAN";
  ASSERT_EQ(
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), "a")).status,
      202);
  s.status = "DANG_XU_LY";
  clock_.advance(Millis(1000));
  s.now_ms = clock_.now_ms();
  ASSERT_EQ(
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s), "b")).status,
      202);
  settle();
  auto hist = dossiers::DossierStore(*db_).history(sim::ministry::dossier_code_for(s)).value();
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].status, 2);
  EXPECT_EQ(hist[1].status, 4);
  EXPECT_EQ(hist[1].sequence, 2);
}

TEST_F(WebhookReceiverTest, SharedKeyPushWithoutWebhookIdIsKeptOnceAndAnsweredAsDvcqgReads) {
  std::string body = dkkd_body(1);
  auto out = receiver_->receive("dvcqg-hs", keyed_request(body));
  ASSERT_EQ(out.status, 200) << out.detail << out.body;
  EXPECT_FALSE(out.problem);
  EXPECT_EQ(out.reason, "accepted");
  EXPECT_EQ(out.body, R"({"error_code":0,"message":"Đã tiếp nhận hồ sơ )" +
                          sim::ministry::dossier_code_for(spec(1)) + "\"}");
  EXPECT_EQ(events(), 1);
  // The same record again (DVCQG retries): answered as before, nothing applied twice.
  auto again = receiver_->receive("dvcqg-hs", keyed_request(body));
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, out.body);
  EXPECT_EQ(events(), 1);
  EXPECT_EQ(receipts(), 1);
  // After a restart the receipt answers: the derived id is the same.
  close();
  open();
  auto later = receiver_->receive("dvcqg-hs", keyed_request(body));
  EXPECT_TRUE(later.replayed);
  EXPECT_EQ(events(), 1);
  // The dossier's receipt names the derived id: service | dossier | isUpdating | digest.
  settle();
  auto rows = db_->query("SELECT webhook_id FROM webhook_receipts WHERE source = 'dvcqg-hs'", {}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(0).rfind("CapNhatTrangThai|" + sim::ministry::dossier_code_for(spec(1)) + "|-|", 0),
            0u)
      << rows[0].str(0);
  // Another record of the same dossier (another status) is a new delivery.
  auto s2 = spec(1);
  s2.status = "HOAN_THANH";
  auto next = receiver_->receive("dvcqg-hs", keyed_request(sim::ministry::business_registration_json(s2)));
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_FALSE(next.replayed);
  EXPECT_EQ(events(), 2);
}

TEST_F(WebhookReceiverTest, WrongOrMissingSharedKeyIsRefusedWithoutSideEffect) {
  auto wrong =
      receiver_->receive("dvcqg-hs", keyed_request(dkkd_body(1), "k3y-of-exactly-thirty-two-bytes?"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.reason, "bad-key");
  auto req = keyed_request(dkkd_body(1));
  req.body = dkkd_body(1);  // no SecurityKey member
  auto missing = receiver_->receive("dvcqg-hs", req);
  EXPECT_EQ(missing.reason, "missing-key");
  // A key in the query string does not count for a body-key source.
  req.query["SecurityKey"] = kSharedKey;
  EXPECT_EQ(receiver_->receive("dvcqg-hs", req).reason, "missing-key");
  // Malformed JSON: the key in it cannot be read, so the push is refused as without one.
  auto broken = keyed_request(dkkd_body(1));
  broken.body.resize(broken.body.size() / 2);
  EXPECT_EQ(receiver_->receive("dvcqg-hs", broken).reason, "missing-key");
  expect_no_side_effect();
}

TEST_F(WebhookReceiverTest, QueryKeySourceAnswersInTheCriminalRecordShape) {
  server::Request r;
  r.path = "/v1/webhooks/lltp";
  r.headers = {{"content-type", "application/json"}};
  r.body = dkkd_body(3);
  r.query["maXacThuc"] = kSharedKey;
  auto out = receiver_->receive("lltp", r);
  ASSERT_EQ(out.status, 200) << out.detail << out.body;
  EXPECT_EQ(out.body, R"({"statusCode":"00","errorDetail":""})");
  EXPECT_EQ(events(), 1);
  r.query["maXacThuc"] = "nope";
  EXPECT_EQ(receiver_->receive("lltp", r).reason, "bad-key");
  EXPECT_EQ(events(), 1);
}

TEST_F(WebhookReceiverTest, ARecordFromDvcqgIsNotQueuedBackButALaterProvincialChangeIs) {
  auto from_dvcqg = receiver_->receive("dvcqg-hs", keyed_request(dkkd_body(1)));
  ASSERT_EQ(from_dvcqg.status, 200) << from_dvcqg.body;
  EXPECT_EQ(events(), 1);
  // Stored and told to the provincial system, not echoed to DVCQG.
  EXPECT_TRUE(outbox_->list({.destination = "dvcqg"}).value().empty());
  EXPECT_EQ(outbox_->list({.destination = "one_stop_shop_notify"}).value().size(), 1u);
  // The province's own later change to that dossier (here through another source) goes to DVCQG.
  auto s2 = spec(1);
  s2.status = "HOAN_THANH";
  auto later =
      receiver_->receive("dkkd", signed_request(sim::ministry::business_registration_json(s2), "own-1"));
  ASSERT_EQ(later.status, 202) << later.body;
  settle();
  auto dv = outbox_->list({.destination = "dvcqg"}).value();
  ASSERT_EQ(dv.size(), 1u);
  EXPECT_EQ(dv[0].dedup_key, sim::ministry::dossier_code_for(spec(1)) + "#2#dvcqg");
}

TEST_F(WebhookReceiverTest, AQuarantinedKeyedPushIsKeptWithoutItsKeyAndAnsweredAsKept) {
  auto s = spec(4);
  s.procedure_code = "DKDN-KHONG-CO";  // not in the table
  auto out = receiver_->receive("dvcqg-hs", keyed_request(sim::ministry::business_registration_json(s)));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.reason, "quarantined");
  EXPECT_NE(out.body.find(R"("error_code":0)"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("chờ cán bộ xử lý"), std::string::npos) << out.body;
  EXPECT_EQ(quarantined(), 1);
  auto rows = db_->query("SELECT payload FROM quarantine", {}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(0).find(kSharedKey), std::string::npos) << "the shared key is not kept";
  EXPECT_NE(rows[0].str(0).find("DKDN-KHONG-CO"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::webhooks
