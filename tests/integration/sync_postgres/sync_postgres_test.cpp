// The sync flow end to end on PostgreSQL: the real `lienthong` against `lienthong-sim all`
// on loopback, with the store on a PostgreSQL server started by this binary. Two gateway
// instances run `lienthong sync` at the same time on the same database: the portal must
// still see every valid status exactly once and in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "gateway/common/json.hpp"
#include "tests/integration/common/process.hpp"
#include "tests/support/postgres_server.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

[[maybe_unused]] auto* const kServer = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

rapidjson::Document parse(const std::string& s) {
  auto d = json::parse(s, "test input");
  if (!d.ok()) throw std::runtime_error("not JSON: " + s.substr(0, 300));
  return std::move(d).value();
}

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
    if (sim_) {
      sim_->signal(SIGTERM);
      sim_->wait(10s);
    }
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void start_sim(std::vector<std::string> extra) {
    std::vector<std::string> argv = {kSim, "all"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    sim_ = std::make_unique<Process>(argv, (dir_ / "sim.err").string());
    auto line = sim_->read_line(10s);
    ASSERT_TRUE(line) << "simulators did not start";
    auto d = parse(*line);
    oss_port_ = static_cast<uint16_t>(d["one_stop_shop_port"].GetInt());
    token_port_ = static_cast<uint16_t>(d["token_port"].GetInt());
    dvcqg_port_ = static_cast<uint16_t>(d["dvcqg_port"].GetInt());
  }

  std::string write_config(const std::string& name, const std::string& store) {
    std::string src = LIENTHONG_SOURCE_DIR;
    std::string cfg = R"({
  "log": {"level": "info", "file": ")" +
                      (dir_ / (name + ".log")).string() + R"("},
  "store": )" + store +
                      R"(,
  "outbox": {"backoff_initial_ms": 20, "backoff_max_ms": 400, "jitter": 0.2, "max_attempts": 40,
             "lease_ms": 5000, "workers": 2, "poll_interval_ms": 50},
  "adapters": {
    "one_stop_shop": {"base_url": "http://127.0.0.1:)" +
                      std::to_string(oss_port_) + R"(",
      "mapping": ")" + src +
                      R"(/mappings/one_stop_shop/dossier_event.json", "timeout_ms": 2000,
      "token": {"token_url": "http://127.0.0.1:)" +
                      std::to_string(token_port_) + R"(/token",
                "client_id": "lienthong", "client_secret": {"env": "IT_LGSP_SECRET"}}},
    "dvcqg": {"base_url": "http://127.0.0.1:)" +
                      std::to_string(dvcqg_port_) + R"(",
      "username": "lienthong", "password": {"env": "IT_DVCQG_PASSWORD"}, "madonvi": "000.00.00.H56",
      "batch_size": 25, "timeout_ms": 3000,
      "dossier_mapping": ")" +
                      src + R"(/mappings/dvcqg/dossier.json",
      "progress_mapping": ")" +
                      src + R"(/mappings/dvcqg/progress.json",
      "transitions": ")" +
                      src + R"(/mappings/dvcqg/status_transitions.json"}
  },
  "sync": {"source": "one_stop_shop", "destinations": ["dvcqg"], "page_size": 20, "pull_attempts": 20,
           "pull_backoff_ms": 20, "drain_timeout_seconds": 50, "interval_seconds": 3600}
})";
    std::string path = (dir_ / (name + ".json")).string();
    std::ofstream(path) << cfg;
    return path;
  }
  // `extra`: more top-level sections, after the store's (", \"server\": {...}").
  std::string pg_config(const std::string& name, const std::string& extra = "") {
    return write_config(
        name, R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "IT_PG_CONNINFO"}}})" + extra);
  }

  std::pair<int, std::string> lienthong(std::vector<std::string> args,
                                        const std::string& err = "lienthong.err") {
    std::vector<std::string> argv = {kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, (dir_ / err).string(), env_, 90s);
  }

  rapidjson::Document sim_get(uint16_t port, const std::string& path) {
    auto r = http_request(port, "GET", path);
    if (r.status != 200) throw std::runtime_error("GET " + path + " answered " + std::to_string(r.status));
    return parse(r.body);
  }

  fs::path dir_;
  std::vector<std::string> env_;
  std::unique_ptr<Process> sim_;
  uint16_t oss_port_ = 0, token_port_ = 0, dvcqg_port_ = 0;
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
  auto sa = parse(out_a), sb = parse(out_b);

  // Whichever instance pulled, the portal has exactly the source's valid history.
  auto expected = sim_get(oss_port_, "/__sim/expected");
  auto portal = sim_get(dvcqg_port_, "/__sim/dossiers");
  auto stats = sim_get(dvcqg_port_, "/__sim/stats");
  EXPECT_EQ(stats["duplicates"].GetInt(), 0) << "a status reached the portal twice";
  EXPECT_EQ(stats["out_of_order"].GetInt(), 0) << "a status reached the portal out of order";
  std::map<std::string, std::vector<int>> at_portal;
  for (auto& d : portal["dossiers"].GetArray()) {
    std::vector<int> s;
    for (auto& v : d["statuses"].GetArray()) s.push_back(v.GetInt());
    at_portal[d["MaHoSo"].GetString()] = s;
  }
  int valid = 0;
  for (auto& d : expected["dossiers"].GetArray()) {
    std::string code = d["ma_ho_so"].GetString();
    std::vector<int> want;
    for (auto& v : d["statuses"].GetArray()) want.push_back(v.GetInt());
    std::vector<int> got = at_portal.count(code) ? at_portal[code] : std::vector<int>{};
    EXPECT_EQ(got, want) << "dossier " << code;
    if (d["invalid"].IsNull()) ++valid;
  }
  EXPECT_GT(valid, 0);
  EXPECT_EQ(sa["pushed"].GetInt() + sb["pushed"].GetInt(), stats["progress_records"].GetInt());
  auto [rcq, listed] = lienthong({"quarantine", "list", "--json", "--config", a});
  ASSERT_EQ(rcq, 0) << listed;
  EXPECT_GT(parse(listed).Size(), 0u) << "invalid dossiers are quarantined in PostgreSQL";

  // Running again pushes nothing: the cursor and the events are in the shared store.
  auto [rc2, out2] = lienthong({"sync", "--json", "--config", b});
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_EQ(parse(out2)["new_events"].GetInt(), 0);
  EXPECT_EQ(parse(out2)["pushed"].GetInt(), 0);
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
  std::string server = R"(, "server": {"address": "127.0.0.1", "port": 0})";
  std::string a = pg_config("a", server), b = pg_config("b", server);
  Process first({kLienthong, "serve", "--config", a}, (dir_ / "serve_a.err").string(), env_);
  Process second({kLienthong, "serve", "--config", b}, (dir_ / "serve_b.err").string(), env_);
  std::vector<uint16_t> ports;
  for (Process* p : {&first, &second}) {
    auto line = p->read_line(20s);
    ASSERT_TRUE(line) << "serve did not report its port";
    ports.push_back(static_cast<uint16_t>(parse(*line)["listening"].GetInt()));
  }
  for (uint16_t port : ports) EXPECT_EQ(http_request(port, "GET", "/readyz").status, 200);
  int64_t want = sim_get(oss_port_, "/__sim/stats")["data"]["valid_events"].GetInt();
  auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline &&
         sim_get(dvcqg_port_, "/__sim/stats")["progress_records"].GetInt() < want)
    std::this_thread::sleep_for(50ms);
  auto stats = sim_get(dvcqg_port_, "/__sim/stats");
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
