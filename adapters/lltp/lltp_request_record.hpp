// Yêu cầu cấp phiếu lý lịch tư pháp (a criminal-record certificate request) from the
// national citizen application (VNeID): the app first asks the province for a dossier
// code (GET …/LayMaHoSo, handed out by the webhook receiver: issued_codes.hpp), then
// pushes the request under it (POST …/TaoHoSo) as {maTinh, tenTinh, maHoSoMCDT,
// ngayTiepNhan, nguonDangKy, tenNguonDangKy, toKhai{…}, thongTinBienLai{…}}
// (docs/contracts/national_push.md, "Criminal-record requests"). A record kind of the
// receiver: read whole before the answer, stored once per code in `lltp_requests`.
// The declaration (toKhai) is the citizen's personal data: stored, never logged nor
// echoed in an answer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"

namespace lienthong::adapters::lltp {

inline constexpr const char* kLltpRequestKind = "lltp_request";

std::shared_ptr<const webhooks::RecordKind> make_lltp_request_record_kind();
void add_lltp_record_kinds(webhooks::RecordKinds& kinds);

// One stored request.
struct LltpRequest {
  std::string code;                 // maHoSoMCDT (the code the province handed out)
  std::string province;             // maTinh
  std::string received_on;          // ngayTiepNhan, as sent
  std::string channel;              // nguonDangKy, as sent ("" when absent)
  std::string declaration;          // toKhai, JSON as sent (personal data)
  std::string receipt;              // thongTinBienLai, JSON as sent, "" when absent
  std::vector<std::string> unread;  // names of top-level members not kept
  int64_t received_at_ms = 0;
};

Result<std::optional<LltpRequest>> find_lltp_request(store::Database& db, const std::string& code);
Result<int64_t> count_lltp_requests(store::Database& db);

}  // namespace lienthong::adapters::lltp
