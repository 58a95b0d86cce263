// The first flow end to end: the real `lienthong` against `lienthong-sim all` on loopback,
// with injected 5xx answers, timeouts, dropped connections, lost replies, LGSP tokens
// revoked mid-run and DVCQG sessions expiring mid-run. Asserts on what the simulated
// portal itself recorded: every valid dossier's every status exactly once and in order,
// every invalid dossier in quarantine with the right reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/common/sync_setup.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::vector<std::string> kEnv = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password"};

class SyncIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong-it-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    sim_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void start_sim(const std::vector<std::string>& extra) {
    sim_ = std::make_unique<SimAll>(extra, (dir_ / "sim.err").string());
  }

  // `sections`: more top-level sections, each followed by a comma.
  std::string write_config(int page_size, int batch_size, const std::string& sections = "") {
    SyncConfig c;
    c.log_file = (dir_ / "lienthong.log").string();
    c.store = R"({"backend": "sqlite", "path": ")" + (dir_ / "lienthong.db").string() + R"("})";
    c.sections = sections;
    c.page_size = page_size;
    c.batch_size = batch_size;
    c.lease_ms = 1500;
    c.source_timeout_ms = 600;
    c.portal_timeout_ms = 1500;
    return write_sync_config((dir_ / "lienthong.json").string(), c, *sim_);
  }

  std::pair<int, std::string> lienthong(std::vector<std::string> args) {
    std::vector<std::string> argv = {kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, (dir_ / "lienthong.err").string(), kEnv, 90s);
  }

  // Compares the portal's own records with what the provincial data set implies, and
  // finds every invalid dossier in quarantine with the right reason.
  void expect_portal_matches_source(const std::string& config) {
    int valid = expect_portal_has_source_history(*sim_);
    auto [rc, out] = lienthong({"quarantine", "list", "--json", "--config", config});
    ASSERT_EQ(rc, 0);
    auto q = parse_json(out);
    std::map<std::string, std::string> quarantined;  // record key → reason
    for (auto& r : q.GetArray()) quarantined[r["record_key"].GetString()] = r["reason"].GetString();

    int invalid = 0;
    auto expected = sim_->get(sim_->oss_port, "/__sim/expected");
    for (auto& d : expected["dossiers"].GetArray()) {
      if (d["invalid"].IsNull()) continue;
      ++invalid;
      std::string key =
          std::string(d["ma_ho_so"].GetString()) + "#" + std::to_string(d["quarantine_sequence"].GetInt());
      ASSERT_TRUE(quarantined.count(key))
          << "invalid dossier not in quarantine: " << key << " (" << d["invalid"].GetString() << ")";
      EXPECT_NE(quarantined[key].find(d["reason"].GetString()), std::string::npos)
          << key << ": reason '" << quarantined[key] << "' should mention '" << d["reason"].GetString()
          << "'";
    }
    EXPECT_GT(valid, 0);
    EXPECT_GT(invalid, 0);
  }

  fs::path dir_;
  std::unique_ptr<SimAll> sim_;
};

TEST_F(SyncIntegrationTest,
       EveryValidStatusReachesThePortalOnceInOrderUnderFaultsAndInvalidOnesAreQuarantined) {
  start_sim({"--seed",
             "11",
             "--dossiers",
             "150",
             "--invalid-share",
             "0.08",
             "--fail-5xx",
             "0.05",
             "--timeout-share",
             "0.02",
             "--hang-ms",
             "1600",
             "--drop-share",
             "0.01",
             "--lost-reply-share",
             "0.02",
             "--expire-token-after",
             "4",
             "--expire-session-after",
             "6"});
  std::string config = write_config(20, 25);
  auto [rc, out] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  auto summary = parse_json(out);
  EXPECT_GT(summary["pushed"].GetInt(), 0);
  EXPECT_GT(summary["retried"].GetInt(), 0) << "faults were injected, something must have been retried";
  EXPECT_GT(summary["quarantined"].GetInt(), 0);
  EXPECT_EQ(summary["due_mismatches"].GetInt(), 0) << "no kpi/calendar section: no due-date audit";
  expect_portal_matches_source(config);
  auto tokens = sim_->get(sim_->oss_port, "/__sim/stats");
  EXPECT_GT(tokens["token"]["revocations"].GetInt(), 0) << "the LGSP token should have died mid-run";
  auto portal = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  EXPECT_GT(portal["session_expirations"].GetInt(), 0);
  EXPECT_EQ(summary["pushed"].GetInt(), portal["progress_records"].GetInt());

  // The payload (personal data) is shown only on request.
  auto [rcl, list] = lienthong({"quarantine", "list", "--json", "--config", config});
  ASSERT_EQ(rcl, 0);
  std::string id = std::to_string(parse_json(list)[0]["id"].GetInt64());
  auto [rcs, shown] = lienthong({"quarantine", "show", id, "--config", config});
  ASSERT_EQ(rcs, 0);
  EXPECT_NE(shown.find("hidden"), std::string::npos);
  EXPECT_EQ(shown.find("ho_ten"), std::string::npos);
  auto [rcp, with_payload] = lienthong({"quarantine", "show", id, "--payload", "--config", config});
  ASSERT_EQ(rcp, 0);
  EXPECT_NE(with_payload.find("ho_ten"), std::string::npos);

  // Running again pushes nothing: nothing changed.
  auto [rc2, out2] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc2, 0) << out2;
  auto again = parse_json(out2);
  EXPECT_EQ(again["new_events"].GetInt(), 0);
  EXPECT_EQ(again["pushed"].GetInt(), 0);
  // From the start of the source's history: everything is recognised as unchanged.
  auto [rc3, out3] = lienthong({"sync", "--json", "--from-start", "--config", config});
  ASSERT_EQ(rc3, 0) << out3;
  auto from_start = parse_json(out3);
  EXPECT_EQ(from_start["pushed"].GetInt(), 0);
  EXPECT_GT(from_start["unchanged"].GetInt(), 0);
  EXPECT_EQ(sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt(),
            portal["progress_records"].GetInt());

  // The provincial system moves on: only the new statuses are pushed, still in order.
  auto moved =
      parse_json(http_request(sim_->oss_port, "POST", "/__sim/advance?count=40").body)["moved"].GetInt();
  ASSERT_GT(moved, 0);
  auto [rc4, out4] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc4, 0) << out4;
  EXPECT_EQ(parse_json(out4)["pushed"].GetInt(), moved);
  expect_portal_matches_source(config);
}

// The portal applies a call and closes the connection without answering (10 % of calls),
// and ends every session after each 2 calls, so most calls follow a session renewal. A
// call the client sent again by itself on a fresh connection (libcurl does so when a
// reused connection dies before any answer) would be applied twice; only the gateway's
// verify-before-retry may send a status again.
TEST_F(SyncIntegrationTest, LostRepliesAndSessionsEndingEveryTwoCallsApplyEachStatusOnceAtThePortal) {
  start_sim({"--seed", "29", "--dossiers", "600", "--invalid-share", "0", "--lost-reply-share", "0.1",
             "--expire-session-after", "2"});
  std::string config = write_config(100, 25);
  auto [rc, out] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  auto summary = parse_json(out);
  EXPECT_EQ(summary["dead_lettered"].GetInt(), 0) << out;
  auto portal = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  EXPECT_GT(portal["session_expirations"].GetInt(), 100);
  auto faults = sim_->get(sim_->dvcqg_port, "/__sim/faults");
  EXPECT_GT(faults["lost_replies"].GetInt(), 30) << "replies should have been lost after the portal applied";
  // The portal's count of applied status records equals the number of events pushed.
  EXPECT_EQ(portal["duplicates"].GetInt(), 0) << "a status was applied twice at the portal";
  EXPECT_EQ(portal["progress_records"].GetInt(), summary["pushed"].GetInt());
  EXPECT_GT(expect_portal_has_source_history(*sim_), 500);
}

TEST_F(SyncIntegrationTest, WithKpiSectionsDueDatesAreAuditedAndMismatchesListedWithoutHoldingAnythingBack) {
  // The simulated province sends the legal due date of the shipped catalogue on the
  // shipped calendar, except for a known set of dossiers whose NgayHenTra is one working
  // day late: exactly those are flagged, and everything still reaches the portal.
  std::string src = LIENTHONG_SOURCE_DIR;
  start_sim({"--seed", "5", "--dossiers", "40", "--calendar-dir", src + "/mappings/calendar"});
  std::string config = write_config(20, 25,
                                    R"("calendar": {"calendar_dir": ")" + src + R"(/mappings/calendar"},
  "kpi": {"procedures": ")" + src + R"(/mappings/procedures.json"},)");
  auto [rc, out] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  auto summary = parse_json(out);
  auto sim_stats = sim_->get(sim_->oss_port, "/__sim/stats");
  ASSERT_GT(sim_stats["data"]["wrong_due_dates"].GetInt(), 0);
  EXPECT_EQ(summary["due_mismatches"].GetInt(), sim_stats["data"]["wrong_due_dates"].GetInt());
  EXPECT_TRUE(summary["overdue"].IsInt());
  expect_portal_matches_source(config);  // flagged dossiers still reach the portal

  std::set<std::string> want;
  auto expected = sim_->get(sim_->oss_port, "/__sim/expected");
  for (auto& d : expected["dossiers"].GetArray()) {
    // Audited from reception on: a dossier only registered online (status 1) has no audit.
    bool received = false;
    for (auto& st : d["statuses"].GetArray()) received = received || st.GetInt() != 1;
    if (d["wrong_due_date"].GetBool() && received) want.insert(d["ma_ho_so"].GetString());
  }
  auto [rcm, listed] = lienthong({"monitor", "due", "--format", "json", "--config", config});
  ASSERT_EQ(rcm, 0) << listed;
  auto mismatches = parse_json(listed);
  std::set<std::string> got;
  for (const auto& r : mismatches["due_mismatches"].GetArray()) {
    got.insert(r["dossier"].GetString());
    EXPECT_STREQ(r["outcome"].GetString(), "later");
    EXPECT_STRNE(r["legal_due"].GetString(), "");
    EXPECT_STRNE(r["legal_due"].GetString(), r["reported_due"].GetString());
  }
  EXPECT_EQ(got, want);
}

TEST_F(SyncIntegrationTest, GatewayKilledDuringPullAndDuringPushLosesAndDuplicatesNothingAfterRestart) {
  start_sim({"--seed", "5", "--dossiers", "300", "--invalid-share", "0.05", "--latency-ms", "15",
             "--fail-5xx", "0.02", "--lost-reply-share", "0.02"});
  std::string config = write_config(10, 10);
  std::vector<std::string> argv = {kLienthong, "sync", "--json", "--config", config};
  // 1: kill -9 while pages are being pulled.
  {
    Process p(argv, (dir_ / "lienthong.err").string(), kEnv);
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline &&
           sim_->get(sim_->oss_port, "/__sim/stats")["data"]["pages_served"].GetInt() < 5)
      std::this_thread::sleep_for(5ms);
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait(), 128 + SIGKILL);
  }
  // Delivery runs alongside the pull, so some statuses may already be at the portal; what
  // matters is that the pull was cut short (300 dossiers are 30 pages of 10).
  EXPECT_LT(sim_->get(sim_->oss_port, "/__sim/stats")["data"]["pages_served"].GetInt(), 30)
      << "the kill should land while pages are still being pulled";
  // 2: restart, kill -9 while the outbox is being pushed.
  {
    Process p(argv, (dir_ / "lienthong.err").string(), kEnv);
    auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline &&
           sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt() < 150)
      std::this_thread::sleep_for(5ms);
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait(), 128 + SIGKILL);
  }
  int64_t before = sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt();
  EXPECT_GT(before, 0);
  // 3: restart and let it finish.
  auto [rc, out] = lienthong({"sync", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  expect_portal_matches_source(config);
}

TEST_F(SyncIntegrationTest, ServeAnswersHealthReadinessMetricsAndSyncsOnItsSchedule) {
  start_sim({"--seed", "3", "--dossiers", "60", "--invalid-share", "0.1", "--fail-5xx", "0.05"});
  std::string config = write_config(25, 50, R"("server": {"address": "127.0.0.1", "port": 0},)");
  Process serve({kLienthong, "serve", "--config", config}, (dir_ / "serve.err").string(), kEnv);
  auto line = serve.read_line(20s);
  ASSERT_TRUE(line) << "serve did not report its port";
  auto ports = parse_json(*line);
  // Health, readiness and metrics are on the admin listener; the public one has only the
  // routes outside parties call.
  uint16_t port = static_cast<uint16_t>(ports["admin"].GetInt());
  EXPECT_EQ(http_request(static_cast<uint16_t>(ports["listening"].GetInt()), "GET", "/metrics").status, 404);
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  int64_t want = sim_->get(sim_->oss_port, "/__sim/stats")["data"]["valid_events"].GetInt();
  auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline &&
         sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt() < want)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt(), want);
  auto metrics = http_request(port, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("lienthong_sync_events_total"), std::string::npos);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0);
  expect_portal_matches_source(config);
}

}  // namespace
}  // namespace lienthong::testing
