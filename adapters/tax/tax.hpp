// Nghĩa vụ tài chính về đất đai (land-related financial obligations) from the tax
// authority, pushed by DVCQG (docs/contracts/tax.md) in the envelope
// {SecurityKey, Service, Ngay, IsUpdating, Data}: tax notices (thông báo thuế) as
// Data.FileThongBaoThue, base64 of the XML DATA/BODY/ROW_LIST{MA_HSO, LIST×n{MA_SO_THUE,
// SO_QUYET_DINH, NGAY_QUYET_DINH, TEN_TIEUMUC, SO_TIEN}}, and payment vouchers (chứng từ nộp
// thuế) as Data{MaHoSo, MaSoThue, ThongTinThanhToan{MaThongBaoThue, SoTien,
// ThoiGianThanhToan, TrangThaiThanhToan}}. The same readers serve pushes and files. Notices become
// obligations of their dossiers, paid vouchers become payment confirmations; both feed reconciliation. The
// taxpayer id (MaSoThue) is personal data for individuals: it is validated but never kept, logged or
// reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

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

// The notices' base64 is the common one (padding required, whitespace tolerated).
using lienthong::base64_decode;
using lienthong::base64_encode;

// The notice XML after decoding: every LIST of every ROW_LIST is one line. Each bad line is
// an error naming its position (ROW_LIST, LIST) and dossier.
Result<std::vector<NoticeLine>> parse_notice_xml(std::string_view xml);
// One notice: the public envelope {..., "Data": {"FileThongBaoThue": "<base64 XML>"}}; the
// older file shape {"data": "<base64 XML>"} is still read.
Result<std::vector<NoticeLine>> parse_notice_envelope(std::string_view json);
// One voucher: the public envelope {..., "Data": {MaHoSo, ...}} or the bare Data object.
Result<std::vector<Voucher>> parse_voucher(std::string_view json);

// What DVCQG pushes: ImportThongBaoThueFromDVCQG (notice) or ImportChungTuThueFromDVCQG
// (voucher), each a JSON object {SecurityKey, Service, Ngay, IsUpdating, Data}.
enum class PushKind { kNotice, kVoucher };
std::string_view push_kind_name(PushKind k);  // "notice" | "voucher"

struct PushEnvelope {
  std::string security_key;  // SecurityKey; compared, never stored or logged
  std::string service;       // Service
  std::string ngay;          // Ngay (notices only in the public receiver)
  std::string is_updating;   // IsUpdating, "True"/"False" as sent
  std::string data;          // Data, compact JSON of the object as received
};
// Reads the envelope; errors name the member that is missing or of the wrong type.
Result<PushEnvelope> parse_push_envelope(std::string_view body);
// Constant-time comparison of the pushed SecurityKey with the configured one.
bool security_key_matches(std::string_view given, std::string_view expected);
// The dossiers (MA_HSO / MaHoSo) a push is about, sorted and joined by ',', for
// deduplication; the lines of the push (so that a push is refused before it is stored when
// any of its lines is bad).
struct PushContent {
  std::string dossiers;
  std::vector<NoticeLine> notices;
  std::vector<Voucher> vouchers;
};
Result<PushContent> parse_push_data(PushKind kind, std::string_view data_json);

// Files for a run: a JSON array of envelopes (or vouchers), or one object. Each element that
// fails is an InputIssue (file, element index as line); a file that is not JSON at all is
// refused. `agency` is the collecting agency code attached to tax obligations.
Status read_notices(const std::string& path, const std::string& agency, reconciliation::Dataset& out);
Status read_vouchers(const std::string& path, const std::string& agency, reconciliation::Dataset& out);

}  // namespace lienthong::tax
