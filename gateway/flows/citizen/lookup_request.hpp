// The body of POST /v1/citizens/lookup, parsed strictly at the edge: a JSON object with
// exactly these members, each a string of bounded length and shape. Unknown members are
// refused (a typo must not silently drop the purpose or the dossier code).
//   {"personal_id": "001090012345", "full_name": "Nguyễn Văn An",
//    "date_of_birth": "1990-05-17", "purpose": "residence_check",
//    "dossier_code": "000.00.15.H26-241126-0001"}
#pragma once

#include <cstdint>
#include <optional>
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

inline constexpr size_t kMaxNameChars = 100;
inline constexpr int kMinBirthYear = 1900;

// Errors are kParse (not JSON) or kValidation; Error::code names the offending member
// ("body" when the whole body is wrong). Messages never contain the submitted values, nor
// an unknown member's name (it could be a number or a name sent under a wrong key).
// `today` (days since 1970-01-01, Vietnam time): a date of birth after it is refused.
Result<LookupRequest> parse_lookup_request(std::string_view body,
                                           std::optional<int64_t> today = std::nullopt);

// What is wrong with a full name ("" when nothing): at most kMaxNameChars characters,
// letters (Latin with Vietnamese diacritics, precomposed or combining), spaces, and
// ' - . between them; at least two letters.
std::string full_name_problem(std::string_view name);

// True when `s` is well-formed UTF-8 without control characters.
bool is_clean_utf8(std::string_view s);

}  // namespace lienthong::citizen
