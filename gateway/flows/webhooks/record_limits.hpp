#pragma once

#include <cstddef>

namespace lienthong::webhooks {

// Limits on what a record carries besides its body (`webhooks.sources.<id>.record_limits`):
// the files of a DVCQG hand-over, decoded, each and together. A kind that reads no files
// ignores them.
struct RecordLimits {
  size_t file_bytes = 8 * 1024 * 1024;
  size_t record_bytes = 32 * 1024 * 1024;
};
// The Error::code of a read() refusing a record over its limits: answered 413
// `record-too-large` (in the source's answer shape) instead of 400 `invalid-record`.
inline constexpr const char* kRecordTooLarge = "record-too-large";
// The Error::code of a read() that could not fetch a file the record names (an
// amendment's URL): answered 503 `file-fetch-failed` + Retry-After, nothing kept, so that
// the sender sends it again.
inline constexpr const char* kFileFetchFailed = "file-fetch-failed";

}  // namespace lienthong::webhooks
