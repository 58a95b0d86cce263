// Nghĩa vụ tài chính về đất đai (land-related financial obligations) from the tax
// authority, relayed by the portal: tax notices (thông báo thuế) as XML
// DATA/BODY/ROW_LIST{MA_HSO, LIST{MA_SO_THUE, SO_QUYET_DINH, NGAY_QUYET_DINH, TEN_TIEUMUC,
// SO_TIEN}} base64-encoded inside a JSON envelope, and payment vouchers (chứng từ nộp thuế)
// {MaHoSo, MaSoThue, ThongTinThanhToan{MaThongBaoThue, SoTien, ThoiGianThanhToan,
// TrangThaiThanhToan}}. Notices become obligations of their dossiers, paid vouchers become
// payment confirmations; both feed reconciliation. The taxpayer id (MaSoThue) is personal
// data for individuals: it is validated but never kept, logged or reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.hpp"
#include "gateway/reconciliation/dataset.hpp"

namespace lienthong::tax {

struct NoticeLine {
  std::string dossier;        // MA_HSO
  std::string notice_number;  // SO_QUYET_DINH
  std::string decision_date;  // NGAY_QUYET_DINH as given
  std::string item_name;      // TEN_TIEUMUC (budget sub-item, e.g. "Lệ phí trước bạ nhà đất")
  reconciliation::Vnd amount = 0;  // SO_TIEN
};

struct Voucher {
  std::string dossier;        // MaHoSo
  std::string notice_number;  // MaThongBaoThue
  reconciliation::Vnd amount = 0;
  int64_t paid_at_ms = 0;  // ThoiGianThanhToan
  bool paid = false;       // TrangThaiThanhToan == 1
};

// Decodes standard base64 (padding required, whitespace tolerated). Errors name the offset.
Result<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in);

// The notice XML after decoding. Each bad line is an error naming its position.
Result<std::vector<NoticeLine>> parse_notice_xml(std::string_view xml);
// One envelope: {"data": "<base64 XML>"} (also "Data" or "DuLieu").
Result<std::vector<NoticeLine>> parse_notice_envelope(std::string_view json);
Result<std::vector<Voucher>> parse_voucher(std::string_view json);

// Files for a run: a JSON array of envelopes (or vouchers), or one object. Each element that
// fails is an InputIssue (file, element index as line); a file that is not JSON at all is
// refused. `agency` is the collecting agency code attached to tax obligations.
Status read_notices(const std::string& path, const std::string& agency, reconciliation::Dataset& out);
Status read_vouchers(const std::string& path, const std::string& agency, reconciliation::Dataset& out);

}  // namespace lienthong::tax
