// Hồ sơ liên thông từ DVCQG (a dossier handed over by DVCQG): a dossier a citizen or a
// business filed on the national portal for a procedure the province resolves (e.g. a
// promotion notice, thông báo khuyến mại), pushed as flat JSON with its files in base64
// (docs/contracts/national_push.md, "Dossiers handed over"). A record kind of the webhook
// receiver: read whole and checked before the answer (files decoded, each and all within
// the source's record_limits), stored by the applier in `handover_dossiers` with its files
// content-addressed in `handover_files`. The provincial one-stop-shop adapter has no create
// call, so the dossier stays here, listed by `lienthong handovers`; it is never queued to
// DVCQG (it came from there).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"

namespace lienthong::adapters::dvcqg {

inline constexpr const char* kHandoverKind = "dvcqg_handover";
// Sửa đổi, bổ sung (an amendment of a handed-over dossier): {service, isUpdating,
// data:{MaHoSoQG, …, ThongTinSuaDoi{…}, TenTepDangKy, URLTepDangKy}}; the file is fetched
// from URLTepDangKy before the answer (a failed fetch: 503 file-fetch-failed, nothing
// kept, the sender sends again), and only from the source's record_limits.fetch_hosts
// (another host: refused 400 fetch-host-not-allowed, nothing fetched); the dossier of
// MaHoSoQG is updated (or stored when new).
inline constexpr const char* kAmendmentKind = "dvcqg_amendment";

// Fetches a file by URL, at most max_bytes (over: an Error whose code is
// webhooks::kRecordTooLarge), the whole fetch within `timeout`. The source's
// record_limits give both (fetch_bytes, fetch_timeout_ms) and the hosts it may fetch from.
using FileFetcher = std::function<Result<std::string>(const std::string& url, size_t max_bytes,
                                                      std::chrono::milliseconds timeout)>;
// The gateway's HTTP client (GET, 2xx only).
FileFetcher http_file_fetcher();
// The host of an http(s) URL, lower-cased, without user info, port or IPv6 brackets;
// empty when `url` has none.
std::string url_host(std::string_view url);
// Whether `host` is one of `allowed` (exact names, case-insensitive, or "*.suffix" for any
// name below suffix).
bool host_allowed(std::string_view host, const std::vector<std::string>& allowed);

std::shared_ptr<const webhooks::RecordKind> make_handover_record_kind();
std::shared_ptr<const webhooks::RecordKind> make_amendment_record_kind(FileFetcher fetch);
// Both kinds (the amendment writes the hand-over's tables).
void add_handover_record_kinds(webhooks::RecordKinds& kinds, FileFetcher fetch = http_file_fetcher());

// One stored file of a handed-over dossier.
struct HandoverFile {
  std::string role;  // "TepDonDangKy" (the application form) or "TaiLieuNop" (a document)
  std::string name;  // the sender's file name (may name the citizen: shown, never logged)
  std::string sha256;
  int64_t bytes = 0;
};

struct HandedOverDossier {
  std::string code;            // MaHoSo
  std::string procedure_code;  // MaTTHC
  std::string content_sha256;  // of the fields and the files' digests
  int64_t versions = 0;        // 1 + the updates received (a changed push of the same MaHoSo)
  int64_t received_at_ms = 0;  // the first push
  int64_t updated_at_ms = 0;   // the last one that changed it
  std::string fields;          // the dossier's members as JSON (personal data: not for logs)
  std::vector<HandoverFile> files;
};

// Newest first.
Result<std::vector<HandedOverDossier>> list_handovers(store::Database& db, int64_t limit);
Result<std::optional<HandedOverDossier>> find_handover(store::Database& db, const std::string& code);
// The decoded bytes of a stored file; nullopt when no file has that digest.
Result<std::optional<std::string>> read_handover_file(store::Database& db, const std::string& sha256);

}  // namespace lienthong::adapters::dvcqg
