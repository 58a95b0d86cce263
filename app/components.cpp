#include "app/component.hpp"

namespace lienthong::app {

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
  };
}

}  // namespace lienthong::app
