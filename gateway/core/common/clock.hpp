// Injectable clock: code that depends on time takes a Clock&, tests pass a ManualClock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace lienthong {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  int64_t now_ms() const { return std::chrono::duration_cast<Millis>(now().time_since_epoch()).count(); }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& instance() {
    static SystemClock c;
    return c;
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : ms_(start_ms) {}
  TimePoint now() const override { return TimePoint(Millis(ms_.load())); }
  void advance(Millis d) { ms_ += d.count(); }
  void set_ms(int64_t ms) { ms_ = ms; }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace lienthong
