// Ministry webhooks end to end with the real binaries: `lienthong serve` receives signed
// pushes from `lienthong-sim ministry`, is killed with SIGKILL while deliveries it has
// acknowledged are not yet in the store's tables (another connection holds the store's
// write lock), and after a restart every acknowledged delivery is stored exactly once.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "gateway/core/common/json.hpp"
#include "tests/integration/common/process.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::vector<std::string> kEnv = {std::string("IT_WH_SECRET=") + kSecret};

// The store's `synchronous`: NORMAL (the journal is written through its mapping) and FULL
// (the journal is synced in groups and the webhook route answers asynchronously).
class WebhookIntegrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = fs::temp_directory_path() / ("lienthong-wh-it-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string src = LIENTHONG_SOURCE_DIR;
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({
  "log": {"level": "info", "file": ")"
                           << (dir_ / "lienthong.log").string() << R"("},
  "store": {"backend": "sqlite", "path": ")"
                           << db_path() << R"(", "busy_timeout_ms": 200, "synchronous": ")" << GetParam()
                           << R"("},
  "server": {"address": "127.0.0.1", "port": 0},
  "webhooks": {"sources": {"dkkd": {
    "secrets": {"current": {"env": "IT_WH_SECRET"}},
    "mapping": ")" << src << R"(/mappings/webhooks/dkkd/mapping.json",
    "procedure_codes": ")" << src
                           << R"(/mappings/webhooks/dkkd/procedure_codes.json"}}}
})";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "lienthong.db").string(); }

  std::unique_ptr<Process> start_gateway(uint16_t& port) {
    auto p = std::make_unique<Process>(std::vector<std::string>{kLienthong, "serve", "--config", config_},
                                       (dir_ / "serve.err").string(), kEnv);
    auto line = p->read_line(20s);
    if (!line) return nullptr;
    auto d = json::parse(*line, "serve output");
    if (!d.ok() || !d->HasMember("listening")) return nullptr;
    port = static_cast<uint16_t>((*d)["listening"].GetInt());
    return p;
  }

  // One column of one query on the store, read with its own connection.
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

  fs::path dir_;
  std::string config_;
};

TEST_P(WebhookIntegrationTest, AcknowledgedDeliveriesSurviveKill9BeforeTheyAreStored) {
  uint16_t port = 0;
  auto gateway = start_gateway(port);
  ASSERT_TRUE(gateway) << "serve did not start; see " << (dir_ / "serve.err");

  // Another connection takes the store's write lock: the gateway's applier cannot store
  // anything, while deliveries are still acknowledged from the intake journal.
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &locker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto [status, out] = run({kSim, "ministry", "--gateway", url, "--source", "dkkd", "--secret", kSecret,
                            "--count", "40", "--start", "1000"},
                           (dir_ / "sim.err").string(), {}, 60s);
  EXPECT_EQ(status, 0) << out;
  std::set<std::string> acknowledged;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" 202 accepted") != std::string::npos) acknowledged.insert(line.substr(0, line.find(' ')));
  }
  ASSERT_EQ(acknowledged.size(), 40u) << out;
  // The journal lives next to the store unless configured otherwise.
  EXPECT_TRUE(fs::is_directory(db_path() + "-webhooks"));

  gateway->signal(SIGKILL);
  EXPECT_EQ(gateway->wait(10s), 128 + SIGKILL);
  gateway.reset();
  sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(locker);
  EXPECT_TRUE(column("SELECT webhook_id FROM webhook_receipts").empty())
      << "the lock should have kept every delivery out of the store until the kill";

  // The restarted gateway applies what its journal holds before anything else.
  gateway = start_gateway(port);
  ASSERT_TRUE(gateway) << "serve did not restart; see " << (dir_ / "serve.err");
  std::set<std::string> stored;
  for (int i = 0; i < 200 && stored.size() < acknowledged.size(); ++i) {
    std::this_thread::sleep_for(50ms);  // polling the store from outside the process
    auto ids = column("SELECT webhook_id FROM webhook_receipts");
    stored = std::set<std::string>(ids.begin(), ids.end());
  }
  EXPECT_EQ(stored, acknowledged);
  gateway->signal(SIGTERM);
  EXPECT_EQ(gateway->wait(20s), 0);

  // Exactly once: one event and one DVCQG message per delivery, also after another restart.
  gateway = start_gateway(port);
  ASSERT_TRUE(gateway);
  gateway->signal(SIGTERM);
  EXPECT_EQ(gateway->wait(20s), 0);
  EXPECT_EQ(column("SELECT COUNT(*) FROM dossier_events")[0], "40");
  EXPECT_EQ(column("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg'")[0], "40");
  EXPECT_EQ(column("SELECT COUNT(*) FROM webhook_receipts")[0], "40");
}

// A delivery quarantined for a merged code the table does not know is retried by an
// operator, with the CLI, after the table was fixed, while the gateway runs.
TEST_P(WebhookIntegrationTest, AQuarantinedDeliveryIsRetriedAfterTheTableIsFixed) {
  uint16_t port = 0;
  auto gateway = start_gateway(port);
  ASSERT_TRUE(gateway) << "serve did not start; see " << (dir_ / "serve.err");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto [status, out] = run({kSim, "ministry", "--gateway", url, "--source", "dkkd", "--secret", kSecret,
                            "--count", "1", "--start", "7000", "--bad", "merged-code"},
                           (dir_ / "sim.err").string(), {}, 60s);
  ASSERT_EQ(status, 0) << out;
  ASSERT_NE(out.find("202 quarantined"), std::string::npos) << out;
  auto list = [&] {
    auto [rc, text] = run({kLienthong, "quarantine", "list", "--json", "--config", config_},
                          (dir_ / "cli.err").string(), kEnv, 30s);
    EXPECT_EQ(rc, 0) << text;
    return text;
  };
  std::string listed;
  for (int i = 0; i < 100 && listed.find("webhook:dkkd") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);  // the applier stores it behind the answer
    listed = list();
  }
  auto q = json::parse(listed, "quarantine list");
  ASSERT_TRUE(q.ok() && q->IsArray() && q->Size() == 1) << listed;
  const std::string id = std::to_string((*q)[0]["id"].GetInt64());
  auto retry = [&] {
    return run({kLienthong, "quarantine", "retry", id, "--config", config_}, (dir_ / "retry.err").string(),
               kEnv, 30s);
  };
  // Not fixed yet: refused with the reason, exit 1.
  auto [rc1, out1] = retry();
  EXPECT_EQ(rc1, 1) << out1;
  EXPECT_EQ(column("SELECT COUNT(*) FROM dossier_events")[0], "0");

  // The operator adds the company type to the table, then retries.
  std::ifstream in(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/webhooks/dkkd/procedure_codes.json");
  std::string table((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string values = "\"values\": {";
  ASSERT_NE(table.find(values), std::string::npos);
  table.insert(table.find(values) + values.size(), "\"CHUA_DANG_KY\": \"2.000099.000.00.00.H56\",");
  const std::string fixed = (dir_ / "procedure_codes.json").string();
  std::ofstream(fixed) << table;
  std::ifstream cfg_in(config_);
  std::string cfg((std::istreambuf_iterator<char>(cfg_in)), std::istreambuf_iterator<char>());
  const std::string shipped =
      std::string(LIENTHONG_SOURCE_DIR) + "/mappings/webhooks/dkkd/procedure_codes.json";
  ASSERT_NE(cfg.find(shipped), std::string::npos);
  cfg.replace(cfg.find(shipped), shipped.size(), fixed);
  std::ofstream(config_) << cfg;

  auto [rc2, out2] = retry();
  EXPECT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("stored and queued for DVCQG"), std::string::npos) << out2;
  EXPECT_EQ(column("SELECT procedure_code FROM dossiers"),
            std::vector<std::string>{"2.000099.000.00.00.H56"});
  EXPECT_EQ(column("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg'")[0], "1");
  EXPECT_EQ(column("SELECT COUNT(*) FROM quarantine WHERE released_at_ms = 0")[0], "0");
  auto [rc3, out3] = retry();  // released: once is enough
  EXPECT_EQ(rc3, 1) << out3;
  auto [rc4, out4] =
      run({kLienthong, "quarantine", "retry", "--source", "dkkd", "--json", "--config", config_},
          (dir_ / "retry.err").string(), kEnv, 30s);
  EXPECT_EQ(rc4, 0) << out4;
  EXPECT_EQ(out4, "[]\n");  // nothing of the source left in quarantine
  EXPECT_EQ(column("SELECT COUNT(*) FROM dossier_events")[0], "1");
  gateway->signal(SIGTERM);
  EXPECT_EQ(gateway->wait(20s), 0);
}

INSTANTIATE_TEST_SUITE_P(Synchronous, WebhookIntegrationTest, ::testing::Values("NORMAL", "FULL"));

}  // namespace
}  // namespace lienthong::testing
