// DVCQG (Cổng Dịch vụ công quốc gia, the National Public Service Portal): destination of
// dossier-status events from the sync and webhook flows, which queue the portal's records
// it prepares (kind "dvcqg_records"). This header is all the rest of the gateway sees; the portal's wire
// format (docs/contracts/dvcqg.md: session auth, service names, answer codes) stays in
// dvcqg.cpp, and the record layouts in mappings/dvcqg/{dossier,progress,status_transitions}.json.
//
// Delivery of a batch of canonical events (one per dossier, as the outbox hands them out):
//  - a cached session from POST {base_url}{auth_path}, renewed once when the portal
//    refuses it (session_refused_codes or HTTP 401);
//  - DongBoHoSoMC (isUpdating "True"/"False") with up to batch_size dossier records per
//    call (create for a dossier's first event, update afterwards; "đã tồn tại" turns a
//    create into an update and a not-found code an update into a create), then
//    CapNhatTienDoHoSoMC with one progress record per event, so that the portal holds the
//    dossier's status history;
//  - per-record results: a record the portal refuses as invalid fails alone, is not
//    retried (its code and message are kept) and is quarantined; others go through;
//  - a message being retried (an earlier attempt may have reached the portal before its
//    answer was lost) is first looked up with TraCuuHoSo ({"mahoso"} → "result"), and not
//    sent again when the portal already has that progress record: a status reaches the
//    portal once.
#pragma once

#include <memory>
#include <string_view>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/flows/sync/target.hpp"

namespace lienthong::adapters::dvcqg {

inline constexpr std::string_view kName = "dvcqg";

// Section adapters.dvcqg: base_url, username, password (secret ref), madonvi,
// batch_size, events_per_message, dossier_mapping, progress_mapping, transitions,
// verify_retries, codes_dir (effective-dated code tables), the wire settings of
// docs/contracts/dvcqg.md (auth_path, integration_path, dstcode, donvixuly, agency_names,
// procedures, ghichu, progress_dates, status_5_6_8, extended_fields,
// session_refused_codes, not_found_codes, invalid_record_codes) and the HTTP client keys
// (connect_timeout_ms, timeout_ms, max_response_bytes, tls).
void validate_config(const ConfigNode& node);
// Reads one answer of the portal's integration endpoint as delivery does (error_code,
// message, per-record data, TraCuuHoSo's result); for the fuzz target
// tests/fuzz/dvcqg_answer. kProtocol when it is not such an answer.
Status read_portal_answer(std::string_view body);
// `quarantine` (may be null) receives records the portal refuses.
std::unique_ptr<sync::SyncTarget> make_target(const ConfigNode& node, const Clock& clock,
                                              dossiers::Quarantine* quarantine);

}  // namespace lienthong::adapters::dvcqg
