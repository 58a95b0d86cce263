// A small reconciliation period for the run store's tests (SQLite and PostgreSQL stores).
#pragma once

#include <memory>
#include <string>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/report.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::reconciliation::sample {

inline Day day(const char* iso) {
  return static_cast<Day>(*vn_time::parse_date(iso));
}
inline int64_t at(const char* iso, int hour = 10) {
  int y, m, d;
  vn_time::civil_from_days(*vn_time::parse_date(iso), y, m, d);
  return vn_time::from_vietnam({y, m, d, hour, 0, 0});
}

// 1–10 November 2026: one matched payment, one pending (no treasury credit yet) and one
// duplicate; the pending one's credit arrives later, and a refund may be shown.
inline std::unique_ptr<Dataset> period(bool late_credit_arrived, bool refund_shown = false) {
  auto d = std::make_unique<Dataset>();
  d->set_has_obligations(true);
  d->add_obligation({"HS1", "AG", "", 10000, 2});
  d->add_obligation({"HS2", "AG", "", 20000, 3});
  d->add_payment({"GD1", "HS1", "AG", 10000, at("2026-11-02"), PaymentStatus::kPaid, 1});
  d->add_payment({"GD2", "HS2", "AG", 20000, at("2026-11-09"), PaymentStatus::kPaid, 2});
  d->add_payment({"GD3", "HS1", "AG", 10000, at("2026-11-03"), PaymentStatus::kPaid, 3});
  for (const char* r : {"GD1", "GD2", "GD3"})
    d->add_bank({r, "", r[2] == '2' ? 20000 : 10000, day("2026-11-09"), 2});
  d->add_treasury({"GD1", "HS1", "AG", 10000, day("2026-11-03"), false, 2});
  d->add_treasury({"GD3", "HS1", "AG", 10000, day("2026-11-04"), false, 3});
  if (late_credit_arrived) d->add_treasury({"GD2", "HS2", "AG", 20000, day("2026-11-11"), false, 4});
  if (refund_shown) d->add_treasury({"GD3", "HS1", "AG", 10000, day("2026-11-12"), true, 5});
  return d;
}

// The run's description for that period; `treasury_sha` stands for the treasury file.
inline RunInfo run_info(const Rules& rules, const std::string& treasury_sha) {
  RunInfo i;
  i.from = day("2026-11-01");
  i.to = day("2026-11-10");
  i.as_of = day("2026-11-11");
  i.rules = rules.fingerprint();
  i.inputs = {{"payments", "p.jsonl", "aaa", 1}, {"treasury", "t.xml", treasury_sha, 1}};
  return i;
}

inline RunResult run(const Dataset& d, const Rules& rules) {
  return reconcile(d, rules, {day("2026-11-01"), day("2026-11-10"), day("2026-11-11")});
}

}  // namespace lienthong::reconciliation::sample
