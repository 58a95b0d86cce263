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

// The public shape: ROW_LIST{MA_HSO, LIST×n}, each LIST one line.
const char* kPublicNoticeXml =
    "<DATA><BODY><ROW_LIST><MA_HSO>HS1</MA_HSO>"
    "<LIST><MA_SO_THUE>0101234567</MA_SO_THUE><SO_QUYET_DINH>TB-01</SO_QUYET_DINH>"
    "<NGAY_QUYET_DINH>02-11-2026</NGAY_QUYET_DINH><TEN_TIEUMUC>Lệ phí trước bạ nhà đất</TEN_TIEUMUC>"
    "<SO_TIEN>1200000</SO_TIEN></LIST>"
    "<LIST><MA_SO_THUE>0101234567</MA_SO_THUE><SO_QUYET_DINH>TB-02</SO_QUYET_DINH>"
    "<NGAY_QUYET_DINH>02-11-2026</NGAY_QUYET_DINH><TEN_TIEUMUC>Tiền sử dụng đất</TEN_TIEUMUC>"
    "<SO_TIEN>30000000</SO_TIEN></LIST></ROW_LIST>"
    "<ROW_LIST><MA_HSO>HS2</MA_HSO>"
    "<LIST><MA_SO_THUE>0109999999</MA_SO_THUE><SO_QUYET_DINH>TB-03</SO_QUYET_DINH>"
    "<NGAY_QUYET_DINH>03-11-2026</NGAY_QUYET_DINH><TEN_TIEUMUC>Tiền thuê đất</TEN_TIEUMUC>"
    "<SO_TIEN>700000</SO_TIEN></LIST></ROW_LIST></BODY></DATA>";

TEST(TaxNotice, EveryListOfADossierIsALine) {
  auto lines = parse_notice_xml(kPublicNoticeXml);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].dossier, "HS1");
  EXPECT_EQ((*lines)[0].notice_number, "TB-01");
  EXPECT_EQ((*lines)[1].dossier, "HS1");
  EXPECT_EQ((*lines)[1].notice_number, "TB-02");
  EXPECT_EQ((*lines)[1].amount, 30000000);
  EXPECT_EQ((*lines)[1].decision_date, "02-11-2026");
  EXPECT_EQ((*lines)[2].dossier, "HS2");
  EXPECT_EQ((*lines)[2].amount, 700000);
}

TEST(TaxNotice, PublicEnvelopeCarriesTheXmlInDataFileThongBaoThue) {
  std::string env = R"({"SecurityKey":"k","Service":"ImportThongBaoThueFromDVCQG","Ngay":"20261102143000",)"
                    R"("IsUpdating":"False","Data":{"FileThongBaoThue":")" +
                    base64_encode(kPublicNoticeXml) + R"("}})";
  auto lines = parse_notice_envelope(env);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  EXPECT_EQ(lines->size(), 3u);
  auto missing = parse_notice_envelope(R"({"Data":{"File":"x"}})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("Data.FileThongBaoThue"), std::string::npos);
}

TEST(TaxNotice, ABadSecondListIsAnErrorNamingItsDossierAndList) {
  std::string bad = kPublicNoticeXml;
  bad.replace(bad.find("30000000"), 8, "3O000000");
  auto r = parse_notice_xml(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ROW_LIST 1 (MA_HSO HS1) LIST 2: SO_TIEN"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("0101234567"), std::string::npos);
  auto no_list = parse_notice_xml("<DATA><BODY><ROW_LIST><MA_HSO>HS9</MA_HSO></ROW_LIST></BODY></DATA>");
  ASSERT_FALSE(no_list.ok());
  EXPECT_NE(no_list.error().message.find("HS9"), std::string::npos);
  EXPECT_NE(no_list.error().message.find("no LIST"), std::string::npos);
}

TEST(TaxVoucher, PublicEnvelopeCarriesTheVoucherInData) {
  auto v = parse_voucher(R"({"SecurityKey":"k","Service":"ImportChungTuThueFromDVCQG","IsUpdating":"False",
      "Data":{"MaHoSo":"HS1","MaSoThue":"0101234567","ThongTinThanhToan":{"NoiDungThanhToan":"x",
      "ThoiGianThanhToan":"20261103091500","MaThongBaoThue":"TB-02","TrangThaiThanhToan":1,"SoTien":30000000.0}}})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].dossier, "HS1");
  EXPECT_EQ((*v)[0].notice_number, "TB-02");
  EXPECT_EQ((*v)[0].amount, 30000000);
  EXPECT_TRUE((*v)[0].paid);
  auto unpaid = parse_voucher(R"({"Data":{"MaHoSo":"HS1","MaSoThue":"x","ThongTinThanhToan":{
      "ThoiGianThanhToan":"20261103091500","MaThongBaoThue":"TB-02","TrangThaiThanhToan":0,"SoTien":5}}})");
  ASSERT_TRUE(unpaid.ok());
  EXPECT_FALSE((*unpaid)[0].paid);
  auto fraction = parse_voucher(R"({"Data":{"MaHoSo":"HS1","MaSoThue":"x","ThongTinThanhToan":{
      "ThoiGianThanhToan":"20261103091500","MaThongBaoThue":"TB-02","TrangThaiThanhToan":1,"SoTien":5.5}}})");
  ASSERT_FALSE(fraction.ok());
  EXPECT_NE(fraction.error().message.find("SoTien"), std::string::npos);
}

TEST(TaxFiles, PublicShapeFileWithTwoListsGivesEveryLine) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/public_notices.json")
      << R"([{"SecurityKey":"","Service":"ImportThongBaoThueFromDVCQG","Ngay":"","IsUpdating":"False",)"
      << R"("Data":{"FileThongBaoThue":")" << base64_encode(kPublicNoticeXml) << R"("}}])";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_notices(dir + "/public_notices.json", "THUE", d).ok());
  EXPECT_EQ(d.obligations().size(), 3u);
  EXPECT_TRUE(d.issues().empty());
}

TEST(TaxPush, EnvelopeMembersAreReadAndTypeErrorsNamed) {
  auto e = parse_push_envelope(
      R"({"SecurityKey":"abc","Service":"S","Ngay":"20261102143000","IsUpdating":"True","Data":{"a":1}})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->security_key, "abc");
  EXPECT_EQ(e->service, "S");
  EXPECT_EQ(e->is_updating, "True");
  EXPECT_EQ(e->data, R"({"a":1})");
  auto no_data = parse_push_envelope(R"({"SecurityKey":"abc"})");
  ASSERT_FALSE(no_data.ok());
  EXPECT_NE(no_data.error().message.find("Data missing"), std::string::npos);
  auto bool_flag = parse_push_envelope(R"({"IsUpdating":true,"Data":{}})");
  ASSERT_FALSE(bool_flag.ok());
  EXPECT_NE(bool_flag.error().message.find("IsUpdating"), std::string::npos);
  EXPECT_FALSE(parse_push_envelope("[1]").ok());
}

TEST(TaxPush, TheLowerCaseEnvelopeIsReadAndMixedSpellingsRefused) {
  auto e = parse_push_envelope(R"({"service":"NhanThongBaoThueDat","isUpdating":true,"data":{"a":1}})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->service, "NhanThongBaoThueDat");
  EXPECT_EQ(e->is_updating, "true");
  EXPECT_EQ(e->data, R"({"a":1})");
  auto text_flag = parse_push_envelope(R"({"service":"S","isUpdating":"false","data":{}})");
  ASSERT_TRUE(text_flag.ok());
  EXPECT_EQ(text_flag->is_updating, "false");
  auto two_data = parse_push_envelope(R"({"Data":{},"data":{}})");
  ASSERT_FALSE(two_data.ok());
  EXPECT_NE(two_data.error().message.find("both Data and data"), std::string::npos);
  auto bad_data = parse_push_envelope(R"({"service":"S","data":"x"})");
  ASSERT_FALSE(bad_data.ok());
  EXPECT_NE(bad_data.error().message.find("data is not an object"), std::string::npos);
}

TEST(TaxPush, SecurityKeyComparison) {
  EXPECT_TRUE(security_key_matches("k-0123456789abcdef", "k-0123456789abcdef"));
  EXPECT_FALSE(security_key_matches("k-0123456789abcdeF", "k-0123456789abcdef"));
  EXPECT_FALSE(security_key_matches("k-0123456789abcde", "k-0123456789abcdef"));
  EXPECT_FALSE(security_key_matches("k-0123456789abcdef0", "k-0123456789abcdef"));
  EXPECT_FALSE(security_key_matches("", "k-0123456789abcdef"));
  EXPECT_FALSE(security_key_matches("", ""));  // an unconfigured key never matches
}

TEST(TaxPush, DataOfANoticeNamesWhatIsWrong) {
  auto bad64 = parse_push_data(PushKind::kNotice, R"({"FileThongBaoThue":"@@@@"})");
  ASSERT_FALSE(bad64.ok());
  EXPECT_NE(bad64.error().message.find("Data.FileThongBaoThue"), std::string::npos);
  EXPECT_NE(bad64.error().message.find("base64"), std::string::npos);
  auto badxml =
      parse_push_data(PushKind::kNotice, "{\"FileThongBaoThue\":\"" + base64_encode("<DATA><BODY>") + "\"}");
  ASSERT_FALSE(badxml.ok());
  EXPECT_NE(badxml.error().message.find("tax notice XML"), std::string::npos);
  auto good = parse_push_data(PushKind::kNotice,
                              "{\"FileThongBaoThue\":\"" + base64_encode(kPublicNoticeXml) + "\"}");
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->dossiers, "HS1,HS2");
  EXPECT_EQ(good->notices.size(), 3u);
}

}  // namespace
}  // namespace lienthong::tax
