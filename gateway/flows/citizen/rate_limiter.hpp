// Per-account token buckets on an injected clock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "gateway/core/common/clock.hpp"
#include "gateway/flows/citizen/accounts.hpp"

namespace lienthong::citizen {

class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double per_minute, int burst, int64_t now_ms);
  // Takes one token; on refusal sets `retry_after_ms` to the wait for the next one.
  bool try_take(int64_t now_ms, int64_t& retry_after_ms);

 private:
  void refill(int64_t now_ms);
  double per_ms_ = 0;
  double capacity_ = 1;
  double tokens_ = 1;
  int64_t last_ms_ = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}
  bool try_acquire(const Account& account, int64_t& retry_after_ms);

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, TokenBucket> buckets_;
};

}  // namespace lienthong::citizen
