// The DVCQG portal's answers to DongBoHoSoMC, CapNhatTienDoHoSoMC and TraCuuHoSo
// (docs/contracts/dvcqg.md), read as the adapter reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/dvcqg/dvcqg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)lienthong::adapters::dvcqg::read_portal_answer(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
