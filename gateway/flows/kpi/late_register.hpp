// Sổ theo dõi hồ sơ trễ hạn (register of late-dossier explanations): for each late
// dossier, the agency's explanation and the apology sent to the citizen (Phiếu xin lỗi và
// hẹn lại ngày trả kết quả), who recorded it and when. Stored in `late_explanations`;
// exported as CSV or JSON for the province's report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::kpi {

struct LateExplanation {
  std::string dossier_code;
  std::string reason;                    // why the dossier is late (free text from the agency)
  std::string apology_ref;               // apology letter number / reference
  std::optional<int64_t> new_due_at_ms;  // the new return date promised in the apology
  std::string recorded_by;
  int64_t recorded_at_ms = 0;
};

class LateRegister {
 public:
  explicit LateRegister(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // Records (or replaces) the explanation of one dossier. kNotFound when the gateway has
  // never seen the dossier; kValidation when reason, apology or recorded_by is empty.
  Status record(const LateExplanation& e);
  Result<std::optional<LateExplanation>> get(const std::string& dossier_code);
  // In order of recording; [from_ms, to_ms) on recorded_at when given.
  Result<std::vector<LateExplanation>> list(std::optional<int64_t> from_ms = std::nullopt,
                                            std::optional<int64_t> to_ms = std::nullopt);

 private:
  store::Database& db_;
};

std::string to_csv(const std::vector<LateExplanation>& rows);
std::string to_json(const std::vector<LateExplanation>& rows);

}  // namespace lienthong::kpi
