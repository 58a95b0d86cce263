// Số định danh cá nhân (personal identification number, printed on the CCCD card): 12 digits.
//   digits 1-3  birthplace province code (mappings/citizen/birthplace_provinces.json)
//   digit 4     century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, ...
//   digits 5-6  last two digits of the birth year
//   digits 7-12 random
// The structure is checked before a number leaves the gateway so that a typo or a guessed
// number never reaches the population database. Errors say which rule failed and never
// repeat the number.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::citizen {

// The official list of birthplace province codes, read from a mappings file.
class ProvinceCodes {
 public:
  // {"provinces": [{"code": "001", "name": "Hà Nội"}, ...]}; errors name the entry.
  static Result<ProvinceCodes> parse(std::string_view json_text, std::string_view what);
  static Result<ProvinceCodes> load(const std::string& path);

  bool contains(std::string_view code) const { return names_.count(std::string(code)) > 0; }
  const std::string* name(std::string_view code) const;
  size_t size() const { return names_.size(); }
  const std::map<std::string, std::string>& all() const { return names_; }

 private:
  std::map<std::string, std::string> names_;
};

enum class Sex { kMale, kFemale };

// A number whose structure has been checked against the date of birth given with it.
struct PersonalId {
  std::string digits;
  std::string province_code;
  Sex sex = Sex::kMale;
  int century_start = 1900;  // 1900, 2000, ...
};

// Checks `number` against the structure rules and the given birth year. Errors are
// ErrorKind::kValidation, name the rule, and never contain the number.
Result<PersonalId> validate_personal_id(std::string_view number, int birth_year,
                                        const ProvinceCodes& provinces);

// Digit 4 for a birth year and sex; -1 for a year outside 1900-2399.
int century_sex_digit(int birth_year, Sex sex);

}  // namespace lienthong::citizen
