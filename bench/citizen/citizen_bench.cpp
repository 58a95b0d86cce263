// Citizen lookup benchmark: what the gateway adds over a direct call to the population
// database. Both paths run in the same process and the same run, interleaved call by call
// so that they see the same machine: the direct path is the NGSP token provider + HTTP
// client calling the simulator; the gateway path is a client calling POST
// /v1/citizens/lookup, which validates, rate-limits, calls the simulator the same way,
// minimises and appends a hash-chained audit entry to SQLite (WAL, on disk).
//   citizen_bench [--lookups N] [--threads T] [--dossier-check off|flag|refuse]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "adapters/population/population_registry.hpp"
#include "adapters/population/soap_answer.hpp"
#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/http/token_provider.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/citizen/lookup_endpoint.hpp"
#include "sim/population/population_sim.hpp"

namespace lt = lienthong;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kApiKey[] = "bench-api-key-0123456789abcdef0123456789";

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int lookups = 2000, threads = 4;
  std::string dossier_check = "flag";  // the config's default: every lookup reads the dossiers view
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--lookups") lookups = std::max(10, std::atoi(argv[i + 1]));
    if (a == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--dossier-check") dossier_check = argv[i + 1];
  }
  fs::path dir = fs::temp_directory_path() / ("lienthong_citizen_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Production-like logging: one info line per lookup, to a file.
  lt::log::init({"info", false, (dir / "bench.log").string()});

  lt::sim::population::SimOptions so;
  so.households = 2000;
  so.client_id = "bench";
  so.client_secret = "bench-secret";
  lt::sim::population::PopulationSim sim(so);
  lt::server::ServerOptions srv;
  srv.threads = 2;
  auto sim_server = lt::sim::population::serve(sim, srv);
  std::string base = "http://127.0.0.1:" + std::to_string(sim_server->port());

  setenv("LT_BENCH_PSEUDONYM_KEY", "bench-pseudonym-key-0123456789abcdef", 1);
  setenv("LT_BENCH_NGSP_SECRET", "bench-secret", 1);
  std::string cfg = R"({
    "provinces_file": ")" LIENTHONG_SOURCE_DIR R"(/mappings/citizen/birthplace_provinces.json",
    "pseudonym_key": {"env": "LT_BENCH_PSEUDONYM_KEY"},
    "dossier_check": ")" +
                    dossier_check + R"(",
    "purposes": [{"name": "residence_check", "fields": ["full_name", "permanent_address", "current_address",
                  "household_head"]}],
    "accounts": [{"id": "bench", "official": "CB-BENCH", "agency": "000.00.15.H26", "purposes": ["residence_check"],
                  "api_key_sha256": [")" +
                    lt::audit::sha256_hex(kApiKey) + R"("],
                  "rate_limit": {"per_minute": 1000000, "burst": 100000}}],
    "upstream": {"integration_code": "037", "default_service_code": "1.000000", "url": ")" +
                    base + R"(/csdlqgdc/1.0/congdan/tracuu", "timeout_ms": 5000,
                 "token": {"token_url": ")" +
                    base + R"(/token", "client_id": "bench",
                           "client_secret": {"env": "LT_BENCH_NGSP_SECRET"}}}
  })";
  auto config = lt::ConfigFile::from_string(cfg, LIENTHONG_SOURCE_DIR);
  auto db = std::move(lt::store::open_sqlite({(dir / "audit.db").string()})).value();
  if (!db->migrate(lt::audit::AuditLog::migrations()).ok()) return 1;
  if (!db->migrate(lt::dossiers::DossierStore::migrations()).ok()) return 1;
  lt::citizen::LookupEndpoint endpoint(
      config->root(), *db, lt::SystemClock::instance(),
      lt::population::make_from_config(config->root().object("upstream"), lt::SystemClock::instance()));
  lt::server::HttpServer gateway(srv);
  endpoint.register_routes(gateway);
  gateway.start();

  // The direct path: the same token provider and client the adapter uses.
  lt::http::HttpClient direct_client;
  lt::http::TokenOptions to;
  to.token_url = base + "/token";
  to.client_id = "bench";
  to.client_secret = lt::Secret("bench-secret");
  lt::http::TokenProvider tokens(to, direct_client, lt::SystemClock::instance());
  lt::http::HttpClient gateway_client;

  const auto& people = sim.population().citizens();
  auto direct_call = [&](size_t i) {
    const auto& c = people[i % people.size()];
    lt::population::Query q{
        c.personal_id, c.full_name(), c.date_of_birth, lt::audit::random_hex(16), "CB-BENCH", ""};
    lt::http::ClientRequest r;
    r.method = "POST";
    r.url = base + "/csdlqgdc/1.0/congdan/tracuu";
    r.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"Accept", "text/xml"}};
    r.body = lt::population::wire::build_soap_request(q, {"037", "1.000000", false});
    auto resp = tokens.send(r);
    // Parse as the adapter does, so that both paths include reading the answer.
    return resp.ok() && resp->status == 200 &&
           lt::population::wire::parse_answer(resp->body, c.personal_id).ok();
  };
  auto gateway_call = [&](size_t i) {
    const auto& c = people[i % people.size()];
    lt::http::ClientRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(gateway.port()) + lt::citizen::kLookupPath;
    r.headers = {{"Content-Type", "application/json"}, {"X-API-Key", kApiKey}};
    r.body = R"({"personal_id":")" + c.personal_id + R"(","full_name":")" + c.full_name() +
             R"(","date_of_birth":")" + c.date_of_birth +
             R"(","purpose":"residence_check","dossier_code":"B-)" + std::to_string(i) + R"("})";
    auto resp = gateway_client.send(r);
    return resp.ok() && resp->status == 200;
  };

  for (int i = 0; i < 200; ++i) {  // warm-up: connections, token, page cache
    if (!direct_call(i) || !gateway_call(i)) {
      std::fprintf(stderr, "warm-up lookup failed\n");
      return 1;
    }
  }

  std::vector<double> direct_ms, gateway_ms;
  direct_ms.reserve(lookups);
  gateway_ms.reserve(lookups);
  double direct_total = 0, gateway_total = 0;
  int failures = 0;
  for (int i = 0; i < lookups; ++i) {
    auto t0 = Clock::now();
    failures += !direct_call(i);
    auto t1 = Clock::now();
    failures += !gateway_call(i);
    auto t2 = Clock::now();
    direct_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    gateway_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    direct_total += direct_ms.back();
    gateway_total += gateway_ms.back();
  }

  auto concurrent = [&](auto call) {
    std::atomic<int> next{0}, bad{0};
    auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (int i; (i = next++) < lookups;) bad += !call(static_cast<size_t>(i));
      });
    }
    for (auto& t : pool) t.join();
    failures += bad.load();
    return lookups / std::chrono::duration<double>(Clock::now() - t0).count();
  };
  double direct_rate = concurrent(direct_call);
  double gateway_rate = concurrent(gateway_call);

  auto verify = lt::audit::AuditLog(*db).verify();
  std::printf(
      "citizen lookup bench: %d lookups each way, sequential and interleaved in one run; %zu citizens\n",
      lookups, people.size());
  std::printf("%-34s %9s %9s %12s\n", "", "p50 ms", "p99 ms", "lookups/s");
  std::printf("%-34s %9.3f %9.3f %12.0f\n", "direct to the simulator (baseline)", pct(direct_ms, 0.5),
              pct(direct_ms, 0.99), lookups / (direct_total / 1000));
  std::printf("%-34s %9.3f %9.3f %12.0f\n", "through the gateway", pct(gateway_ms, 0.5),
              pct(gateway_ms, 0.99), lookups / (gateway_total / 1000));
  std::vector<double> added(lookups);
  for (int i = 0; i < lookups; ++i) added[i] = gateway_ms[i] - direct_ms[i];
  std::printf("%-34s %9.3f %9.3f\n", "gateway adds (p50/p99 of p-values)",
              pct(gateway_ms, 0.5) - pct(direct_ms, 0.5), pct(gateway_ms, 0.99) - pct(direct_ms, 0.99));
  std::printf("%-34s %9.3f %9.3f\n", "gateway adds (per-pair difference)", pct(added, 0.5), pct(added, 0.99));
  std::printf("with %d client threads: direct %.0f lookups/s, through the gateway %.0f lookups/s\n", threads,
              direct_rate, gateway_rate);
  std::printf("audit chain after the run: %s, %lld entries; failed lookups: %d\n",
              verify.ok() && verify->intact ? "intact" : "BROKEN",
              static_cast<long long>(verify.ok() ? verify->entries : -1), failures);
  gateway.stop();
  sim_server->stop();
  fs::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
