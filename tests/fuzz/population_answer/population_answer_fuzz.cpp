// The SOAP answer parser of the population adapter: input from an upstream we do not
// control, passed through NGSP.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/population/soap_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto r = lienthong::population::wire::parse_answer(xml, "001090012345");
  if (r.ok() && r->outcome == lienthong::population::Outcome::kFound &&
      r->record.personal_id != "001090012345") {
    std::abort();  // a record for another number must never be accepted
  }
  (void)lienthong::population::wire::iso_date_from_wire(xml.substr(0, 8));
  return 0;
}
