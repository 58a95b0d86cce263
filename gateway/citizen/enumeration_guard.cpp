#include "gateway/citizen/enumeration_guard.hpp"

namespace lienthong::citizen {

void EnumerationGuard::expire(State& s, int64_t now) const {
  while (!s.misses.empty() && s.misses.front() <= now - options_.window.count()) s.misses.pop_front();
}

EnumerationGuard::Admission EnumerationGuard::admit(const std::string& account) {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  State& s = states_[account];
  Admission a;
  if (s.flagged_until > now) {
    a.flagged = true;
    int64_t next = s.last_admitted + options_.slow_interval.count();
    if (now < next) {
      a.allowed = false;
      a.retry_after_ms = next - now;
      return a;
    }
  }
  s.last_admitted = now;
  return a;
}

bool EnumerationGuard::record(const std::string& account, bool miss) {
  if (!miss) return false;
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  State& s = states_[account];
  expire(s, now);
  s.misses.push_back(now);
  if (static_cast<int>(s.misses.size()) >= options_.threshold) {
    bool fresh = s.flagged_until <= now;
    s.flagged_until = now + options_.flag_duration.count();
    s.misses.clear();
    return fresh;
  }
  return false;
}

bool EnumerationGuard::is_flagged(const std::string& account) {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto it = states_.find(account);
  return it != states_.end() && it->second.flagged_until > now;
}

}  // namespace lienthong::citizen
