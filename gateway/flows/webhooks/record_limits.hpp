#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lienthong::webhooks {

// Limits on what a record carries besides its body (`webhooks.sources.<id>.record_limits`):
// the files of a DVCQG hand-over, decoded, each and together. A kind that reads no files
// ignores them.
struct RecordLimits {
  size_t file_bytes = 8 * 1024 * 1024;
  size_t record_bytes = 32 * 1024 * 1024;
  // A file the record names by URL (an amendment's URLTepDangKy): the whole fetch within
  // fetch_timeout_ms, at most fetch_bytes (default file_bytes), and only from these hosts
  // (exact names, case-insensitive, or "*.suffix"); empty: no URL is fetched.
  int64_t fetch_timeout_ms = 20'000;
  size_t fetch_bytes = 0;  // 0: file_bytes
  std::vector<std::string> fetch_hosts;
  size_t fetch_limit() const { return fetch_bytes ? fetch_bytes : file_bytes; }
};
// The Error::code of a read() refusing a record over its limits: answered 413
// `record-too-large` (in the source's answer shape) instead of 400 `invalid-record`.
inline constexpr const char* kRecordTooLarge = "record-too-large";
// The Error::code of a read() that could not fetch a file the record names (an
// amendment's URL): answered 503 `file-fetch-failed` + Retry-After, nothing kept, so that
// the sender sends it again.
inline constexpr const char* kFileFetchFailed = "file-fetch-failed";
// The Error::code of a read() refusing a record whose file URL is not on a configured
// host (record_limits.fetch_hosts): answered 400 `fetch-host-not-allowed`, nothing fetched.
inline constexpr const char* kFetchHostNotAllowed = "fetch-host-not-allowed";

}  // namespace lienthong::webhooks
