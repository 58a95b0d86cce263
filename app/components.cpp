#include "app/component.hpp"
#include "app/reconciliation_component.hpp"
#include "gateway/outbox/outbox.hpp"

namespace lienthong::app {

ComponentSpec codes_component_spec();  // cmd_codes.cpp

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      {"outbox", [](const ConfigNode& n) { (void)outbox::Policy::from_config(n); }, outbox::Outbox::migrations,
       nullptr},
      codes_component_spec(),
      reconciliation_component(),
  };
}

}  // namespace lienthong::app
