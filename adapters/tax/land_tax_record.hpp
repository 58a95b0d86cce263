// The land-tax pushes as record kinds of the webhook receiver (issue #27): a tax notice
// (thông báo thuế) or a payment voucher (chứng từ nộp thuế) pushed by DVCQG
// (docs/contracts/tax.md) is read by the same reader as the tax files and the
// reconciliation's own push routes (tax.hpp: parse_push_envelope, parse_push_data), every
// ROW_LIST and LIST, and any bad line refuses the push naming it. What is kept — the
// lines without the taxpayer id or the payer's personal data — goes through the intake
// journal and is stored by the applier in `tax_pushes`, where every reconciliation run
// reads it as obligations (notices) and payments (vouchers).
#pragma once

#include <memory>

#include "adapters/tax/tax.hpp"
#include "gateway/flows/webhooks/record_kind.hpp"

namespace lienthong::tax {

inline constexpr const char* kLandTaxNoticeKind = "land_tax_notice";
inline constexpr const char* kLandTaxVoucherKind = "land_tax_voucher";

std::shared_ptr<const webhooks::RecordKind> make_land_tax_record_kind(PushKind kind);
// Both kinds under their names.
void add_land_tax_record_kinds(webhooks::RecordKinds& kinds);

}  // namespace lienthong::tax
