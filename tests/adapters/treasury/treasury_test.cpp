#include "adapters/treasury/treasury.hpp"

#include <gtest/gtest.h>

namespace lienthong::treasury {
namespace {

const char* kRecord =
    "<ChungTu><LoaiChungTu>THU</LoaiChungTu><MaGiaoDich>GD1</MaGiaoDich><MaHoSo>HS1</MaHoSo>"
    "<MaDonVi>AG</MaDonVi><SoTien>50000</SoTien><NgayHachToan>2026-11-03</NgayHachToan></ChungTu>\n";

TEST(TreasuryExport, ReadsCreditsAndRefunds) {
  std::string xml =
      std::string("<?xml version=\"1.0\"?>\n<!-- KBNN -->\n<DuLieuKhoBac MaKhoBac=\"0111\">\n") + kRecord +
      "<ChungTu>\n <LoaiChungTu>HOAN</LoaiChungTu>\n <MaGiaoDich>GD1</MaGiaoDich>\n"
      " <SoTien>50000</SoTien>\n <NgayHachToan>2026-11-05</NgayHachToan>\n</ChungTu>\n</DuLieuKhoBac>\n";
  reconciliation::Dataset d;
  auto st = read_credits_from_string(xml, "kb.xml", d);
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_EQ(d.treasury().size(), 2u);
  EXPECT_FALSE(d.treasury()[0].refund);
  EXPECT_EQ(d.treasury()[0].line, 4u);
  EXPECT_TRUE(d.treasury()[1].refund);
  EXPECT_EQ(d.treasury()[1].line, 5u);
  EXPECT_TRUE(d.issues().empty());
}

TEST(TreasuryExport, MalformedRecordsAreReportedWithLineAndReadingGoesOn) {
  std::string xml = std::string("<DuLieuKhoBac>\n") + kRecord +
                    "<ChungTu><LoaiChungTu>THU</LoaiChungTu><MaGiaoDich>GD2</MaGiaoDich><SoTien>5,5</SoTien>"
                    "<NgayHachToan>2026-11-03</NgayHachToan></ChungTu>\n"
                    "<ChungTu><LoaiChungTu>XX</LoaiChungTu></ChungTu>\n"
                    "<ChungTu><SoTien>1</ChungTu>\n"
                    "garbage\n" +
                    kRecord + "</DuLieuKhoBac>";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_credits_from_string(xml, "kb.xml", d).ok());
  EXPECT_EQ(d.treasury().size(), 2u);
  ASSERT_EQ(d.issues().size(), 4u);
  EXPECT_EQ(d.issues()[0].line, 3u);
  EXPECT_EQ(d.issues()[1].line, 4u);
  EXPECT_EQ(d.issues()[2].line, 5u);
  EXPECT_EQ(d.issues()[3].line, 6u);
  EXPECT_EQ(d.issues()[0].file, "kb.xml");
}

TEST(TreasuryExport, OtherShapesStopTheRead) {
  reconciliation::Dataset d;
  EXPECT_FALSE(read_credits_from_string("<Other><ChungTu/></Other>", "x", d).ok());
  EXPECT_FALSE(read_credits_from_string("", "x", d).ok());
  EXPECT_FALSE(
      read_credits_from_string("<!DOCTYPE x [<!ENTITY a 'b'>]><DuLieuKhoBac></DuLieuKhoBac>", "x", d).ok());
  auto truncated = read_credits_from_string(std::string("<DuLieuKhoBac>\n") + kRecord, "x", d);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("truncated"), std::string::npos);
  EXPECT_FALSE(read_credits_from_string("<DuLieuKhoBac></DuLieuKhoBac>trailing", "x", d).ok());
  EXPECT_TRUE(read_credits_from_string("<DuLieuKhoBac/>", "x", d).ok());
  EXPECT_FALSE(read_credits("/nonexistent/kb.xml", d).ok());
}

}  // namespace
}  // namespace lienthong::treasury
