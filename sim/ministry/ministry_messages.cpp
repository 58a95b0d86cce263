#include "sim/ministry/ministry_messages.hpp"

#include <array>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::sim::ministry {

namespace {
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string pad4(int i) {
  std::string s = std::to_string(i % 10000);
  return std::string(4 - s.size(), '0') + s;
}
}  // namespace

std::string dossier_code_for(const MessageSpec& spec) {
  // MaHoSo: <agency code>-<yyMMdd>-<number>, as one-stop-shop systems issue them.
  auto t = vn_time::to_vietnam(spec.now_ms);
  char date[8];
  std::snprintf(date, sizeof date, "%02d%02d%02d", t.year % 100, t.month, t.day);
  return "000.00.22.H56-" + std::string(date) + "-" +
         (spec.index < 10000 ? pad4(spec.index) : std::to_string(spec.index));
}

std::string business_registration_json(const MessageSpec& spec) {
  static const std::array<const char*, 4> kStatuses = {"TIEP_NHAN", "DANG_XU_LY", "HOAN_THANH",
                                                       "TRA_KET_QUA"};
  static const std::array<const char*, 3> kTypes = {"TNHH_1TV", "TNHH_2TV", "CO_PHAN"};
  std::string status =
      spec.status.empty() ? kStatuses[static_cast<size_t>(spec.index) % kStatuses.size()] : spec.status;
  std::string code = spec.procedure_code.empty() ? "DKDN-TL" : spec.procedure_code;
  std::string type = spec.discriminator.empty() ? kTypes[static_cast<size_t>(spec.index) % kTypes.size()]
                                                : spec.discriminator;
  int64_t received = spec.now_ms - 2 * kDayMs;
  return std::string("{\"eventType\":\"dossier.status_changed\",") + "\"maHoSo\":\"" +
         dossier_code_for(spec) + "\",\"maThuTucBo\":\"" + code + "\",\"loaiHinhDoanhNghiep\":\"" + type +
         "\",\"tenThuTuc\":\"Đăng ký thành lập doanh "
         "nghiệp\",\"maLinhVuc\":\"DKKD\",\"kenhNop\":\"TRUC_TUYEN\","
         "\"trangThai\":\"" +
         status + "\",\"thoiDiem\":\"" + vn_time::format_iso(spec.now_ms) + "\",\"ngayTiepNhan\":\"" +
         vn_time::format_iso(received) + "\",\"ngayHenTra\":\"" + vn_time::format_iso(received + 3 * kDayMs) +
         "\",\"coQuanXuLy\":{\"ma\":\"000.00.22.H56\",\"cap\":\"tinh\"},"
         "\"chuHoSo\":{\"ten\":\"Công ty TNHH Mẫu Thử " +
         std::to_string(spec.index) + "\",\"soGiayTo\":\"0109" + pad4(spec.index) +
         "00\"},"
         "\"canBoXuLy\":\"Chuyên viên phòng ĐKKD\",\"ghiChu\":\"Cập nhật từ hệ thống ĐKDN quốc gia\","
         "\"lePhi\":[{\"ma\":\"LP-DKDN\",\"ten\":\"Lệ phí đăng ký doanh nghiệp\",\"soTien\":50000}]}";
}

std::string civil_status_soap(const MessageSpec& spec, bool soap12) {
  static const std::array<const char*, 4> kStatuses = {"2", "4", "9", "10"};
  static const std::array<const char*, 3> kKinds = {"KHAI_SINH", "KET_HON", "KHAI_TU"};
  std::string status =
      spec.status.empty() ? kStatuses[static_cast<size_t>(spec.index) % kStatuses.size()] : spec.status;
  std::string code = spec.procedure_code.empty() ? "HT-DK" : spec.procedure_code;
  std::string kind = spec.discriminator.empty() ? kKinds[static_cast<size_t>(spec.index) % kKinds.size()]
                                                : spec.discriminator;
  int64_t received = spec.now_ms - kDayMs;
  std::string ns =
      soap12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"" + ns +
         "\" xmlns:ht=\"urn:hotich.moj.gov.vn:dongbo:v1\">\n<soap:Header/>\n<soap:Body>\n"
         "<ht:CapNhatTrangThaiHoSo phienBan=\"1.0\">\n"
         "  <ht:MaHoSo>" +
         dossier_code_for(spec) +
         "</ht:MaHoSo>\n"
         "  <ht:MaThuTuc>" +
         code +
         "</ht:MaThuTuc>\n"
         "  <ht:LoaiViecHoTich>" +
         kind +
         "</ht:LoaiViecHoTich>\n"
         "  <ht:KenhNop>TRUC_TUYEN</ht:KenhNop>\n"
         "  <ht:TrangThai>" +
         status +
         "</ht:TrangThai>\n"
         "  <ht:ThoiGianCapNhat>" +
         vn_time::format_compact(spec.now_ms) +
         "</ht:ThoiGianCapNhat>\n"
         "  <ht:NgayTiepNhan>" +
         vn_time::format_compact(received) +
         "</ht:NgayTiepNhan>\n"
         "  <ht:NgayHenTra>" +
         vn_time::format_compact(received + 3 * kDayMs) +
         "</ht:NgayHenTra>\n"
         "  <ht:DonViXuLy cap=\"xa\">000.22.31.H56</ht:DonViXuLy>\n"
         "  <ht:NguoiYeuCau><ht:HoTen>Nguyễn Văn Mẫu</ht:HoTen><ht:SoDinhDanh>0010900" +
         pad4(spec.index) +
         "0</ht:SoDinhDanh></ht:NguoiYeuCau>\n"
         "  <ht:CanBoXuLy>Công chức tư pháp - hộ tịch</ht:CanBoXuLy>\n"
         "</ht:CapNhatTrangThaiHoSo>\n</soap:Body>\n</soap:Envelope>\n";
}

}  // namespace lienthong::sim::ministry
