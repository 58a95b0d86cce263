#include "gateway/flows/codes/table_resolver.hpp"

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::codes {

Day day_of(int64_t epoch_ms) {
  auto t = vn_time::to_vietnam(epoch_ms);
  return vn_time::days_from_civil(t.year, t.month, t.day);
}

Result<std::string> TableResolver::resolve(const std::string& kind, const std::string& code,
                                           int64_t on_epoch_ms) const {
  return tables_->translate(kind, code, day_of(on_epoch_ms), day_of(clock_.now_ms()));
}

}  // namespace lienthong::codes
