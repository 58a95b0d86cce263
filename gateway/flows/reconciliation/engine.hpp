// The matching engine: applies the configured rules in order, then classifies every
// payment, every obligation and every unclaimed bank or treasury record with exactly one
// reason code. Pure function of its inputs: same dataset and rules, same result.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gateway/flows/reconciliation/dataset.hpp"
#include "gateway/flows/reconciliation/rules.hpp"
#include "gateway/flows/reconciliation/types.hpp"

namespace lienthong::reconciliation {

struct Period {
  Day from = 0;   // first payment day included (Vietnam time)
  Day to = 0;     // last payment day included
  Day as_of = 0;  // the day the run looks from: decides "still inside the settlement window"
  // The province's working days, for rules counting in working days; nullptr: Monday to
  // Friday. Not owned.
  const WorkingDays* working_days = nullptr;
};

// The days whose bank and treasury records a run weighs: from `date_window_days` before the
// period to `settlement_window_days` after it, in the rules' unit, as calendar days (a
// working-day window over Tết spans many more calendar days).
std::pair<Day, Day> record_scope(const Rules& rules, const Period& period);

// A refund the treasury shows (it closes a refund in the refunds table).
struct RefundCredit {
  std::string reference;  // MaGiaoDich of the refunded payment
  Vnd amount = 0;
  std::string date;
};

struct RunResult {
  Summary summary;
  std::vector<ReconciliationItem> items;  // every item that is not kMatched, sorted by key
  std::vector<InputIssue> issues;         // malformed records, in input order
  std::vector<RefundCredit> refund_credits;
};

RunResult reconcile(const Dataset& data, const Rules& rules, const Period& period);

}  // namespace lienthong::reconciliation
