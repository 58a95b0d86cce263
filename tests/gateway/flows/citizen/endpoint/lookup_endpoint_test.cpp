// The lookup over real sockets: a client → the gateway's HTTP server → the NGSP token
// provider and HTTP client → the population simulator on its own server, all on
// loopback with ports chosen by the kernel. The last test captures every log line and
// everything written to stdout/stderr during a run of lookups of every kind and checks
// that no identification number, name or date of birth used appears in them.
#include "gateway/flows/citizen/lookup_endpoint.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/server/http_server.hpp"
#include "tests/gateway/flows/citizen/citizen_fixture.hpp"
#include "tests/support/dev_certs.hpp"

namespace lienthong::citizen {
namespace {

namespace fs = std::filesystem;

constexpr char kClientSecret[] = "ngsp-client-secret-for-tests";

class LookupEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim_opts = testing::sim_options(300);
    sim_opts.client_id = "lienthong-h26";
    sim_opts.client_secret = kClientSecret;
    sim_ = std::make_unique<sim::population::PopulationSim>(sim_opts);
    server::ServerOptions so;
    so.port = 0;
    sim_server_ = sim::population::serve(*sim_, so);

    setenv("LT_TEST_NGSP_SECRET", kClientSecret, 1);
    std::string base = "http://127.0.0.1:" + std::to_string(sim_server_->port());
    std::string cfg = testing::config_json();
    cfg.replace(
        cfg.find("\"http://127.0.0.1:1/csdlqgdc/1.0/congdan/tracuu\", \"timeout_ms\": 2000"),
        std::string("\"http://127.0.0.1:1/csdlqgdc/1.0/congdan/tracuu\", \"timeout_ms\": 2000").size(),
        "\"" + base + "/csdlqgdc/1.0/congdan/tracuu\", \"timeout_ms\": 2000, \"token\": {\"token_url\": \"" +
            base +
            "/token\", \"client_id\": \"lienthong-h26\", \"client_secret\": {\"env\": "
            "\"LT_TEST_NGSP_SECRET\"}}, \"client\": {\"connect_timeout_ms\": 1000}");
    setenv("LT_TEST_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef-test-key", 1);
    config_ = ConfigFile::from_string(cfg, LIENTHONG_SOURCE_DIR);
    LookupEndpoint::validate(config_->root());
    population::validate_upstream(config_->root().object("upstream"));

    db_ = std::move(store::open_sqlite({":memory:"})).value();
    ASSERT_TRUE(db_->migrate(audit::AuditLog::migrations()).ok());
    ASSERT_TRUE(db_->migrate(dossiers::DossierStore::migrations()).ok());
    endpoint_ = std::make_unique<LookupEndpoint>(
        config_->root(), *db_, clock_,
        population::make_from_config(config_->root().object("upstream"), clock_));
    gateway_ = std::make_unique<server::HttpServer>(so);
    endpoint_->register_routes(*gateway_);
    gateway_->start();
  }

  void TearDown() override {
    gateway_->stop();
    sim_server_->stop();
  }

  Result<http::ClientResponse> post(const std::string& body, const std::string& api_key = testing::kApiKey) {
    http::ClientRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(gateway_->port()) + kLookupPath;
    r.headers = {{"Content-Type", "application/json"}};
    if (!api_key.empty()) r.headers.push_back({"X-API-Key", api_key});
    r.body = body;
    return client_.send(r);
  }
  int status_of(const std::string& body, const std::string& api_key = testing::kApiKey) {
    auto r = post(body, api_key);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->status : -1;
  }
  const model::CitizenRecord& citizen(size_t i) { return sim_->population().citizens().at(i); }
  std::string body_for(const model::CitizenRecord& c, const std::string& purpose = "residence_check") {
    return testing::Harness::body(c.personal_id, c.full_name(), c.date_of_birth, purpose);
  }

  ManualClock clock_;
  std::unique_ptr<sim::population::PopulationSim> sim_;
  std::unique_ptr<server::HttpServer> sim_server_;
  std::shared_ptr<ConfigFile> config_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<LookupEndpoint> endpoint_;
  std::unique_ptr<server::HttpServer> gateway_;
  http::HttpClient client_;
};

TEST_F(LookupEndpointTest, FoundCitizenTravelsThroughNgspTokenAndComesBackMinimised) {
  const auto& c = citizen(0);
  auto r = post(body_for(c, "identity_check"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->status, 200) << r->body;
  auto doc = json::parse(r->body);
  ASSERT_TRUE(doc.ok());
  const auto* person = json::member(*doc, "citizen");
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(*json::get_string(*person, "full_name"), c.full_name());
  EXPECT_EQ(*json::get_string(*person, "date_of_birth"), c.date_of_birth);
  EXPECT_EQ(json::member(*person, "permanent_address"), nullptr);
  EXPECT_EQ(r->header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(r->header("x-lookup-id").value_or("").size(), 32u);
  EXPECT_EQ(sim_->lookups.load(), 1);
}

TEST_F(LookupEndpointTest, RefusalsCarryTheirStatusOverHttp) {
  const auto& c = citizen(1);
  EXPECT_EQ(status_of(body_for(c), ""), 401);
  EXPECT_EQ(status_of(body_for(c), "wrong-key"), 401);
  EXPECT_EQ(status_of(body_for(c, "family_check")), 403);
  std::string bad = c.personal_id;
  bad[3] = bad[3] == '9' ? '0' : static_cast<char>(bad[3] + 2);  // wrong century
  auto r = post(testing::Harness::body(bad, c.full_name(), c.date_of_birth));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("content-type").value_or(""), "application/problem+json");
  EXPECT_EQ(r->body.find(bad), std::string::npos);
  EXPECT_EQ(status_of("{\"personal_id\":"), 400);
  EXPECT_EQ(status_of(std::string(8000, ' ')), 413);  // over the route's body limit
  EXPECT_EQ(sim_->lookups.load(), 0);
}

TEST_F(LookupEndpointTest, RefusalsBeforeTheHandlerAreCountedWithTheUnknownCallers) {
  EXPECT_EQ(status_of(std::string(8000, ' ')), 413);  // over the route's body limit
  http::ClientRequest get;
  get.method = "GET";
  get.url = "http://127.0.0.1:" + std::to_string(gateway_->port()) + kLookupPath;
  auto r = client_.send(get);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status_of(std::string(8000, ' ')), 413);
  get.url = "http://127.0.0.1:" + std::to_string(gateway_->port()) + "/v1/elsewhere";
  ASSERT_EQ(client_.send(get)->status, 404);  // not the lookup route: not the citizen audit's
  audit::AuditLog log(*db_);
  auto entries = std::move(log.all()).value();
  ASSERT_EQ(entries.size(), 1u);  // the first refusal of this caller in the window
  EXPECT_EQ(entries[0].result, kRefusedBeforeHandler);
  EXPECT_EQ(entries[0].detail, "status=413");
  EXPECT_EQ(entries[0].source.rfind("127.0.0.1:", 0), 0u) << entries[0].source;
  // The others are summed after the window.
  clock_.advance(std::chrono::seconds(120));
  endpoint_->service().write_refusal_tallies(false);
  entries = std::move(log.all()).value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].result, kRefusalsAggregated);
  EXPECT_EQ(entries[1].source, "127.0.0.1");
  EXPECT_NE(entries[1].detail.find("refusals=7 "), std::string::npos) << entries[1].detail;
}

TEST_F(LookupEndpointTest, CertificateCredentialsAreReadFromThePeerCertificate) {
  server::Request req;
  req.headers = {{"x-api-key", "k"}};
  req.peer_certificate = server::PeerCertificate{"CN=ubnd-xa,O=UBND,C=VN", "ubnd-xa", "abcd"};
  auto c = credentials_of(req);
  EXPECT_EQ(c.api_key.value_or(""), "k");
  EXPECT_EQ(c.cert_subject.value_or(""), "CN=ubnd-xa,O=UBND,C=VN");
  EXPECT_EQ(c.cert_fingerprint.value_or(""), "abcd");
}

TEST_F(LookupEndpointTest, OutageAnswers502AndRecoveryFollows) {
  const auto& c = citizen(2);
  sim_->outage = true;
  EXPECT_EQ(status_of(body_for(c)), 502);
  sim_->outage = false;
  sim_->fail_next = 1;  // one failure, retried
  EXPECT_EQ(status_of(body_for(c)), 200);
  auto entries = std::move(audit::AuditLog(*db_).all()).value();
  ASSERT_EQ(entries.size(), 4u);  // each lookup: its intent, then its outcome
  EXPECT_EQ(entries[0].result, "intent");
  EXPECT_EQ(entries[1].result, "upstream_error");
  EXPECT_EQ(entries[3].detail, "attempts=2");
  // Where the lookup came from, and with which credential, as the server saw it.
  EXPECT_EQ(entries[3].source.rfind("127.0.0.1:", 0), 0u) << entries[3].source;
  EXPECT_EQ(entries[3].credential, "key:" + audit::sha256_hex(testing::kApiKey).substr(0, 16));
}

// SHA-256 fingerprint of a PEM certificate, as `openssl x509 -fingerprint` prints it.
std::string fingerprint_of(const std::string& pem) {
  std::string cmd = "openssl x509 -in '" + pem + "' -noout -fingerprint -sha256";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[256] = {0};
  std::string out = p && fgets(buf, sizeof buf, p) ? buf : "";
  if (p) pclose(p);
  auto eq = out.find('=');
  out = eq == std::string::npos ? "" : out.substr(eq + 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(LookupEndpointTls, ClientCertificatesIdentifyAccountsBySubjectOrFingerprint) {
  const auto& certs = lienthong::testing::DevCerts::get();
  auto sim_opts = testing::sim_options(50);
  sim_opts.client_id = "lienthong-h26";
  sim_opts.client_secret = kClientSecret;
  sim::population::PopulationSim sim(sim_opts);
  server::ServerOptions plain;
  auto sim_server = sim::population::serve(sim, plain);
  std::string base = "http://127.0.0.1:" + std::to_string(sim_server->port());
  setenv("LT_TEST_NGSP_SECRET", kClientSecret, 1);
  setenv("LT_TEST_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef-test-key", 1);
  std::string fp = fingerprint_of(certs.path("bo-tu-phap.crt"));
  ASSERT_EQ(fp.size(), 95u) << fp;  // 32 bytes as AB:CD:...
  auto config = ConfigFile::from_string(
      R"({"pseudonym_key": {"env": "LT_TEST_PSEUDONYM_KEY"},
          "purposes": [{"name": "residence_check", "fields": ["full_name"]},
                       {"name": "family_check", "fields": ["father"]}],
          "accounts": [
            {"id": "motcua-tinh", "official": "CB-1", "agency": "H26", "purposes": ["residence_check"],
             "client_cert_subjects": ["CN=motcua-tinh,O=lienthong dev,C=VN"]},
            {"id": "bo-tu-phap", "official": "CB-2", "agency": "BTP", "purposes": ["family_check"],
             "client_cert_sha256": [")" +
          fp + R"("]}],
          "upstream": {"integration_code": "037", "default_service_code": "1.000000", "url": ")" +
          base + R"(/csdlqgdc/1.0/congdan/tracuu",
                       "token": {"token_url": ")" +
          base + R"(/token", "client_id": "lienthong-h26",
                                 "client_secret": {"env": "LT_TEST_NGSP_SECRET"}}}})",
      LIENTHONG_SOURCE_DIR);
  auto db = std::move(store::open_sqlite({":memory:"})).value();
  ASSERT_TRUE(db->migrate(audit::AuditLog::migrations()).ok());
  ASSERT_TRUE(db->migrate(dossiers::DossierStore::migrations()).ok());
  ManualClock clock;
  LookupEndpoint endpoint(config->root(), *db, clock,
                          population::make_from_config(config->root().object("upstream"), clock));
  server::ServerOptions tls;
  tls.tls.enabled = true;
  tls.tls.cert_file = certs.path("server.crt");
  tls.tls.key_file = certs.path("server.key");
  tls.tls.client_ca_file = certs.path("ca.crt");
  tls.tls.require_client_cert = true;
  server::HttpServer gateway(tls);
  endpoint.register_routes(gateway);
  gateway.start();

  const auto& c = sim.population().citizens().at(0);
  auto status_as = [&](const std::string& who, const std::string& purpose) {
    http::ClientOptions o;
    o.tls.ca_file = certs.path("ca.crt");
    o.tls.client_cert_file = certs.path(who + ".crt");
    o.tls.client_key_file = certs.path(who + ".key");
    http::HttpClient client(o);
    http::ClientRequest r;
    r.method = "POST";
    r.url = "https://localhost:" + std::to_string(gateway.port()) + kLookupPath;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = testing::Harness::body(c.personal_id, c.full_name(), c.date_of_birth, purpose);
    auto resp = client.send(r);
    EXPECT_TRUE(resp.ok()) << (resp.ok() ? "" : resp.error().message);
    return resp.ok() ? resp->status : -1;
  };
  EXPECT_EQ(status_as("motcua-tinh", "residence_check"), 200);  // by subject
  EXPECT_EQ(status_as("bo-tu-phap", "family_check"), 200);      // by fingerprint
  EXPECT_EQ(status_as("bo-tu-phap", "residence_check"), 403);   // identified, purpose not granted
  EXPECT_EQ(status_as("lgsp-client", "residence_check"), 401);  // trusted CA, no account
  auto entries = std::move(audit::AuditLog(*db).all()).value();
  ASSERT_EQ(entries.size(), 6u);  // the two lookups that went upstream have an intent first
  EXPECT_EQ(entries[1].account, "motcua-tinh");
  EXPECT_EQ(entries[3].account, "bo-tu-phap");
  EXPECT_EQ(entries[5].result, "refused_unknown_caller");
  EXPECT_EQ(entries[5].detail, "presented: client certificate");
  gateway.stop();
  sim_server->stop();
}

// Reads a file whole ("" when missing).
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(LookupEndpointTest, NoCitizenDataInAnyLogLineOrConsoleOutput) {
  fs::path dir = fs::temp_directory_path() / ("lienthong_logscan_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path log_file = dir / "lienthong.log", console = dir / "console.txt";
  // Everything: the gateway's logger at its most verbose, and the process's stdout and
  // stderr, where any stray print would go.
  // log::init registers the logger by name and so cannot be called twice (as of this
  // writing): drop the current one first.
  spdlog::drop("lienthong");
  log::init({"trace", false, log_file.string()});
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  FILE* cap = fopen(console.c_str(), "w");
  ASSERT_NE(cap, nullptr);
  dup2(fileno(cap), 1);
  dup2(fileno(cap), 2);

  std::vector<std::string> secrets;  // every number, name and date used
  auto remember = [&](const model::CitizenRecord& c) {
    secrets.push_back(c.personal_id);
    secrets.push_back(c.full_name());
    secrets.push_back(c.family_name + " " + c.middle_name);
    secrets.push_back(c.date_of_birth);
    std::string compact = c.date_of_birth;
    compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
    secrets.push_back(compact);
    secrets.push_back(c.permanent_address.detail);
  };
  std::vector<int> statuses;
  // One lookup a second keeps the account within its rate limit until the burst below.
  auto call = [&](const std::string& body, const std::string& key = testing::kApiKey) {
    clock_.advance(Millis(1000));
    auto r = post(body, key);
    statuses.push_back(r.ok() ? r->status : -1);
  };
  for (size_t i = 10; i < 14; ++i) {  // found
    remember(citizen(i));
    call(body_for(citizen(i)));
  }
  const auto& m = citizen(20);
  remember(m);
  secrets.push_back("Đoàn Thị Xuyến");
  call(testing::Harness::body(m.personal_id, "Đoàn Thị Xuyến", m.date_of_birth));  // mismatch
  std::string ghost = m.personal_id.substr(0, 6) + "424242";
  secrets.push_back(ghost);
  call(testing::Harness::body(ghost, m.full_name(), m.date_of_birth));  // not found
  std::string bad = m.personal_id;
  bad[4] = bad[4] == '9' ? '0' : static_cast<char>(bad[4] + 1);
  secrets.push_back(bad);
  call(testing::Harness::body(bad, m.full_name(), m.date_of_birth));  // bad number
  remember(citizen(21));
  call(body_for(citizen(21)), "");  // unknown caller
  remember(citizen(22));
  call("{\"personal_id\":\"" + citizen(22).personal_id + "\",\"full_name\":\"" + citizen(22).full_name() +
       "\",\"x\":1}");  // malformed
  remember(citizen(23));
  sim_->outage = true;
  call(body_for(citizen(23)));  // upstream down
  sim_->outage = false;
  // A burst past the rate limit (burst 5): the last two are refused before upstream.
  remember(citizen(24));
  clock_.advance(Millis(1000));
  for (int i = 0; i < 7; ++i) {
    auto r = post(body_for(citizen(24)));
    statuses.push_back(r.ok() ? r->status : -1);
  }
  // The other account, flagged after repeated mismatches and then slowed.
  remember(citizen(25));
  for (int i = 0; i < 4; ++i) {
    call(testing::Harness::body(citizen(25).personal_id, "Sai " + std::string(1, static_cast<char>('A' + i)),
                                citizen(25).date_of_birth, "family_check"),
         testing::kOtherApiKey);
  }

  spdlog::default_logger()->flush();
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  fclose(cap);
  spdlog::drop("lienthong");
  log::init({"info", false, ""});

  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 200, 422, 404, 400, 401, 400, 502, 200,
                                        200, 200, 200, 200, 429, 429, 422, 422, 422, 429}));
  std::string logged = slurp(log_file) + slurp(console);
  // The capture works: every lookup left a line, and the flagging a warning.
  EXPECT_NE(logged.find("result=found"), std::string::npos) << logged;
  EXPECT_NE(logged.find("result=refused_bad_number"), std::string::npos);
  EXPECT_NE(logged.find("citizen upstream_failed"), std::string::npos) << logged;
  EXPECT_NE(logged.find("flagged"), std::string::npos);
  for (const auto& s : secrets) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(logged.find(s), std::string::npos) << "found in the logs: a value used in a lookup";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lienthong::citizen
