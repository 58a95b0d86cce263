// The console's sessions (in memory: a restart logs everyone out) and the limit on
// failed logins, per user name and per address.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "app/console/console_config.hpp"
#include "gateway/core/common/clock.hpp"

namespace lienthong::console {

struct Session {
  std::string id;    // the cookie's value: 32 random bytes, hex
  std::string csrf;  // the token every POST of this session carries: 32 random bytes, hex
  std::string user;
  Role role = Role::kViewer;
  std::string via;  // "password" or "cert:<sha256>"
  int64_t last_seen_ms = 0;
};

class SessionStore {
 public:
  SessionStore(const Clock& clock, int64_t idle_timeout_ms)
      : clock_(clock), idle_timeout_ms_(idle_timeout_ms) {}
  Session create(const std::string& user, Role role, const std::string& via);
  // The session, its idle timer restarted; nullopt when unknown or idle past the timeout
  // (then forgotten).
  std::optional<Session> touch(const std::string& id);
  void remove(const std::string& id);

 private:
  const Clock& clock_;
  int64_t idle_timeout_ms_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

// Counts failed logins per key ("user:<name>", "addr:<ip>") in a sliding window.
class LoginLimiter {
 public:
  LoginLimiter(const Clock& clock, int attempts, int64_t window_ms)
      : clock_(clock), attempts_(attempts), window_ms_(window_ms) {}
  bool blocked(const std::string& key);
  void failed(const std::string& key);
  void succeeded(const std::string& key);

 private:
  const Clock& clock_;
  int attempts_;
  int64_t window_ms_;
  std::mutex mutex_;
  std::map<std::string, std::deque<int64_t>> failures_;
};

// n random bytes from libsodium, hex.
std::string random_token(size_t bytes = 32);
// Constant-time comparison of two tokens.
bool same_token(const std::string& a, const std::string& b);

}  // namespace lienthong::console
