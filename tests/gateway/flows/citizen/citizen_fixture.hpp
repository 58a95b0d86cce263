// Shared by the citizen lookup tests: a config with two accounts and three purposes, an
// in-memory store with the audit table, and the population simulator reached in-process
// through the real adapter (the sender stands in for NGSP's HTTP hop).
#pragma once

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "adapters/population/population_registry.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/citizen/citizen_config.hpp"
#include "gateway/flows/citizen/lookup_service.hpp"
#include "sim/population/population_sim.hpp"

namespace lienthong::citizen::testing {

inline constexpr char kApiKey[] = "key-of-motcua-hanoi-0123456789abcdef";
inline constexpr char kOtherApiKey[] = "key-of-ubnd-xa-0123456789abcdef0123";
inline constexpr char kCertFingerprint[] =
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
inline constexpr char kSimToken[] = "sim-ngsp-token";

inline std::string config_json(const std::string& extra_enumeration = "") {
  return std::string(R"({
    "provinces_file": ")") +
         LIENTHONG_SOURCE_DIR "/mappings/citizen/birthplace_provinces.json" + R"(",
    "pseudonym_key": {"env": "LT_TEST_PSEUDONYM_KEY"},
    "purposes": [
      {"name": "residence_check", "fields": ["full_name", "permanent_address", "current_address", "household_head"],
       "service_code": "1.001612"},
      {"name": "identity_check", "fields": ["full_name", "gender", "date_of_birth"], "service_code": "1.000656"},
      {"name": "family_check", "fields": ["full_name", "father", "mother", "spouse"]}
    ],
    "accounts": [
      {"id": "motcua-hanoi", "official": "CB-0001", "agency": "000.00.15.H26",
       "purposes": ["residence_check", "identity_check"],
       "api_key_sha256": [")" +
         audit::sha256_hex(kApiKey) + R"("],
       "client_cert_sha256": [")" +
         std::string(kCertFingerprint) + R"("],
       "rate_limit": {"per_minute": 60, "burst": 5}},
      {"id": "ubnd-xa", "official": "CB-0002", "agency": "000.00.31.H26", "purposes": ["family_check"],
       "client_cert_subjects": ["CN=ubnd-xa,O=UBND,C=VN"], "api_key_sha256": [")" +
         audit::sha256_hex(kOtherApiKey) + R"("]}
    ],
    "enumeration": {"threshold": 3, "window_seconds": 600, "flag_seconds": 3600, "slow_interval_seconds": 60)" +
         extra_enumeration + R"(},
    "upstream": {"integration_code": "037", "default_service_code": "1.000000",
                 "url": "http://127.0.0.1:1/csdlqgdc/1.0/congdan/tracuu", "timeout_ms": 2000}
  })";
}

inline CitizenLookupConfig parse_config(const std::string& text) {
  setenv("LT_TEST_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef-test-key", 1);
  auto file = ConfigFile::from_string(text, LIENTHONG_SOURCE_DIR);
  return parse_citizen_config(file->root());
}

// The population adapter's options from the same config (its section citizen_lookup.upstream).
inline population::RegistryOptions upstream_options(const std::string& text) {
  setenv("LT_TEST_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef-test-key", 1);
  auto file = ConfigFile::from_string(text, LIENTHONG_SOURCE_DIR);
  return population::RegistryOptions::from_config(file->root().object("upstream"));
}

// Routes the adapter's HTTP request into the simulator, as the HTTP client would.
inline population::Sender sim_sender(sim::population::PopulationSim& sim,
                                     const std::string& token = kSimToken) {
  return [&sim, token](http::ClientRequest req) -> Result<http::ClientResponse> {
    auto reply = sim.handle(req.method, "/csdlqgdc/1.0/congdan/tracuu", "Bearer " + token, req.body);
    http::ClientResponse resp;
    resp.status = reply.status;
    resp.headers.push_back({"content-type", reply.content_type});
    resp.body = reply.body;
    return resp;
  };
}

inline sim::population::SimOptions sim_options(size_t households = 200) {
  sim::population::SimOptions o;
  o.households = households;
  o.token_valid = [](std::string_view t) { return t == kSimToken; };
  return o;
}

struct Harness {
  ManualClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<audit::AuditLog> audit;
  sim::population::PopulationSim sim{sim_options()};
  std::unique_ptr<population::PopulationRegistry> registry;
  std::unique_ptr<LookupService> service;

  std::string config_text;

  explicit Harness(const std::string& config = config_json())
      : Harness(std::move(store::open_sqlite({":memory:"})).value(), config) {}
  // On a store of the caller's (the PostgreSQL tests).
  explicit Harness(std::unique_ptr<store::Database> store, const std::string& config = config_json())
      : config_text(config) {
    db = std::move(store);
    auto st = db->migrate(audit::AuditLog::migrations());
    if (!st.ok()) throw std::runtime_error(st.error().message);
    audit = std::make_unique<audit::AuditLog>(*db);
    auto cfg = parse_config(config);
    registry = population::make_population_registry(upstream_options(config), sim_sender(sim));
    service = std::make_unique<LookupService>(std::move(cfg), *registry, *audit, clock);
  }

  // The adapter sends through `sender` from now on (a slow or counting database).
  void use_sender(population::Sender sender) {
    auto cfg = parse_config(config_text);
    registry = population::make_population_registry(upstream_options(config_text), std::move(sender));
    service = std::make_unique<LookupService>(std::move(cfg), *registry, *audit, clock);
  }

  // A gateway restart: a new service over the same audit log, its enumeration state
  // rebuilt from it. Returns how many accounts came back flagged.
  size_t restart() {
    auto cfg = parse_config(config_text);
    service = std::make_unique<LookupService>(std::move(cfg), *registry, *audit, clock);
    auto flagged = service->restore_enumeration_state();
    if (!flagged.ok()) throw std::runtime_error(flagged.error().message);
    return *flagged;
  }

  // A lookup of citizen `i` under a wrong name (a mismatch: a miss), 2 s after the
  // previous call so as to stay within the account's rate limit.
  HttpReply wrong_name_lookup(size_t i = 0) {
    clock.advance(std::chrono::milliseconds(2000));
    const auto& c = citizen(i);
    return service->handle(key(), body(c.personal_id, "Sai Tên", c.date_of_birth));
  }

  const model::CitizenRecord& citizen(size_t i = 0) const { return sim.population().citizens().at(i); }

  static std::string body(const std::string& id, const std::string& name, const std::string& dob,
                          const std::string& purpose = "residence_check",
                          const std::string& dossier = "H26-0001") {
    return R"({"personal_id":")" + id + R"(","full_name":")" + name + R"(","date_of_birth":")" + dob +
           R"(","purpose":")" + purpose + R"(","dossier_code":")" + dossier + R"("})";
  }
  std::string body_for(const model::CitizenRecord& c, const std::string& purpose = "residence_check") const {
    return body(c.personal_id, c.full_name(), c.date_of_birth, purpose);
  }
  static CallerCredentials key(const std::string& k = kApiKey) {
    CallerCredentials c;
    c.api_key = k;
    return c;
  }
};

}  // namespace lienthong::citizen::testing
