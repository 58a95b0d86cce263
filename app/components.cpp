#include "app/component.hpp"
#include "app/kpi_settings.hpp"

namespace lienthong::app {

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      calendar_component_spec(),
      kpi_component_spec(),
  };
}

}  // namespace lienthong::app
