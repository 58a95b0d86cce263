#include "app/component.hpp"
#include "gateway/outbox/outbox.hpp"

namespace lienthong::app {

ComponentSpec codes_component_spec();  // cmd_codes.cpp
ComponentSpec citizen_lookup_component();  // citizen_component.cpp

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      {"outbox", [](const ConfigNode& n) { (void)outbox::Policy::from_config(n); }, outbox::Outbox::migrations,
       nullptr},
      codes_component_spec(),
      citizen_lookup_component(),
  };
}

}  // namespace lienthong::app
