#include "tests/integration/common/sync_setup.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>

#include "gateway/core/common/json.hpp"

namespace lienthong::testing {

rapidjson::Document parse_json(const std::string& s) {
  auto d = json::parse(s, "test input");
  if (!d.ok()) throw std::runtime_error("not JSON: " + s.substr(0, 300));
  return std::move(d).value();
}

namespace {
std::vector<std::string> sim_argv(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {kSim, "all"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}
}  // namespace

SimAll::SimAll(const std::vector<std::string>& extra, const std::string& stderr_file)
    : process_(sim_argv(extra), stderr_file) {
  auto line = process_.read_line(std::chrono::seconds(10));
  if (!line) throw std::runtime_error("the simulators did not start (see " + stderr_file + ")");
  auto d = parse_json(*line);
  oss_port = static_cast<uint16_t>(d["one_stop_shop_port"].GetInt());
  token_port = static_cast<uint16_t>(d["token_port"].GetInt());
  dvcqg_port = static_cast<uint16_t>(d["dvcqg_port"].GetInt());
}

SimAll::~SimAll() {
  process_.signal(SIGTERM);
  process_.wait(std::chrono::seconds(10));
}

rapidjson::Document SimAll::get(uint16_t port, const std::string& path) {
  auto r = http_request(port, "GET", path);
  if (r.status != 200) throw std::runtime_error("GET " + path + " answered " + std::to_string(r.status));
  return parse_json(r.body);
}

std::string write_sync_config(const std::string& path, const SyncConfig& c, const SimAll& sim) {
  const std::string src = LIENTHONG_SOURCE_DIR;
  auto url = [](uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); };
  std::ofstream(path) << R"({
  "log": {"level": "info", "file": ")"
                      << c.log_file << R"("},
  "store": )" << c.store
                      << R"(,
  "outbox": {"backoff_initial_ms": 20, "backoff_max_ms": 400, "jitter": 0.2, "max_attempts": 40,
             "lease_ms": )"
                      << c.lease_ms << R"(, "workers": 2, "poll_interval_ms": 50},
  )" << c.sections << R"(
  "adapters": {
    "one_stop_shop": {"base_url": ")"
                      << url(sim.oss_port) << R"(",
      "mapping": ")" << src
                      << R"(/mappings/one_stop_shop/dossier_event.json", "timeout_ms": )"
                      << c.source_timeout_ms << R"(,
      "token": {"token_url": ")"
                      << url(sim.token_port) << R"(/token",
                "client_id": "lienthong", "client_secret": {"env": "IT_LGSP_SECRET"}}},
    "dvcqg": {"base_url": ")"
                      << url(sim.dvcqg_port) << R"(",
      "username": "lienthong", "password": {"env": "IT_DVCQG_PASSWORD"}, "madonvi": "000.00.00.H56",
      "batch_size": )" << c.batch_size
                      << R"(, "timeout_ms": )" << c.portal_timeout_ms << R"(,
      "dossier_mapping": ")"
                      << src << R"(/mappings/dvcqg/dossier.json",
      "progress_mapping": ")"
                      << src << R"(/mappings/dvcqg/progress.json",
      "transitions": ")"
                      << src << R"(/mappings/dvcqg/status_transitions.json",
      "agency_names": ")"
                      << src << R"(/mappings/dvcqg/agency_names.json",
      "procedures": ")"
                      << src << R"(/mappings/procedures.json"}
  },
  "sync": {"source": "one_stop_shop", "destinations": ["dvcqg"], "page_size": )"
                      << c.page_size << R"(, "pull_attempts": 20, "pull_backoff_ms": 20,
           "drain_timeout_seconds": 50, "interval_seconds": 3600}
})";
  return path;
}

int expect_portal_has_source_history(SimAll& sim) {
  auto expected = sim.get(sim.oss_port, "/__sim/expected");
  auto portal = sim.get(sim.dvcqg_port, "/__sim/dossiers");
  auto stats = sim.get(sim.dvcqg_port, "/__sim/stats");
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
    EXPECT_EQ(got, want) << "dossier " << code << " ("
                         << (d["invalid"].IsNull() ? "valid" : d["invalid"].GetString()) << ")";
    if (d["invalid"].IsNull()) ++valid;
  }
  return valid;
}

}  // namespace lienthong::testing
