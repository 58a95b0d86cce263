// The webhook intake journal: where an accepted webhook is made durable before the
// gateway answers 2xx. A webhook acknowledged through the store would dirty a page of
// every randomly keyed index it touches (receipt, event history, dossier view, outbox
// keys) in the transaction the sender waits for; here the acknowledged write is one
// sequential append to a file, and a single applier thread moves the records into the
// store afterwards in large transactions (gateway/flows/webhooks/applier.hpp).
//
// Files: <dir>/intake-<segment, 12 digits>.log. Each record is framed as
//   u32 little-endian payload length | u32 little-endian CRC-32C of the payload | payload
// A payload is never empty. Appends are copied into a shared mapping of the open segment,
// whose file space is reserved (fallocate) ahead in 1 MiB steps: its tail is zeros, which
// read as the end of the records, and is cut off when the segment is closed or read back.
// A segment is closed once it passes `segment_bytes`; a segment is deleted once every
// record in it has been applied to the store (retire_below). On start-up the segments a
// previous run left behind are read back in order; a frame cut short by a crash ends its
// segment (it was never acknowledged: the answer is sent only after the write returns).
//
// Durability matches the store's `synchronous` setting: by default a record is in the
// operating system's page cache when append returns (it survives the gateway process
// being killed, like SQLite's WAL with synchronous=NORMAL); with `fsync` the record is
// on disk (msync, or fdatasync for a record written with pwritev) before append
// returns, for synchronous=FULL.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::webhooks {

struct JournalOptions {
  std::filesystem::path dir;
  bool fsync = false;
  uint64_t segment_bytes = 64ull * 1024 * 1024;
  // Appends are copied into a shared mapping of the segment (no system call per record);
  // false: one pwritev per record. Either way a record is in the page cache when append
  // returns. Falls back to pwritev by itself where the file system cannot reserve space.
  bool use_mapping = true;
  // With fsync: append does not sync; sync() makes everything appended so far durable
  // with one fdatasync, for the appends of many deliveries at once (group commit).
  // Appends then use pwritev, never the mapping.
  bool group_sync = false;
};

struct Appended {
  uint64_t segment = 0;  // the segment the record went to
  uint64_t ticket = 0;   // its number among all records appended since the journal opened (1, 2, ...)
};

struct Synced {
  uint64_t through = 0;  // every record with a ticket up to this one is on disk
  // Records up to this ticket (0: none) whose segment failed its fdatasync when it was
  // closed: not known to be on disk.
  uint64_t failed_through = 0;
};

struct JournalRecord {
  uint64_t segment = 0;
  std::string payload;
};

// Largest payload a frame may carry (a body is at most 64 MiB, plus the record's fields).
inline constexpr uint32_t kMaxJournalPayload = 80u * 1024 * 1024;

// The framing, separate from the files so that the fuzz target can exercise it.
std::string encode_frame(std::string_view payload);
// Decodes frames from the start of `data`. Stops at the first frame that is incomplete,
// too long or fails its checksum; `valid_bytes` is where that frame begins (data.size()
// when all of it decoded).
std::vector<std::string> decode_frames(std::string_view data, size_t& valid_bytes);
uint32_t crc32c(std::string_view data);

class IntakeJournal {
 public:
  // Creates the directory if needed, reads back the records of the segments a previous
  // run left (in append order) into `recovered`, and starts a new segment for appends.
  // A segment damaged before its end (not a torn tail) is kept as <name>.damaged for an
  // operator and reported in the log.
  static Result<std::unique_ptr<IntakeJournal>> open(JournalOptions options,
                                                     std::vector<JournalRecord>& recovered);
  ~IntakeJournal();
  IntakeJournal(const IntakeJournal&) = delete;
  IntakeJournal& operator=(const IntakeJournal&) = delete;

  // Thread-safe. Returns the segment the record went to and its ticket once it is written
  // (and synced, with fsync and without group sync). A failed write leaves no partial
  // frame behind: the file is cut back to where the record began, or the segment is
  // abandoned.
  Result<Appended> append(std::string_view payload);
  // Group sync (options fsync and group_sync): one fdatasync for every record appended so
  // far that is not yet synced. Thread-safe; appends go on meanwhile. A failed fdatasync
  // is an error (kStore) and those records are not known to be on disk.
  Result<Synced> sync();
  bool syncs_in_groups() const { return options_.fsync && options_.group_sync; }
  // Deletes the segments numbered below `segment` (all their records are in the store).
  // The segment appends go to is never deleted.
  void retire_below(uint64_t segment);
  // Everything appended so far is applied: starts a new segment if the current one holds
  // records and deletes all older ones, so that a quiet journal does not keep applied
  // records for ever (they would be read back at the next start).
  Status retire_all();
  uint64_t current_segment() const;
  const std::filesystem::path& dir() const { return options_.dir; }

 private:
  explicit IntakeJournal(JournalOptions options) : options_(std::move(options)) {}
  Status open_segment_locked(uint64_t number);
  void close_segment_locked();
  Result<bool> append_mapped_locked(std::string_view header, std::string_view payload);
  std::filesystem::path segment_path(uint64_t number) const;

  JournalOptions options_;
  mutable std::mutex mu_;
  int fd_ = -1;
  uint64_t segment_ = 0;       // the one appends go to
  uint64_t segment_size_ = 0;  // bytes of records in it
  uint64_t reserved_ = 0;      // the file's size: records, then reserved zeros
  char* map_ = nullptr;        // shared mapping of the segment's first map_len_ bytes
  uint64_t map_len_ = 0;
  bool segment_broken_ = false;       // a failed write could not be undone: start a new one
  std::deque<uint64_t> live_;         // segments on disk not yet retired, ascending
  uint64_t appended_ = 0;             // tickets handed out
  uint64_t synced_ = 0;               // group sync: records known to be on disk
  uint64_t sync_failed_through_ = 0;  // group sync: a closed segment's fdatasync failed
  std::mutex sync_mu_;                // one sync() at a time
};

}  // namespace lienthong::webhooks
