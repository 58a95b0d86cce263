// The lookup request parser and the number check that follows it: outside input from
// every provincial system.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/citizen/lookup_request.hpp"
#include "gateway/citizen/personal_id.hpp"

namespace {
const lienthong::citizen::ProvinceCodes& provinces() {
  static auto p = lienthong::citizen::ProvinceCodes::parse(
      R"({"provinces":[{"code":"001","name":"Hà Nội"},{"code":"079","name":"Hồ Chí Minh"}]})", "fuzz");
  return *p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto r = lienthong::citizen::parse_lookup_request(body);
  if (r.ok()) {
    // Invariants of an accepted request.
    if (r->personal_id.empty() || r->purpose.empty() || r->dossier_code.empty()) std::abort();
    if (!lienthong::citizen::is_clean_utf8(r->full_name)) std::abort();
    if (r->date_of_birth().size() != 10) std::abort();
    auto id = lienthong::citizen::validate_personal_id(r->personal_id, r->birth_year, provinces());
    if (!id.ok() && id.error().message.find(r->personal_id) != std::string::npos) std::abort();
  } else if (r.error().message.find(body.size() > 20 ? std::string(body) : "\x01") != std::string::npos) {
    std::abort();  // the whole body echoed into an error
  }
  return 0;
}
