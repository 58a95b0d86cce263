// Group sync of the intake journal (journal_fsync): one fdatasync for every record
// appended while the previous one ran, then the answers of the deliveries it covers, on
// its own thread (wh-journal-sync). The server threads never wait for the disk; a
// connection's next request is read once its answer is sent.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/flows/webhooks/intake_journal.hpp"
#include "gateway/flows/webhooks/outcome.hpp"

namespace lienthong::webhooks {

class GroupSync {
 public:
  // Starts the thread. `journal` must sync in groups and outlive this.
  GroupSync(IntakeJournal& journal, int64_t retry_after_s);
  // Answers what waits (after a last sync), then joins.
  ~GroupSync();
  GroupSync(const GroupSync&) = delete;
  GroupSync& operator=(const GroupSync&) = delete;

  // Gives `out` to `done` once the record of `ticket` is on disk (at once if it is), or
  // a 503 when it could not be made so.
  void answer_after(uint64_t ticket, Outcome out, std::function<void(Outcome)> done);

 private:
  struct Parked {
    uint64_t ticket;
    Outcome out;
    std::function<void(Outcome)> done;
  };
  void loop();

  IntakeJournal& journal_;
  const int64_t retry_after_s_;
  std::mutex mu_;  // guards the three below
  std::vector<Parked> parked_;
  uint64_t synced_through_ = 0;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace lienthong::webhooks
