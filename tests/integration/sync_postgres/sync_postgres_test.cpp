// The sync flow end to end on PostgreSQL: the real `lienthong` against `lienthong-sim all`
// on loopback, with the store on a PostgreSQL server started by this binary. Two gateway
// instances run `lienthong sync` at the same time on the same database: the portal must
// still see every valid status exactly once and in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/common/sync_setup.hpp"
#include "tests/support/postgres_server.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

[[maybe_unused]] auto* const kServer = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

class SyncOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(PostgresServer::instance().running()) << "the PostgreSQL test server did not start";
    dir_ = fs::temp_directory_path() / ("lienthong-it-pg-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    env_ = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password",
            "IT_PG_CONNINFO=" + PostgresServer::instance().fresh_conninfo()};
  }
  void TearDown() override {
    sim_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void start_sim(const std::vector<std::string>& extra) {
    sim_ = std::make_unique<SimAll>(extra, (dir_ / "sim.err").string());
  }

  // `sections`: more top-level sections, each followed by a comma.
  std::string write_config(const std::string& name, const std::string& store,
                           const std::string& sections = "") {
    SyncConfig c;
    c.log_file = (dir_ / (name + ".log")).string();
    c.store = store;
    c.sections = sections;
    return write_sync_config((dir_ / (name + ".json")).string(), c, *sim_);
  }
  std::string pg_config(const std::string& name, const std::string& sections = "") {
    return write_config(name,
                        R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "IT_PG_CONNINFO"}}})",
                        sections);
  }

  std::pair<int, std::string> lienthong(std::vector<std::string> args,
                                        const std::string& err = "lienthong.err") {
    std::vector<std::string> argv = {kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, (dir_ / err).string(), env_, 90s);
  }

  fs::path dir_;
  std::vector<std::string> env_;
  std::unique_ptr<SimAll> sim_;
};

TEST_F(SyncOnPostgres, TwoInstancesSyncingAtOnceDeliverEveryValidStatusOnceInOrder) {
  start_sim({"--seed", "23", "--dossiers", "120", "--invalid-share", "0.08", "--fail-5xx", "0.03",
             "--expire-token-after", "5", "--expire-session-after", "8"});
  std::string a = pg_config("a"), b = pg_config("b");
  {
    auto [rc, out] = lienthong({"config", "check", a});
    ASSERT_EQ(rc, 0) << out;
  }
  std::vector<std::string> env = env_;
  Process first({kLienthong, "sync", "--json", "--config", a}, (dir_ / "a.err").string(), env);
  Process second({kLienthong, "sync", "--json", "--config", b}, (dir_ / "b.err").string(), env);
  std::string out_a = first.read_all(), out_b = second.read_all();
  ASSERT_EQ(first.wait(90s), 0) << out_a;
  ASSERT_EQ(second.wait(90s), 0) << out_b;
  auto sa = parse_json(out_a), sb = parse_json(out_b);

  // Whichever instance pulled, the portal has exactly the source's valid history.
  int valid = expect_portal_has_source_history(*sim_);
  auto stats = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  EXPECT_GT(valid, 0);
  EXPECT_EQ(sa["pushed"].GetInt() + sb["pushed"].GetInt(), stats["progress_records"].GetInt());
  auto [rcq, listed] = lienthong({"quarantine", "list", "--json", "--config", a});
  ASSERT_EQ(rcq, 0) << listed;
  EXPECT_GT(parse_json(listed).Size(), 0u) << "invalid dossiers are quarantined in PostgreSQL";

  // Running again pushes nothing: the cursor and the events are in the shared store.
  auto [rc2, out2] = lienthong({"sync", "--json", "--config", b});
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_EQ(parse_json(out2)["new_events"].GetInt(), 0);
  EXPECT_EQ(parse_json(out2)["pushed"].GetInt(), 0);
}

TEST_F(SyncOnPostgres, ConfigCheckNamesTheConninfoKeyWhenItsSecretIsMissing) {
  start_sim({"--seed", "1", "--dossiers", "1"});
  std::string cfg = write_config(
      "bad", R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "IT_PG_CONNINFO_NOT_SET"}}})");
  auto [rc, out] = lienthong({"config", "check", cfg}, "check.err");
  EXPECT_NE(rc, 0);
  std::ifstream in(dir_ / "check.err");
  std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(err.find("store.postgresql.conninfo"), std::string::npos) << err;
  std::string unreachable =
      write_config("down", R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "IT_PG_DOWN"}}})");
  env_.push_back("IT_PG_DOWN=host=/nonexistent-dir user=x password=do-not-print");
  auto [rc2, out2] = lienthong({"sync", "--config", unreachable}, "down.err");
  EXPECT_NE(rc2, 0);
  std::ifstream in2(dir_ / "down.err");
  std::string err2((std::istreambuf_iterator<char>(in2)), std::istreambuf_iterator<char>());
  EXPECT_NE(err2.find("cannot connect to PostgreSQL"), std::string::npos) << err2;
  EXPECT_EQ(err2.find("do-not-print"), std::string::npos) << "the conninfo is a secret: " << err2;
}

TEST_F(SyncOnPostgres, TwoServeInstancesOnOneDatabaseDeliverEachStatusOnceAndAreReady) {
  start_sim({"--seed", "3", "--dossiers", "60", "--invalid-share", "0.1", "--fail-5xx", "0.05"});
  std::string server = R"("server": {"address": "127.0.0.1", "port": 0},)";
  std::string a = pg_config("a", server), b = pg_config("b", server);
  Process first({kLienthong, "serve", "--config", a}, (dir_ / "serve_a.err").string(), env_);
  Process second({kLienthong, "serve", "--config", b}, (dir_ / "serve_b.err").string(), env_);
  std::vector<uint16_t> admin_ports;  // readiness is on the admin listener
  for (Process* p : {&first, &second}) {
    auto line = p->read_line(20s);
    ASSERT_TRUE(line) << "serve did not report its port";
    admin_ports.push_back(static_cast<uint16_t>(parse_json(*line)["admin"].GetInt()));
  }
  for (uint16_t port : admin_ports) EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  int64_t want = sim_->get(sim_->oss_port, "/__sim/stats")["data"]["valid_events"].GetInt();
  auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline &&
         sim_->get(sim_->dvcqg_port, "/__sim/stats")["progress_records"].GetInt() < want)
    std::this_thread::sleep_for(50ms);
  auto stats = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  EXPECT_EQ(stats["progress_records"].GetInt(), want);
  EXPECT_EQ(stats["duplicates"].GetInt(), 0);
  EXPECT_EQ(stats["out_of_order"].GetInt(), 0);
  first.signal(SIGTERM);
  second.signal(SIGTERM);
  EXPECT_EQ(first.wait(20s), 0);
  EXPECT_EQ(second.wait(20s), 0);
}

}  // namespace
}  // namespace lienthong::testing
