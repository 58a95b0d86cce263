// The real binaries: `lienthong-sim population` and `lienthong serve` with the
// citizen_lookup component, on loopback ports chosen by the kernel. After lookups of
// every kind, everything the gateway process wrote (its log file at trace level, its
// stdout and stderr) is scanned for the numbers, names and dates of birth used.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"

namespace lienthong {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Child {
  pid_t pid = -1;
  fs::path out, err;
};

Child spawn(const std::vector<std::string>& argv, const fs::path& dir, const std::string& name) {
  Child c;
  c.out = dir / (name + ".out");
  c.err = dir / (name + ".err");
  c.pid = fork();
  if (c.pid == 0) {
    FILE* o = fopen(c.out.c_str(), "w");
    FILE* e = fopen(c.err.c_str(), "w");
    dup2(fileno(o), 1);
    dup2(fileno(e), 2);
    if (chdir(dir.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return c;
}

// Waits (bounded) for the child's one-line JSON ready message and reads `key` from it.
int ready_port(const Child& c, const std::string& key) {
  for (int i = 0; i < 300; ++i) {
    std::string out = slurp(c.out);
    if (auto nl = out.find('\n'); nl != std::string::npos) {
      auto doc = json::parse(out.substr(0, nl));
      if (doc.ok()) return static_cast<int>(json::get_int(*doc, key).value_or(-1));
    }
    int status = 0;
    if (waitpid(c.pid, &status, WNOHANG) == c.pid) return -1;  // exited early
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

void stop(Child& c) {
  if (c.pid <= 0) return;
  kill(c.pid, SIGTERM);
  int status = 0;
  waitpid(c.pid, &status, 0);
  c.pid = -1;
}

TEST(CitizenServe, RealBinariesAnswerLookupsAndLogNoCitizenData) {
  fs::path dir = fs::temp_directory_path() / ("lienthong_citizen_serve_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Child sim = spawn({LIENTHONG_BINARY_DIR "/sim/lienthong-sim", "population", "--households", "200",
                     "--client-id", "lienthong", "--client-secret", "sim-secret"},
                    dir, "sim");
  int sim_port = ready_port(sim, "population_port");
  ASSERT_GT(sim_port, 0) << slurp(sim.err);
  std::string base = "http://127.0.0.1:" + std::to_string(sim_port);

  std::ofstream(dir / "lienthong.json") << R"({
    "store": {"backend": "sqlite", "path": "store.db"},
    "log": {"level": "trace", "file": "gateway.log"},
    "citizen_lookup": {
      "provinces_file": ")" LIENTHONG_SOURCE_DIR R"(/mappings/citizen/birthplace_provinces.json",
      "pseudonym_key": {"env": "LT_SERVE_TEST_KEY"},
      "purposes": [{"name": "residence_check", "fields": ["full_name", "permanent_address", "household_head"]}],
      "accounts": [{"id": "motcua", "official": "CB-1", "agency": "H26", "purposes": ["residence_check"],
                    "api_key_sha256": [")" + audit::sha256_hex("serve-test-key") +
                                               R"("]}],
      "upstream": {"integration_code": "037", "default_service_code": "1.000000",
                   "code_tables_dir": ")" LIENTHONG_SOURCE_DIR R"(/mappings/citizen",
                   "url": ")" + base + R"(/csdlqgdc/1.0/congdan/tracuu", "timeout_ms": 3000,
                   "token": {"token_url": ")" + base +
                                               R"(/token", "client_id": "lienthong",
                             "client_secret": {"env": "LT_SERVE_TEST_NGSP"}}}}})";
  setenv("LT_SERVE_TEST_KEY", "serve-test-pseudonym-key-0123456789abcdef", 1);
  setenv("LT_SERVE_TEST_NGSP", "sim-secret", 1);
  Child gw =
      spawn({LIENTHONG_BINARY_DIR "/app/lienthong", "serve", "--config", (dir / "lienthong.json").string()},
            dir, "gateway");
  int gw_port = ready_port(gw, "listening");
  if (gw_port <= 0) stop(sim);
  ASSERT_GT(gw_port, 0) << slurp(gw.err);

  http::HttpClient client;
  auto sample = client.send({"GET", base + "/_sim/population/citizens?limit=5", {}, "", {}});
  ASSERT_TRUE(sample.ok());
  auto people = json::parse(sample->body);
  ASSERT_TRUE(people.ok() && people->IsArray() && people->Size() == 5);
  std::vector<std::string> used;
  std::vector<int> statuses;
  auto lookup = [&](const std::string& id, const std::string& name, const std::string& dob,
                    const std::string& key = "serve-test-key") {
    used.insert(used.end(), {id, name, dob});
    std::string compact = dob;
    compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
    used.push_back(compact);
    http::ClientRequest r{"POST",
                          "http://127.0.0.1:" + std::to_string(gw_port) + "/v1/citizens/lookup",
                          {{"Content-Type", "application/json"}, {"X-API-Key", key}},
                          R"({"personal_id":")" + id + R"(","full_name":")" + name +
                              R"(","date_of_birth":")" + dob +
                              R"(","purpose":"residence_check","dossier_code":"H26-1"})",
                          {}};
    auto resp = client.send(r);
    statuses.push_back(resp.ok() ? resp->status : -1);
  };
  auto field = [&](int i, const char* f) { return *json::get_string((*people)[i], f); };
  for (int i = 0; i < 3; ++i)
    lookup(field(i, "personal_id"), field(i, "full_name"), field(i, "date_of_birth"));
  lookup(field(3, "personal_id"), "Lò Thị Sáu", field(3, "date_of_birth"));  // mismatch
  std::string ghost = field(3, "personal_id").substr(0, 6) + "424242";
  lookup(ghost, field(3, "full_name"), field(3, "date_of_birth"));  // not found (or, rarely, mismatch)
  std::string bad = field(4, "personal_id");
  bad[4] = bad[4] == '9' ? '0' : static_cast<char>(bad[4] + 1);
  lookup(bad, field(4, "full_name"), field(4, "date_of_birth"));                           // bad number
  lookup(field(4, "personal_id"), field(4, "full_name"), field(4, "date_of_birth"), "x");  // unknown caller
  ASSERT_TRUE(client.send({"POST", base + "/_sim/population/control", {}, R"({"outage":true})", {}}).ok());
  lookup(field(4, "personal_id"), field(4, "full_name"), field(4, "date_of_birth"));  // upstream down

  stop(gw);
  stop(sim);
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[2], 200);
  EXPECT_EQ(statuses[3], 422);
  EXPECT_TRUE(statuses[4] == 404 || statuses[4] == 422) << statuses[4];
  EXPECT_EQ(statuses[5], 400);
  EXPECT_EQ(statuses[6], 401);
  EXPECT_EQ(statuses[7], 502);

  std::string everything = slurp(dir / "gateway.log") + slurp(gw.out) + slurp(gw.err);
  EXPECT_NE(everything.find("result=found"), std::string::npos) << everything;
  EXPECT_NE(everything.find("result=upstream_error"), std::string::npos);
  used.push_back("Lò Thị Sáu");
  used.push_back(ghost);
  used.push_back(bad);
  for (auto& s : used)
    EXPECT_EQ(everything.find(s), std::string::npos) << "a value used in a lookup was logged";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lienthong
