#include "gateway/flows/webhooks/intake_journal.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"

namespace lienthong::webhooks {

namespace {

constexpr size_t kHeader = 8;
constexpr std::string_view kPrefix = "intake-";
constexpr std::string_view kSuffix = ".log";

std::array<uint32_t, 256> make_crc_table() {
  // CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string errno_text(int e) {
  return std::strerror(e);
}

// Parses "intake-000000000012.log" → 12; 0 when the name is not a segment's.
uint64_t segment_number(const std::string& name) {
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.rfind(kPrefix, 0) != 0 ||
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return 0;
  }
  std::string digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoull(digits);
}

// One pwritev of header and payload at `offset` (no copy of the payload into a frame),
// continued after a partial write.
Status write_all(int fd, uint64_t offset, std::string_view header, std::string_view payload) {
  iovec iov[2] = {{const_cast<char*>(header.data()), header.size()},
                  {const_cast<char*>(payload.data()), payload.size()}};
  int first = 0;
  while (first < 2) {
    ssize_t n = ::pwritev(fd, iov + first, 2 - first, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::kStore, "write failed: " + errno_text(errno));
    }
    offset += static_cast<uint64_t>(n);
    auto left = static_cast<size_t>(n);
    while (first < 2 && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (first < 2) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return {};
}

}  // namespace

namespace {

uint32_t crc32c_table(uint32_t c, const unsigned char* p, size_t n) {
  static const std::array<uint32_t, 256> kTable = make_crc_table();
  for (size_t i = 0; i < n; ++i) c = kTable[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
// The CPU's CRC32 instruction computes CRC-32C: eight bytes per step instead of one table
// lookup per byte (every accepted webhook's record passes through here).
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(uint32_t c, const unsigned char* p, size_t n) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n > 0) {
    c = __builtin_ia32_crc32qi(c, *p++);
    --n;
  }
  return c;
}
#endif

}  // namespace

uint32_t crc32c(std::string_view data) {
  auto* p = reinterpret_cast<const unsigned char*>(data.data());
  uint32_t c = 0xffffffffu;
#if defined(__x86_64__)
  static const bool kHardware = __builtin_cpu_supports("sse4.2");
  c = kHardware ? crc32c_sse42(c, p, data.size()) : crc32c_table(c, p, data.size());
#else
  c = crc32c_table(c, p, data.size());
#endif
  return c ^ 0xffffffffu;
}

namespace {
// A frame's 8 bytes before its payload: length and CRC-32C, little-endian.
std::string frame_header(std::string_view payload) {
  std::string out;
  out.reserve(kHeader);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  put_u32(out, crc32c(payload));
  return out;
}
}  // namespace

std::string encode_frame(std::string_view payload) {
  std::string out = frame_header(payload);
  out.append(payload);
  return out;
}

std::vector<std::string> decode_frames(std::string_view data, size_t& valid_bytes) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (data.size() - pos >= kHeader) {
    uint32_t len = get_u32(data.data() + pos);
    uint32_t crc = get_u32(data.data() + pos + 4);
    // Length 0 ends the data: a record is never empty, and a segment's preallocated,
    // not yet written tail is zeros (8 zero bytes would otherwise pass as an empty frame).
    if (len == 0 || len > kMaxJournalPayload || data.size() - pos - kHeader < len) break;
    std::string_view payload = data.substr(pos + kHeader, len);
    if (crc32c(payload) != crc) break;
    out.emplace_back(payload);
    pos += kHeader + len;
  }
  valid_bytes = pos;
  return out;
}

std::filesystem::path IntakeJournal::segment_path(uint64_t number) const {
  char name[40];
  std::snprintf(name, sizeof name, "intake-%012llu.log", static_cast<unsigned long long>(number));
  return options_.dir / name;
}

Result<std::unique_ptr<IntakeJournal>> IntakeJournal::open(JournalOptions options,
                                                           std::vector<JournalRecord>& recovered) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    return make_error(ErrorKind::kConfig, "webhook intake journal: cannot create directory '" +
                                              options.dir.string() + "': " + ec.message());
  }
  std::unique_ptr<IntakeJournal> j(new IntakeJournal(std::move(options)));
  std::vector<uint64_t> found;
  for (const auto& entry : fs::directory_iterator(j->options_.dir, ec)) {
    if (uint64_t n = segment_number(entry.path().filename().string()); n > 0) found.push_back(n);
  }
  if (ec) {
    return make_error(ErrorKind::kStore, "webhook intake journal: cannot list '" + j->options_.dir.string() +
                                             "': " + ec.message());
  }
  std::sort(found.begin(), found.end());
  for (size_t i = 0; i < found.size(); ++i) {
    fs::path p = j->segment_path(found[i]);
    auto read = json::read_file(p.string());
    if (!read.ok()) {
      return make_error(ErrorKind::kStore,
                        "webhook intake journal: " + read.error().message + "; check its permissions");
    }
    const std::string& data = *read;
    size_t valid = 0;
    auto payloads = decode_frames(data, valid);
    for (auto& pl : payloads) recovered.push_back({found[i], std::move(pl)});
    const bool zero_tail = std::all_of(data.begin() + static_cast<std::ptrdiff_t>(valid), data.end(),
                                       [](char c) { return c == '\0'; });
    if (valid < data.size() && zero_tail) {
      // Space reserved for appends that never came (the run stopped without closing the
      // segment): not damage. Cut off so that the file holds only its records.
      fs::resize_file(p, valid, ec);
      if (ec) {
        return make_error(ErrorKind::kStore, "webhook intake journal: cannot cut the unused tail off '" +
                                                 p.string() + "': " + ec.message());
      }
    } else if (valid < data.size()) {
      bool last = i + 1 == found.size();
      if (last) {
        // The write of an unacknowledged record was cut short (crash while appending).
        // Cut it off, so that the segment reads clean once it is no longer the last one.
        log::warn(
            "webhooks", "journal_tail_removed",
            "an intake journal file ends with an incomplete record, removed",
            {{"file", p.filename().string()}, {"bytes", static_cast<unsigned long>(data.size() - valid)}});
        fs::resize_file(p, valid, ec);
        if (ec) {
          return make_error(ErrorKind::kStore,
                            "webhook intake journal: cannot cut the incomplete record off '" + p.string() +
                                "': " + ec.message());
        }
      } else {
        fs::path kept = p;
        kept += ".damaged";
        fs::copy_file(p, kept, fs::copy_options::overwrite_existing, ec);
        log::error("webhooks", "journal_damaged",
                   "an intake journal file is damaged; the records before the damage are recovered, the rest "
                   "cannot be read, a copy is kept for inspection",
                   {{"file", p.filename().string()},
                    {"at_byte", static_cast<unsigned long>(valid)},
                    {"size", static_cast<unsigned long>(data.size())},
                    {"recovered", static_cast<unsigned long>(payloads.size())},
                    {"copy", kept.filename().string()}});
      }
    }
    j->live_.push_back(found[i]);
  }
  std::lock_guard lock(j->mu_);
  LT_TRY(j->open_segment_locked(found.empty() ? 1 : found.back() + 1));
  return j;
}

IntakeJournal::~IntakeJournal() {
  std::lock_guard lock(mu_);
  close_segment_locked();
}

namespace {
constexpr uint64_t kPage = 4096;
// Appends through the mapping reserve the file's space in steps of this size.
constexpr uint64_t kReserveStep = 1ull << 20;
// The mapping covers the segment's size plus room for the record that passes it; a
// larger record goes through pwritev.
constexpr uint64_t kMapSlack = 1ull << 20;
constexpr uint64_t kMaxMap = 1ull << 30;
uint64_t round_up(uint64_t v, uint64_t step) {
  return (v + step - 1) / step * step;
}
}  // namespace

void IntakeJournal::close_segment_locked() {
  if (map_ != nullptr) {
    ::munmap(map_, map_len_);
    map_ = nullptr;
    map_len_ = 0;
  }
  if (fd_ < 0) return;
  // The reserved space past the last record goes, so a closed segment holds its records only.
  if (reserved_ > segment_size_ && ::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
    log::warn("webhooks", "journal_truncate_failed",
              "cannot cut the unused tail off an intake journal segment",
              {{"segment", static_cast<unsigned long>(segment_)}, {"error", errno_text(errno)}});
  }
  if (options_.fsync) {
    if (::fdatasync(fd_) == 0) {
      synced_ = appended_;  // this segment's records, and the earlier segments' already
    } else {
      log::error("webhooks", "journal_fdatasync_failed",
                 "fdatasync of an intake journal segment failed when closing it",
                 {{"segment", static_cast<unsigned long>(segment_)}, {"error", errno_text(errno)}});
      sync_failed_through_ = appended_;
    }
  }
  ::close(fd_);
  fd_ = -1;
}

Status IntakeJournal::open_segment_locked(uint64_t number) {
  close_segment_locked();
  auto p = segment_path(number);
  // Read-write, not append-only: appends are copied into a shared mapping of the file.
  int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return make_error(ErrorKind::kStore,
                      "webhook intake journal: cannot create '" + p.string() + "': " + errno_text(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int e = errno;
    ::close(fd);
    return make_error(ErrorKind::kStore, "webhook intake journal: cannot read the size of '" + p.string() +
                                             "': " + errno_text(e));
  }
  if (options_.fsync) {
    // The new file's directory entry must be durable too.
    int dfd = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  fd_ = fd;
  segment_ = number;
  // A file already there (never in normal operation) is continued after its end.
  segment_size_ = static_cast<uint64_t>(info.st_size);
  reserved_ = segment_size_;
  segment_broken_ = false;
  if (options_.use_mapping && !syncs_in_groups()) {
    map_len_ = round_up(std::min(options_.segment_bytes, kMaxMap) + kMapSlack, kPage);
    void* m = ::mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (m == MAP_FAILED) {
      log::warn("webhooks", "journal_map_failed",
                "cannot map an intake journal segment; appending with write calls",
                {{"segment", static_cast<unsigned long>(number)}, {"error", errno_text(errno)}});
      map_ = nullptr;
      map_len_ = 0;
    } else {
      map_ = static_cast<char*>(m);
    }
  }
  if (live_.empty() || live_.back() != number) live_.push_back(number);
  return {};
}

// Copies the frame into the mapping once the file's space for it is reserved (fallocate:
// the pages it touches are backed by allocated blocks, so a full disk is an error here and
// never a fault later). Returns false when this frame must go through pwritev instead.
Result<bool> IntakeJournal::append_mapped_locked(std::string_view header, std::string_view payload) {
  const uint64_t end = segment_size_ + header.size() + payload.size();
  if (map_ == nullptr || end > map_len_) return false;
  if (end > reserved_) {
    uint64_t want = std::min(round_up(end, kReserveStep), map_len_);
    if (::fallocate(fd_, 0, static_cast<off_t>(reserved_), static_cast<off_t>(want - reserved_)) != 0) {
      int e = errno;
      if (e == EOPNOTSUPP || e == ENOSYS) {
        // Without reservation a full disk would surface as SIGBUS: write calls from now on.
        log::warn("webhooks", "journal_reserve_failed",
                  "the file system cannot reserve space for the intake journal; appending with write calls",
                  {{"error", errno_text(e)}});
        ::munmap(map_, map_len_);
        map_ = nullptr;
        map_len_ = 0;
        options_.use_mapping = false;
        return false;
      }
      return make_error(ErrorKind::kStore, "cannot reserve space: " + errno_text(e));
    }
    reserved_ = want;
  }
  char* at = map_ + segment_size_;
  std::memcpy(at + header.size(), payload.data(), payload.size());
  std::memcpy(at, header.data(), header.size());
  if (options_.fsync) {
    uint64_t from = segment_size_ / kPage * kPage;
    if (::msync(map_ + from, end - from, MS_SYNC) != 0) {
      int e = errno;
      std::memset(at, 0, header.size());  // reads as the end of the segment
      return make_error(ErrorKind::kStore, "msync failed: " + errno_text(e));
    }
  }
  return true;
}

Result<Appended> IntakeJournal::append(std::string_view payload) {
  if (payload.empty() || payload.size() > kMaxJournalPayload) {
    return make_error(ErrorKind::kValidation, "webhook intake journal: record of " +
                                                  std::to_string(payload.size()) + " bytes cannot be framed");
  }
  const std::string header = frame_header(payload);
  const uint64_t frame_size = header.size() + payload.size();
  std::lock_guard lock(mu_);
  // A segment file deleted under the open descriptor would swallow records: start anew.
  struct stat info {};
  bool unlinked = fd_ >= 0 && ::fstat(fd_, &info) == 0 && info.st_nlink == 0;
  if (fd_ < 0 || segment_broken_ || unlinked || segment_size_ >= options_.segment_bytes) {
    LT_TRY(open_segment_locked(segment_ + 1));
  }
  auto mapped = append_mapped_locked(header, payload);
  if (!mapped.ok())
    return mapped.error().context("webhook intake journal " + segment_path(segment_).string());
  if (*mapped) {
    segment_size_ += frame_size;
    return Appended{segment_, ++appended_};
  }
  Status st = write_all(fd_, segment_size_, header, payload);
  if (st.ok() && options_.fsync && !syncs_in_groups() && ::fdatasync(fd_) != 0) {
    st = make_error(ErrorKind::kStore, "fdatasync failed: " + errno_text(errno));
  }
  if (!st.ok()) {
    // Nothing of a refused record may stay: a later record behind a partial frame would be
    // unreadable. Cut the file back; if that fails too, the next append starts a new segment.
    if (::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
      segment_broken_ = true;
    } else {
      reserved_ = segment_size_;
    }
    return st.error().context("webhook intake journal " + segment_path(segment_).string());
  }
  segment_size_ += frame_size;
  reserved_ = std::max(reserved_, segment_size_);
  return Appended{segment_, ++appended_};
}

Result<Synced> IntakeJournal::sync() {
  std::lock_guard one(sync_mu_);
  uint64_t target;
  int fd = -1;
  Synced out;
  {
    std::lock_guard lock(mu_);
    out.failed_through = std::exchange(sync_failed_through_, 0);
    if (synced_ >= appended_) {
      out.through = synced_;
      return out;
    }
    target = appended_;
    if (fd_ < 0) {
      // No open segment: its records were synced (or failed) when it was closed.
      out.through = synced_;
      return out;
    }
    // A descriptor of its own: the segment may be closed (and synced) meanwhile.
    fd = ::dup(fd_);
    if (fd < 0) {
      return make_error(ErrorKind::kStore,
                        "webhook intake journal: cannot duplicate the segment's descriptor to sync it: " +
                            errno_text(errno));
    }
  }
  int rc = ::fdatasync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) {
    return make_error(ErrorKind::kStore, "webhook intake journal: fdatasync failed: " + errno_text(e));
  }
  std::lock_guard lock(mu_);
  synced_ = std::max(synced_, target);
  out.through = synced_;
  // The segment was closed during the fdatasync and its own one failed: the error may
  // have been reported there and not here (the descriptors share their file).
  out.failed_through = std::max(out.failed_through, std::exchange(sync_failed_through_, 0));
  return out;
}

void IntakeJournal::retire_below(uint64_t segment) {
  std::vector<uint64_t> doomed;
  {
    std::lock_guard lock(mu_);
    while (!live_.empty() && live_.front() < segment && live_.front() != segment_) {
      doomed.push_back(live_.front());
      live_.pop_front();
    }
  }
  for (uint64_t n : doomed) {
    std::error_code ec;
    std::filesystem::remove(segment_path(n), ec);
    if (ec)
      log::warn("webhooks", "journal_segment_delete_failed",
                "cannot delete an applied intake journal segment",
                {{"segment", static_cast<unsigned long>(n)}, {"error", ec.message()}});
  }
}

Status IntakeJournal::retire_all() {
  uint64_t current;
  {
    std::lock_guard lock(mu_);
    if (segment_size_ > 0 || segment_broken_) LT_TRY(open_segment_locked(segment_ + 1));
    current = segment_;
  }
  retire_below(current);
  return {};
}

uint64_t IntakeJournal::current_segment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

}  // namespace lienthong::webhooks
