#include "adapters/tax/tax.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace lienthong::tax {
namespace {

const char* kNoticeXml =
    "<DATA><HEADER/><BODY><ROW_LIST><ROW><MA_HSO>HS1</MA_HSO><LIST>"
    "<ITEM><MA_SO_THUE>0101234567</MA_SO_THUE><SO_QUYET_DINH>TB-01</SO_QUYET_DINH>"
    "<NGAY_QUYET_DINH>02/11/2026</NGAY_QUYET_DINH><TEN_TIEUMUC>Lệ phí trước bạ nhà đất</TEN_TIEUMUC>"
    "<SO_TIEN>1200000</SO_TIEN></ITEM>"
    "<ITEM><MA_SO_THUE>0101234567</MA_SO_THUE><SO_QUYET_DINH>TB-02</SO_QUYET_DINH>"
    "<NGAY_QUYET_DINH>02/11/2026</NGAY_QUYET_DINH><TEN_TIEUMUC>Tiền sử dụng đất</TEN_TIEUMUC>"
    "<SO_TIEN>30000000</SO_TIEN></ITEM></LIST></ROW></ROW_LIST></BODY></DATA>";

TEST(Base64, RoundTripsAndRefusesBadInput) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "Tiền sử dụng đất"})
    EXPECT_EQ(*base64_decode(base64_encode(s)), s);
  EXPECT_FALSE(base64_decode("abc").ok());
  EXPECT_FALSE(base64_decode("ab!d").ok());
  EXPECT_FALSE(base64_decode("ab=d").ok());
}

TEST(TaxNotice, EnvelopeDecodesToObligationLines) {
  auto lines = parse_notice_envelope("{\"data\":\"" + base64_encode(kNoticeXml) + "\"}");
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].dossier, "HS1");
  EXPECT_EQ((*lines)[1].notice_number, "TB-02");
  EXPECT_EQ((*lines)[1].amount, 30000000);
}

TEST(TaxNotice, BadContentIsRefusedWithoutEchoingTheTaxpayerId) {
  std::string bad = kNoticeXml;
  bad.replace(bad.find("1200000"), 7, "12,5");
  auto r = parse_notice_xml(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("SO_TIEN"), std::string::npos);
  EXPECT_EQ(r.error().message.find("0101234567"), std::string::npos);
  EXPECT_FALSE(parse_notice_xml("<DATA><BODY/></DATA>").ok());
  EXPECT_FALSE(parse_notice_xml("<DATA><BODY><ROW_LIST>").ok());
  EXPECT_FALSE(parse_notice_envelope("{\"other\":1}").ok());
}

TEST(TaxVoucher, PaidVoucherBecomesAPaymentConfirmation) {
  auto v = parse_voucher(R"({"MaHoSo":"HS1","MaSoThue":"0101234567","ThongTinThanhToan":
      {"MaThongBaoThue":"TB-01","SoTien":"1200000","ThoiGianThanhToan":"20261103091500","TrangThaiThanhToan":1}})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->size(), 1u);
  EXPECT_TRUE((*v)[0].paid);
  EXPECT_EQ((*v)[0].amount, 1200000);
  EXPECT_FALSE(parse_voucher(R"({"MaHoSo":"HS1","ThongTinThanhToan":{}})").ok());
}

TEST(TaxFiles, NoticesAndVouchersFeedTheDatasetAndBadElementsAreIssues) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/notices.json")
      << "[{\"data\":\"" << base64_encode(kNoticeXml) << "\"},{\"data\":\"!!\"}]";
  std::ofstream(dir + "/vouchers.json")
      << R"([{"MaHoSo":"HS1","MaSoThue":"x","ThongTinThanhToan":[{"MaThongBaoThue":"TB-01","SoTien":1200000,
             "ThoiGianThanhToan":"03/11/2026 09:15:00","TrangThaiThanhToan":"1"}]}])";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_notices(dir + "/notices.json", "THUE", d).ok());
  ASSERT_TRUE(read_vouchers(dir + "/vouchers.json", "THUE", d).ok());
  EXPECT_TRUE(d.has_obligations());
  EXPECT_EQ(d.obligations().size(), 2u);
  ASSERT_EQ(d.payments().size(), 1u);
  EXPECT_EQ(d.payments()[0].ref, "TB-01");
  ASSERT_EQ(d.issues().size(), 1u);
  EXPECT_EQ(d.issues()[0].line, 2u);
  std::ofstream(dir + "/notices_bad.json") << "<xml/>";
  EXPECT_FALSE(read_notices(dir + "/notices_bad.json", "THUE", d).ok());
}

}  // namespace
}  // namespace lienthong::tax
