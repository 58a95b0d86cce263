// Ministry webhooks through to DVCQG with the real binaries, on a portal that loses
// replies after applying a call and ends its session every 2 calls: each acknowledged
// status is applied at the portal exactly once (issue #26).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/common/sync_setup.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class WebhookPortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong-wh-portal-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    sim_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "lienthong.db").string(); }

  std::string write_config() {
    const std::string src = LIENTHONG_SOURCE_DIR;
    SyncConfig c;
    c.log_file = (dir_ / "lienthong.log").string();
    c.store = R"({"backend": "sqlite", "path": ")" + db_path() + R"("})";
    c.batch_size = 25;
    c.lease_ms = 1500;
    c.portal_timeout_ms = 1500;
    c.sections = R"("server": {"address": "127.0.0.1", "port": 0},
  "webhooks": {"sources": {"dkkd": {
    "secrets": {"current": {"env": "IT_WH_SECRET"}},
    "mapping": ")" +
                 src + R"(/mappings/webhooks/dkkd/mapping.json",
    "procedure_codes": ")" +
                 src + R"(/mappings/webhooks/dkkd/procedure_codes.json"}}},)";
    return write_sync_config((dir_ / "lienthong.json").string(), c, *sim_);
  }

  // A number from a query on the store, read with its own connection; -1 on failure.
  long long count(const std::string& sql) {
    sqlite3* db = nullptr;
    long long n = -1;
    if (sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 1000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
  }

  fs::path dir_;
  std::unique_ptr<SimAll> sim_;
};

TEST_F(WebhookPortalTest, LostRepliesAndSessionsEndingEveryTwoCallsApplyEachPushedStatusOnceAtThePortal) {
  // No provincial dossiers: only the ministry's pushes reach the portal.
  sim_ = std::make_unique<SimAll>(
      std::vector<std::string>{"--seed", "31", "--dossiers", "0", "--lost-reply-share", "0.1",
                               "--expire-session-after", "2"},
      (dir_ / "sim.err").string());
  const std::string config = write_config();
  const std::vector<std::string> env = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password",
                                        std::string("IT_WH_SECRET=") + kSecret};
  Process serve({kLienthong, "serve", "--config", config}, (dir_ / "serve.err").string(), env);
  auto line = serve.read_line(30s);
  ASSERT_TRUE(line) << "serve did not start; see " << dir_;
  const uint16_t port = static_cast<uint16_t>(parse_json(*line)["listening"].GetInt());

  // Three rounds for the same 150 dossiers, each a second after the previous (the portal
  // tells a repeated status by its time, which is in seconds): 450 statuses.
  constexpr int kRounds = 3, kPerRound = 150;
  int acknowledged = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto began = std::chrono::steady_clock::now();
    auto [rc, out] =
        run({kSim, "ministry", "--gateway", "http://127.0.0.1:" + std::to_string(port), "--source", "dkkd",
             "--secret", kSecret, "--count", std::to_string(kPerRound), "--start", "3000"},
            (dir_ / "ministry.err").string(), {}, 60s);
    EXPECT_EQ(rc, 0) << out;
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);) acknowledged += l.find(" 202 accepted") != std::string::npos;
    std::this_thread::sleep_until(began + 1100ms);
  }
  ASSERT_EQ(acknowledged, kRounds * kPerRound);

  auto deadline = std::chrono::steady_clock::now() + 90s;
  auto pending = [&] {
    return count("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg' AND state = 'pending'");
  };
  while (std::chrono::steady_clock::now() < deadline &&
         (pending() != 0 || count("SELECT COUNT(*) FROM dossier_events") < acknowledged)) {
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(pending(), 0) << "the outbox did not drain";
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'dead'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM dossier_events"), acknowledged);

  auto stats = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  auto faults = sim_->get(sim_->dvcqg_port, "/__sim/faults");
  EXPECT_GT(faults["lost_replies"].GetInt(), 10) << "replies should have been lost after the portal applied";
  EXPECT_GT(stats["session_expirations"].GetInt(), 20);
  EXPECT_EQ(stats["duplicates"].GetInt(), 0) << "a status was applied twice at the portal";
  EXPECT_EQ(stats["out_of_order"].GetInt(), 0);
  // The portal's count of applied status records equals the number of events.
  EXPECT_EQ(stats["progress_records"].GetInt(), acknowledged);

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0);
}

// A gateway that receives ministry pushes but does not pull the one-stop-shop (no sync
// section): DVCQG is still a destination `serve` delivers to.
TEST_F(WebhookPortalTest, WithoutASyncSectionPushedStatusesStillReachThePortal) {
  sim_ = std::make_unique<SimAll>(std::vector<std::string>{"--seed", "32", "--dossiers", "0"},
                                  (dir_ / "sim.err").string());
  const std::string config = write_config();
  {
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find(",\n  \"sync\":");
    ASSERT_NE(at, std::string::npos);
    text = text.substr(0, at) + "\n}";
    std::ofstream(config) << text;
  }
  const std::vector<std::string> env = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password",
                                        std::string("IT_WH_SECRET=") + kSecret};
  Process serve({kLienthong, "serve", "--config", config}, (dir_ / "serve.err").string(), env);
  auto line = serve.read_line(30s);
  ASSERT_TRUE(line) << "serve did not start; see " << dir_;
  const uint16_t port = static_cast<uint16_t>(parse_json(*line)["listening"].GetInt());
  auto [rc, out] = run({kSim, "ministry", "--gateway", "http://127.0.0.1:" + std::to_string(port), "--source",
                        "dkkd", "--secret", kSecret, "--count", "20", "--start", "5000"},
                       (dir_ / "ministry.err").string(), {}, 60s);
  ASSERT_EQ(rc, 0) << out;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  auto sent = [&] {
    return count("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg' AND state = 'sent'");
  };
  while (std::chrono::steady_clock::now() < deadline && sent() < 20) std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sent(), 20) << "DVCQG messages queued by webhooks were not delivered";
  EXPECT_EQ(sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt(), 20);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0);
}

}  // namespace
}  // namespace lienthong::testing
