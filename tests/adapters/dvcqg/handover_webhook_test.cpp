// Dossiers handed over by DVCQG through the webhook receiver (issue #27): flat JSON with
// base64 files, from the X-Road/VXP adapter (trusted_upstream), answered in DVCQG's shape;
// files decoded and stored content-addressed within the source's record_limits; a second
// identical push is a duplicate, a changed one an update; nothing is queued to DVCQG.
// The cases are golden files: tests/adapters/dvcqg/golden/handover/<case>/{input,expected}.json.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/dvcqg/handover_record.hpp"
#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"
#include "gateway/flows/webhooks/webhook_routes.hpp"

namespace lienthong::sim {
int run_handover_sim(const std::vector<std::string>& args);
}

namespace lienthong::adapters::dvcqg {
namespace {

constexpr int64_t kNowMs = 1'795'000'000'000;
const std::filesystem::path kGolden =
    std::filesystem::path(LIENTHONG_SOURCE_DIR) / "tests/adapters/dvcqg/golden/handover";

class HandoverWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("handover_wh_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    add_handover_record_kinds(kinds_);
    open();
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    store::SqliteOptions so;
    so.path = (dir_ / "db.sqlite").string();
    db_ = std::move(store::open_sqlite(so).value());
    std::vector<store::Migration> all = dossiers::DossierStore::migrations();
    for (auto& v : {dossiers::Quarantine::migrations(), outbox::Outbox::migrations(),
                    webhooks::WebhookReceiver::migrations(), kinds_.migrations()}) {
      all.insert(all.end(), v.begin(), v.end());
    }
    ASSERT_TRUE(db_->migrate(all).ok());
    outbox_ = std::make_unique<outbox::Outbox>(*db_, outbox::Policy{}, clock_);
    cfg_ = ConfigFile::from_string(R"({"webhooks": {"sources": {
        "nhanhsdvcqg": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
                        "record_kind": "dvcqg_handover",
                        "trusted_upstream": {"addresses": ["10.1.0.0/16"]},
                        "record_limits": {"file_bytes": 4096, "record_bytes": 5000}},
        "sua": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
                "record_kind": "dvcqg_amendment", "trusted_upstream": {"addresses": ["10.1.0.0/16"]},
                "record_limits": {"file_bytes": 4096, "record_bytes": 5000, "fetch_timeout_ms": 1500,
                                  "fetch_hosts": ["127.0.0.1", "*.sua.example"]}},
        "sua-patient": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
                "record_kind": "dvcqg_amendment", "trusted_upstream": {"addresses": ["10.1.0.0/16"]},
                "record_limits": {"file_bytes": 4096, "record_bytes": 5000, "fetch_timeout_ms": 6000,
                                  "fetch_bytes": 100, "fetch_hosts": ["127.0.0.1"]}},
        "sua-lo": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
                   "record_kind": "dvcqg_amendment", "trusted_upstream": {"addresses": ["127.0.0.1", "::1"]},
                   "record_limits": {"file_bytes": 4096, "record_bytes": 5000, "fetch_hosts": ["127.0.0.1"]}},
        "lo": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
               "record_kind": "dvcqg_handover", "trusted_upstream": {"addresses": ["127.0.0.1", "::1"]},
               "record_limits": {"file_bytes": 4096, "record_bytes": 5000}}}}})",
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
  }
  webhooks::Outcome push(const std::string& body, const std::string& from = "10.1.4.20:40312",
                         const std::string& source = "nhanhsdvcqg") {
    server::Request r;
    r.method = "POST";
    r.path = "/XrdAdapter/RestService/forward/" + source;
    r.remote_address = from;
    r.headers = {{"content-type", "application/json"}};
    r.body = body;
    return receiver_->receive(source, r);
  }
  void applied() { ASSERT_TRUE(receiver_->wait_applied(std::chrono::seconds(20))); }
  int64_t outbox_messages() { return db_->query("SELECT count(*) FROM outbox", {}).value()[0].i64(0); }

  ManualClock clock_{kNowMs};
  std::filesystem::path dir_;
  webhooks::RecordKinds kinds_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<outbox::Outbox> outbox_;
  std::shared_ptr<ConfigFile> cfg_;
  std::unique_ptr<webhooks::WebhookReceiver> receiver_;
};

TEST_F(HandoverWebhookTest, GoldenCasesAreStoredOrRefusedAsExpected) {
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kGolden)) {
    SCOPED_TRACE(entry.path().filename().string());
    ++cases;
    std::string input = json::read_file((entry.path() / "input.json").string()).value();
    auto expected = json::parse_file((entry.path() / "expected.json").string()).value();
    auto out = push(input);
    EXPECT_EQ(out.status, json::get_int(expected, "status").value()) << out.detail << out.body;
    EXPECT_EQ(out.reason, json::get_string(expected, "reason").value()) << out.detail;
    if (auto part = json::get_string(expected, "detail_contains")) {
      EXPECT_NE(out.detail.find(*part), std::string::npos) << out.detail;
    }
    const rapidjson::Value* stored = json::member(expected, "stored");
    if (!stored) continue;
    applied();
    auto d = find_handover(*db_, json::get_string(*stored, "code").value()).value();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->procedure_code, json::get_string(*stored, "tthc").value());
    EXPECT_EQ(d->versions, json::get_int(*stored, "versions").value());
    const auto& files = (*stored)["files"];
    ASSERT_EQ(d->files.size(), files.Size());
    for (rapidjson::SizeType i = 0; i < files.Size(); ++i) {
      EXPECT_EQ(d->files[i].role, json::get_string(files[i], "role").value());
      EXPECT_EQ(d->files[i].name, json::get_string(files[i], "name").value());
      EXPECT_EQ(d->files[i].sha256, json::get_string(files[i], "sha256").value());
      EXPECT_EQ(d->files[i].bytes, json::get_int(files[i], "bytes").value());
      // The file itself is kept, decoded, under its digest.
      auto bytes = read_handover_file(*db_, d->files[i].sha256).value();
      ASSERT_TRUE(bytes.has_value());
      EXPECT_EQ(sha256_hex(*bytes), d->files[i].sha256);
      EXPECT_EQ(static_cast<int64_t>(bytes->size()), d->files[i].bytes);
    }
  }
  EXPECT_GE(cases, 7);
  // Refused cases kept nothing.
  applied();
  EXPECT_EQ(list_handovers(*db_, 100).value().size(), 2u);
}

TEST_F(HandoverWebhookTest, AnIdenticalPushIsADuplicateAndAChangedOneAnUpdate) {
  std::string input = json::read_file((kGolden / "promotion_notice_with_files/input.json").string()).value();
  auto first = push(input);
  ASSERT_EQ(first.status, 200) << first.detail;
  EXPECT_EQ(json::get_int(json::parse(first.body).value(), "error_code"), 0);
  auto again = push(input);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.body, first.body);
  applied();
  auto d = find_handover(*db_, "G22.99-261102-0001").value();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->versions, 1);

  // The same MaHoSo with another programme name and one document less: an update.
  auto doc = json::parse(input).value();
  doc["TenChuongTrinhKhuyenMai"].SetString("Khuyen mai mua xuan");
  doc["TaiLieuNop"].PopBack();
  clock_.advance(std::chrono::milliseconds(60000));
  auto changed = push(json::to_string(doc));
  ASSERT_EQ(changed.status, 200) << changed.detail;
  EXPECT_FALSE(changed.replayed);
  applied();
  d = find_handover(*db_, "G22.99-261102-0001").value();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->versions, 2);
  EXPECT_EQ(d->files.size(), 2u);
  EXPECT_EQ(d->updated_at_ms, kNowMs + 60'000);
  EXPECT_EQ(d->received_at_ms, kNowMs);
  EXPECT_NE(d->fields.find("Khuyen mai mua xuan"), std::string::npos);
  // Content-addressed: the files of both versions are stored once each.
  EXPECT_EQ(db_->query("SELECT count(*) FROM handover_files", {}).value()[0].i64(0), 3);
  // It came from DVCQG: nothing is queued back to it (nor anywhere else).
  EXPECT_EQ(outbox_messages(), 0);
}

TEST_F(HandoverWebhookTest, AnswersAndRefusalsNameCodesNotPersonalData) {
  std::string input = json::read_file((kGolden / "promotion_notice_with_files/input.json").string()).value();
  auto out = push(input);
  ASSERT_EQ(out.status, 200) << out.detail;
  EXPECT_NE(out.body.find("G22.99-261102-0001"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("3 tệp"), std::string::npos) << out.body;
  for (const char* personal : {"0100000000", "Cong ty TNHH Mau", "mau@example.invalid", "noi_dung.txt"})
    EXPECT_EQ(out.body.find(personal), std::string::npos) << personal;
  auto bad = push(json::read_file((kGolden / "bad_base64/input.json").string()).value());
  for (const char* personal : {"0100000000", "Cong ty TNHH Mau"})
    EXPECT_EQ(bad.detail.find(personal), std::string::npos) << personal;
}

TEST_F(HandoverWebhookTest, APushFromOutsideTheAdaptersAddressesIsRefused) {
  std::string input = json::read_file((kGolden / "promotion_notice_with_files/input.json").string()).value();
  auto out = push(input, "192.0.2.9:5000");
  EXPECT_EQ(out.reason, "untrusted-address");
  applied();
  EXPECT_TRUE(list_handovers(*db_, 10).value().empty());
}

TEST_F(HandoverWebhookTest, AnAcceptedHandoverIsStoredOnceAcrossARestart) {
  std::string input = json::read_file((kGolden / "no_files/input.json").string()).value();
  auto out = push(input);
  ASSERT_EQ(out.status, 200) << out.detail;
  close();
  open();
  applied();
  auto d = find_handover(*db_, "G22.99-261102-0002").value();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->versions, 1);
  EXPECT_TRUE(push(input).replayed);
}

TEST_F(HandoverWebhookTest, RecordLimitsNeedARecordKindAndAreChecked) {
  auto cfg = ConfigFile::from_string(R"({"webhooks": {"sources": {"x": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": ["10.0.0.0/8"]}, "mapping": "mappings/webhooks/dkkd/mapping.json",
      "record_limits": {"file_bytes": 10}}}}})",
                                     LIENTHONG_SOURCE_DIR);
  try {
    (void)webhooks::parse_config(cfg->root().object("webhooks"));
    FAIL() << "record_limits without a record_kind was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("record_limits"), std::string::npos) << e.what();
  }
  auto smaller = ConfigFile::from_string(R"({"webhooks": {"sources": {"x": {"auth": "trusted_upstream",
      "trusted_upstream": {"addresses": ["10.0.0.0/8"]}, "record_kind": "dvcqg_handover",
      "record_limits": {"file_bytes": 100, "record_bytes": 10}}}}})",
                                         LIENTHONG_SOURCE_DIR);
  EXPECT_THROW((void)webhooks::parse_config(smaller->root().object("webhooks")), ConfigError);
}

TEST_F(HandoverWebhookTest, TheHandoverSimulatorPushesOnTheForwardPathAndEveryFaultIsRefused) {
  server::HttpServer server(server::ServerOptions{});
  webhooks::register_routes(server, *receiver_);
  std::string gateway = "http://127.0.0.1:" + std::to_string(server.start());
  auto sim = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway",    gateway, "--path", "/XrdAdapter/RestService/forward/lo",
                                     "--file-bytes", "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_handover_sim(args);
  };
  EXPECT_EQ(sim({"--count", "2", "--start", "1"}), 0);
  EXPECT_EQ(sim({"--bad", "replay", "--start", "10"}), 0);
  EXPECT_EQ(sim({"--bad", "update", "--start", "20"}), 0);
  EXPECT_EQ(sim({"--bad", "too-large", "--start", "30", "--files", "1", "--file-bytes", "4097"}), 0);
  EXPECT_EQ(sim({"--bad", "bad-base64", "--start", "40"}), 0);
  EXPECT_EQ(sim({"--bad", "no-code", "--start", "50"}), 0);
  // A dossier over record_bytes sent as a good one: the simulator notices the refusal.
  EXPECT_EQ(sim({"--start", "60", "--files", "2", "--file-bytes", "3000"}), 1);
  server.stop();
  applied();
  auto all = list_handovers(*db_, 100).value();
  ASSERT_EQ(all.size(), 4u);  // 2 + 1 (replayed) + 1 (updated)
  auto updated = find_handover(*db_, "G22.99-SIM-000020").value();
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->versions, 2);
  auto replayed = find_handover(*db_, "G22.99-SIM-000010").value();
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ(replayed->versions, 1);
  EXPECT_EQ(outbox_messages(), 0);
}

}  // namespace
}  // namespace lienthong::adapters::dvcqg

namespace lienthong::adapters::dvcqg {
namespace {

// Amendments (record kind dvcqg_amendment): the file named by URLTepDangKy is fetched from
// a loopback file server before the answer.
class AmendmentWebhookTest : public HandoverWebhookTest {
 protected:
  void SetUp() override {
    HandoverWebhookTest::SetUp();
    files_.route("GET", "/files/{name}", [this](server::Request& req) {
      server::Response r;
      const std::string& name = req.path_params["name"];
      if (name == "sua_doi.pdf") {
        r.body = json::read_file(std::string(LIENTHONG_SOURCE_DIR) +
                                 "/tests/adapters/dvcqg/golden/amendment_file.pdf")
                     .value();
      } else if (name == "big") {
        r.body = std::string(5000, 'b');
      } else if (name == "slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(3000));
        r.body = "late";
      } else if (name == "flaky" && flaky_failures_.fetch_sub(1) > 0) {
        r.status = 500;
      } else if (name == "flaky") {
        r.body = "sua doi lan hai";
      } else {
        r.status = 404;
      }
      return r;
    });
    base_ = "http://127.0.0.1:" + std::to_string(files_.start());
  }
  void TearDown() override {
    files_.stop();
    HandoverWebhookTest::TearDown();
  }
  std::string amendment(const std::string& name) {
    std::string text =
        json::read_file((kGolden.parent_path() / "amendment" / name / "input.json").string()).value();
    for (size_t at; (at = text.find("{FILES}")) != std::string::npos;) text.replace(at, 7, base_);
    return text;
  }
  webhooks::Outcome push_amendment(const std::string& body) { return push(body, "10.1.4.20:40312", "sua"); }

  server::HttpServer files_{server::ServerOptions{}};
  std::atomic<int> flaky_failures_{1};
  std::string base_;
};

TEST_F(AmendmentWebhookTest, GoldenCasesAreStoredOrRefusedAsExpected) {
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kGolden.parent_path() / "amendment")) {
    SCOPED_TRACE(entry.path().filename().string());
    ++cases;
    auto expected = json::parse_file((entry.path() / "expected.json").string()).value();
    auto out = push_amendment(amendment(entry.path().filename().string()));
    EXPECT_EQ(out.status, json::get_int(expected, "status").value()) << out.detail << out.body;
    EXPECT_EQ(out.reason, json::get_string(expected, "reason").value()) << out.detail;
    if (auto part = json::get_string(expected, "detail_contains")) {
      EXPECT_NE(out.detail.find(*part), std::string::npos) << out.detail;
    }
    const rapidjson::Value* stored = json::member(expected, "stored");
    if (!stored) continue;
    applied();
    auto d = find_handover(*db_, json::get_string(*stored, "code").value()).value();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->procedure_code, json::get_string(*stored, "tthc").value());
    EXPECT_EQ(d->versions, json::get_int(*stored, "versions").value());
    const auto& files = (*stored)["files"];
    ASSERT_EQ(d->files.size(), files.Size());
    for (rapidjson::SizeType i = 0; i < files.Size(); ++i) {
      EXPECT_EQ(d->files[i].role, json::get_string(files[i], "role").value());
      EXPECT_EQ(d->files[i].sha256, json::get_string(files[i], "sha256").value());
      EXPECT_EQ(d->files[i].bytes, json::get_int(files[i], "bytes").value());
      auto bytes = read_handover_file(*db_, d->files[i].sha256).value();
      ASSERT_TRUE(bytes.has_value());
      EXPECT_EQ(sha256_hex(*bytes), d->files[i].sha256);
    }
  }
  EXPECT_GE(cases, 6);
  applied();
  EXPECT_EQ(list_handovers(*db_, 100).value().size(), 1u);  // the refused ones kept nothing
}

TEST_F(AmendmentWebhookTest, AnAmendmentUpdatesTheHandedOverDossierAndAddsItsFile) {
  ASSERT_EQ(
      push(json::read_file((kGolden / "promotion_notice_with_files/input.json").string()).value()).status,
      200);
  applied();
  auto doc = json::parse(amendment("amendment_with_file")).value();
  doc["data"]["MaHoSoQG"].SetString("G22.99-261102-0001");
  clock_.advance(std::chrono::milliseconds(5000));
  auto out = push_amendment(json::to_string(doc));
  ASSERT_EQ(out.status, 200) << out.detail;
  EXPECT_NE(out.body.find("sửa đổi hồ sơ G22.99-261102-0001 (1 tệp"), std::string::npos) << out.body;
  EXPECT_TRUE(push_amendment(json::to_string(doc)).replayed);
  applied();
  auto d = find_handover(*db_, "G22.99-261102-0001").value();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->versions, 2);
  EXPECT_EQ(d->procedure_code, "2.000004");
  ASSERT_EQ(d->files.size(), 4u);  // the hand-over's three and the amendment's
  EXPECT_EQ(d->files[3].role, "TepDangKy");
  EXPECT_NE(d->fields.find("Tang so luong qua tang"), std::string::npos) << d->fields;
  EXPECT_NE(d->fields.find("ThongTinSuaDoi"), std::string::npos) << d->fields;
  EXPECT_EQ(d->updated_at_ms, kNowMs + 5000);
  EXPECT_EQ(outbox_messages(), 0);  // from DVCQG: not queued back
}

TEST_F(AmendmentWebhookTest, AFailedFetchKeepsNothingAndTheAmendmentSentAgainIsAccepted) {
  auto doc = json::parse(amendment("amendment_with_file")).value();
  doc["data"]["URLTepDangKy"].SetString((base_ + "/files/flaky").c_str(), doc.GetAllocator());
  std::string body = json::to_string(doc);
  auto first = push_amendment(body);
  EXPECT_EQ(first.status, 503) << first.detail;
  EXPECT_EQ(first.reason, "file-fetch-failed");
  EXPECT_GT(first.retry_after_s, 0);
  applied();
  EXPECT_TRUE(list_handovers(*db_, 10).value().empty());
  auto again = push_amendment(body);  // the sender sends it again: not a replay of the refusal
  ASSERT_EQ(again.status, 200) << again.detail;
  EXPECT_FALSE(again.replayed);
  applied();
  auto d = find_handover(*db_, "G22.99-261105-0101").value();
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(read_handover_file(*db_, d->files[0].sha256).value(),
            std::optional<std::string>("sua doi lan hai"));

  // A file server slower than the fetch timeout: refused the same way, in bounded time.
  doc["data"]["MaHoSoQG"].SetString("G22.99-261105-0199");
  doc["data"]["URLTepDangKy"].SetString((base_ + "/files/slow").c_str(), doc.GetAllocator());
  auto started = std::chrono::steady_clock::now();
  auto slow = push_amendment(json::to_string(doc));
  EXPECT_EQ(slow.reason, "file-fetch-failed") << slow.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2900));
}

TEST_F(AmendmentWebhookTest, FetchTimeoutSizeAndHostsAreTheSourcesOwnSettings) {
  auto doc = json::parse(amendment("amendment_with_file")).value();
  auto with_url = [&](const std::string& url, const char* code) {
    doc["data"]["MaHoSoQG"].SetString(code, doc.GetAllocator());
    doc["data"]["URLTepDangKy"].SetString(url.c_str(), doc.GetAllocator());
    return json::to_string(doc);
  };
  // A host the source may not fetch from: refused before any connection, in DVCQG's shape.
  auto off = push_amendment(with_url("http://files.elsewhere.example/x.pdf", "G22.99-261105-0301"));
  EXPECT_EQ(off.status, 400);
  EXPECT_EQ(off.reason, "fetch-host-not-allowed") << off.detail;
  EXPECT_NE(off.detail.find("files.elsewhere.example"), std::string::npos) << off.detail;
  auto shaped = webhooks::to_response(off, webhooks::AnswerShape::kDvcqg);
  EXPECT_EQ(shaped.status, 200);
  EXPECT_NE(shaped.body.find("\"error_code\":-1"), std::string::npos) << shaped.body;
  EXPECT_NE(shaped.body.find("fetch-host-not-allowed"), std::string::npos) << shaped.body;
  // A name under an allowed "*.suffix" passes the check (and then fails to resolve: 503).
  auto under = push_amendment(with_url("http://a.sua.example:1/x.pdf", "G22.99-261105-0302"));
  EXPECT_EQ(under.reason, "file-fetch-failed") << under.detail;
  // The user-info part does not smuggle another host in.
  auto smuggled = push_amendment(with_url("http://127.0.0.1@evil.example/x", "G22.99-261105-0303"));
  EXPECT_EQ(smuggled.reason, "fetch-host-not-allowed") << smuggled.detail;
  // sua-patient waits 6 s (the slow file takes 3 s) but takes at most 100 bytes.
  auto patient =
      push(with_url(base_ + "/files/slow", "G22.99-261105-0304"), "10.1.4.20:40312", "sua-patient");
  EXPECT_EQ(patient.status, 200) << patient.detail;
  auto big = push(with_url(base_ + "/files/big", "G22.99-261105-0305"), "10.1.4.20:40312", "sua-patient");
  EXPECT_EQ(big.reason, "record-too-large") << big.detail;
  EXPECT_NE(big.detail.find("100 bytes (record_limits.fetch_bytes)"), std::string::npos) << big.detail;
  applied();
  EXPECT_EQ(list_handovers(*db_, 10).value().size(), 1u);
}

TEST(HandoverFetchHosts, HostsAreReadFromTheUrlAndMatchedExactlyOrBySuffix) {
  EXPECT_EQ(url_host("https://User@Files.DVC.gov.vn:8443/a?b#c"), "files.dvc.gov.vn");
  EXPECT_EQ(url_host("http://[::1]:80/x"), "::1");
  EXPECT_EQ(url_host("http://127.0.0.1@evil.example/x"), "evil.example");
  EXPECT_EQ(url_host("no-scheme"), "");
  EXPECT_TRUE(host_allowed("files.dvc.gov.vn", {"*.gov.vn"}));
  EXPECT_FALSE(host_allowed("gov.vn", {"*.gov.vn"}));
  EXPECT_FALSE(host_allowed("evilgov.vn", {"*.gov.vn"}));
  EXPECT_TRUE(host_allowed("dichvucong.gov.vn", {"DichVuCong.gov.vn"}));
  EXPECT_FALSE(host_allowed("dichvucong.gov.vn.evil", {"dichvucong.gov.vn"}));
  EXPECT_FALSE(host_allowed("", {"*.gov.vn"}));
  EXPECT_FALSE(host_allowed("a.gov.vn", {}));
}

TEST(HandoverFetchHosts, FetchSettingsAreCheckedAtConfigLoad) {
  auto parse = [](const std::string& limits) {
    auto cfg = ConfigFile::from_string(
        R"({"webhooks": {"sources": {"s": {"auth": "trusted_upstream", "record_kind": "dvcqg_amendment",
           "trusted_upstream": {"addresses": ["10.1.0.0/16"]}, "record_limits": )" +
            limits + "}}}}",
        LIENTHONG_SOURCE_DIR);
    return webhooks::parse_config(cfg->root().object("webhooks"));
  };
  auto ok = parse(R"({"fetch_timeout_ms": 5000, "fetch_hosts": ["*.gov.vn"]})").sources[0].record_limits;
  EXPECT_EQ(ok.fetch_timeout_ms, 5000);
  EXPECT_EQ(ok.fetch_limit(), ok.file_bytes);
  EXPECT_EQ(ok.fetch_hosts, std::vector<std::string>{"*.gov.vn"});
  EXPECT_EQ(parse("{}").sources[0].record_limits.fetch_timeout_ms, 20'000);
  for (const char* bad : {R"({"fetch_hosts": ["http://x.gov.vn/"]})", R"({"fetch_timeout_ms": 10})",
                          R"({"record_bytes": 100, "file_bytes": 100, "fetch_bytes": 200})"}) {
    EXPECT_THROW(parse(bad), ConfigError) << bad;
  }
}

TEST_F(AmendmentWebhookTest, TheSimulatorSendsHandoversThenTheirAmendmentsAndAFailedFetchIsRefused) {
  server::HttpServer server(server::ServerOptions{});
  webhooks::register_routes(server, *receiver_);
  std::string gateway = "http://127.0.0.1:" + std::to_string(server.start());
  auto sim = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "--gateway",    gateway, "--path",           "/XrdAdapter/RestService/forward/lo",
        "--file-bytes", "1000",  "--amendment-path", "/XrdAdapter/RestService/forward/sua-lo"};
    args.insert(args.end(), extra.begin(), extra.end());
    return sim::run_handover_sim(args);
  };
  EXPECT_EQ(sim({"--count", "2", "--start", "70", "--file-url", base_ + "/files/sua_doi.pdf"}), 0);
  EXPECT_EQ(sim({"--bad", "fetch-fails", "--start", "80", "--file-url", base_ + "/files"}), 0);
  // Expecting a fetch that fails to succeed is noticed.
  EXPECT_EQ(sim({"--start", "90", "--file-url", base_ + "/files/missing"}), 1);
  server.stop();
  applied();
  for (const char* code : {"G22.99-SIM-000070", "G22.99-SIM-000071"}) {
    auto d = find_handover(*db_, code).value();
    ASSERT_TRUE(d.has_value()) << code;
    EXPECT_EQ(d->versions, 2) << code;
    EXPECT_EQ(d->files.size(), 4u) << code;
  }
  auto failed = find_handover(*db_, "G22.99-SIM-000080").value();
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->versions, 1);  // its amendment was refused, not kept
}

}  // namespace
}  // namespace lienthong::adapters::dvcqg
