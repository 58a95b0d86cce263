// The pushes DVCQG sends to a one-stop-shop about land-related tax (docs/contracts/tax.md),
// built exactly as that page describes, for the simulator, the golden tests and the
// reconciliation tests. Taxpayer ids and names are synthetic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lienthong::sim::tax_push {

// One LIST of a notice: one decision (quyết định) and its amount.
struct NoticeLine {
  std::string tax_id;           // MA_SO_THUE
  std::string decision_number;  // SO_QUYET_DINH (the voucher's MaThongBaoThue)
  std::string decision_date;    // NGAY_QUYET_DINH, dd-MM-yyyy
  std::string item_name;        // TEN_TIEUMUC
  int64_t amount = 0;           // SO_TIEN, VND
};

// One ROW_LIST: a dossier and its LIST elements.
struct NoticeDossier {
  std::string dossier;  // MA_HSO
  std::vector<NoticeLine> lines;
};

struct Envelope {
  std::string security_key;           // SecurityKey
  std::string service;                // Service
  std::string ngay;                   // Ngay, yyyyMMddHHmmss (Vietnam time)
  std::string is_updating = "False";  // IsUpdating, "True"/"False"
};

// DATA/BODY/ROW_LIST{MA_HSO, LIST×n{MA_SO_THUE, SO_QUYET_DINH, NGAY_QUYET_DINH, TEN_TIEUMUC,
// SO_TIEN}}, with the XML declaration.
std::string notice_xml(const std::vector<NoticeDossier>& dossiers);
// {"SecurityKey", "Service", "Ngay", "IsUpdating", "Data":{"FileThongBaoThue": base64(xml)}}
std::string notice_push(const Envelope& e, const std::string& xml);

struct VoucherSpec {
  std::string dossier;        // MaHoSo
  std::string tax_id;         // MaSoThue
  std::string notice_number;  // ThongTinThanhToan.MaThongBaoThue
  int64_t amount = 0;         // ThongTinThanhToan.SoTien
  std::string paid_at;        // ThongTinThanhToan.ThoiGianThanhToan, yyyyMMddHHmmss
  int status = 1;             // ThongTinThanhToan.TrangThaiThanhToan: 1 paid
  std::string content;        // ThongTinThanhToan.NoiDungThanhToan
  std::string payer_name;     // HoTenNguoiNopTien
  std::string payer_id;       // SoCMTNguoiNopTien
  std::string receipt_url;    // UrlFileChungTu
};
// {"SecurityKey", "Service", "IsUpdating", "Data":{MaHoSo, MaSoThue, ThongTinThanhToan{...},
// UrlFileChungTu, HoTenNguoiNopTien, SoCMTNguoiNopTien, DiaChiNguoiNopTien,
// TinhNguoiNopTien, HuyenNguoiNopTien, XaNguoiNopTien}}
std::string voucher_push(const Envelope& e, const VoucherSpec& v);

// A realistic dossier number `index` with `lists` LIST elements (amounts from `index`).
NoticeDossier sample_dossier(int index, int lists);
// The paid voucher of one line of a sample dossier.
VoucherSpec sample_voucher(const NoticeDossier& d, const NoticeLine& line, const std::string& paid_at);

}  // namespace lienthong::sim::tax_push
