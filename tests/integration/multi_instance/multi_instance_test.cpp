// Two gateway instances behind a load balancer, on one PostgreSQL database: ministry pushes
// from `lienthong-sim ministry` go to either instance at random, one instance is killed
// with SIGKILL at random moments and started again. Every acknowledged delivery must be
// stored once, each dossier's events in the order they were acknowledged, and applied at
// DVCQG (`lienthong-sim all`) once. Runs only where a PostgreSQL server can be started,
// and says so when it cannot.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/common/sync_setup.hpp"
#include "tests/support/postgres_server.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::string skip_reason;

class MultiInstance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      PostgresServer::instance().start();
    } catch (const std::exception& e) {
      skip_reason = e.what();
    }
  }
  static void TearDownTestSuite() { PostgresServer::instance().stop(); }

  void SetUp() override {
    if (!PostgresServer::instance().running()) {
      GTEST_SKIP() << "no PostgreSQL server could be started here, so the multi-instance kill test does not "
                      "run: "
                   << skip_reason;
    }
    dir_ = fs::temp_directory_path() / ("lienthong-multi-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    conninfo_ = PostgresServer::instance().fresh_conninfo();
    env_ = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password", "IT_PG_CONNINFO=" + conninfo_,
            std::string("IT_WH_SECRET=") + kSecret};
  }
  void TearDown() override {
    sim_.reset();
    if (!HasFailure() && !IsSkipped()) fs::remove_all(dir_);
  }

  std::string gateway_config(const std::string& name) {
    const std::string src = LIENTHONG_SOURCE_DIR;
    SyncConfig c;
    c.log_file = (dir_ / (name + ".log")).string();
    c.store = R"({"backend": "postgresql", "postgresql": {"conninfo": {"env": "IT_PG_CONNINFO"}}})";
    c.sections = R"("server": {"address": "127.0.0.1", "port": 0},
  "webhooks": {"journal_dir": ")" +
                 (dir_ / ("journal-" + name)).string() + R"(", "sources": {"dkkd": {
    "secrets": {"current": {"env": "IT_WH_SECRET"}},
    "mapping": ")" +
                 src + R"(/mappings/webhooks/dkkd/mapping.json",
    "procedure_codes": ")" +
                 src + R"(/mappings/webhooks/dkkd/procedure_codes.json"}}},)";
    return write_sync_config((dir_ / (name + ".json")).string(), c, *sim_);
  }

  // One column of a query on the shared database.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    PGconn* c = PQconnectdb(conninfo_.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to the test database: " << PQerrorMessage(c);
      PQfinish(c);
      return out;
    }
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    } else {
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
        out.push_back(std::move(row));
      }
    }
    PQclear(r);
    PQfinish(c);
    return out;
  }

  fs::path dir_;
  std::string conninfo_;
  std::vector<std::string> env_;
  std::unique_ptr<SimAll> sim_;
};

// One `lienthong serve`, restartable; its current port is read under the caller's lock.
struct Gateway {
  std::string name, config;
  std::unique_ptr<Process> process;
  uint16_t port = 0;
  int starts = 0;
};

bool start(Gateway& g, const fs::path& dir, const std::vector<std::string>& env) {
  ++g.starts;
  g.process =
      std::make_unique<Process>(std::vector<std::string>{kLienthong, "serve", "--config", g.config},
                                (dir / (g.name + "-" + std::to_string(g.starts) + ".err")).string(), env);
  auto line = g.process->read_line(30s);
  if (!line) return false;
  g.port = static_cast<uint16_t>(parse_json(*line)["listening"].GetInt());
  return true;
}

TEST_F(MultiInstance, KilledInstancesLoseNothingAcknowledgedAndKeepEachDossiersOrder) {
  sim_ = std::make_unique<SimAll>(std::vector<std::string>{"--seed", "5", "--dossiers", "1"},
                                  (dir_ / "sim.err").string());
  std::vector<Gateway> gateways(2);
  std::mutex mu;  // guards gateways' processes and ports
  for (size_t i = 0; i < gateways.size(); ++i) {
    gateways[i].name = i == 0 ? "a" : "b";
    gateways[i].config = gateway_config(gateways[i].name);
    ASSERT_TRUE(start(gateways[i], dir_, env_)) << "serve did not start; see " << dir_;
  }

  // Streams of pushes, each for its own dossiers; a stream's next round for a dossier is
  // sent only after the previous round was answered, at least a second later (the
  // status time is in seconds, and the portal tells repeats by status and time).
  constexpr int kStreams = 4, kRounds = 6, kPerRound = 15;
  std::atomic<bool> sending{true};
  std::mutex out_mu;
  std::set<std::string> acknowledged;
  int transport_errors = 0;
  std::vector<std::thread> streams;
  for (int s = 0; s < kStreams; ++s) {
    streams.emplace_back([&, s] {
      std::mt19937 rng(1000u + static_cast<unsigned>(s));
      for (int round = 0; round < kRounds; ++round) {
        auto began = std::chrono::steady_clock::now();
        uint16_t port;
        {
          std::lock_guard lock(mu);
          port = gateways[rng() % gateways.size()].port;
        }
        auto [rc, out] = run({kSim, "ministry", "--gateway", "http://127.0.0.1:" + std::to_string(port),
                              "--source", "dkkd", "--secret", kSecret, "--count", std::to_string(kPerRound),
                              "--start", std::to_string(5000 + s * 4 * kPerRound)},
                             (dir_ / ("ministry-" + std::to_string(s) + ".err")).string(), {}, 60s);
        (void)rc;  // non-zero when the instance was killed under it: counted below
        std::istringstream lines(out);
        std::lock_guard lock(out_mu);
        for (std::string line; std::getline(lines, line);) {
          if (line.find(" 202 accepted") != std::string::npos) {
            acknowledged.insert(line.substr(0, line.find(' ')));
          } else if (line.find("transport error") != std::string::npos) {
            ++transport_errors;
          }
        }
        std::this_thread::sleep_until(began + 1100ms);
      }
    });
  }
  // Kills one instance at a random moment, starts it again, and so on while pushes go on.
  int kills = 0;
  std::thread killer([&] {
    std::mt19937 rng(77);
    while (sending) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 900));
      if (!sending) break;
      std::lock_guard lock(mu);
      Gateway& g = gateways[rng() % gateways.size()];
      g.process->signal(SIGKILL);
      g.process->wait(10s);
      ++kills;
      if (!start(g, dir_, env_)) {
        ADD_FAILURE() << g.name << " did not restart; see " << dir_;
        return;
      }
    }
  });
  for (auto& t : streams) t.join();
  sending = false;
  killer.join();
  ASSERT_GT(kills, 0);
  ASSERT_GT(acknowledged.size(), static_cast<size_t>(kStreams * kPerRound))
      << "too few deliveries went through";
  std::cerr << "[ multi ] " << acknowledged.size() << " deliveries acknowledged, " << transport_errors
            << " cut by " << kills << " kills\n";

  // Every acknowledged delivery is in the shared store, once (the receipt's key).
  std::set<std::string> stored;
  for (auto& r : rows("SELECT webhook_id FROM webhook_receipts WHERE source = 'dkkd'")) stored.insert(r[0]);
  for (const auto& id : acknowledged) EXPECT_TRUE(stored.count(id)) << "acknowledged and lost: " << id;
  // The sync of the one-stop-shop simulator runs too; only the webhooks are checked here.
  for (auto& r : rows("SELECT record_key, reason FROM quarantine WHERE source LIKE 'webhook:%'")) {
    ADD_FAILURE() << "quarantined: " << r[0] << ": " << r[1];
  }

  // Each dossier's events: one per stored delivery, numbered in the order sent (a later
  // round has a later status time).
  std::map<std::string, std::vector<std::string>> times;  // dossier -> status times by sequence
  for (auto& r : rows("SELECT dossier_code, status_at_ms FROM dossier_events WHERE source = 'webhook:dkkd' "
                      "ORDER BY dossier_code, sequence")) {
    times[r[0]].push_back(r[1]);
  }
  size_t events = 0;
  for (auto& [code, t] : times) {
    events += t.size();
    for (size_t i = 1; i < t.size(); ++i) {
      EXPECT_LT(std::stoll(t[i - 1]), std::stoll(t[i])) << "dossier " << code << " out of order at " << i;
    }
  }
  auto accepted =
      rows("SELECT COUNT(*) FROM webhook_receipts WHERE source = 'dkkd' AND outcome = 'accepted'");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(events, static_cast<size_t>(std::stoll(accepted[0][0]))) << "one event per stored delivery";

  // Both instances drain the outbox; the portal then holds each dossier's statuses once,
  // in the stored order.
  auto deadline = std::chrono::steady_clock::now() + 60s;
  auto pending = [&] {
    auto r = rows("SELECT COUNT(*) FROM outbox WHERE destination = 'dvcqg' AND state <> 'sent'");
    return r.empty() ? -1 : std::stoll(r[0][0]);
  };
  while (std::chrono::steady_clock::now() < deadline && pending() != 0) std::this_thread::sleep_for(200ms);
  EXPECT_EQ(pending(), 0) << "the outbox did not drain";
  auto portal = sim_->get(sim_->dvcqg_port, "/__sim/dossiers");
  auto stats = sim_->get(sim_->dvcqg_port, "/__sim/stats");
  EXPECT_EQ(stats["duplicates"].GetInt(), 0) << "a status was applied twice at DVCQG";
  EXPECT_EQ(stats["out_of_order"].GetInt(), 0) << "a status reached DVCQG out of order";
  std::map<std::string, size_t> at_portal;
  for (auto& d : portal["dossiers"].GetArray()) at_portal[d["MaHoSo"].GetString()] = d["times"].Size();
  for (auto& [code, t] : times) EXPECT_EQ(at_portal[code], t.size()) << "dossier " << code << " at DVCQG";

  std::lock_guard lock(mu);
  for (auto& g : gateways) {
    g.process->signal(SIGTERM);
    EXPECT_EQ(g.process->wait(20s), 0) << g.name;
  }
}

}  // namespace
}  // namespace lienthong::testing
