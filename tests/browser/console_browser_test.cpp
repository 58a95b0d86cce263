// The operator console in Debian's chromium (console.test.mjs, driven by puppeteer-core):
// `serve` runs against `lienthong-sim all`; a DVCQG message dead-lettered by an injected
// 5xx, a ministry webhook quarantined for a company type missing from the code table, and
// a dead letter of a payment destination are prepared first; the browser script then logs
// in, opens every page, replays, retries, checks roles, CSRF and four eyes, and the CLI
// confirms each effect. No page may hold a personal ID the population simulator knows or
// one the gateway carried in a message.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/store/database.hpp"
#include "sim/population/population_sim.hpp"
#include "tests/integration/common/process.hpp"
#include "tests/integration/common/sync_setup.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kPassword = "Mật khẩu thử 2026";
const std::vector<std::string> kEnv = {"IT_LGSP_SECRET=sim-secret", "IT_DVCQG_PASSWORD=sim-password",
                                       std::string("IT_WH_SECRET=") + kWebhookSecret};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("config template changed: no '" + from + "'");
  text.replace(pos, from.size(), to);
}

class ConsoleBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong-console-it-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    sim_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::pair<int, std::string> lienthong(std::vector<std::string> args) {
    std::vector<std::string> argv = {kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, (dir_ / "cli.err").string(), kEnv, 60s);
  }

  std::string hash_password() {
    std::ofstream(dir_ / "password.txt") << kPassword << "\n";
    auto [rc, out] = run(
        {"/bin/sh", "-c", kLienthong + " console hash-password < '" + (dir_ / "password.txt").string() + "'"},
        (dir_ / "hash.err").string(), {}, 60s);
    EXPECT_EQ(rc, 0) << slurp(dir_ / "hash.err");
    return out.substr(0, out.find('\n'));
  }

  // The gateway's config against the current simulators; `codes_file`: the dkkd
  // procedure-code table in use.
  void write_config(const std::string& codes_file, const std::string& hash) {
    const std::string src = LIENTHONG_SOURCE_DIR;
    SyncConfig c;
    c.log_file = (dir_ / "lienthong.log").string();
    c.store = R"({"backend": "sqlite", "path": ")" + db_path() + R"("})";
    c.sections = R"(
  "server": {"address": "127.0.0.1", "port": 0},
  "admin": {"port": 0},
  "kpi": {"procedures": ")" +
                 src + R"(/mappings/procedures.json"},
  "webhooks": {"sources": {"dkkd": {"secrets": {"current": {"env": "IT_WH_SECRET"}},
    "mapping": ")" +
                 src + R"(/mappings/webhooks/dkkd/mapping.json",
    "procedure_codes": ")" +
                 codes_file + R"("}}},
  "console": {"four_eyes_destinations": ["payment_platform"], "users": [
    {"name": "xem", "role": "viewer", "password_hash": ")" +
                 hash + R"("},
    {"name": "vanhanh", "role": "operator", "password_hash": ")" +
                 hash + R"("},
    {"name": "duyet1", "role": "approver", "password_hash": ")" +
                 hash + R"("},
    {"name": "duyet2", "role": "approver", "password_hash": ")" +
                 hash + R"("}]},)";
    config_ = write_sync_config((dir_ / "lienthong.json").string(), c, *sim_);
    std::string text = slurp(config_);
    // One attempt: an injected 5xx dead-letters the message at once.
    replace_once(text, R"("max_attempts": 40)", R"("max_attempts": 1)");
    std::ofstream(config_) << text;
  }

  std::string db_path() const { return (dir_ / "lienthong.db").string(); }

  std::vector<std::string> column(const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::string> out;
    if (sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 2000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
          auto t = sqlite3_column_text(st, 0);
          out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
        }
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  std::unique_ptr<Process> start_serve(uint16_t& public_port, uint16_t& admin_port) {
    auto p = std::make_unique<Process>(std::vector<std::string>{kLienthong, "serve", "--config", config_},
                                       (dir_ / "serve.err").string(), kEnv);
    auto line = p->read_line(30s);
    if (!line) return nullptr;
    auto ports = parse_json(*line);
    public_port = static_cast<uint16_t>(ports["listening"].GetInt());
    admin_port = static_cast<uint16_t>(ports["admin"].GetInt());
    return p;
  }

  fs::path dir_;
  std::unique_ptr<SimAll> sim_;
  std::string config_;
};

TEST_F(ConsoleBrowserTest, OperatorsWorkThroughTheConsoleInChromium) {
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "scripts/setup.sh installs Debian's chromium";
  const std::string src = LIENTHONG_SOURCE_DIR;
  const std::string hash = hash_password();
  ASSERT_TRUE(hash.starts_with("$argon2id$")) << hash;

  // 1. Faults on: DVCQG answers 5xx to some messages, which die at their first attempt.
  sim_ = std::make_unique<SimAll>(
      std::vector<std::string>{"--seed", "11", "--dossiers", "30", "--fail-5xx", "0.3"},
      (dir_ / "sim.err").string());
  const std::string shipped_codes = src + "/mappings/webhooks/dkkd/procedure_codes.json";
  write_config(shipped_codes, hash);
  uint16_t public_port = 0, admin_port = 0;
  auto serve = start_serve(public_port, admin_port);
  ASSERT_TRUE(serve) << slurp(dir_ / "serve.err");
  auto [wrc, wout] =
      run({kSim, "ministry", "--gateway", "http://127.0.0.1:" + std::to_string(public_port), "--source",
           "dkkd", "--secret", kWebhookSecret, "--count", "1", "--start", "7100", "--bad", "merged-code"},
          (dir_ / "ministry.err").string(), {}, 60s);
  ASSERT_EQ(wrc, 0) << wout;
  std::vector<std::string> dead, quarantined;
  for (int i = 0; i < 300 && (dead.empty() || quarantined.empty()); ++i) {
    std::this_thread::sleep_for(100ms);
    dead = column("SELECT id FROM outbox WHERE state = 'dead' AND destination = 'dvcqg' ORDER BY id");
    quarantined = column("SELECT id FROM quarantine WHERE source = 'webhook:dkkd' AND released_at_ms = 0");
  }
  ASSERT_FALSE(dead.empty()) << "no DVCQG message died; see " << dir_;
  ASSERT_EQ(quarantined.size(), 1u);
  serve->signal(SIGTERM);
  ASSERT_EQ(serve->wait(30s), 0) << slurp(dir_ / "serve.err");

  // 2. A dead letter of a payment destination (this gateway has no such destination: a
  // replayed one stays pending, which the CLI shows).
  std::string payment_id;
  {
    auto db = std::move(store::open_sqlite({.path = db_path()}).value());
    outbox::Policy policy;
    policy.max_attempts = 1;
    outbox::Outbox ob(*db, policy, SystemClock::instance());
    auto id = ob.enqueue({"payment_platform", "payment_confirmation", "payment_platform:H56.99-261206-0001",
                          "console-it-payment-1", "{}"});
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(ob.claim("payment_platform", 1).ok());
    ASSERT_TRUE(ob.mark_failed(id->id, Error(ErrorKind::kClient, "400 from the payment platform")).ok());
    payment_id = std::to_string(id->id);
  }

  // 3. The operator fixed the code table and restarted; the portal answers again.
  sim_.reset();
  sim_ = std::make_unique<SimAll>(std::vector<std::string>{"--seed", "11", "--dossiers", "30"},
                                  (dir_ / "sim2.err").string());
  std::string table = slurp(shipped_codes);
  replace_once(table, "\"values\": {", "\"values\": {\"CHUA_DANG_KY\": \"2.000099.000.00.00.H56\",");
  const std::string fixed = (dir_ / "procedure_codes.json").string();
  std::ofstream(fixed) << table;
  write_config(fixed, hash);
  serve = start_serve(public_port, admin_port);
  ASSERT_TRUE(serve) << slurp(dir_ / "serve.err");

  // Personal IDs no page may show: the population simulator's and the dossiers' owners'.
  std::set<std::string> ids;
  namespace pop = sim::population;
  const auto population = pop::Population::generate(pop::SimOptions{}.seed, pop::SimOptions{}.households);
  for (auto& c : population.citizens()) ids.insert(c.personal_id);
  for (auto& p : column("SELECT payload FROM outbox_payloads")) {
    for (const std::string key : {"\"owner_id_number\"", "\"SoGiayToChuHoSo\""}) {
      for (auto pos = p.find(key); pos != std::string::npos; pos = p.find(key, pos + 1)) {
        auto open = p.find('"', p.find(':', pos + key.size()));
        auto close = open == std::string::npos ? open : p.find('"', open + 1);
        if (close != std::string::npos && close > open + 1) ids.insert(p.substr(open + 1, close - open - 1));
      }
    }
  }
  {
    std::ofstream out(dir_ / "personal_ids.txt");
    for (auto& id : ids) out << id << "\n";
  }

  // 4. The browser script, with its node_modules installed from the lock file.
  const fs::path work = fs::path(LIENTHONG_BINARY_DIR) / "tests" / "browser" / "node";
  fs::create_directories(work);
  for (const char* f : {"package.json", "package-lock.json", "console.test.mjs"})
    fs::copy_file(src + "/tests/browser/" + f, work / f, fs::copy_options::overwrite_existing);
  auto [nrc, nout] =
      run({"/bin/sh", "-c",
           "cd '" + work.string() + "' && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error"},
          (dir_ / "npm.err").string(), {"PUPPETEER_SKIP_DOWNLOAD=1"}, 300s);
  ASSERT_EQ(nrc, 0) << nout << slurp(dir_ / "npm.err");
  const fs::path shots = fs::path(LIENTHONG_BINARY_DIR) / "console-screenshots";
  fs::create_directories(shots);
  std::vector<std::string> env = kEnv;
  for (const std::string& e : {"LT_ADMIN_URL=http://127.0.0.1:" + std::to_string(admin_port),
                               "LT_BIN=" + kLienthong, "LT_CONFIG=" + config_, "LT_SHOTS=" + shots.string(),
                               "LT_IDS_FILE=" + (dir_ / "personal_ids.txt").string(),
                               std::string("LT_PASSWORD=") + kPassword, "LT_DEAD_ID=" + dead.front(),
                               "LT_PAYMENT_ID=" + payment_id, "LT_QUARANTINE_ID=" + quarantined.front()})
    env.push_back(e);
  auto [brc, bout] = run({"/usr/bin/env", "node", (work / "console.test.mjs").string()},
                         (dir_ / "browser.err").string(), env, 120s);
  EXPECT_EQ(brc, 0) << bout << slurp(dir_ / "browser.err");
  std::cout << bout;
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait(30s), 0);
}

}  // namespace
}  // namespace lienthong::testing
