// Công dân (citizen) as read from the national population database (CSDLQG về dân cư),
// in the gateway's own terms. The population adapter maps its wire answer into this; the
// lookup flow then keeps only the fields the stated purpose allows. Never stored at
// rest, never logged.
#pragma once

#include <optional>
#include <string>

namespace lienthong::model {

// Địa chỉ: administrative unit codes (tỉnh/huyện/xã) plus the free-text remainder.
struct Address {
  std::string province_code;  // mã tỉnh/thành
  std::string district_code;  // mã quận/huyện
  std::string ward_code;      // mã phường/xã
  std::string detail;         // số nhà, đường, thôn/xóm
};

struct PersonRef {
  std::string personal_id;
  std::string full_name;
};

// Chủ hộ (head of household) and this citizen's relation to them.
struct HouseholdHead {
  std::string relationship;  // quan hệ với chủ hộ: "Chủ hộ", "Vợ", "Con", ...
  PersonRef person;
};

struct CitizenRecord {
  std::string personal_id;
  std::string family_name;    // họ
  std::string middle_name;    // chữ đệm
  std::string given_name;     // tên
  std::string gender;         // "male", "female" or "unknown"
  std::string date_of_birth;  // YYYY-MM-DD (or YYYY-MM / YYYY when only that is recorded)
  std::string ethnicity;      // dân tộc
  std::string religion;       // tôn giáo
  std::string nationality;    // quốc tịch
  Address hometown;           // quê quán
  Address permanent_address;  // thường trú
  Address current_address;    // nơi ở hiện tại
  std::optional<HouseholdHead> household_head;
  std::optional<PersonRef> father, mother, spouse;

  std::string full_name() const {
    std::string out = family_name;
    for (const std::string* p : {&middle_name, &given_name}) {
      if (p->empty()) continue;
      if (!out.empty()) out += ' ';
      out += *p;
    }
    return out;
  }
};

}  // namespace lienthong::model
