// The canonical dossier-status event every flow speaks: a source adapter (the provincial
// one-stop-shop, a ministry webhook) produces it through its mapping, the store keeps it,
// and a destination adapter (DVCQG) maps it to its wire format.
// Codes are national codes: TrangThaiHoSo, KenhThucHien, LoaiDoiTuong, mã TTHC.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::model {

// TrangThaiHoSo on the National Public Service Portal.
enum class DossierStatus : int {
  kNewlyRegistered = 1,      // Mới đăng ký
  kReceived = 2,             // Được tiếp nhận
  kNotReceived = 3,          // Không được tiếp nhận (refused)
  kInProgress = 4,           // Đang xử lý
  kSupplementRequested = 5,  // Yêu cầu bổ sung giấy tờ
  kFinancialObligation = 6,  // Yêu cầu thực hiện nghĩa vụ tài chính
  kWithdrawalRequested = 7,  // Công dân yêu cầu rút hồ sơ
  kStopped = 8,              // Dừng xử lý
  kResolved = 9,             // Đã xử lý xong
  kReturned = 10,            // Đã trả kết quả
};
bool valid_status(int code);

struct Fee {  // Lệ phí
  std::string code, name;
  int64_t amount_vnd = 0;
};

struct Document {  // Tài liệu nộp / giấy tờ kết quả
  std::string code, name, url;
};

// One status change of one dossier (hồ sơ: one citizen application for one procedure).
struct DossierStatusEvent {
  std::string source;                     // "one_stop_shop", "webhook:<source>"
  std::string dossier_code;               // MaHoSo
  std::string procedure_code;             // MaTTHC, e.g. 1.003560.000.00.00.H56
  std::string procedure_name;             // TenTTHC
  std::string field_code;                 // MaLinhVuc
  int channel = 0;                        // KenhThucHien: 1 in person, 2 online, 3 postal
  int owner_type = 0;                     // LoaiDoiTuong: 1 citizen, 2 business, 3 agency, 4 other
  std::string owner_name;                 // ChuHoSo — personal data, never logged
  std::string owner_id_number;            // SoGiayToChuHoSo — personal data, never logged
  std::string owner_email;                // Email — personal data, never logged; "" = unknown
  std::string owner_phone;                // SoDienThoai — personal data, never logged
  std::string owner_account;              // MaDoiTuong: the owner's DVCQG account, if online
  std::string agency_code;                // DonViXuLy (national agency code)
  std::string agency_level;               // "province" | "district" | "commune" | "ministry"
  int64_t received_at_ms = 0;             // NgayTiepNhan
  int64_t due_at_ms = 0;                  // NgayHenTra
  std::optional<int64_t> returned_at_ms;  // NgayTra
  std::optional<int64_t> finished_at_ms;  // NgayKetThucXuLy
  int status = 0;                         // TrangThaiHoSo after this event
  int64_t status_at_ms = 0;               // when the dossier entered this status
  int sequence = 0;                       // 1-based position in the dossier's history
  std::string officer, officer_title, department, note;  // NguoiXuLy, ChucDanh, PhongBanXuLy, NoiDungXuLy
  bool online_payment = false;                           // DuocThanhToanTrucTuyen
  bool digitised = false;                                // HoSoCoThanhPhanSoHoa
  std::vector<Fee> fees;
  std::vector<Document> documents, results;

  // Identity of the event: same dossier + sequence = same event.
  std::string event_key() const;
};

// Canonical JSON (field names as in the struct); the mapping engine's source/target.
rapidjson::Document to_json(const DossierStatusEvent& e);
// The same into `out`, with `allocator` owning its strings (a pool the caller reuses).
void to_json(const DossierStatusEvent& e, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& allocator);
// The text of that JSON (compact), written without building the document.
std::string to_json_string(const DossierStatusEvent& e);
void append_json(std::string& out, const DossierStatusEvent& e);
// Strict: errors (kValidation) name the field; unknown members are ignored.
Result<DossierStatusEvent> from_json(const rapidjson::Value& v);
Result<DossierStatusEvent> from_json_string(std::string_view text);

}  // namespace lienthong::model
