#include "gateway/flows/citizen/purpose_policy.hpp"

#include <stdexcept>

#include "gateway/core/common/log.hpp"

namespace lienthong::citizen {
namespace {

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

std::string address(const model::Address& a) {
  return "{\"province_code\":" + q(a.province_code) + ",\"district_code\":" + q(a.district_code) +
         ",\"ward_code\":" + q(a.ward_code) + ",\"detail\":" + q(a.detail) + "}";
}

std::string person(const std::optional<model::PersonRef>& p) {
  if (!p) return "null";
  return "{\"personal_id\":" + q(p->personal_id) + ",\"full_name\":" + q(p->full_name) + "}";
}

}  // namespace

const std::vector<std::string>& citizen_fields() {
  static const std::vector<std::string> f = {"personal_id",     "full_name",      "gender",
                                             "date_of_birth",   "ethnicity",      "religion",
                                             "nationality",     "hometown",       "permanent_address",
                                             "current_address", "household_head", "father",
                                             "mother",          "spouse"};
  return f;
}

void PurposePolicy::add(Purpose p) {
  for (auto& f : p.fields) {
    bool known = false;
    for (auto& k : citizen_fields()) known = known || k == f;
    if (!known) {
      std::string all;
      for (auto& k : citizen_fields()) all += (all.empty() ? "" : ", ") + k;
      throw std::invalid_argument("purpose '" + p.name + "': unknown field '" + f + "' (known: " + all + ")");
    }
  }
  std::string name = p.name;
  if (!purposes_.emplace(name, std::move(p)).second)
    throw std::invalid_argument("duplicate purpose '" + name + "'");
}

const Purpose* PurposePolicy::find(const std::string& name) const {
  auto it = purposes_.find(name);
  return it == purposes_.end() ? nullptr : &it->second;
}

std::string render_citizen(const model::CitizenRecord& r, const std::set<std::string>& fields) {
  std::string out = "{";
  auto put = [&](const std::string& name, const std::string& value) {
    if (!fields.count(name)) return;
    if (out.size() > 1) out += ',';
    out += q(name) + ":" + value;
  };
  put("personal_id", q(r.personal_id));
  put("full_name", q(r.full_name()));
  put("gender", q(r.gender));
  put("date_of_birth", q(r.date_of_birth));
  put("ethnicity", q(r.ethnicity));
  put("religion", q(r.religion));
  put("nationality", q(r.nationality));
  put("hometown", address(r.hometown));
  put("permanent_address", address(r.permanent_address));
  put("current_address", address(r.current_address));
  put("household_head", r.household_head ? "{\"relationship\":" + q(r.household_head->relationship) +
                                               ",\"personal_id\":" + q(r.household_head->person.personal_id) +
                                               ",\"full_name\":" + q(r.household_head->person.full_name) + "}"
                                         : "null");
  put("father", person(r.father));
  put("mother", person(r.mother));
  put("spouse", person(r.spouse));
  return out + "}";
}

}  // namespace lienthong::citizen
