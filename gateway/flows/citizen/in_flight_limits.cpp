#include "gateway/flows/citizen/in_flight_limits.hpp"

namespace lienthong::citizen {

const char* InFlightLimits::try_enter(const std::string& account, const std::string& agency) {
  std::lock_guard lock(mu_);
  int& a = by_account_[account];
  int& g = by_agency_[agency];
  if (a >= options_.per_account) return "account";
  if (g >= options_.per_agency) return "agency";
  if (total_ >= options_.total) return "total";
  ++a;
  ++g;
  ++total_;
  return nullptr;
}

void InFlightLimits::leave(const std::string& account, const std::string& agency) {
  std::lock_guard lock(mu_);
  if (auto it = by_account_.find(account); it != by_account_.end() && it->second > 0) --it->second;
  if (auto it = by_agency_.find(agency); it != by_agency_.end() && it->second > 0) --it->second;
  if (total_ > 0) --total_;
}

int InFlightLimits::in_flight() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace lienthong::citizen
