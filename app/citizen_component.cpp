// The citizen_lookup component: POST /v1/citizens/lookup (see docs/citizen_lookup.md).
#include "app/adapters.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/citizen/citizen_config.hpp"
#include "gateway/flows/citizen/lookup_endpoint.hpp"

namespace lienthong::app {
namespace {

class CitizenLookupComponent final : public Component {
 public:
  CitizenLookupComponent(Runtime& rt, const ConfigNode& section)
      : endpoint_(section, *rt.db, *rt.clock,
                  population_adapter().make(section.object("upstream"), *rt.clock)) {
    if (auto warning = citizen::check_transport(rt.config->root()); !warning.empty())
      log::warn("citizen", "weak_transport", warning);
  }
  void register_routes(server::HttpServer& server) override { endpoint_.register_routes(server); }

 private:
  citizen::LookupEndpoint endpoint_;
};

}  // namespace

ComponentSpec citizen_lookup_component() {
  return {"citizen_lookup",
          [](const ConfigNode& section) {
            citizen::LookupEndpoint::validate(section);
            population_adapter().validate(section.object("upstream"));
          },
          [] {
            // The dossiers justify lookups (citizen_lookup.dossier_check); shared with sync and webhooks.
            auto m = audit::AuditLog::migrations();
            for (auto& d : dossiers::DossierStore::migrations()) m.push_back(d);
            return m;
          },
          [](Runtime& rt, const ConfigNode& section) -> std::unique_ptr<Component> {
            return std::make_unique<CitizenLookupComponent>(rt, section);
          },
          [](const ConfigNode& root) { (void)citizen::check_transport(root); }};
}

}  // namespace lienthong::app
