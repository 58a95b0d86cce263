// Mục đích khai thác (purpose of a lookup) → the fields of a citizen record the caller may
// receive for it. Data minimisation: a field not listed for the purpose never leaves the
// gateway, whatever the population database answered.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/model/citizen_record.hpp"

namespace lienthong::citizen {

// Every field name a purpose may list, in response order.
const std::vector<std::string>& citizen_fields();

struct Purpose {
  std::string name;
  std::set<std::string> fields;
  std::string service_code;  // mã dịch vụ công sent upstream as MaDVC
  std::string description;
  // Procedures (MaTTHC, or a prefix of it up to a '.') whose dossiers may state this
  // purpose; empty: any procedure.
  std::vector<std::string> procedures;
};

class PurposePolicy {
 public:
  // Throws std::invalid_argument naming an unknown field or a duplicate purpose.
  void add(Purpose purpose);
  const Purpose* find(const std::string& name) const;
  const std::map<std::string, Purpose>& all() const { return purposes_; }

 private:
  std::map<std::string, Purpose> purposes_;
};

// The citizen as a JSON object with only `fields`.
std::string render_citizen(const model::CitizenRecord& record, const std::set<std::string>& fields);

}  // namespace lienthong::citizen
