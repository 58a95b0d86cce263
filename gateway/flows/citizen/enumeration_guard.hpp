// Protection against enumeration: an account that collects `threshold` not-found or
// mismatch answers within `window` is flagged for `flag_duration`. While flagged it is
// slowed to one lookup per `slow_interval` (others get 429 with Retry-After) and the flag
// shows in the audit log and in metrics. The state lives in memory and is rebuilt at
// start-up by replaying the audit log's recent entries (`replay`), so a restart does not
// clear a flag: the audit log already records every admitted lookup and every miss.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "gateway/core/common/clock.hpp"

namespace lienthong::citizen {

struct EnumerationOptions {
  int threshold = 5;
  std::chrono::milliseconds window{10 * 60'000};
  std::chrono::milliseconds flag_duration{60 * 60'000};
  std::chrono::milliseconds slow_interval{60'000};
};

class EnumerationGuard {
 public:
  EnumerationGuard(EnumerationOptions options, const Clock& clock) : options_(options), clock_(clock) {}

  struct Admission {
    bool allowed = true;
    bool flagged = false;
    int64_t retry_after_ms = 0;
  };
  // Called before a lookup goes upstream.
  Admission admit(const std::string& account);
  // Reserves the right to call the database, just before the call: granted only while the
  // misses in the window plus the lookups in flight stay below the threshold, since every
  // lookup in flight may come back a miss. Without it, parallel lookups all pass `admit`
  // before the first answer is counted. On refusal sets `retry_after_ms`.
  bool reserve(const std::string& account, int64_t& retry_after_ms);
  // Gives a reservation back with its answer (`miss`: not found or mismatch; false for
  // an upstream failure); returns true when this answer made the account flagged.
  bool settle(const std::string& account, bool miss);
  int in_flight(const std::string& account);
  bool is_flagged(const std::string& account);
  // Feeds one audited lookup back in, as it happened at `at_ms` (oldest first): what the
  // lookup's audit `result` says about admission and misses ("unfinished": an intent with
  // no outcome, counted as a miss). Returns true when it flagged.
  bool replay(const std::string& account, std::string_view result, int64_t at_ms);
  // How far back `replay` must start for the state at `now` to come out the same: a flag
  // still running was raised within `flag_duration`, by misses within `window` before it.
  std::chrono::milliseconds replay_horizon() const { return options_.flag_duration + 2 * options_.window; }

 private:
  struct State {
    std::deque<int64_t> misses;
    int64_t flagged_until = 0;
    int64_t last_admitted = INT64_MIN / 2;
    int in_flight = 0;
  };
  void expire(State& s, int64_t now) const;
  bool record_locked(State& s, bool miss, int64_t now);

  EnumerationOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, State> states_;
};

}  // namespace lienthong::citizen
