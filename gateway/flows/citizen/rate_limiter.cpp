#include "gateway/flows/citizen/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace lienthong::citizen {

TokenBucket::TokenBucket(double per_minute, int burst, int64_t now_ms)
    : per_ms_(per_minute / 60'000.0), capacity_(std::max(1, burst)), tokens_(capacity_), last_ms_(now_ms) {}

void TokenBucket::refill(int64_t now_ms) {
  if (now_ms > last_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
    last_ms_ = now_ms;
  }
}

bool TokenBucket::try_take(int64_t now_ms, int64_t& retry_after_ms) {
  refill(now_ms);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    retry_after_ms = 0;
    return true;
  }
  retry_after_ms = per_ms_ > 0 ? static_cast<int64_t>(std::ceil((1.0 - tokens_) / per_ms_)) : INT64_MAX;
  return false;
}

bool RateLimiter::try_acquire(const Account& account, int64_t& retry_after_ms) {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(account.id);
  if (it == buckets_.end()) {
    it = buckets_
             .emplace(account.id, TokenBucket(account.rate_limit.per_minute, account.rate_limit.burst, now))
             .first;
  }
  return it->second.try_take(now, retry_after_ms);
}

}  // namespace lienthong::citizen
