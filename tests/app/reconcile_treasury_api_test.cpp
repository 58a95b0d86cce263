// The treasury's credit records read from its API (the simulator) instead of the export file:
// the runner, `lienthong reconcile --treasury-url` and the scheduled run of `serve`, each
// giving the result the file of the same data set gives.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "app/commands.hpp"
#include "app/reconcile_runner.hpp"
#include "app/reconciliation_component.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/flows/reconciliation/report.hpp"
#include "sim/recon/recon_data.hpp"
#include "sim/treasury/treasury_sim.hpp"
#include "tests/app/scheduled_reconciliation.hpp"

namespace lienthong::app {
int run_reconcile(const std::vector<std::string>& args);
namespace {

namespace fs = std::filesystem;
using reconciliation::Day;

constexpr const char* kToken = "kbnn-app-token";
constexpr const char* kTokenEnv = "LT_TEST_KBNN_TOKEN";

Day day(const std::string& s) {
  return static_cast<Day>(*vn_time::parse_date(s));
}

std::unique_ptr<store::Database> open_db() {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  EXPECT_TRUE(db->migrate(reconciliation::migrations()).ok());
  return db;
}

// Everything of an item an officer sees except the line numbers, which differ between a file
// and its pages.
using ItemView = std::tuple<std::string, std::string, std::optional<int64_t>, std::optional<int64_t>,
                            std::optional<int64_t>, int64_t, std::string>;
std::map<std::string, ItemView> items(const reconciliation::RunResult& r) {
  std::map<std::string, ItemView> m;
  for (const auto& it : r.items) {
    m[it.key] = {std::string(reconciliation::to_string(it.reason)),
                 it.dossier,
                 it.portal_amount,
                 it.bank_amount,
                 it.treasury_amount,
                 it.refund_amount,
                 it.date};
  }
  return m;
}

class TreasuryApiRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kbnn_app_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    sim::ReconDataOptions o;
    o.size = 150;
    o.discrepancies = 18;
    o.malformed = 6;
    o.out_dir = dir_.string();
    manifest_ = sim::generate_recon_data(o);
    setenv(kTokenEnv, kToken, 1);
  }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  ReconcileRequest file_request() const {
    ReconcileRequest r;
    r.period = {day(manifest_.from), day(manifest_.to), day(manifest_.as_of)};
    r.payments = path("payments.jsonl");
    r.bank = path("bank.csv");
    r.treasury = path("treasury.xml");
    r.obligations = path("obligations.csv");
    return r;
  }
  TreasuryApi api(uint16_t port) const {
    TreasuryApi a;
    a.url = "http://127.0.0.1:" + std::to_string(port);
    a.secret = Secret(kToken);
    a.page_size = 9;
    return a;
  }
  sim::TreasurySim make_sim(int fail_every = 0, int malformed_page = 0) const {
    return sim::TreasurySim({path("treasury.xml"), kToken, 0, fail_every, malformed_page});
  }

  fs::path dir_;
  sim::ReconDataManifest manifest_;
  ManualClock clock_;
};

TEST_F(TreasuryApiRunTest, TheApiAndTheFileOfTheSameDataSetGiveTheSameResult) {
  auto sim = make_sim(/*fail_every=*/4);
  uint16_t port = sim.start();
  auto db_file = open_db(), db_api = open_db();
  auto by_file = run_reconciliation(*db_file, clock_, ReconcileSettings{}, file_request());
  ASSERT_TRUE(by_file.ok()) << by_file.error().message;
  ReconcileRequest req = file_request();
  req.treasury.clear();
  req.treasury_api = api(port);
  auto by_api = run_reconciliation(*db_api, clock_, ReconcileSettings{}, req);
  ASSERT_TRUE(by_api.ok()) << by_api.error().message;

  EXPECT_EQ(items(by_api->result), items(by_file->result));
  EXPECT_EQ(reconciliation::summary_json(by_api->result.summary),
            reconciliation::summary_json(by_file->result.summary));
  EXPECT_EQ(by_api->result.issues.size(), by_file->result.issues.size());
  std::map<std::string, std::string> want, got;
  for (const auto& e : manifest_.expected) want[e.key] = e.reason;
  for (const auto& it : by_api->result.items) {
    if (it.reason != reconciliation::ReasonCode::kMatched)
      got[it.key] = std::string(reconciliation::to_string(it.reason));
  }
  EXPECT_EQ(got, want);

  // The pulled pages are recorded as the treasury input, where the file's checksum would be.
  ASSERT_EQ(by_api->info.inputs.size(), by_file->info.inputs.size());
  EXPECT_EQ(by_api->info.inputs[2].name, "treasury");
  EXPECT_EQ(by_api->info.inputs[2].path.rfind(req.treasury_api->url + "/chung-tu?TuNgay=", 0), 0u)
      << by_api->info.inputs[2].path;
  EXPECT_EQ(by_api->info.inputs[2].sha256.size(), 64u);
  EXPECT_NE(by_api->info.inputs[2].sha256, by_file->info.inputs[2].sha256);
  EXPECT_EQ(by_api->info.inputs[1].sha256, by_file->info.inputs[1].sha256);  // the same bank file

  // The same period pulled again is the same run, stored once.
  auto again = run_reconciliation(*db_api, clock_, ReconcileSettings{}, req);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->info.id, by_api->info.id);
  EXPECT_TRUE(again->saved.reused);
  EXPECT_EQ((*db_api->query("SELECT count(*) FROM recon_runs"))[0].i64(0), 1);
}

TEST_F(TreasuryApiRunTest, APageThatCannotBeReadStopsTheRunWithNothingStored) {
  auto cut = make_sim(0, /*malformed_page=*/3);
  uint16_t port = cut.start();
  auto db = open_db();
  ReconcileRequest req = file_request();
  req.treasury.clear();
  req.treasury_api = api(port);
  req.out_dir = path("out");
  auto r = run_reconciliation(*db, clock_, ReconcileSettings{}, req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("page 3"), std::string::npos) << r.error().message;
  req.treasury_api->secret = Secret("not-the-token");
  auto refused = run_reconciliation(*db, clock_, ReconcileSettings{}, req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnauthorized);
  EXPECT_EQ((*db->query("SELECT count(*) FROM recon_runs"))[0].i64(0), 0);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(TreasuryApiRunTest, TheRunNeedsExactlyOneTreasurySource) {
  auto db = open_db();
  ReconcileRequest both = file_request();
  both.treasury_api = api(9);
  auto b = run_reconciliation(*db, clock_, ReconcileSettings{}, both);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("not both"), std::string::npos) << b.error().message;
  ReconcileRequest neither = file_request();
  neither.treasury.clear();
  auto n = run_reconciliation(*db, clock_, ReconcileSettings{}, neither);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("treasury API"), std::string::npos) << n.error().message;
  EXPECT_EQ((*db->query("SELECT count(*) FROM recon_runs"))[0].i64(0), 0);
}

TEST_F(TreasuryApiRunTest, CommandLineRunReadsTheTreasuryFromItsApi) {
  auto sim = make_sim();
  uint16_t port = sim.start();
  std::ofstream(dir_ / "lienthong.json") << R"({"store": {"backend": "sqlite", "path": "state.db"},
      "reconciliation": {"out_dir": "reports"}})";
  std::vector<std::string> common = {"--config",      path("lienthong.json"),
                                     "--from",        manifest_.from,
                                     "--to",          manifest_.to,
                                     "--as-of",       manifest_.as_of,
                                     "--bank",        path("bank.csv"),
                                     "--payments",    path("payments.jsonl"),
                                     "--obligations", path("obligations.csv"),
                                     "--json"};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    testing::internal::CaptureStdout();
    int rc = run_reconcile(args);
    return std::pair(rc, testing::internal::GetCapturedStdout());
  };
  auto [rc_file, out_file] = run({"--treasury", path("treasury.xml")});
  ASSERT_EQ(rc_file, kExitOk);
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto [rc_api, out_api] = run({"--treasury-url", url, "--treasury-secret-env", kTokenEnv});
  ASSERT_EQ(rc_api, kExitOk);
  EXPECT_EQ(sim.requests(), 1);  // 148 records: one page of the default 500
  auto summary = [](const std::string& out) { return out.substr(out.find("\"summary\":")); };
  EXPECT_EQ(summary(out_api), summary(out_file));
  // That one page is the export byte for byte, so it is the same input: the same run, reused.
  EXPECT_EQ(out_api.substr(0, 40), out_file.substr(0, 40));
  EXPECT_NE(out_api.find("\"reused\":true"), std::string::npos) << out_api;
  EXPECT_NE(out_file.find("\"reused\":false"), std::string::npos) << out_file;

  // Exactly one source, and the token from the environment.
  EXPECT_THROW(run_reconcile(common), UsageError);
  std::vector<std::string> both = common;
  both.insert(both.end(), {"--treasury", path("treasury.xml"), "--treasury-url", url});
  try {
    run_reconcile(both);
    ADD_FAILURE() << "--treasury with --treasury-url was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("exclude each other"), std::string::npos) << e.what();
  }
  std::vector<std::string> no_token = common;
  no_token.insert(no_token.end(), {"--treasury-url", url, "--treasury-secret-env", "LT_TEST_KBNN_UNSET"});
  unsetenv("LT_TEST_KBNN_UNSET");
  try {
    run_reconcile(no_token);
    ADD_FAILURE() << "--treasury-url without a token was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("LT_TEST_KBNN_UNSET"), std::string::npos) << e.what();
  }
}

TEST(TreasuryApiSettings, ScheduleTakesTheTreasuryFromAFileOrTheApiNeverBothOrNeither) {
  setenv(kTokenEnv, kToken, 1);
  auto ok = ConfigFile::from_string(R"({"schedule": {"inputs": {"bank": "b.csv",
      "treasury_api": {"url": "http://127.0.0.1:9/", "secret": {"env": "LT_TEST_KBNN_TOKEN"},
                       "page_size": 50, "timeout_ms": 2000}}}})");
  auto s = ReconcileSettings::from_config(ok->root());
  ASSERT_TRUE(s.schedule.treasury_api.has_value());
  EXPECT_EQ(s.schedule.treasury_api->url, "http://127.0.0.1:9");
  EXPECT_EQ(s.schedule.treasury_api->secret.reveal(), kToken);
  EXPECT_EQ(s.schedule.treasury_api->page_size, 50);
  EXPECT_EQ(s.schedule.treasury_api->client.total_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(s.schedule.inputs.count("treasury"), 0u);

  struct Bad {
    const char* config;
    const char* names;
  };
  for (const Bad& b : {
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv"}}})", "treasury_api"},
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv", "treasury": "t.xml",
               "treasury_api": {"url": "http://h", "secret": {"env": "LT_TEST_KBNN_TOKEN"}}}}})",
               "excludes inputs.treasury"},
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv",
               "treasury_api": {"url": "http://h", "secret": "in-clear"}}}})",
               "secret"},
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv",
               "treasury_api": {"url": "ftp://h", "secret": {"env": "LT_TEST_KBNN_TOKEN"}}}}})",
               "url"},
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv",
               "treasury_api": {"secret": {"env": "LT_TEST_KBNN_TOKEN"}}}}})",
               "url"},
           Bad{R"({"schedule": {"inputs": {"bank": "b.csv",
               "treasury_api": {"url": "http://h", "secret": {"env": "LT_TEST_KBNN_TOKEN"}, "tokn": 1}}}})",
               "tokn"},
       }) {
    auto cfg = ConfigFile::from_string(b.config);
    try {
      ReconcileSettings::from_config(cfg->root());
      ADD_FAILURE() << "accepted: " << b.config;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(b.names), std::string::npos) << e.what();
    }
  }
}

TEST_F(TreasuryApiRunTest, ScheduledRunPullsTheTreasuryAndGetsTheResultOfTheFile) {
  auto sim = make_sim(/*fail_every=*/3);
  uint16_t port = sim.start();
  auto cfg = ConfigFile::from_string(
      R"({"reconciliation": {"out_dir": "reports",
          "schedule": {"time": "06:00",
                       "inputs": {"bank": "bank.csv", "payments": "payments.jsonl",
                                  "obligations": "obligations.csv",
                                  "treasury_api": {"url": "http://127.0.0.1:)" +
          std::to_string(port) + R"(", "secret": {"env": "LT_TEST_KBNN_TOKEN"}, "page_size": 4}}}}})",
      dir_.string());
  ManualClock clock(vn_time::from_vietnam({2026, 11, 6, 5, 0, 0}));
  ScheduledReconciliation scheduled(cfg, open_db(), clock);
  EXPECT_EQ(scheduled.sched.run_due(), 0);
  clock.set_ms(vn_time::from_vietnam({2026, 11, 6, 6, 0, 1}));  // runs for 2026-11-05
  EXPECT_EQ(scheduled.sched.run_due(), 1);
  auto stats = scheduled.sched.stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].failures, 0) << stats[0].last_error;
  EXPECT_GT(sim.requests(), 1);
  auto runs = scheduled.rt.db->query("SELECT period_from, inputs FROM recon_runs");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].str(0), "2026-11-05");
  EXPECT_NE((*runs)[0].str(1).find("/chung-tu?TuNgay=2026-11-04&DenNgay=2026-11-08"), std::string::npos)
      << (*runs)[0].str(1);  // the day widened by the rules' date and settlement windows

  // The same day from the whole file: the same items (the pull asked only for the days the
  // engine weighs, so nothing it left out could have changed the result).
  ReconcileRequest req = file_request();
  req.period = {day("2026-11-05"), day("2026-11-05"), day("2026-11-06")};
  auto db2 = open_db();
  auto direct = run_reconciliation(*db2, clock, ReconcileSettings{}, req);
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  auto stored = scheduled.rt.db->query("SELECT item_key, reason FROM recon_items ORDER BY item_key");
  ASSERT_TRUE(stored.ok());
  std::map<std::string, std::string> from_api, from_file;
  for (const auto& row : *stored) from_api[row.str(0)] = row.str(1);
  for (const auto& it : direct->result.items)
    from_file[it.key] = std::string(reconciliation::to_string(it.reason));
  ASSERT_FALSE(from_file.empty());
  EXPECT_EQ(from_api, from_file);
}

}  // namespace
}  // namespace lienthong::app
