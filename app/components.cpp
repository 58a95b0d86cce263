#include "app/adapters.hpp"
#include "app/component.hpp"
#include "app/reconciliation_component.hpp"
#include "app/sync_component.hpp"
#include "gateway/outbox/outbox.hpp"

namespace lienthong::app {

void validate_server_section(const ConfigNode& section);  // cmd_serve.cpp
ComponentSpec codes_component_spec();                     // cmd_codes.cpp

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      {"outbox", [](const ConfigNode& n) { (void)outbox::Policy::from_config(n); },
       outbox::Outbox::migrations, nullptr},
      {"server", validate_server_section, nullptr, nullptr},
      {"adapters", validate_adapters_section, nullptr, nullptr},
      {"sync", validate_sync_section, sync_migrations, make_sync_component, check_sync_adapters},
      codes_component_spec(),
      reconciliation_component(),
  };
}

}  // namespace lienthong::app
