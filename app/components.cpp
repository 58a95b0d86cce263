#include "app/component.hpp"

namespace lienthong::app {

ComponentSpec codes_component_spec();  // cmd_codes.cpp

// One line per component; order is start-up order.
std::vector<ComponentSpec> component_specs() {
  return {
      codes_component_spec(),
  };
}

}  // namespace lienthong::app
