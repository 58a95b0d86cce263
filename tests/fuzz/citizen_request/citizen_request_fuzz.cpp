// The lookup request parser and the number check that follows it: outside input from
// every provincial system.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/citizen/lookup_request.hpp"
#include "gateway/flows/citizen/personal_id.hpp"

namespace {
const lienthong::citizen::ProvinceCodes& provinces() {
  static auto p = lienthong::citizen::ProvinceCodes::parse(
      R"({"provinces":[{"code":"001","name":"Hà Nội"},{"code":"079","name":"Hồ Chí Minh"}]})", "fuzz");
  return *p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kToday = 20'427;  // 2025-12-05
  auto r = lienthong::citizen::parse_lookup_request(body, kToday);
  if (r.ok()) {
    if (!lienthong::citizen::full_name_problem(r->full_name).empty()) std::abort();
    if (lienthong::vn_time::days_from_civil(r->birth_year, r->birth_month, r->birth_day) > kToday)
      std::abort();
    // Invariants of an accepted request.
    if (r->personal_id.empty() || r->purpose.empty() || r->dossier_code.empty()) std::abort();
    if (!lienthong::citizen::is_clean_utf8(r->full_name)) std::abort();
    if (r->date_of_birth().size() != 10) std::abort();
    auto id = lienthong::citizen::validate_personal_id(r->personal_id, r->birth_year, provinces());
    // The number is never echoed. (A number of a few characters can occur in the fixed
    // wording, as "2" does in "12 digits": only longer ones are looked for.)
    if (!id.ok() && r->personal_id.size() >= 6 &&
        id.error().message.find(r->personal_id) != std::string::npos)
      std::abort();
  } else if (auto doc = lienthong::json::parse(body); doc.ok() && doc->IsObject()) {
    // Submitted values never appear in an error message. (Values made only of letters
    // and punctuation can occur in the fixed wording.) Unknown member names are never
    // echoed: the message names none but the five allowed.
    if (r.error().message.find("unknown member") != std::string::npos &&
        r.error().message.find("'") != std::string::npos)
      std::abort();
    for (const char* field : {"personal_id", "full_name", "date_of_birth"}) {
      auto v = lienthong::json::get_string(*doc, field);
      if (!v || v->size() < 8 || v->find_first_of("0123456789\x80\xc3\xe1") == std::string::npos) continue;
      if (r.error().message.find(*v) != std::string::npos) std::abort();
    }
  }
  return 0;
}
