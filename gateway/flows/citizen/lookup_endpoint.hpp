// The lookup flow wired to the gateway's HTTP pieces: the route on the inbound server,
// the population database's adapter (handed in), the audit log in the store, and metrics. Used by the
// citizen_lookup component, the end-to-end tests and the benchmark.
#pragma once

#include <memory>

#include "gateway/core/config/config.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/citizen/lookup_service.hpp"

namespace lienthong::server {
class HttpServer;
struct Request;
struct Response;
}  // namespace lienthong::server
namespace lienthong::dossiers {
class DossierStore;
}  // namespace lienthong::dossiers

namespace lienthong::citizen {

inline constexpr char kLookupPath[] = "/v1/citizens/lookup";

class LookupEndpoint {
 public:
  // Throws ConfigError naming the key (the citizen_lookup section; its upstream is the
  // population adapter's, validated where app/ builds it).
  static void validate(const ConfigNode& section);

  // `db` holds the audit log and the dossiers (AuditLog and DossierStore migrations);
  // `registry`: the population database's adapter, built by app/ from
  // citizen_lookup.upstream.
  LookupEndpoint(const ConfigNode& section, store::Database& db, const Clock& clock,
                 std::unique_ptr<population::PopulationRegistry> registry);
  ~LookupEndpoint();

  void register_routes(server::HttpServer& server);
  server::Response handle(const server::Request& request);
  LookupService& service() { return *service_; }

 private:
  std::unique_ptr<population::PopulationRegistry> registry_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<dossiers::DossierStore> dossiers_;
  std::unique_ptr<LookupService> service_;
};

// How the caller presented itself: X-API-Key, or the verified mTLS client certificate.
CallerCredentials credentials_of(const server::Request& request);

}  // namespace lienthong::citizen
