// Callers the gateway does not recognise (no credential, or one no account holds) are
// refused; this gate keeps a flood of them from costing a write each. Refusals are counted
// per caller (source address and credential presented) in fixed windows: the first of a
// caller in a window is audited, the rest are only counted and summed up in one entry when
// the window ends. Beyond `per_source` refusals of one address (an IPv6 /64 counts as one)
// or `total` of all unknown callers in a window, they are throttled (429) before anything
// is parsed. At most `max_callers` callers are told apart per window; the others share one
// tally, so that the entries a window can add are bounded whatever the flood.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"

namespace lienthong::citizen {

struct UnknownCallerOptions {
  int64_t per_source = 20;  // refusals of one source address per window before throttling
  int64_t total = 300;      // refusals of all unknown callers per window before throttling
  std::chrono::seconds window{60};
  size_t max_callers = 100;  // callers told apart per window; the others share one tally
};

// One caller's refusals in one window.
struct RefusalTally {
  std::string source;      // address (IPv6: its /64), or "*" for the shared tally
  std::string credential;  // credential id presented, "*" for the shared tally
  int64_t window_start_ms = 0;
  int64_t refusals = 0;   // all of them, the audited first one included
  int64_t throttled = 0;  // of which answered 429
};

class UnknownCallerGate {
 public:
  // Source addresses whose refusals are counted per window (a bound on memory).
  static constexpr size_t kMaxSourcesCounted = 100'000;

  struct Decision {
    bool throttled = false;
    int64_t retry_after_ms = 0;
    bool audit = false;  // the caller's first refusal in this window: write its entry
  };

  UnknownCallerGate(UnknownCallerOptions options, const Clock& clock) : options_(options), clock_(clock) {}

  // Counts one refusal of an unknown caller and decides how it is answered and recorded.
  Decision refuse(const std::string& source_address, const std::string& credential);
  // Tallies of ended windows (of every window with `all`) that hold refusals not audited
  // one by one; each is to be written as one entry. Taken tallies are forgotten.
  std::vector<RefusalTally> take_ended(bool all = false);

  const UnknownCallerOptions& options() const { return options_; }

 private:
  void roll(int64_t now_ms);

  UnknownCallerOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  int64_t window_start_ms_ = INT64_MIN;
  int64_t total_ = 0;
  std::map<std::string, int64_t> per_source_;
  std::map<std::string, RefusalTally> callers_;
  std::vector<RefusalTally> ended_;
};

// The address a source is throttled by: "host:port" loses its port, an IPv6 address is
// cut to its /64 (one subscriber's allocation), anything unparsable is kept whole.
std::string source_key(const std::string& source_address);

}  // namespace lienthong::citizen
