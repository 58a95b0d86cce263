#include "app/console/sessions.hpp"

#include <sodium.h>

#include <vector>

namespace lienthong::console {

std::string random_token(size_t bytes) {
  static const int ready = sodium_init();  // idempotent; randombytes_buf needs it first
  (void)ready;
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Session SessionStore::create(const std::string& user, Role role, const std::string& via) {
  Session s{random_token(), random_token(), user, role, via, clock_.now_ms()};
  std::lock_guard lock(mutex_);
  // Forget the idle ones now and then, so that abandoned sessions do not pile up.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (s.last_seen_ms - it->second.last_seen_ms > idle_timeout_ms_)
      it = sessions_.erase(it);
    else
      ++it;
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionStore::touch(const std::string& id) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_seen_ms > idle_timeout_ms_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_ms = now;
  return it->second;
}

void SessionStore::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

bool LoginLimiter::blocked(const std::string& key) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  while (!it->second.empty() && now - it->second.front() >= window_ms_) it->second.pop_front();
  return static_cast<int>(it->second.size()) >= attempts_;
}

void LoginLimiter::failed(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& q = failures_[key];
  q.push_back(clock_.now_ms());
  while (static_cast<int>(q.size()) > attempts_) q.pop_front();
}

void LoginLimiter::succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

}  // namespace lienthong::console
