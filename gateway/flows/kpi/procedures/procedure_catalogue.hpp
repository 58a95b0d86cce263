// Thủ tục hành chính (administrative procedures) as the deadline checks and the KPI need
// them: legal deadline, whether the procedure is an end-to-end online public service (dịch
// vụ công trực tuyến toàn trình), whether it charges a fee or charge (phí, lệ phí) and
// whether it offers online payment. Data, not code: mappings/procedures.json.
//   {"procedures": [{"code": "1.003560.000.00.00.H56", "name": "...",
//                    "deadline_working_days": 5,        // or "deadline_working_hours": 4
//                    "full_online": true, "requires_fee": true, "online_payment": true}]}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/calendar/deadline.hpp"

namespace lienthong::procedures {

struct Procedure {
  std::string code;  // MaTTHC
  std::string name;  // TenTTHC
  calendar::LegalDeadline deadline;
  bool full_online = false;     // DVC trực tuyến toàn trình
  bool requires_fee = false;    // charges phí/lệ phí
  bool online_payment = false;  // online payment offered
};

class ProcedureCatalogue {
 public:
  // Strict: unknown members, a duplicate code, a missing or non-positive deadline, a
  // procedure offering online payment without a fee are kParse errors naming
  // origin and entry ("procedures.json: procedures[3].deadline_working_days: ...").
  static Result<ProcedureCatalogue> parse(std::string_view text, std::string_view origin);
  static Result<ProcedureCatalogue> load(const std::string& path);

  const Procedure* find(std::string_view code) const;
  const std::vector<Procedure>& all() const { return procedures_; }

 private:
  std::vector<Procedure> procedures_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace lienthong::procedures
