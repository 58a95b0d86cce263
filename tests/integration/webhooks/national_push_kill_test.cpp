// The national systems' record kinds end to end with the real binaries (issue #27):
// `lienthong serve` takes DVCQG hand-overs (lienthong-sim handover, on the X-Road/VXP
// forward path), land-tax notices (lienthong-sim tax-push, key in the body) and
// criminal-record requests (lienthong-sim lltp, LayMaHoSo then TaoHoSo), is killed with
// SIGKILL right after the accepted answers — the hand-overs and notices while another
// connection holds the store's write lock, so that none of them is in its table yet — and
// after a restart every accepted record is stored exactly once, also after another restart.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/core/common/json.hpp"
#include "tests/integration/common/process.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kTaxKey = "land-tax-key-0123456789abcdef0123456789";
constexpr const char* kLltpCode = "lltp-code-0123456789abcdef0123456789ab";
const std::vector<std::string> kEnv = {std::string("IT_TAX_KEY=") + kTaxKey,
                                       std::string("IT_LLTP_CODE=") + kLltpCode};

class NationalPushKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("lienthong-np-it-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({
  "log": {"level": "info", "file": ")"
                           << (dir_ / "lienthong.log").string() << R"("},
  "store": {"backend": "sqlite", "path": ")"
                           << db_path() << R"(", "busy_timeout_ms": 200},
  "server": {"address": "127.0.0.1", "port": 0},
  "webhooks": {"sources": {
    "nhanhsdvcqg": {"auth": "trusted_upstream", "answer": "dvcqg", "origin": "dvcqg",
                    "record_kind": "dvcqg_handover", "trusted_upstream": {"addresses": ["127.0.0.1", "::1"]}},
    "thue-tb": {"auth": "shared_key", "answer": "dvcqg", "record_kind": "land_tax_notice",
                "shared_key": {"secret": {"env": "IT_TAX_KEY"}, "body_field": "SecurityKey"}},
    "lltp": {"auth": "shared_key", "answer": "lltp", "delivery_id": "derived", "record_kind": "lltp_request",
             "shared_key": {"secret": {"env": "IT_LLTP_CODE"}, "query_parameter": "CodeGet"},
             "dossier_codes": {"unit": "H22.99"}}}}
})";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "lienthong.db").string(); }

  std::unique_ptr<Process> start_gateway(uint16_t& port) {
    auto p = std::make_unique<Process>(std::vector<std::string>{kLienthong, "serve", "--config", config_},
                                       (dir_ / "serve.err").string(), kEnv);
    auto line = p->read_line(30s);
    if (!line) return nullptr;
    auto d = json::parse(*line, "serve output");
    if (!d.ok() || !d->HasMember("listening")) return nullptr;
    port = static_cast<uint16_t>((*d)["listening"].GetInt());
    return p;
  }
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << db_path();
      sqlite3_close(db);
      return out;
    }
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
  std::string count(const std::string& table) {
    auto c = column("SELECT COUNT(*) FROM " + table);
    return c.empty() ? "?" : c[0];
  }
  static int lines_with(const std::string& text, const std::string& part) {
    int n = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) n += line.find(part) != std::string::npos;
    return n;
  }

  fs::path dir_;
  std::string config_;
};

TEST_F(NationalPushKillTest, EveryAcceptedRecordOfTheNewKindsIsStoredOnceAfterKill9) {
  uint16_t port = 0;
  auto gateway = start_gateway(port);
  ASSERT_TRUE(gateway) << "serve did not start; see " << (dir_ / "serve.err");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  // Criminal-record requests first: handing out and using a code writes to the store.
  auto [lltp_rc, lltp_out] =
      run({kSim, "lltp", "--gateway", url, "--key-env", "IT_LLTP_CODE", "--count", "3", "--bad", "replay"},
          (dir_ / "sim-lltp.err").string(), kEnv, 60s);
  ASSERT_EQ(lltp_rc, 0) << lltp_out;
  ASSERT_EQ(lines_with(lltp_out, "statusCode 00"), 6) << lltp_out;  // three, each sent twice

  // Another connection takes the store's write lock: hand-overs and notices are answered
  // from the intake journal and none of them reaches its table before the kill.
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &locker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto [ho_rc, ho_out] = run({kSim, "handover", "--gateway", url, "--count", "4", "--files", "2", "--start",
                              "500", "--bad", "replay"},
                             (dir_ / "sim-handover.err").string(), {}, 60s);
  EXPECT_EQ(ho_rc, 0) << ho_out;
  EXPECT_EQ(lines_with(ho_out, " 200 error_code 0"), 8) << ho_out;
  auto [tax_rc, tax_out] =
      run({kSim, "tax-push", "--gateway", url, "--security-key-env", "IT_TAX_KEY", "--count", "5", "--lists",
           "2", "--no-vouchers", "--notice-path", "/v1/webhooks/thue-tb", "--answer", "dvcqg"},
          (dir_ / "sim-tax.err").string(), kEnv, 60s);
  EXPECT_EQ(tax_rc, 0) << tax_out;

  gateway->signal(SIGKILL);
  EXPECT_EQ(gateway->wait(10s), 128 + SIGKILL);
  gateway.reset();
  sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(locker);
  EXPECT_EQ(count("handover_dossiers"), "0")
      << "the lock kept the hand-overs out of the store until the kill";
  EXPECT_EQ(count("tax_pushes"), "0");

  // The restarted gateway applies what its journal holds before anything else.
  gateway = start_gateway(port);
  ASSERT_TRUE(gateway) << "serve did not restart; see " << (dir_ / "serve.err");
  for (int i = 0; i < 200 && (count("handover_dossiers") != "4" || count("tax_pushes") != "5"); ++i) {
    std::this_thread::sleep_for(50ms);  // polling the store from outside the process
  }
  gateway->signal(SIGTERM);
  EXPECT_EQ(gateway->wait(20s), 0);
  // Exactly once, also after another restart.
  gateway = start_gateway(port);
  ASSERT_TRUE(gateway);
  gateway->signal(SIGTERM);
  EXPECT_EQ(gateway->wait(20s), 0);
  EXPECT_EQ(count("handover_dossiers"), "4");
  EXPECT_EQ(column("SELECT MAX(versions) FROM handover_dossiers")[0], "1") << "a replay is not an update";
  // Four forms and the documents' five distinct contents (the simulator repeats letters).
  EXPECT_EQ(count("handover_files"), "9");
  EXPECT_EQ(count("tax_pushes"), "5");
  EXPECT_EQ(count("lltp_requests"), "3");
  EXPECT_EQ(count("webhook_issued_codes"), "3");
  EXPECT_EQ(column("SELECT COUNT(*) FROM webhook_issued_codes WHERE used_by IS NULL")[0], "0");
  EXPECT_EQ(count("webhook_receipts"), "12");  // 4 hand-overs, 5 notices, 3 requests
  EXPECT_EQ(column("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg'")[0], "0")
      << "records from DVCQG are not queued back to it";
}

}  // namespace
}  // namespace lienthong::testing
