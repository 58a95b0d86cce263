// What an operator sees of a running gateway: `serve` against the simulators with 5xx
// answers and a single delivery attempt per message (so that dead letters and blocked
// messages appear), the admin listener's /metrics read at a moment when the outbox no
// longer moves, and each figure compared with what the CLI reports for the same store.
// Also: the public listener does not serve /metrics, the admin one wants its token,
// request ids travel, log lines are structured, and every metric the shipped alert rules
// and Grafana dashboard use is one /metrics exposes.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/common/sync_setup.hpp"
#include "tests/support/dev_certs.hpp"

namespace lienthong::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "it-admin-token-0123456789";
const std::vector<std::string> kEnv = {"IT_LGSP_SECRET=sim-secret",
                                       "IT_DVCQG_PASSWORD=sim-password",
                                       "IT_ADMIN_TOKEN=" + kToken,
                                       "IT_WH_SECRET=whsec_aXQtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==",
                                       "IT_PSEUDONYM_KEY=it-pseudonym-key-0123456789abcdef0123",
                                       "IT_NGSP_SECRET=sim-secret"};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  if (pos == std::string::npos) throw std::runtime_error("config template changed: no '" + from + "'");
  s.replace(pos, from.size(), to);
}

// One sample line of the exposition: name{labels} value. Labels compared as a set.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Scrape {
  std::set<std::string> families;  // from # TYPE lines
  std::vector<Sample> samples;

  // Sum of the samples of `name` whose labels include `want`.
  double sum(const std::string& name, const std::map<std::string, std::string>& want = {}) const {
    double total = 0;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool ok = true;
      for (const auto& [k, v] : want) ok = ok && s.labels.count(k) && s.labels.at(k) == v;
      if (ok) total += s.value;
    }
    return total;
  }
  bool has(const std::string& name, const std::map<std::string, std::string>& want = {}) const {
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool ok = true;
      for (const auto& [k, v] : want) ok = ok && s.labels.count(k) && s.labels.at(k) == v;
      if (ok) return true;
    }
    return false;
  }
};

Scrape parse_exposition(const std::string& text) {
  Scrape out;
  std::istringstream in(text);
  std::string line;
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      out.families.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t brace = line.find('{');
    size_t space = line.rfind(' ');
    if (brace != std::string::npos && brace < space) {
      s.name = line.substr(0, brace);
      std::string labels = line.substr(brace + 1, line.rfind('}') - brace - 1);
      for (std::sregex_iterator it(labels.begin(), labels.end(), kLabel), end; it != end; ++it)
        s.labels[(*it)[1]] = (*it)[2];
    } else {
      s.name = line.substr(0, space);
    }
    s.value = std::stod(line.substr(space + 1));
    out.samples.push_back(std::move(s));
  }
  return out;
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong-obs-it-" + std::to_string(::getpid()));
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

  std::string outbox_counts() {
    auto [rc, out] = lienthong({"outbox", "counts", "--json", "--destination", "dvcqg", "--config", config_});
    EXPECT_EQ(rc, 0) << out;
    return out;
  }

  Scrape scrape(uint16_t admin_port) {
    auto r = http_request(admin_port, "GET", "/metrics", {"Authorization: Bearer " + kToken});
    EXPECT_EQ(r.status, 200) << r.body;
    return parse_exposition(r.body);
  }

  fs::path dir_;
  std::unique_ptr<SimAll> sim_;
  std::string config_;
};

TEST_F(ObservabilityTest, ServeWithFaultsExposesEveryFlowsFiguresAndTheyAgreeWithTheCli) {
  sim_ = std::make_unique<SimAll>(std::vector<std::string>{"--seed", "5", "--dossiers", "60",
                                                           "--invalid-share", "0.15", "--fail-5xx", "0.2"},
                                  (dir_ / "sim.err").string());
  const std::string src = LIENTHONG_SOURCE_DIR;
  const std::string client_cert = DevCerts::get().path("lgsp-client.crt");
  SyncConfig c;
  c.log_file = (dir_ / "lienthong.log").string();
  c.store = R"({"backend": "sqlite", "path": ")" + (dir_ / "lienthong.db").string() + R"("})";
  c.page_size = 25;
  c.batch_size = 20;
  c.lease_ms = 1500;
  c.source_timeout_ms = 1000;
  c.portal_timeout_ms = 1500;
  c.sections = R"(
  "server": {"address": "127.0.0.1", "port": 0},
  "admin": {"port": 0, "bearer_token": {"env": "IT_ADMIN_TOKEN"}},
  "kpi": {"procedures": ")" +
               src + R"(/mappings/procedures.json"},
  "reconciliation": {"out_dir": ")" +
               (dir_ / "reports").string() + R"("},
  "webhooks": {"sources": {"dkkd": {"secrets": {"current": {"env": "IT_WH_SECRET"}},
    "mapping": ")" +
               src + R"(/mappings/webhooks/dkkd/mapping.json",
    "procedure_codes": ")" +
               src + R"(/mappings/webhooks/dkkd/procedure_codes.json"}}},
  "citizen_lookup": {
    "provinces_file": ")" +
               src + R"(/mappings/citizen/birthplace_provinces.json",
    "pseudonym_key": {"env": "IT_PSEUDONYM_KEY"},
    "purposes": [{"name": "residence_check", "fields": ["full_name"]}],
    "accounts": [{"id": "motcua", "official": "CB-1", "agency": "H26", "purposes": ["residence_check"],
                  "api_key_sha256": ["0000000000000000000000000000000000000000000000000000000000000000"]}],
    "upstream": {"integration_code": "037", "default_service_code": "1.000000",
                 "code_tables_dir": ")" +
               src + R"(/mappings/citizen",
                 "url": "http://127.0.0.1:9/unused", "timeout_ms": 1000,
                 "token": {"token_url": "http://127.0.0.1:9/token", "client_id": "lienthong",
                           "client_secret": {"env": "IT_NGSP_SECRET"}}}},)";
  config_ = write_sync_config((dir_ / "lienthong.json").string(), c, *sim_);
  std::string text = slurp(config_);
  // One delivery attempt: a 5xx answer dead-letters the message and blocks its dossier's next ones.
  replace_once(text, R"("max_attempts": 40)", R"("max_attempts": 1)");
  replace_once(text, R"("level": "info", "file")", R"("level": "info", "format": "json", "file")");
  // A client certificate in use (unused over http://): its expiry must show.
  replace_once(text, R"("madonvi": "000.00.00.H56",)",
               R"("madonvi": "000.00.00.H56", "tls": {"client_cert_file": ")" + client_cert +
                   R"(", "client_key_file": ")" + DevCerts::get().path("lgsp-client.key") + R"("},)");
  std::ofstream(config_) << text;

  Process serve({kLienthong, "serve", "--config", config_}, (dir_ / "serve.err").string(), kEnv);
  auto line = serve.read_line(30s);
  ASSERT_TRUE(line) << "serve did not report its ports: " << slurp(dir_ / "serve.err");
  auto ports = parse_json(*line);
  const auto public_port = static_cast<uint16_t>(ports["listening"].GetInt());
  const auto admin_port = static_cast<uint16_t>(ports["admin"].GetInt());
  ASSERT_NE(public_port, admin_port);

  // The public listener serves only what outside parties call; the admin one wants its token.
  EXPECT_EQ(http_request(public_port, "GET", "/metrics").status, 404);
  EXPECT_EQ(http_request(public_port, "GET", "/v1/kpi?period=2024-Q4").status, 404);
  auto refused = http_request(admin_port, "GET", "/metrics", {"Authorization: Bearer wrong"});
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.head.find("WWW-Authenticate: Bearer"), std::string::npos) << refused.head;
  EXPECT_EQ(http_request(admin_port, "GET", "/healthz").status, 401);
  EXPECT_EQ(http_request(admin_port, "GET", "/readyz", {"Authorization: Bearer " + kToken}).status, 200);
  EXPECT_EQ(
      http_request(admin_port, "GET", "/v1/kpi?period=2024-Q4", {"Authorization: Bearer " + kToken}).status,
      200);

  // A request id given by the caller comes back in the header, the problem body and the log.
  auto missing = http_request(public_port, "GET", "/no/such/path", {"X-Request-Id: it-req-42"});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.head.find("X-Request-Id: it-req-42"), std::string::npos) << missing.head;
  EXPECT_NE(missing.body.find(R"("request_id":"it-req-42")"), std::string::npos) << missing.body;
  // Without one, one is made up and returned.
  auto generated = http_request(public_port, "GET", "/no/such/path");
  EXPECT_TRUE(std::regex_search(generated.head, std::regex("X-Request-Id: [0-9a-f]{16}"))) << generated.head;

  // The outbox settles: every message sent, dead, or pending behind a dead letter.
  auto deadline = std::chrono::steady_clock::now() + 90s;
  rapidjson::Document counts;
  while (true) {
    counts = parse_json(outbox_counts());
    bool settled = counts["sent"].GetInt() + counts["dead"].GetInt() > 0 &&
                   counts["pending"].GetInt() == counts["blocked"].GetInt();
    if (settled || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(counts["pending"].GetInt(), counts["blocked"].GetInt()) << "the outbox did not settle";
  ASSERT_GT(counts["dead"].GetInt(), 0) << "the fault made no dead letter; raise --fail-5xx";
  // The audit chain is verified 5 s after start-up.
  auto audit_deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < audit_deadline &&
         !scrape(admin_port).has("lienthong_audit_chain_intact"))
    std::this_thread::sleep_for(200ms);

  // The same moment: the CLI before and after the scrape agree, and the scrape with them.
  std::string before = outbox_counts();
  auto [qrc, qout] = lienthong({"quarantine", "count", "--json", "--config", config_});
  ASSERT_EQ(qrc, 0) << qout;
  Scrape m = scrape(admin_port);
  ASSERT_EQ(outbox_counts(), before) << "the outbox moved during the scrape";
  auto cli = parse_json(before);
  for (const char* state : {"pending", "sent", "dead", "blocked"}) {
    EXPECT_EQ(m.sum("lienthong_outbox_messages", {{"destination", "dvcqg"}, {"state", state}}),
              cli[state].GetInt())
        << state;
  }
  EXPECT_EQ(m.sum("lienthong_outbox_messages", {{"destination", "dvcqg"}, {"state", "leased"}}), 0);
  if (cli["pending"].GetInt() > 0)
    EXPECT_GT(m.sum("lienthong_outbox_oldest_pending_age_seconds", {{"destination", "dvcqg"}}), 0)
        << "blocked messages are pending, so there is an oldest one";
  else
    EXPECT_EQ(m.sum("lienthong_outbox_oldest_pending_age_seconds", {{"destination", "dvcqg"}}), 0);
  EXPECT_EQ(m.sum("lienthong_tls_certificate_read_errors"), 0);
  EXPECT_EQ(m.sum("lienthong_quarantine_open_records"), parse_json(qout)["quarantined"].GetInt());
  EXPECT_GT(m.sum("lienthong_quarantine_open_records"), 0);

  // Build and process.
  EXPECT_TRUE(m.has("lienthong_build_info", {{"version", "0.1.0"}}));
  EXPECT_GT(m.sum("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(m.sum("process_open_fds"), 3);
  EXPECT_GT(m.sum("process_cpu_seconds_total"), 0);
  EXPECT_NEAR(m.sum("process_start_time_seconds"), static_cast<double>(std::time(nullptr)), 300);

  // Inbound HTTP, by route template; the unmatched path is not a label value.
  EXPECT_GE(m.sum("lienthong_http_requests_total",
                  {{"listener", "admin"}, {"route", "/metrics"}, {"method", "GET"}, {"status", "200"}}),
            1);
  EXPECT_EQ(m.sum("lienthong_http_requests_total",
                  {{"listener", "admin"}, {"route", "/metrics"}, {"status", "401"}}),
            1);
  EXPECT_EQ(m.sum("lienthong_http_requests_total",
                  {{"listener", "public"}, {"route", "unmatched"}, {"status", "404"}}),
            4);
  EXPECT_EQ(m.sum("lienthong_http_request_duration_seconds_count",
                  {{"listener", "public"}, {"route", "unmatched"}}),
            4);
  EXPECT_EQ(m.sum("lienthong_http_requests_in_flight", {{"listener", "admin"}}), 1) << "this scrape itself";

  // Upstream calls: the injected 5xx answers are counted as server errors of the portal.
  EXPECT_GT(m.sum("lienthong_upstream_requests_total", {{"system", "dvcqg"}, {"outcome", "server_error"}}),
            0);
  EXPECT_GT(m.sum("lienthong_upstream_requests_total",
                  {{"system", "dvcqg"}, {"operation", "DongBoHoSoMC"}, {"outcome", "ok"}}),
            0);
  EXPECT_GT(m.sum("lienthong_upstream_requests_total",
                  {{"system", "one_stop_shop"}, {"operation", "fetch_page"}, {"outcome", "ok"}}),
            0);
  EXPECT_EQ(m.sum("lienthong_upstream_requests_total", {{"system", "one_stop_shop"}}),
            m.sum("lienthong_upstream_request_duration_seconds_count", {{"system", "one_stop_shop"}}));
  EXPECT_GE(m.sum("lienthong_upstream_token_refreshes_total", {{"system", "lgsp"}, {"outcome", "ok"}}), 1);
  EXPECT_TRUE(m.has("lienthong_upstream_token_refreshes_total", {{"system", "ngsp"}, {"outcome", "failed"}}));

  // Sync: one successful run, its events by outcome.
  EXPECT_EQ(m.sum("lienthong_sync_runs_total", {{"source", "one_stop_shop"}, {"outcome", "ok"}}), 1);
  EXPECT_EQ(m.sum("lienthong_sync_last_run_success", {{"source", "one_stop_shop"}}), 1);
  EXPECT_GT(m.sum("lienthong_sync_events_total", {{"source", "one_stop_shop"}, {"outcome", "new"}}), 0);
  EXPECT_GE(m.sum("lienthong_sync_last_run_end_timestamp_seconds"),
            m.sum("lienthong_sync_last_run_start_timestamp_seconds"));
  EXPECT_GT(m.sum("lienthong_sync_cursor_updated_timestamp_seconds", {{"source", "one_stop_shop"}}), 0);
  EXPECT_GT(m.sum("lienthong_scheduler_last_success_timestamp_seconds", {{"job", "sync"}}), 0);

  // The audit chain, the store, the certificate.
  EXPECT_EQ(m.sum("lienthong_audit_chain_intact"), 1);
  EXPECT_GT(m.sum("lienthong_store_size_bytes", {{"backend", "sqlite"}}), 0);
  EXPECT_TRUE(m.has("lienthong_store_wal_bytes", {{"backend", "sqlite"}}));
  EXPECT_GT(m.sum("lienthong_store_transaction_duration_seconds_count", {{"backend", "sqlite"}}), 0);
  auto [orc, enddate] = run({"/usr/bin/openssl", "x509", "-noout", "-enddate", "-in", client_cert},
                            (dir_ / "openssl.err").string());
  ASSERT_EQ(orc, 0);
  std::tm tm{};
  ASSERT_NE(strptime(enddate.c_str(), "notAfter=%b %d %H:%M:%S %Y GMT", &tm), nullptr) << enddate;
  EXPECT_EQ(m.sum("lienthong_tls_certificate_expiry_timestamp_seconds", {{"file", client_cert}}),
            static_cast<double>(timegm(&tm)));

  // Every metric the alert rules and the dashboard use is exposed (histograms by family).
  std::string shipped = slurp(fs::path(src) / "deploy/monitoring/alerts.yml") +
                        slurp(fs::path(src) / "deploy/monitoring/grafana-dashboard.json");
  static const std::regex kName(R"(\b((lienthong|process)_[a-z0-9_]+))");
  std::set<std::string> used;
  for (std::sregex_iterator it(shipped.begin(), shipped.end(), kName), end; it != end; ++it) {
    std::string n = (*it)[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string sfx = suffix;
      if (n.size() > sfx.size() && n.compare(n.size() - sfx.size(), sfx.size(), sfx) == 0 &&
          m.families.count(n.substr(0, n.size() - sfx.size())))
        n = n.substr(0, n.size() - sfx.size());
    }
    used.insert(n);
  }
  EXPECT_GT(used.size(), 30u);
  for (const auto& n : used)
    EXPECT_TRUE(m.families.count(n)) << n << " is used by deploy/monitoring but not exposed";

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(30s), 0);

  // Structured log lines: RFC 3339 time, configured level names, event and component; one
  // access line per request, with the caller's request id.
  std::ifstream log(dir_ / "lienthong.log");
  static const std::regex kTime(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$)");
  int lines = 0, access_with_id = 0;
  std::set<std::string> levels;
  for (std::string l; std::getline(log, l); ++lines) {
    auto d = parse_json(l);
    ASSERT_TRUE(d.HasMember("event") && d["event"].IsString()) << l;
    ASSERT_TRUE(d.HasMember("component") && d["component"].IsString()) << l;
    EXPECT_TRUE(std::regex_match(std::string(d["time"].GetString()), kTime)) << l;
    levels.insert(d["level"].GetString());
    if (std::string(d["event"].GetString()) == "http_access" && d.HasMember("request_id") &&
        std::string(d["request_id"].GetString()) == "it-req-42") {
      ++access_with_id;
      EXPECT_EQ(std::string(d["route"].GetString()), "unmatched");
      EXPECT_EQ(d["status"].GetInt(), 404);
    }
  }
  EXPECT_GT(lines, 10);
  EXPECT_EQ(access_with_id, 1);
  for (const auto& lv : levels) EXPECT_TRUE(lv == "info" || lv == "warn" || lv == "error") << lv;
  EXPECT_TRUE(levels.count("warn")) << "the faults must have logged warnings, written as 'warn'";
}

}  // namespace
}  // namespace lienthong::testing
