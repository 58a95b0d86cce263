// run_population_sim: the population simulator on the gateway's own HTTP server.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <sstream>

#include "gateway/core/server/http_server.hpp"
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
  std::string address = "127.0.0.1";
  int port = 0;
  SimOptions options;
  std::vector<std::string> tokens;
  int latency = 0;
  bool outage = false;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
        return args[++i];
      };
      if (a == "--address")
        address = value();
      else if (a == "--port")
        port = std::stoi(value());
      else if (a == "--seed")
        options.seed = std::stoull(value());
      else if (a == "--households")
        options.households = std::stoul(value());
      else if (a == "--token")
        tokens = split(value());
      else if (a == "--client-id")
        options.client_id = value();
      else if (a == "--client-secret")
        options.client_secret = value();
      else if (a == "--lgsp-access-token")
        options.lgsp_access_token = value();
      else if (a == "--lgsp-on-token")
        options.lgsp_on_token_request = true;
      else if (a == "--auth-hash") {
        for (auto& h : split(value())) options.auth_hashes.insert(h);
      } else if (a == "--latency-ms")
        latency = std::stoi(value());
      else if (a == "--outage")
        outage = true;
      else if (a == "--help") {
        std::cout
            << "usage: lienthong-sim population [--address A] [--port N] [--seed S] [--households N]\n"
               "  [--token T1,T2] [--client-id ID --client-secret S] [--lgsp-access-token T]\n"
               "  [--lgsp-on-token] [--auth-hash H1,H2] [--latency-ms N] [--outage]\n"
               "Serves POST "
            << options.lookup_path << " (SOAP), POST " << options.adapter_path << " (JSON adapter) and POST "
            << options.envelope_path
            << "\n(LGSP JSON envelope: token, lgspAccessToken and AuthHash in the body). A Bearer token is\n"
               "required, lgspaccesstoken/AuthHash when given (--lgsp-on-token: lgspaccesstoken also on\n"
               "POST /token), POST /token when a client id is given, GET /_sim/population/citizens?limit=N\n"
               "and POST /_sim/population/control.\n";
        return 0;
      } else {
        throw std::invalid_argument("unknown option " + a);
      }
    }
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
