#include "gateway/flows/citizen/lookup_endpoint.hpp"

#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/citizen/lookup_request.hpp"

namespace lienthong::citizen {
void LookupEndpoint::validate(const ConfigNode& section) {
  (void)parse_citizen_config(section);
}

LookupEndpoint::LookupEndpoint(const ConfigNode& section, store::Database& db, const Clock& clock,
                               std::unique_ptr<population::PopulationRegistry> population)
    : registry_(std::move(population)) {
  CitizenLookupConfig config = parse_citizen_config(section);
  if (!registry_)
    throw ConfigError("citizen_lookup: no population database adapter was built (a wiring bug)");
  audit_ = std::make_unique<audit::AuditLog>(db);
  service_ = std::make_unique<LookupService>(std::move(config), *registry_, *audit_, clock);
  // The dossiers the sync flow and the webhooks recorded justify (or not) a lookup.
  dossiers_ = std::make_unique<dossiers::DossierStore>(db);
  service_->set_dossier_source(
      [store = dossiers_.get()](const std::string& code) -> Result<std::optional<KnownDossier>> {
        LT_ASSIGN_OR_RETURN(auto row, store->get(code));
        if (!row) return std::optional<KnownDossier>();
        return std::optional<KnownDossier>(KnownDossier{row->agency_code, row->procedure_code,
                                                        !row->returned_at_ms && !row->finished_at_ms});
      });
  auto flagged = service_->restore_enumeration_state();
  if (!flagged.ok()) {
    // Starting without the flags would lift them silently: refuse to start instead.
    throw ConfigError("citizen_lookup: cannot rebuild the enumeration flags from the audit log: " +
                      flagged.error().message);
  }
  if (*flagged > 0)
    log::warn("citizen", "accounts_still_flagged", "accounts still flagged for enumeration",
              {{"accounts", static_cast<long long>(*flagged)}});

  auto& registry = metrics::Registry::global();
  registry.describe(
      "lienthong_citizen_lookups_total",
      "Citizen lookups by account, purpose and result (audit result names); never a citizen's data",
      "counter");
  registry.describe("lienthong_citizen_accounts_flagged_total",
                    "Accounts flagged for repeated not-found or mismatch answers", "counter");
  service_->set_observer([&registry](const LookupEvent& e) {
    registry
        .counter(
            "lienthong_citizen_lookups_total",
            "Citizen lookups by account, purpose and result (audit result names); never a citizen's data",
            {{"account", e.account}, {"purpose", e.purpose}, {"result", e.result}})
        .inc();
    if (e.repeated_subject) {
      registry
          .counter("lienthong_citizen_repeated_subject_total",
                   "Found lookups of one citizen by one account beyond the repeat threshold",
                   {{"account", e.account}})
          .inc();
    }
    if (e.newly_flagged) {
      registry
          .counter("lienthong_citizen_accounts_flagged_total",
                   "Accounts flagged for repeated not-found or mismatch answers", {{"account", e.account}})
          .inc();
    }
  });
}

LookupEndpoint::~LookupEndpoint() = default;

CallerCredentials credentials_of(const server::Request& request) {
  CallerCredentials c;
  if (auto key = request.header("x-api-key")) c.api_key = *key;
  if (auto official = request.header("x-official")) c.named_official = *official;
  c.source_address = request.remote_address;
  if (request.peer_certificate) {
    c.cert_subject = request.peer_certificate->subject;
    c.cert_fingerprint = request.peer_certificate->sha256_fingerprint;
  }
  return c;
}

server::Response LookupEndpoint::handle(const server::Request& request) {
  HttpReply reply = service_->handle(credentials_of(request), request.body);
  server::Response r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  r.headers = std::move(reply.headers);
  return r;
}

void LookupEndpoint::register_routes(server::HttpServer& server) {
  server::RouteLimits limits;
  limits.body_limit = kMaxBodyBytes;
  server.route(
      "POST", kLookupPath, [this](server::Request& req) { return handle(req); }, limits);
  // Refusals before the handler: on the lookup route they count with the unknown callers';
  // a failed TLS handshake or an oversized header names no route and is only counted.
  server.add_refusal_observer([this](const server::EarlyRefusal& r) {
    if (r.path == kLookupPath) return service_->record_early_refusal(r.remote_address, r.status);
    if (!r.path.empty()) return;
    metrics::Registry::global()
        .counter(
            "lienthong_server_early_refusals_unrouted_total",
            "Failed TLS handshakes (status 0) and oversized headers (431), on the server serving lookups",
            {{"status", std::to_string(r.status)}})
        .inc();
  });
}

}  // namespace lienthong::citizen
