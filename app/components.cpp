#include "app/component.hpp"
#include "app/reconciliation_component.hpp"

namespace lienthong::app {

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      reconciliation_component(),
  };
}

}  // namespace lienthong::app
