#include "sim/tax_push/tax_push_messages.hpp"

#include <cstdio>

#include "adapters/tax/tax.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/markup.hpp"

namespace lienthong::sim::tax_push {

namespace {

void member(std::string& out, const char* key, const std::string& value, bool comma = true) {
  if (comma) out.push_back(',');
  json::append_string(out, key);
  out.push_back(':');
  json::append_string(out, value);
}

void envelope_head(std::string& out, const Envelope& e, bool with_ngay) {
  out = "{";
  member(out, "SecurityKey", e.security_key, false);
  member(out, "Service", e.service);
  if (with_ngay) member(out, "Ngay", e.ngay);
  member(out, "IsUpdating", e.is_updating);
  out += ",\"Data\":";
}

}  // namespace

std::string notice_xml(const std::vector<NoticeDossier>& dossiers) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DATA>\n  <BODY>\n";
  for (const auto& d : dossiers) {
    x += "    <ROW_LIST>\n      <MA_HSO>" + markup_escape(d.dossier) + "</MA_HSO>\n";
    for (const auto& l : d.lines) {
      x += "      <LIST>\n";
      x += "        <MA_SO_THUE>" + markup_escape(l.tax_id) + "</MA_SO_THUE>\n";
      x += "        <SO_QUYET_DINH>" + markup_escape(l.decision_number) + "</SO_QUYET_DINH>\n";
      x += "        <NGAY_QUYET_DINH>" + markup_escape(l.decision_date) + "</NGAY_QUYET_DINH>\n";
      x += "        <TEN_TIEUMUC>" + markup_escape(l.item_name) + "</TEN_TIEUMUC>\n";
      x += "        <SO_TIEN>" + std::to_string(l.amount) + "</SO_TIEN>\n";
      x += "      </LIST>\n";
    }
    x += "    </ROW_LIST>\n";
  }
  x += "  </BODY>\n</DATA>\n";
  return x;
}

std::string notice_push(const Envelope& e, const std::string& xml) {
  std::string out;
  envelope_head(out, e, true);
  out += "{";
  member(out, "FileThongBaoThue", tax::base64_encode(xml), false);
  out += "}}";
  return out;
}

std::string voucher_push(const Envelope& e, const VoucherSpec& v) {
  std::string out;
  envelope_head(out, e, false);
  out += "{";
  member(out, "MaHoSo", v.dossier, false);
  member(out, "MaSoThue", v.tax_id);
  out += ",\"ThongTinThanhToan\":{";
  member(out, "NoiDungThanhToan", v.content, false);
  member(out, "ThoiGianThanhToan", v.paid_at);
  member(out, "MaThongBaoThue", v.notice_number);
  out += ",\"TrangThaiThanhToan\":" + std::to_string(v.status);
  out += ",\"SoTien\":" + std::to_string(v.amount) + "}";
  member(out, "UrlFileChungTu", v.receipt_url);
  member(out, "HoTenNguoiNopTien", v.payer_name);
  member(out, "SoCMTNguoiNopTien", v.payer_id);
  member(out, "DiaChiNguoiNopTien", "");
  member(out, "TinhNguoiNopTien", "");
  member(out, "HuyenNguoiNopTien", "");
  member(out, "XaNguoiNopTien", "");
  out += "}}";
  return out;
}

NoticeDossier sample_dossier(int index, int lists) {
  static const char* kItems[] = {"Lệ phí trước bạ nhà, đất", "Tiền sử dụng đất", "Thuế thu nhập cá nhân",
                                 "Tiền thuê đất"};
  char buf[64];
  NoticeDossier d;
  std::snprintf(buf, sizeof buf, "H12.TD-%06d", index);
  d.dossier = buf;
  for (int l = 0; l < lists; ++l) {
    NoticeLine line;
    std::snprintf(buf, sizeof buf, "01%08d", 10000000 + index % 90000000);
    line.tax_id = buf;
    std::snprintf(buf, sizeof buf, "TB%06d-%d", index, l + 1);
    line.decision_number = buf;
    line.decision_date = "02-11-2026";
    line.item_name = kItems[l % 4];
    line.amount = 1000000LL * (1 + (index * 7 + l * 13) % 50);
    d.lines.push_back(std::move(line));
  }
  return d;
}

VoucherSpec sample_voucher(const NoticeDossier& d, const NoticeLine& line, const std::string& paid_at) {
  VoucherSpec v;
  v.dossier = d.dossier;
  v.tax_id = line.tax_id;
  v.notice_number = line.decision_number;
  v.amount = line.amount;
  v.paid_at = paid_at;
  v.status = 1;
  v.content = "Nộp " + line.item_name;
  v.payer_name = "NGUYEN VAN MAU";
  v.payer_id = "001099000000";
  v.receipt_url = "https://dichvucong.gov.vn/p/chungtu/" + line.decision_number + ".pdf";
  return v;
}

}  // namespace lienthong::sim::tax_push
