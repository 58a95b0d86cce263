// Token bucket per webhook source: `rate_per_second` tokens refill continuously up to
// `burst`; a request takes one token or is refused with the wait until the next token.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>

#include "gateway/core/common/clock.hpp"

namespace lienthong::webhooks {

class TokenBucket {
 public:
  // rate_per_second <= 0 disables limiting.
  TokenBucket(double rate_per_second, double burst, const Clock& clock)
      : rate_(rate_per_second),
        burst_(std::max(1.0, burst)),
        tokens_(burst_),
        clock_(clock),
        last_ms_(clock.now_ms()) {}

  // 0 when a token was taken; otherwise the milliseconds until one is available.
  int64_t try_take() {
    if (rate_ <= 0) return 0;
    std::lock_guard lock(mu_);
    int64_t now = clock_.now_ms();
    if (now > last_ms_) {
      tokens_ = std::min(burst_, tokens_ + (now - last_ms_) * rate_ / 1000.0);
      last_ms_ = now;
    }
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
      return 0;
    }
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - tokens_) * 1000.0 / rate_)));
  }

 private:
  double rate_, burst_, tokens_;
  const Clock& clock_;
  int64_t last_ms_;
  std::mutex mu_;
};

}  // namespace lienthong::webhooks
