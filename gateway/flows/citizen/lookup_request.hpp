// The body of POST /v1/citizens/lookup, parsed strictly at the edge: a JSON object with
// exactly these members, each a string of bounded length and shape. Unknown members are
// refused (a typo must not silently drop the purpose or the dossier code).
//   {"personal_id": "001090012345", "full_name": "Nguyễn Văn An",
//    "date_of_birth": "1990-05-17", "purpose": "residence_check",
//    "dossier_code": "000.00.15.H26-241126-0001"}
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::citizen {

struct LookupRequest {
  std::string personal_id;  // shape checked by validate_personal_id(), not here
  std::string full_name;    // họ, chữ đệm và tên, as the official read it
  int birth_year = 0, birth_month = 0, birth_day = 0;
  std::string purpose;
  std::string dossier_code;  // mã hồ sơ the lookup serves

  std::string date_of_birth() const;  // YYYY-MM-DD
};

inline constexpr size_t kMaxBodyBytes = 4096;
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxCodeBytes = 64;

// Errors are kParse (not JSON) or kValidation; Error::code names the offending member
// ("body" when the whole body is wrong). Messages never contain the submitted values.
Result<LookupRequest> parse_lookup_request(std::string_view body);

// True when `s` is well-formed UTF-8 without control characters.
bool is_clean_utf8(std::string_view s);

}  // namespace lienthong::citizen
