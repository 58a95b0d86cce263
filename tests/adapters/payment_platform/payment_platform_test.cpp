#include "adapters/payment_platform/payment_platform.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace lienthong::payment_platform {
namespace {

Transaction sample() {
  Transaction t;
  t.partner_code = "H12";
  t.partner_ref = "TT1";
  t.transaction_id = "GD1";
  t.amount = 50000;
  t.bank_code = "970415";
  t.paid_at = "20261102103000";
  t.agency = "AG";
  t.dossier = "HS1";
  return t;
}

TEST(MaXacThuc, IsSha256HexOfPipeJoinedFieldsAndSecret) {
  EXPECT_EQ(compute_ma_xac_thuc({"a", "b"}, "s").size(), 64u);
  // No fields: only the secret is hashed.
  EXPECT_EQ(compute_ma_xac_thuc({}, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // "a|b|s": sha256 computed independently (sha256sum).
  EXPECT_EQ(compute_ma_xac_thuc({"a", "b"}, "s"),
            "5202900e77742085752962a465278203238c089356902008e521aeea98dd05de");
}

TEST(PaymentCallback, VerifiedCallbackParses) {
  Transaction t = sample();
  sign(t, "secret");
  auto got = parse_callback(to_json(t), "secret");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->transaction_id, "GD1");
  EXPECT_EQ(got->amount, 50000);
  EXPECT_EQ(got->dossier, "HS1");
}

TEST(PaymentCallback, WrongSecretOrAlteredAmountIsRefused) {
  Transaction t = sample();
  sign(t, "secret");
  auto wrong = parse_callback(to_json(t), "other");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthorized);
  Transaction altered = t;
  altered.amount = 5000;  // signature kept from the original
  EXPECT_EQ(parse_callback(to_json(altered), "secret").error().kind, ErrorKind::kUnauthorized);
  EXPECT_EQ(parse_callback(to_json(t, false), "secret").error().kind, ErrorKind::kUnauthorized);
}

TEST(PaymentCallback, MalformedBodiesAreRefusedWithTheField) {
  EXPECT_EQ(parse_callback("not json", "s").error().kind, ErrorKind::kParse);
  auto frac = parse_callback(R"({"MaGiaoDich":"G","SoTien":500.5,"ThoiGianGD":"20261102103000"})", "s");
  ASSERT_FALSE(frac.ok());
  EXPECT_NE(frac.error().message.find("SoTien"), std::string::npos);
  auto usd =
      parse_callback(R"({"MaGiaoDich":"G","SoTien":5,"MaTienTe":"USD","ThoiGianGD":"20261102103000"})", "s");
  EXPECT_NE(usd.error().message.find("MaTienTe"), std::string::npos);
  auto when = parse_callback(R"({"MaGiaoDich":"G","SoTien":5,"ThoiGianGD":"2026-11-02"})", "s");
  EXPECT_NE(when.error().message.find("ThoiGianGD"), std::string::npos);
  auto st =
      parse_callback(R"({"MaGiaoDich":"G","SoTien":5,"ThoiGianGD":"20261102103000","TrangThaiGD":2})", "s");
  EXPECT_NE(st.error().message.find("TrangThaiGD"), std::string::npos);
}

TEST(PaymentPlatformPage, ParsesAPageOfTransactions) {
  Transaction t = sample();
  auto page = parse_page("{\"TongSoBanGhi\":1,\"TrangHienTai\":1,\"DanhSach\":[" + to_json(t) + "]}");
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].status, 1);
  EXPECT_FALSE(parse_page("{\"DanhSach\":[]}").ok());
}

TEST(PaymentsFile, JsonLinesWithBadLinesReportedAndWrongShapeRefused) {
  std::string path = ::testing::TempDir() + "/payments.jsonl";
  Transaction a = sample(), b = sample();
  b.transaction_id = "GD2";
  b.status = 4;
  std::ofstream(path) << to_json(a) << "\n{\"MaGiaoDich\":\"GD3\"}\n\n" << to_json(b) << "\n";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_transactions(path, d).ok());
  ASSERT_EQ(d.payments().size(), 2u);
  EXPECT_EQ(d.payments()[1].status, reconciliation::PaymentStatus::kFailed);
  ASSERT_EQ(d.issues().size(), 1u);
  EXPECT_EQ(d.issues()[0].line, 2u);
  std::string wrong = ::testing::TempDir() + "/payments_wrong.jsonl";
  std::ofstream(wrong) << "[" << to_json(a) << "]\n";
  EXPECT_FALSE(read_transactions(wrong, d).ok());
}

}  // namespace
}  // namespace lienthong::payment_platform
