// run_population_sim: the population simulator on the gateway's own HTTP server.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <sstream>

#include "gateway/core/server/http_server.hpp"
#include "sim/common/sim_cli.hpp"
#include "sim/population/population_sim.hpp"

namespace lienthong::sim::population {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

std::unique_ptr<server::HttpServer> serve(PopulationSim& sim, const server::ServerOptions& options) {
  auto server = std::make_unique<server::HttpServer>(options);
  auto handler = [&sim](server::Request& req) {
    // The sample endpoint reads its limit from the query string.
    const std::string& path = req.path == "/_sim/population/citizens" ? req.target : req.path;
    std::string auth = req.header("authorization").value_or("");
    std::string lgsp = req.header("lgspaccesstoken").value_or("");
    std::string hash = req.header("authhash").value_or("");
    auto r = sim.handle(req.method, path, PopulationSim::Headers{auth, lgsp, hash}, req.body);
    server::Response resp;
    resp.status = r.status;
    resp.headers.push_back({"Content-Type", r.content_type});
    resp.body = std::move(r.body);
    return resp;
  };
  server->route("POST", sim.options().lookup_path, handler);
  server->route("POST", sim.options().adapter_path, handler);
  server->route("POST", sim.options().envelope_path, handler);
  server->route("POST", "/token", handler);
  server->route("POST", "/_sim/population/control", handler);
  server->route("GET", "/_sim/population/citizens", handler);
  server->start();
  return server;
}

int run_population_sim(const std::vector<std::string>& args) {
  SimOptions options;
  const SimSpec spec{"population",
                     "Serves POST " + options.lookup_path + " (SOAP), POST " + options.adapter_path +
                         " (JSON adapter) and POST " + options.envelope_path +
                         " (LGSP JSON envelope: token, lgspAccessToken and AuthHash in the body). A Bearer "
                         "token is required, "
                         "lgspaccesstoken/AuthHash when given, POST /token when a client id is given, GET "
                         "/_sim/population/citizens?limit=N and POST /_sim/population/control.",
                     "",
                     {{"address", "A", "address to listen on (default 127.0.0.1)"},
                      {"port", "N", "port to listen on (default 0: any free one)"},
                      {"seed", "S", "seed of the generated population"},
                      {"households", "N", "households generated"},
                      {"token", "T1,T2", "bearer tokens accepted"},
                      {"client-id", "ID", "OAuth2 client id of POST /token (with --client-secret)"},
                      {"client-secret", "S", "OAuth2 client secret"},
                      {"lgsp-access-token", "T", "the lgspaccesstoken required"},
                      {"lgsp-on-token", "", "lgspaccesstoken also on POST /token"},
                      {"auth-hash", "H1,H2", "AuthHash values accepted"},
                      {"latency-ms", "N", "added latency per request (default 0)"},
                      {"outage", "", "start in an outage"}}};
  std::string address = "127.0.0.1";
  int port = 0;
  std::vector<std::string> tokens;
  int latency = 0;
  bool outage = false;
  try {
    auto parsed = parse_sim_args(spec, args);
    if (!parsed) return 0;
    address = parsed->str("address", address);
    port = static_cast<int>(parsed->integer("port", 0, 0, 65535));
    options.seed =
        static_cast<uint64_t>(parsed->integer("seed", static_cast<int64_t>(options.seed), 0, INT64_MAX));
    options.households = static_cast<size_t>(
        parsed->integer("households", static_cast<int64_t>(options.households), 0, 10'000'000));
    if (parsed->has("token")) tokens = split(parsed->str("token", ""));
    options.client_id = parsed->str("client-id", options.client_id);
    options.client_secret = parsed->str("client-secret", options.client_secret);
    options.lgsp_access_token = parsed->str("lgsp-access-token", options.lgsp_access_token);
    if (parsed->has("lgsp-on-token")) options.lgsp_on_token_request = true;
    if (parsed->has("auth-hash"))
      for (auto& h : split(parsed->str("auth-hash", ""))) options.auth_hashes.insert(h);
    latency = static_cast<int>(parsed->integer("latency-ms", 0, 0, 600'000));
    outage = parsed->has("outage");
  } catch (const std::exception& e) {
    std::cerr << "lienthong-sim population: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (tokens.empty() && options.client_id.empty()) {
    std::cerr << "lienthong-sim population: give --token or --client-id/--client-secret, or no lookup can "
                 "succeed\n";
    return 2;
  }
  options.token_valid = [tokens](std::string_view t) {
    for (auto& k : tokens) {
      if (k == t) return true;
    }
    return false;
  };
  PopulationSim sim(options);
  sim.latency_ms = latency;
  sim.outage = outage;

  // Shutdown signals are taken with sigwait(); they are blocked before the server's
  // threads start so that none of them receives one.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::ServerOptions so;
  so.address = address;
  so.port = static_cast<uint16_t>(port);
  so.threads = 2;
  auto server = serve(sim, so);
  uint16_t bound = server->port();
  // The ready line, as every lienthong-sim simulator prints it: one JSON line on stdout.
  std::cout << "{\"sim\":\"population\",\"population_port\":" << bound << "}" << std::endl;
  std::cerr << "population sim on " << address << ":" << bound << ": " << sim.population().citizens().size()
            << " citizens (seed " << options.seed << ")" << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  server->stop();
  return 0;
}

}  // namespace lienthong::sim::population
