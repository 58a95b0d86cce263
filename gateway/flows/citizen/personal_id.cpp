#include "gateway/flows/citizen/personal_id.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::citizen {

Result<ProvinceCodes> ProvinceCodes::parse(std::string_view json_text, std::string_view what) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document doc, json::parse(json_text, what));
  const auto* list = json::member(doc, "provinces");
  if (!list || !list->IsArray() || list->Empty()) {
    return Error(ErrorKind::kConfig, std::string(what) + ": expected a non-empty array \"provinces\"");
  }
  ProvinceCodes out;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const auto& e = (*list)[i];
    std::string where = std::string(what) + ": provinces[" + std::to_string(i) + "]";
    auto code = json::get_string(e, "code");
    auto name = json::get_string(e, "name");
    if (!code || code->size() != 3 || code->find_first_not_of("0123456789") != std::string::npos) {
      return Error(ErrorKind::kConfig, where + ".code: expected three digits, e.g. \"001\"");
    }
    if (!name || name->empty())
      return Error(ErrorKind::kConfig, where + ".name: expected a non-empty string");
    if (!out.names_.emplace(*code, *name).second) {
      return Error(ErrorKind::kConfig, where + ".code: duplicate code " + *code);
    }
  }
  return out;
}

Result<ProvinceCodes> ProvinceCodes::load(const std::string& path) {
  LT_ASSIGN_OR_RETURN(std::string text, json::read_file(path));
  return parse(text, path);
}

const std::string* ProvinceCodes::name(std::string_view code) const {
  auto it = names_.find(std::string(code));
  return it == names_.end() ? nullptr : &it->second;
}

int century_sex_digit(int birth_year, Sex sex) {
  if (birth_year < 1900 || birth_year > 2399) return -1;
  return (birth_year - 1900) / 100 * 2 + (sex == Sex::kFemale ? 1 : 0);
}

Result<PersonalId> validate_personal_id(std::string_view number, int birth_year,
                                        const ProvinceCodes& provinces) {
  auto fail = [](std::string rule) {
    Error e(ErrorKind::kValidation, "personal_id: " + rule);
    e.code = "personal_id";
    return e;
  };
  if (number.size() != 12) return fail("must be exactly 12 digits");
  for (char c : number) {
    if (c < '0' || c > '9') return fail("must contain digits only");
  }
  PersonalId id;
  id.digits = std::string(number);
  id.province_code = id.digits.substr(0, 3);
  if (!provinces.contains(id.province_code)) {
    return fail("digits 1-3 are not a birthplace province code from the official list");
  }
  int cs = number[3] - '0';
  id.sex = cs % 2 == 0 ? Sex::kMale : Sex::kFemale;
  id.century_start = 1900 + cs / 2 * 100;
  if (birth_year < id.century_start || birth_year >= id.century_start + 100) {
    return fail("digit 4 (century and sex) does not match the century of date_of_birth");
  }
  int yy = (number[4] - '0') * 10 + (number[5] - '0');
  if (birth_year % 100 != yy) return fail("digits 5-6 do not match the birth year in date_of_birth");
  return id;
}

}  // namespace lienthong::citizen
