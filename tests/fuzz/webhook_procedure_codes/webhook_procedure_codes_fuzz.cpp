// Procedure-code tables (mappings/webhooks/<source>/procedure_codes.json), then a lookup
// of every code in a fixed payload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/core/common/json.hpp"
#include "gateway/flows/webhooks/procedure_codes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lienthong;
  static const rapidjson::Document payload =
      json::parse(R"({"loai": "KHAI_SINH", "a": {"b": 3}, "CapNhat": {"Loai": "KET_HON"}})").value();
  auto t = webhooks::ProcedureCodeTable::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                               "fuzz");
  if (t.ok()) {
    for (const char* code : {"HT-DK", "DKDN-TL", "", "x"}) (void)t->resolve(code, payload);
  }
  return 0;
}
