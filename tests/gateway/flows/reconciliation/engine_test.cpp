#include "gateway/flows/reconciliation/engine.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::reconciliation {
namespace {

Day day(const char* iso) {
  return static_cast<Day>(*vn_time::parse_date(iso));
}
int64_t at(const char* iso_date, int hour = 10) {
  auto d = *vn_time::parse_date(iso_date);
  int y, m, dd;
  vn_time::civil_from_days(d, y, m, dd);
  return vn_time::from_vietnam({y, m, dd, hour, 0, 0});
}

// Builds a dataset line by line; the engine is checked on the classes it produces.
struct Case {
  Dataset data;
  Rules rules;
  Period period{day("2026-11-01"), day("2026-11-10"), day("2026-11-12")};

  Case() {
    rules.date_window_days = 1;
    rules.settlement_window_days = 3;
    data.set_has_obligations(true);
  }
  void pay(const char* ref, const char* dossier, Vnd amount, const char* date, int hour = 10,
           PaymentStatus st = PaymentStatus::kPaid) {
    data.add_payment({ref, dossier, "AG1", amount, at(date, hour), st, 0});
  }
  void bank(const char* ref, const char* dossier, Vnd amount, const char* date) {
    data.add_bank({ref, dossier, amount, day(date), 0});
  }
  void kb(const char* ref, const char* dossier, Vnd amount, const char* date, bool refund = false) {
    data.add_treasury({ref, dossier, "AG1", amount, day(date), refund, 0});
  }
  void owe(const char* dossier, Vnd amount, const char* ref = "") {
    data.add_obligation({dossier, "AG1", ref, amount, 0});
  }
  RunResult run() { return reconcile(data, rules, period); }
};

const ReconciliationItem* find(const RunResult& r, const std::string& key) {
  for (const auto& it : r.items) {
    if (it.key == key) return &it;
  }
  return nullptr;
}

int64_t count(const RunResult& r, ReasonCode c) {
  return r.summary.by_class[static_cast<int>(c)].count;
}

TEST(ReconciliationEngine, AllThreeSidesAgreeByReferenceIsMatched) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("GD1", "", 50000, "2026-11-02");
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(count(r, ReasonCode::kMatched), 1);
  EXPECT_EQ(r.summary.by_class[0].amount, 50000);
}

TEST(ReconciliationEngine, FallbackRuleMatchesDossierAmountAndDateInsideWindow) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("BANKREF-X", "HS1", 50000, "2026-11-03");  // bank lost our reference, one day later
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  EXPECT_EQ(count(r, ReasonCode::kMatched), 1);
  EXPECT_TRUE(r.items.empty());
}

TEST(ReconciliationEngine, NearMissSameAmountDifferentDossierDoesNotMatch) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("OTHER", "HS2", 50000, "2026-11-02");
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  ASSERT_NE(find(r, "PAY:GD1"), nullptr);
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kMissingAtBank);
  ASSERT_NE(find(r, "BANK:OTHER"), nullptr);
  EXPECT_EQ(find(r, "BANK:OTHER")->reason, ReasonCode::kUnknownAtPortal);
}

TEST(ReconciliationEngine, NearMissValueDateOneDayOutsideWindowDoesNotMatch) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("OTHER", "HS1", 50000, "2026-11-04");  // window is 1 day: 2 days is outside
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kMissingAtBank);
  c.rules.date_window_days = 2;  // the same data with a wider window matches
  auto r2 = c.run();
  EXPECT_EQ(count(r2, ReasonCode::kMatched), 1);
}

TEST(ReconciliationEngine, FallbackPrefersTheNearestDate) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-05");
  c.bank("A", "HS1", 50000, "2026-11-04");
  c.bank("B", "HS1", 50000, "2026-11-05");
  c.kb("GD1", "HS1", 50000, "2026-11-05");
  auto r = c.run();
  ASSERT_NE(find(r, "BANK:A"), nullptr);  // B (same day) was taken, A is left over
  EXPECT_EQ(find(r, "BANK:B"), nullptr);
}

TEST(ReconciliationEngine, ReferenceOnlyRuleOrderIgnoresFallback) {
  Case c;
  c.rules.order = {MatchRule::kReference};
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("BANKREF-X", "HS1", 50000, "2026-11-02");
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kMissingAtBank);
}

TEST(ReconciliationEngine, NotYetCreditedInsideSettlementWindowIsPending) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-10");  // as of 11-12: 2 days, window 3
  c.bank("GD1", "", 50000, "2026-11-10");
  auto r = c.run();
  ASSERT_NE(find(r, "PAY:GD1"), nullptr);
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kPendingSettlement);
  EXPECT_EQ(count(r, ReasonCode::kObligationUnpaid), 0);  // the pending payment covers it
}

TEST(ReconciliationEngine, NotCreditedAfterSettlementWindowIsMissingAtTreasury) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-08");  // 4 days before as-of: outside a 3-day window
  c.bank("GD1", "", 50000, "2026-11-08");
  auto r = c.run();
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kMissingAtTreasury);
  c.pay("GD2", "HS2", 10000, "2026-11-09");  // exactly 3 days: still pending
  c.owe("HS2", 10000);
  c.bank("GD2", "", 10000, "2026-11-09");
  auto r2 = c.run();
  EXPECT_EQ(find(r2, "PAY:GD2")->reason, ReasonCode::kPendingSettlement);
}

TEST(ReconciliationEngine, BankAmountDifferentFromPortalIsAmountMismatch) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.bank("GD1", "", 5000, "2026-11-02");
  c.kb("GD1", "HS1", 50000, "2026-11-03");
  auto r = c.run();
  const auto* it = find(r, "PAY:GD1");
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(it->reason, ReasonCode::kAmountMismatch);
  EXPECT_EQ(*it->bank_amount, 5000);
  EXPECT_EQ(it->refund_amount, 0);
}

TEST(ReconciliationEngine, TwoPaymentsForOneObligationMakeTheLaterADuplicateWithRefundDue) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD2", "HS1", 50000, "2026-11-02", 15);
  c.pay("GD1", "HS1", 50000, "2026-11-02", 9);
  for (const char* ref : {"GD1", "GD2"}) {
    c.bank(ref, "", 50000, "2026-11-02");
    c.kb(ref, "HS1", 50000, "2026-11-03");
  }
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].key, "PAY:GD2");  // paid later in the day
  EXPECT_EQ(r.items[0].reason, ReasonCode::kDuplicatePayment);
  EXPECT_EQ(r.items[0].refund_amount, 50000);
  EXPECT_EQ(count(r, ReasonCode::kMatched), 1);
}

TEST(ReconciliationEngine, PaymentAboveObligationIsOverpaymentWithRefundOfTheDifference) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 70000, "2026-11-02");
  c.bank("GD1", "", 70000, "2026-11-02");
  c.kb("GD1", "HS1", 70000, "2026-11-03");
  auto r = c.run();
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kAmountMismatch);
  EXPECT_EQ(find(r, "PAY:GD1")->refund_amount, 20000);
  EXPECT_EQ(*find(r, "PAY:GD1")->obligation_amount, 50000);
}

TEST(ReconciliationEngine, PaymentBelowObligationLeavesAnOpenBalanceWithoutRefund) {
  Case c;
  c.owe("HS1", 50000, "PHI");
  c.pay("GD1", "HS1", 30000, "2026-11-02");
  c.bank("GD1", "", 30000, "2026-11-02");
  c.kb("GD1", "HS1", 30000, "2026-11-03");
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].key, "OBL:HS1:PHI");
  EXPECT_EQ(r.items[0].reason, ReasonCode::kObligationPartlyPaid);
  EXPECT_EQ(r.items[0].refund_amount, 0);
  EXPECT_NE(r.items[0].detail.find("open balance 20.000"), std::string::npos);
  EXPECT_EQ(r.summary.by_class[static_cast<int>(ReasonCode::kObligationPartlyPaid)].amount, 20000);
  EXPECT_EQ(count(r, ReasonCode::kMatched), 1);
}

TEST(ReconciliationEngine, TwoObligationsOfOneDossierAreCoveredByMatchingAmounts) {
  Case c;
  c.owe("HS1", 50000, "PHI");
  c.owe("HS1", 1200000, "TB-01");
  c.pay("GD1", "HS1", 1200000, "2026-11-02", 9);
  c.pay("GD2", "HS1", 50000, "2026-11-02", 10);
  for (auto [ref, amt] : {std::pair{"GD1", 1200000}, std::pair{"GD2", 50000}}) {
    c.bank(ref, "", amt, "2026-11-02");
    c.kb(ref, "HS1", amt, "2026-11-03");
  }
  auto r = c.run();
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(count(r, ReasonCode::kMatched), 2);
}

TEST(ReconciliationEngine, PaymentForUnknownDossierIsNoDossier) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS9", 50000, "2026-11-02");
  c.bank("GD1", "", 50000, "2026-11-02");
  c.kb("GD1", "HS9", 50000, "2026-11-03");
  auto r = c.run();
  EXPECT_EQ(find(r, "PAY:GD1")->reason, ReasonCode::kNoDossier);
  ASSERT_NE(find(r, "OBL:HS1:L0"), nullptr);
  EXPECT_EQ(find(r, "OBL:HS1:L0")->reason, ReasonCode::kObligationUnpaid);
}

TEST(ReconciliationEngine, ObligationWithoutPaymentIsUnpaid) {
  Case c;
  c.data.add_obligation({"HS5", "AG2", "PHI-01", 30000, 7});
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].key, "OBL:HS5:PHI-01");
  EXPECT_EQ(r.items[0].reason, ReasonCode::kObligationUnpaid);
  EXPECT_EQ(r.summary.by_class[static_cast<int>(ReasonCode::kObligationUnpaid)].amount, 30000);
  ASSERT_EQ(r.summary.by_agency.size(), 1u);
  EXPECT_EQ(r.summary.by_agency[0].first, "AG2");
}

TEST(ReconciliationEngine, TreasuryRefundMarksThePaymentRefunded) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02", 9);
  c.pay("GD2", "HS1", 50000, "2026-11-02", 15);
  for (const char* ref : {"GD1", "GD2"}) {
    c.bank(ref, "", 50000, "2026-11-02");
    c.kb(ref, "HS1", 50000, "2026-11-03");
  }
  c.kb("GD2", "HS1", 50000, "2026-11-06", /*refund=*/true);
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].reason, ReasonCode::kRefunded);
  ASSERT_EQ(r.refund_credits.size(), 1u);
  EXPECT_EQ(r.refund_credits[0].reference, "GD2");
}

TEST(ReconciliationEngine, BankOrTreasuryRecordWithoutPortalPaymentIsUnknownAtPortal) {
  Case c;
  c.bank("X1", "HS7", 1000, "2026-11-03");
  c.kb("X2", "HS7", 1000, "2026-11-03");
  c.bank("OLD", "HS8", 1000, "2026-09-01");  // another period: not this run's business
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(find(r, "BANK:X1")->reason, ReasonCode::kUnknownAtPortal);
  EXPECT_EQ(find(r, "KB:X2")->reason, ReasonCode::kUnknownAtPortal);
}

TEST(ReconciliationEngine, PaymentsOutsideThePeriodOrNotPaidAreSkippedWithTheirRecords) {
  Case c;
  c.pay("GD0", "HS1", 50000, "2026-10-31");
  c.bank("GD0", "", 50000, "2026-11-01");  // belongs to last period's payment
  c.pay("GD3", "HS3", 50000, "2026-11-02", 10, PaymentStatus::kFailed);
  auto r = c.run();
  EXPECT_EQ(r.summary.skipped_out_of_period, 1);
  EXPECT_EQ(r.summary.skipped_not_paid, 1);
  EXPECT_TRUE(r.items.empty());
}

TEST(ReconciliationEngine, WithoutObligationsNoDossierChecksAreMade) {
  Case c;
  c.data.set_has_obligations(false);
  c.pay("GD1", "HS9", 50000, "2026-11-02");
  c.bank("GD1", "", 50000, "2026-11-02");
  c.kb("GD1", "HS9", 50000, "2026-11-03");
  EXPECT_EQ(count(c.run(), ReasonCode::kMatched), 1);
}

TEST(ReconciliationEngine, SameInputsGiveTheSameItems) {
  Case c;
  c.owe("HS1", 50000);
  c.pay("GD1", "HS1", 50000, "2026-11-02");
  c.pay("GD2", "HS1", 50000, "2026-11-03");
  c.bank("GD2", "", 1, "2026-11-03");
  auto a = c.run();
  auto b = c.run();
  ASSERT_EQ(a.items.size(), b.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].key, b.items[i].key);
    EXPECT_EQ(a.items[i].reason, b.items[i].reason);
  }
}

TEST(ReconciliationEngine, RepeatedReferenceGetsDistinctKeys) {
  Case c;
  c.pay("GD1", "HS1", 50000, "2026-11-02", 9);
  c.pay("GD1", "HS1", 50000, "2026-11-02", 10);
  auto r = c.run();
  ASSERT_EQ(r.items.size(), 2u);  // both missing at the bank
  EXPECT_EQ(r.items[0].key, "PAY:GD1");
  EXPECT_EQ(r.items[1].key, "PAY:GD1#2");
}

}  // namespace
}  // namespace lienthong::reconciliation
