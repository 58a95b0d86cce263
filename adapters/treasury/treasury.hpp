// Kho bạc Nhà nước (KBNN, State Treasury) credit records for a period: an XML export
// (simulated, as no public spec exists) of <ChungTu> vouchers inside <DuLieuKhoBac>.
// Read as a stream, one record at a time, each record parsed with pugixml, so a file of
// any size costs one record of memory. The same documents come page by page from the
// treasury's API (pull_credits below).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong::treasury {

// Streams the export at `path` into `out`. A malformed record becomes an InputIssue with
// file, line and reason; a file that is not a treasury export (other root element, a
// DOCTYPE, truncated before </DuLieuKhoBac>) is refused as a whole.
Status read_credits(const std::string& path, reconciliation::Dataset& out);
// Same, from memory (API answers, tests, fuzzing); `name` stands for the file in issues.
Status read_credits_from_string(std::string_view xml, const std::string& name, reconciliation::Dataset& out);

}  // namespace lienthong::treasury

namespace lienthong::http {
class HttpClient;
}

namespace lienthong::treasury {

// The treasury's credit-record API (simulated: `lienthong-sim treasury`), pulled page by page:
//   GET {base_url}/chung-tu?TuNgay=yyyy-MM-dd&DenNgay=yyyy-MM-dd&Trang=N&SoBanGhi=M
//   Authorization: Bearer {token}
// Each page is a <DuLieuKhoBac> document in the export's format; the headers X-Trang (this
// page) and X-Tong-So-Trang (pages in all) carry the paging.
struct PullOptions {
  std::string base_url;
  std::string token;  // the bearer token the treasury issued to the province
  int page_size = 500;
  int max_attempts = 4;  // per page; only retryable failures (timeouts, 5xx, 429) are retried
  std::chrono::milliseconds retry_backoff{200};
};

// What was pulled, recorded by the run store like a file's checksum.
struct PullSummary {
  int pages = 0;
  std::string sha256;  // hex, over the bodies of all pages in order
  uint64_t bytes = 0;
};

// Paging headers of one page, validated: 1 <= page <= total_pages.
struct Paging {
  int page = 0;
  int total_pages = 0;
};
// Parses X-Trang and X-Tong-So-Trang (decimal, at most 6 digits). kProtocol naming the header.
Result<Paging> parse_paging(std::optional<std::string_view> page,
                            std::optional<std::string_view> total_pages);

// Pulls every credit booked in [from, to] (NgayHachToan, Vietnam days) into `out`, each page
// through the export parser (a malformed record is an InputIssue naming the page and line).
// Fails when a page cannot be fetched after retries, is not a treasury document or the paging
// is inconsistent; `out` may then hold part of the credits and must be discarded.
Result<PullSummary> pull_credits(http::HttpClient& client, const PullOptions& options,
                                 reconciliation::Day from, reconciliation::Day to,
                                 reconciliation::Dataset& out);

}  // namespace lienthong::treasury
