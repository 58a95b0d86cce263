#include "gateway/flows/reconciliation/types.hpp"

namespace lienthong::reconciliation {

namespace {
struct ReasonInfo {
  ReasonCode code;
  std::string_view name;
  std::string_view description;
};
constexpr ReasonInfo kReasons[kReasonCount] = {
    {ReasonCode::kMatched, "matched", "Khớp đủ ba bên (matched on all sides)"},
    {ReasonCode::kPendingSettlement, "pending_settlement",
     "Chờ Kho bạc hạch toán, còn trong hạn (paid, not yet credited, inside the settlement window)"},
    {ReasonCode::kMissingAtBank, "missing_at_bank", "Không có ở ngân hàng (missing at the bank)"},
    {ReasonCode::kMissingAtTreasury, "missing_at_treasury",
     "Kho bạc chưa ghi thu quá hạn (missing at the treasury after the window)"},
    {ReasonCode::kAmountMismatch, "amount_mismatch", "Lệch số tiền (amount mismatch)"},
    {ReasonCode::kDuplicatePayment, "duplicate_payment",
     "Nộp trùng cho cùng một nghĩa vụ, cần hoàn trả (duplicate payment: refund due)"},
    {ReasonCode::kNoDossier, "no_dossier", "Thanh toán không gắn hồ sơ (payment with no dossier)"},
    {ReasonCode::kObligationUnpaid, "obligation_unpaid", "Nghĩa vụ chưa nộp (obligation unpaid)"},
    {ReasonCode::kRefunded, "refunded", "Đã hoàn trả (refunded)"},
    {ReasonCode::kUnknownAtPortal, "unknown_at_portal",
     "Có ở ngân hàng/Kho bạc, không có giao dịch trên Cổng (no portal payment)"},
    {ReasonCode::kCreditNotPaidAtPortal, "credit_not_paid_at_portal",
     "Tiền đã về nhưng giao dịch trên Cổng thất bại hoặc chưa xác nhận (credit for a failed or pending "
     "portal transaction)"},
    {ReasonCode::kObligationPartlyPaid, "obligation_partly_paid",
     "Nghĩa vụ mới nộp một phần, còn nợ (obligation partly paid: open balance)"},
    {ReasonCode::kCreditedLate, "credited_late",
     "Kho bạc ghi thu trễ hạn (credited by the treasury after the settlement window)"},
};
}  // namespace

std::string_view to_string(ReasonCode r) {
  return kReasons[static_cast<int>(r)].name;
}
std::string_view describe(ReasonCode r) {
  return kReasons[static_cast<int>(r)].description;
}

std::optional<ReasonCode> reason_from_string(std::string_view s) {
  for (const auto& r : kReasons) {
    if (r.name == s) return r.code;
  }
  return std::nullopt;
}

}  // namespace lienthong::reconciliation
