// The answer parsers of the population adapter: input from an upstream we do not
// control, passed through NGSP, an LGSP or a provincial adapter. The input is tried as a
// SOAP answer (with the code tables of mappings/citizen, so the code-to-name step runs
// too) and as the provincial adapter's {error_code, message} wrapper.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "adapters/population/code_tables.hpp"
#include "adapters/population/name_key.hpp"
#include "adapters/population/soap_answer.hpp"

namespace {

const lienthong::population::wire::AnswerSettings& settings() {
  static const auto s = [] {
    lienthong::population::wire::AnswerSettings out;
    auto tables = lienthong::population::CodeTables::load_dir(LIENTHONG_SOURCE_DIR "/mappings/citizen");
    if (tables.ok())
      out.names = std::make_shared<const lienthong::population::CodeTables>(std::move(*tables));
    return out;
  }();
  return s;
}

void check(const lienthong::Result<lienthong::population::Answer>& r) {
  if (r.ok() && r->outcome == lienthong::population::Outcome::kFound &&
      r->record.personal_id != "001090012345") {
    std::abort();  // a record for another number must never be accepted
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(lienthong::population::wire::parse_answer(text, "001090012345", settings()));
  if (auto soap = lienthong::population::wire::unwrap_adapter_answer(text); soap.ok()) {
    check(lienthong::population::wire::parse_answer(*soap, "001090012345", settings()));
  }
  (void)lienthong::population::wire::iso_date_from_wire(text.substr(0, 8));
  (void)lienthong::population::wire_name(text.substr(0, 64));
  return 0;
}
