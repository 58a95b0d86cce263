#include "app/component.hpp"
#include "app/kpi_settings.hpp"
#include "gateway/outbox/outbox.hpp"

namespace lienthong::app {

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      {"outbox", [](const ConfigNode& n) { (void)outbox::Policy::from_config(n); },
       outbox::Outbox::migrations, nullptr},
      calendar_component_spec(),
      kpi_component_spec(),
  };
}

}  // namespace lienthong::app
