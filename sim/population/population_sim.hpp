// Simulator of the national population database (CSDLQG về dân cư) behind NGSP, for
// tests, benchmarks and demos. It holds a generated population (Vietnamese names,
// addresses, households with a chủ hộ, parents and spouses) and answers the lookup the
// population adapter sends: found, not found (unknown number), mismatch (name or date of
// birth differ), and, on demand, outages (503), failures and added latency.
// It follows docs/contracts/population.md: the SOAP request TraCuuThongTinCongDan (and the
// provincial adapter's JSON route, answering {error_code, message}), checked as the page
// says; answers in the published schema, with codes for DanToc, TonGiao, QuocTich, QuanHe.
// Requests need "Authorization: Bearer <token>"; tokens are checked by a validator
// (the NGSP token simulator's, or a configured static list until that exists). When LGSP
// keys are configured, the lgspaccesstoken and AuthHash headers are required too.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model/citizen_record.hpp"

namespace lienthong::server {
class HttpServer;
struct ServerOptions;
}  // namespace lienthong::server

namespace lienthong::sim::population {

class Population {
 public:
  // Deterministic for a seed: the same seed gives the same citizens.
  static Population generate(uint64_t seed, size_t households);
  const model::CitizenRecord* find(std::string_view personal_id) const;
  const std::vector<model::CitizenRecord>& citizens() const { return citizens_; }

 private:
  std::vector<model::CitizenRecord> citizens_;
  std::map<std::string, size_t, std::less<>> index_;
};

struct SimReply {
  int status = 200;
  std::string content_type = "text/xml; charset=utf-8";
  std::string body;
};

struct SimOptions {
  uint64_t seed = 20261126;
  size_t households = 2000;
  std::string lookup_path = "/csdlqgdc/1.0/congdan/tracuu";           // SOAP route
  std::string adapter_path = "/csdlqgdc/1.0/adapter/congdan/tracuu";  // JSON-adapter route
  // LGSP JSON envelope route {accessToken, lgspAccessToken, AuthHash, data: SOAP text}; the
  // path has no public source.
  std::string envelope_path = "/csdlqgdc/1.0/lgsp/congdan/tracuu";
  // When set, requests must carry this lgspaccesstoken header value...
  std::string lgsp_access_token;
  // ...and, when not empty, an AuthHash header that is one of these.
  std::set<std::string, std::less<>> auth_hashes;
  // Returns true for an accepted bearer token (besides those issued at /token).
  std::function<bool(std::string_view)> token_valid;
  // When set, POST /token issues bearer tokens to this client (client_credentials, HTTP
  // Basic or form fields), standing in for the NGSP token endpoint.
  std::string client_id;
  std::string client_secret;
  int token_lifetime_seconds = 3600;
  // With lgsp_access_token set: POST /token must carry it as the lgspaccesstoken header too
  // (OpenCPS's getToken sends it there).
  bool lgsp_on_token_request = false;
};

class PopulationSim {
 public:
  explicit PopulationSim(SimOptions options);

  // The headers the simulator looks at ("" when absent).
  struct Headers {
    std::string_view authorization;
    std::string_view lgsp_access_token;  // lgspaccesstoken
    std::string_view auth_hash;          // AuthHash
  };
  // One HTTP exchange.
  SimReply handle(std::string_view method, std::string_view path, const Headers& headers,
                  std::string_view body);
  SimReply handle(std::string_view method, std::string_view path, std::string_view authorization,
                  std::string_view body) {
    return handle(method, path, Headers{authorization, {}, {}}, body);
  }

  const Population& population() const { return population_; }
  const SimOptions& options() const { return options_; }

  // Failure modes (also settable over POST /_sim/population/control).
  std::atomic<bool> outage{false};  // every lookup answers 503
  std::atomic<int> fail_next{0};    // the next N lookups answer 500
  std::atomic<int> latency_ms{0};   // added before every answer
  std::atomic<int64_t> lookups{0};  // lookups answered (any outcome)

 private:
  SimReply lookup(std::string_view body, bool adapter);
  SimReply control(std::string_view body);
  SimReply sample(std::string_view path);
  SimReply issue_token(const Headers& headers, std::string_view body);
  bool token_ok(std::string_view token);

  SimOptions options_;
  Population population_;
  std::mutex tokens_mu_;
  std::set<std::string, std::less<>> issued_;
};

// SOAP answers in the published schema (docs/contracts/population.md), codes for DanToc,
// TonGiao, QuocTich and ChuHo/QuanHe.
std::string soap_found(const model::CitizenRecord& r);
std::string soap_not_found();
std::string soap_fault(std::string_view code, std::string_view text);
// The provincial adapter's wrapper: {"error_code": code, "message": soap}.
std::string adapter_wrap(std::string_view error_code, std::string_view soap);

// Serves `sim` on a new, started server (tests and benches); `sim` must outlive it.
std::unique_ptr<server::HttpServer> serve(PopulationSim& sim, const server::ServerOptions& options);

// `lienthong-sim population [--address A] [--port N] [--seed S] [--households N]
//  [--token T1,T2] [--client-id ID --client-secret S] [--lgsp-access-token T] [--auth-hash H1,H2]
//  [--latency-ms N] [--outage]`
// Prints {"sim":"population","population_port":N} once bound; runs until SIGINT/SIGTERM.
int run_population_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim::population
