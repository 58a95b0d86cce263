// The payment platform's messages against golden examples written from
// docs/contracts/payment_platform.md (their MaXacThuc computed independently, secret
// "golden-secret"): what the adapter must accept and produce.
#include "adapters/payment_platform/payment_platform.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/core/common/json.hpp"

namespace lienthong::payment_platform {
namespace {

constexpr std::string_view kSecret = "golden-secret";

std::string golden(const std::string& name) {
  std::ifstream in(std::string(LIENTHONG_SOURCE_DIR) + "/tests/adapters/payment_platform/golden/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Same JSON value (member order and spacing aside).
void expect_same_json(const std::string& got, const std::string& want) {
  auto a = json::parse(got, "got"), b = json::parse(want, "want");
  ASSERT_TRUE(a.ok()) << got;
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(*a == *b) << "got:  " << got << "\nwant: " << want;
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

// Issue #25, payment point 1: the public MaXacThuc (LoaiBanTin|MaLoi|...|ThongTinGiaoDich).
TEST(PaymentConfirmation, GenuinePublicStyleConfirmationIsAccepted) {
  auto c = parse_confirmation(golden("confirmation_paid.json"), kSecret);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->paid());
  EXPECT_EQ(c->partner_ref, "TT000123");
  EXPECT_EQ(c->transaction_id, "GD000123");
  EXPECT_EQ(c->amount, 150000);
  EXPECT_EQ(c->info, "Thanh toan phi ho so");
}

// Issue #25, payment point 2: MaLoi decides paid or not.
TEST(PaymentConfirmation, MaLoi99ConfirmationVerifiesButIsNotPaid) {
  auto c = parse_confirmation(golden("confirmation_failed.json"), kSecret);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->error_code, "99");
  EXPECT_FALSE(c->paid());
}

TEST(PaymentConfirmation, SigningProducesTheGoldenChecksum) {
  auto c = parse_confirmation(golden("confirmation_paid.json"), kSecret);
  ASSERT_TRUE(c.ok());
  Confirmation again = *c;
  again.signature.clear();
  sign(again, kSecret);
  EXPECT_EQ(again.signature, c->signature);
  expect_same_json(to_json(again), golden("confirmation_paid.json"));
}

TEST(PaymentConfirmation, WrongSecretAlteredFieldOrMissingChecksumIsRefused) {
  std::string body = golden("confirmation_paid.json");
  EXPECT_EQ(parse_confirmation(body, "other").error().kind, ErrorKind::kUnauthorized);
  auto c = parse_confirmation(body, kSecret);
  ASSERT_TRUE(c.ok());
  Confirmation altered = *c;
  altered.amount = 15000;  // checksum kept from the original
  EXPECT_EQ(parse_confirmation(to_json(altered), kSecret).error().kind, ErrorKind::kUnauthorized);
  altered = *c;
  altered.error_code = "99";  // a failure turned into... or a success turned into a failure
  EXPECT_EQ(parse_confirmation(to_json(altered), kSecret).error().kind, ErrorKind::kUnauthorized);
  altered = *c;
  altered.info = "other";  // ThongTinGiaoDich is covered too
  EXPECT_EQ(parse_confirmation(to_json(altered), kSecret).error().kind, ErrorKind::kUnauthorized);
  altered = *c;
  altered.signature.clear();
  EXPECT_EQ(parse_confirmation(to_json(altered), kSecret).error().kind, ErrorKind::kUnauthorized);
  // The old, invented field order no longer verifies.
  std::string invented = compute_ma_xac_thuc(
      {"H12", "TT000123", "GD000123", "150000", "VND", "970415", "20261102103000", "1"}, kSecret);
  altered = *c;
  altered.signature = invented;
  EXPECT_EQ(parse_confirmation(to_json(altered), kSecret).error().kind, ErrorKind::kUnauthorized);
}

TEST(PaymentConfirmation, MalformedBodiesAreRefusedWithTheField) {
  EXPECT_EQ(parse_confirmation("not json", "s").error().kind, ErrorKind::kParse);
  auto no_ref =
      parse_confirmation(R"({"LoaiBanTin":"CONFIRM","MaLoi":"00","MaDoiTac":"H12","SoTien":5})", "s");
  ASSERT_FALSE(no_ref.ok());
  EXPECT_NE(no_ref.error().message.find("MaThamChieu"), std::string::npos);
  auto frac = parse_confirmation(
      R"({"LoaiBanTin":"CONFIRM","MaLoi":"00","MaDoiTac":"H12","MaThamChieu":"T","SoTien":500.5,"MaTienTe":"VND","ThoiGianGD":"20261102103000"})",
      "s");
  ASSERT_FALSE(frac.ok());
  EXPECT_NE(frac.error().message.find("SoTien"), std::string::npos);
  // A correctly signed confirmation in another currency or with a bad time is still refused.
  Confirmation c;
  c.partner_ref = "T";
  c.transaction_id = "G";
  c.amount = 5;
  c.currency = "USD";
  c.paid_at = "20261102103000";
  sign(c, "s");
  EXPECT_NE(parse_confirmation(to_json(c), "s").error().message.find("MaTienTe"), std::string::npos);
  c.currency = "VND";
  c.paid_at = "2026-11-02";
  sign(c, "s");
  EXPECT_NE(parse_confirmation(to_json(c), "s").error().message.find("ThoiGianGD"), std::string::npos);
}

// Issue #25, payment point 4: the answer's shape.
TEST(PaymentConfirmation, AnswerHasThePublicShapeAndEchoesTheChecksum) {
  auto c = parse_confirmation(golden("confirmation_paid.json"), kSecret);
  ASSERT_TRUE(c.ok());
  expect_same_json(confirmation_answer(kSuccess, "Thành công", &*c), golden("confirmation_answer_paid.json"));
  auto refused = json::parse(confirmation_answer(kFailure, "MaXacThuc", nullptr), "answer");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(*json::get_string(*refused, "MaLoi"), "99");
  EXPECT_TRUE(json::get_string(*refused, "MoTaLoi").has_value());
}

// Issue #25, payment point 6: INIT, version 1.0.6, "PAY", ThongTinBienLai.
TEST(PaymentInit, GoldenInitVerifiesParsesAndIsReproduced) {
  auto i = parse_init(golden("init.json"));
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_TRUE(verify(*i, kSecret));
  EXPECT_FALSE(verify(*i, "other"));
  EXPECT_EQ(i->version, "1.0.6");
  EXPECT_EQ(i->payment_type, "PAY");
  EXPECT_EQ(i->dossier, "000.00.01.H12-261102-0001");
  EXPECT_EQ(i->agency, "000.00.01.H12");
  ASSERT_EQ(i->fees.size(), 2u);
  EXPECT_EQ(i->fees[1].amount, 50000);
  Init again = *i;
  again.signature.clear();
  sign(again, kSecret);
  EXPECT_EQ(again.signature, i->signature);
  expect_same_json(to_json(again), golden("init.json"));
}

TEST(PaymentInit, LedgerJoinsMaThamChieuToTheDossierAndReportsBadLines) {
  std::string path = ::testing::TempDir() + "/inits.jsonl";
  auto i = parse_init(golden("init.json"));
  ASSERT_TRUE(i.ok());
  Init forged = *i;
  forged.partner_ref = "TT999";  // signature of another INIT
  Init other = *i;
  other.partner_ref = "TT000200";
  other.dossier = "HS-200";
  sign(other, kSecret);
  std::ofstream(path) << to_json(*i) << "\n"
                      << to_json(forged) << "\n{\"LoaiBanTin\":\"INIT\"}\n"
                      << to_json(other) << "\n";
  reconciliation::Dataset issues;
  auto ledger = read_init_ledger(path, kSecret, &issues);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  ASSERT_EQ(ledger->by_ref.size(), 2u);
  ASSERT_NE(ledger->find("TT000200"), nullptr);
  EXPECT_EQ(ledger->find("TT000200")->dossier, "HS-200");
  EXPECT_EQ(ledger->find("TT999"), nullptr);
  ASSERT_EQ(issues.issues().size(), 2u);
  EXPECT_EQ(issues.issues()[0].line, 2u);
  EXPECT_NE(issues.issues()[0].reason.find("MaXacThuc"), std::string::npos);
  EXPECT_EQ(issues.issues()[1].line, 3u);
}

// Issue #25, payment point 5: QUERY per INIT, signed; GET_BILL for the receipt.
TEST(PaymentQuery, RequestIsTheGoldenOneAndTheAnswerParses) {
  auto i = parse_init(golden("init.json"));
  ASSERT_TRUE(i.ok());
  expect_same_json(query_request(*i, kSecret), golden("query_request.json"));
  auto a = parse_query_answer(golden("query_answer.json"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->status, 1);
  EXPECT_EQ(a->amount, 150000);
  EXPECT_EQ(a->transaction_id, "GD000123");
  QueryAnswer round = *a;
  expect_same_json(query_answer_json(round, "H12"), golden("query_answer.json"));
  auto bad = parse_query_answer(R"({"MaLoi":"00","TrangThaiGD":"2"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("TrangThaiGD"), std::string::npos);
  auto unknown = parse_query_answer(R"({"MaLoi":"99","MoTaLoi":"x"})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 0);
}

TEST(PaymentGetBill, RequestIsTheGoldenOneAndTheAnswerParses) {
  expect_same_json(get_bill_request("H12", "TT000123", "GD000123", kSecret), golden("get_bill_request.json"));
  auto b = parse_bill(golden("get_bill_answer.json"));
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->receipt_no, "BLGD000123");
  EXPECT_FALSE(parse_bill(R"({"MaLoi":"00"})").ok());
}

TEST(PaymentsFile, JsonLinesWithBadLinesReportedAndWrongShapeRefused) {
  std::string path = ::testing::TempDir() + "/payments.jsonl";
  Transaction a;
  a.partner_code = "H12";
  a.partner_ref = "TT1";
  a.transaction_id = "GD1";
  a.amount = 50000;
  a.paid_at = "20261102103000";
  a.agency = "AG";
  a.dossier = "HS1";
  Transaction b = a;
  b.transaction_id = "GD2";
  b.status = 4;
  std::ofstream(path) << to_json(a) << "\n{\"MaGiaoDich\":\"GD3\"}\n\n" << to_json(b) << "\n";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_transactions(path, d).ok());
  ASSERT_EQ(d.payments().size(), 2u);
  EXPECT_EQ(d.dossiers().get(d.payments()[0].dossier), "HS1");
  EXPECT_EQ(d.payments()[1].status, reconciliation::PaymentStatus::kFailed);
  ASSERT_EQ(d.issues().size(), 1u);
  EXPECT_EQ(d.issues()[0].line, 2u);
  std::string wrong = ::testing::TempDir() + "/payments_wrong.jsonl";
  std::ofstream(wrong) << "[" << to_json(a) << "]\n";
  EXPECT_FALSE(read_transactions(wrong, d).ok());
}

}  // namespace
}  // namespace lienthong::payment_platform
