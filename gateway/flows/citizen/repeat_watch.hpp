// Repeated successful lookups of one citizen (by its pseudonym) by one account: beyond
// `threshold` within `window`, each further one is flagged in its audit entry (`detail`
// holds flag=repeated_subject) and counted in metrics, for review. Not refused: a dossier
// may need a citizen checked again. Held in memory: a restart starts the counts afresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace lienthong::citizen {

struct RepeatOptions {
  int threshold = 3;
  std::chrono::milliseconds window{24 * 3'600'000};
};

class RepeatWatch {
 public:
  explicit RepeatWatch(RepeatOptions options) : options_(options) {}
  // Records a found answer at `now_ms`; returns how many found lookups of `subject` by
  // `account` fall in the window, this one included.
  int record(const std::string& account, const std::string& subject, int64_t now_ms);
  bool beyond_threshold(int count) const { return count > options_.threshold; }

 private:
  RepeatOptions options_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::deque<int64_t>> seen_;
  uint64_t records_ = 0;
};

}  // namespace lienthong::citizen
