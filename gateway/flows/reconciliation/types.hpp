// Canonical types of a treasury reconciliation run (đối soát): what the adapters produce
// from the portal's payment platform, the bank statement, the State Treasury (KBNN) and the
// fee obligations, and what the engine classifies. Wire formats stay in adapters/.
//
// Records carry string_views: an adapter hands each record to a sink, which copies what it
// keeps into compact storage (see Dataset), so a 10-million-row file never lives twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lienthong::reconciliation {

// Amounts are whole Vietnamese đồng; VND has no minor unit, so no floating point anywhere.
using Vnd = int64_t;
// A civil date in Vietnam time (UTC+7) as days since 1970-01-01.
using Day = int32_t;

// Trạng thái giao dịch (TrangThaiGD) as the payment platform's QUERY answers it.
enum class PaymentStatus : uint8_t { kPaid = 1, kPending = 3, kFailed = 4 };

// Giao dịch thanh toán (payment) on the National Public Service Portal's payment platform.
struct Payment {
  std::string_view reference;  // MaGiaoDich: the platform's transaction id
  std::string_view dossier;    // MaHoSo: dossier code
  std::string_view agency;     // MaDonVi: collecting agency
  Vnd amount = 0;              // SoTien
  int64_t paid_at_ms = 0;      // ThoiGianGD, UTC epoch ms
  PaymentStatus status = PaymentStatus::kPaid;
  uint32_t line = 0;  // line in the input file (0 when not from a file)
};

// Sao kê ngân hàng (bank statement) entry of a bank or payment intermediary.
struct BankEntry {
  std::string_view reference;  // Mã giao dịch, as the bank echoes the platform's reference
  std::string_view dossier;    // from a column or from Nội dung (description); may be empty
  Vnd amount = 0;
  Day value_date = 0;  // Ngày giao dịch
  uint32_t line = 0;
};

// Chứng từ (credit record) of the State Treasury: a fee credited to an agency's account,
// or a refund (hoàn trả) of an earlier payment.
struct TreasuryCredit {
  std::string_view reference;  // MaGiaoDich of the payment credited (or refunded)
  std::string_view dossier;
  std::string_view agency;
  Vnd amount = 0;
  Day value_date = 0;  // NgayHachToan (accounting date)
  bool is_refund = false;
  uint32_t line = 0;
};

// Nghĩa vụ (obligation): what one dossier owes one agency (a fee, a charge, a land tax).
struct Obligation {
  std::string_view dossier;
  std::string_view agency;
  std::string_view obligation_ref;  // fee code or tax notice number; informative
  Vnd amount = 0;
  uint32_t line = 0;
};

// A malformed record: reported with where and why, counted, never silently dropped.
struct InputIssue {
  std::string file;
  uint32_t line = 0;
  std::string reason;  // never personal data
};

// One reason code per item. Stable names: they appear in reports and the store.
enum class ReasonCode : uint8_t {
  kMatched = 0,        // portal, bank and treasury agree (and the obligation is covered)
  kPendingSettlement,  // paid and at the bank, not yet at the treasury, inside the window
  kMissingAtBank,      // paid on the portal, no bank entry
  kMissingAtTreasury,  // at the bank, not credited by the treasury after the window
  kAmountMismatch,     // sources disagree, or the payment differs from the obligation
  kDuplicatePayment,   // the obligation was already covered: refund due
  kNoDossier,          // payment for a dossier with no known obligation
  kObligationUnpaid,   // obligation with no payment
  kRefunded,           // the treasury shows the payment refunded
  kUnknownAtPortal,    // bank or treasury record with no portal payment
  // bank or treasury credit whose portal transaction is failed (TrangThaiGD 4) or not yet
  // confirmed (3): money held that the portal does not count as paid
  kCreditNotPaidAtPortal,
  kObligationPartlyPaid,  // obligation item paid in part: the open balance is still owed
  kCreditedLate,          // all sides agree, but the treasury credited after the window
};
inline constexpr int kReasonCount = 13;

std::string_view to_string(ReasonCode r);
std::optional<ReasonCode> reason_from_string(std::string_view s);
// One line for a treasury officer, in Vietnamese with English.
std::string_view describe(ReasonCode r);

// One classified item (exceptions only are materialised; matched ones are counted).
struct ReconciliationItem {
  std::string key;  // stable across runs: "PAY:<ref>", "OBL:<dossier>:<n>", "BANK:<line>:<ref>"...
  ReasonCode reason = ReasonCode::kMatched;
  std::string reference;
  std::string dossier;
  std::string agency;
  std::optional<Vnd> portal_amount, bank_amount, treasury_amount, obligation_amount;
  Vnd refund_amount = 0;  // > 0 when a refund is due (duplicate or overpayment)
  std::string date;       // YYYY-MM-DD of the payment or record
  std::string detail;     // why, for the officer; never personal data
};

struct ClassTotal {
  int64_t count = 0;
  Vnd amount = 0;
};

struct Summary {
  ClassTotal by_class[kReasonCount];
  // agency -> reason -> totals; agencies sorted by code.
  std::vector<std::pair<std::string, std::vector<ClassTotal>>> by_agency;
  int64_t payments = 0, bank_entries = 0, treasury_credits = 0, obligations = 0;
  int64_t skipped_not_paid = 0;       // TrangThaiGD pending/failed: not money yet
  int64_t skipped_out_of_period = 0;  // payments outside [from, to]
  int64_t input_issues = 0;
};

}  // namespace lienthong::reconciliation
