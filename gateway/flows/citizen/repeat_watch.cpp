#include "gateway/flows/citizen/repeat_watch.hpp"

namespace lienthong::citizen {

int RepeatWatch::record(const std::string& account, const std::string& subject, int64_t now_ms) {
  const int64_t horizon = now_ms - options_.window.count();
  std::lock_guard lock(mu_);
  if (++records_ % 1024 == 0) {
    // Bounded memory: forget pairs with nothing left in the window.
    for (auto it = seen_.begin(); it != seen_.end();) {
      while (!it->second.empty() && it->second.front() <= horizon) it->second.pop_front();
      it = it->second.empty() ? seen_.erase(it) : std::next(it);
    }
  }
  auto& times = seen_[{account, subject}];
  while (!times.empty() && times.front() <= horizon) times.pop_front();
  times.push_back(now_ms);
  return static_cast<int>(times.size());
}

}  // namespace lienthong::citizen
