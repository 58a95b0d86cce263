#include "gateway/flows/citizen/enumeration_guard.hpp"

#include <algorithm>

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

bool EnumerationGuard::reserve(const std::string& account, int64_t& retry_after_ms) {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  State& s = states_[account];
  expire(s, now);
  if (static_cast<int>(s.misses.size()) + s.in_flight >= options_.threshold) {
    // Wait for an answer in flight, or for the oldest miss to leave the window.
    retry_after_ms = s.in_flight > 0 || s.misses.empty()
                         ? 1000
                         : std::max<int64_t>(1000, s.misses.front() + options_.window.count() - now);
    return false;
  }
  ++s.in_flight;
  retry_after_ms = 0;
  return true;
}

bool EnumerationGuard::settle(const std::string& account, bool miss) {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  State& s = states_[account];
  if (s.in_flight > 0) --s.in_flight;
  return record_locked(s, miss, now);
}

int EnumerationGuard::in_flight(const std::string& account) {
  std::lock_guard lock(mu_);
  auto it = states_.find(account);
  return it == states_.end() ? 0 : it->second.in_flight;
}

bool EnumerationGuard::record_locked(State& s, bool miss, int64_t now) {
  if (!miss) return false;
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

bool EnumerationGuard::replay(const std::string& account, std::string_view result, int64_t at_ms) {
  // Lookups refused before admission (rate limit, slowed account, unknown caller) did not
  // count as admitted; every other result was admitted first.
  if (result == "refused_rate_limit" || result == "refused_enumeration" ||
      result == "refused_unknown_caller") {
    return false;
  }
  std::lock_guard lock(mu_);
  State& s = states_[account];
  s.last_admitted = at_ms;
  return record_locked(s, result == "not_found" || result == "mismatch" || result == "unfinished", at_ms);
}

}  // namespace lienthong::citizen
