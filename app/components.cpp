#include "adapters/dvcqg/handover_record.hpp"
#include "adapters/lltp/lltp_request_record.hpp"
#include "adapters/tax/land_tax_record.hpp"
#include "app/adapters.hpp"
#include "app/reconciliation_component.hpp"
#include "app/sync_component.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"
#include "gateway/flows/webhooks/webhooks_component.hpp"

namespace lienthong::app {

void validate_server_section(const ConfigNode& section);  // cmd_serve.cpp
void validate_admin_section(const ConfigNode& section);   // cmd_serve.cpp
ComponentSpec codes_component_spec();                     // cmd_codes.cpp
ComponentSpec citizen_lookup_component();                 // citizen_component.cpp
ComponentSpec calendar_component_spec();                  // kpi_settings.cpp
ComponentSpec kpi_component_spec();                       // kpi_settings.cpp
ComponentSpec console_component_spec();                   // console_component.cpp

namespace {

// The record kinds webhook sources may name (record_kind), registered here, by name, once.
std::shared_ptr<const webhooks::RecordKinds> webhook_record_kinds() {
  auto kinds = std::make_shared<webhooks::RecordKinds>();
  tax::add_land_tax_record_kinds(*kinds);
  adapters::dvcqg::add_handover_record_kinds(*kinds);
  adapters::lltp::add_lltp_record_kinds(*kinds);
  return kinds;
}

}  // namespace

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      {"outbox", [](const ConfigNode& n) { (void)outbox::Policy::from_config(n); },
       outbox::Outbox::migrations, nullptr},
      {"server", validate_server_section, nullptr, nullptr},
      {"admin", validate_admin_section, nullptr, nullptr},
      {"adapters", validate_adapters_section, nullptr, nullptr},
      {"sync", validate_sync_section, sync_migrations, make_sync_component, check_sync_adapters},
      codes_component_spec(),
      citizen_lookup_component(),
      calendar_component_spec(),
      kpi_component_spec(),
      webhooks::component_spec(
          webhook_record_kinds(),
          [](Runtime& rt) -> const dossiers::EventDestinations* { return &destination_adapters(rt); }),
      reconciliation_component(),
      console_component_spec(),
  };
}

}  // namespace lienthong::app
