// The one-stop-shop page parser and the mapping it drives: outside input from the
// provincial system.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/one_stop_shop/one_stop_shop.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lienthong::mapping::Mapping mapping =
      std::move(lienthong::mapping::Mapping::load_file(std::string(LIENTHONG_SOURCE_DIR) +
                                                       "/mappings/one_stop_shop/dossier_event.json")
                    .value());
  auto page = lienthong::adapters::one_stop_shop::parse_page(
      std::string_view(reinterpret_cast<const char*>(data), size), mapping);
  if (page.ok()) {
    for (auto& r : page->records)
      for (auto& e : r.events) (void)e.event.ok();
  }
  return 0;
}
