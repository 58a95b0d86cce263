#include "gateway/flows/reconciliation/callback_inbox.hpp"

#include <unordered_set>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::reconciliation {

Result<bool> CallbackInbox::store(const Payment& p, std::string_view partner_ref, std::string_view raw_body) {
  bool inserted = false;
  Status st = db_.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT status FROM recon_callbacks WHERE reference = ?",
                                             {std::string(p.reference)}));
    const int64_t status = static_cast<int64_t>(p.status);
    if (rows.empty()) {
      LT_TRY(db_.exec(
          "INSERT INTO recon_callbacks (reference, dossier, agency, amount, paid_at_ms, paid_day, status,"
          " body, received_at_ms, partner_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {std::string(p.reference), std::string(p.dossier), std::string(p.agency), p.amount, p.paid_at_ms,
           vn_time::format_date(static_cast<int64_t>(p.paid_at_ms / 86'400'000)), status,
           std::string(raw_body), clock_.now_ms(), std::string(partner_ref)}));
      inserted = true;
    } else if (rows[0].i64(0) == static_cast<int64_t>(PaymentStatus::kPending) && status != rows[0].i64(0)) {
      LT_TRY(db_.exec("UPDATE recon_callbacks SET status = ?, body = ? WHERE reference = ?",
                      {status, std::string(raw_body), std::string(p.reference)}));
    }
    return Status();
  });
  if (!st.ok()) return st.error().context("storing payment callback");
  return inserted;
}

Result<int64_t> CallbackInbox::load(Day from, Day to, Dataset& out, const InitLookup& lookup) {
  // paid_day is only a coarse pre-filter (UTC day); the exact Vietnam day is checked below.
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query("SELECT reference, dossier, agency, amount, paid_at_ms, status, partner_ref"
                                " FROM recon_callbacks WHERE paid_day >= ? AND paid_day <= ?"
                                " ORDER BY reference",
                                {vn_time::format_date(from - 1), vn_time::format_date(to + 1)}));
  if (rows.empty()) return int64_t{0};
  std::unordered_set<std::string_view> known;
  known.reserve(out.payments().size());
  for (const auto& p : out.payments()) known.insert(p.ref);
  int64_t added = 0;
  for (const auto& r : rows) {
    std::string ref = r.str(0);
    if (known.count(ref)) continue;
    Payment p;
    std::string dossier = r.str(1), agency = r.str(2);
    if (dossier.empty() && lookup) {
      if (auto found = lookup(r.str(6))) {
        dossier = std::move(found->first);
        agency = std::move(found->second);
      }
    }
    p.reference = ref;
    p.dossier = dossier;
    p.agency = agency;
    p.amount = r.i64(3);
    p.paid_at_ms = r.i64(4);
    p.status = static_cast<PaymentStatus>(r.i64(5));
    auto t = vn_time::to_vietnam(p.paid_at_ms);
    auto day = static_cast<Day>(vn_time::days_from_civil(t.year, t.month, t.day));
    if (day < from || day > to) continue;
    out.add_payment(p);
    ++added;
  }
  return added;
}

Result<std::vector<std::string>> CallbackInbox::settled_refs() {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT partner_ref FROM recon_callbacks WHERE partner_ref <> ''"
                                           " AND status <> ?",
                                           {static_cast<int64_t>(PaymentStatus::kPending)}));
  std::vector<std::string> refs;
  refs.reserve(rows.size());
  for (const auto& r : rows) refs.push_back(r.str(0));
  return refs;
}

Result<int64_t> CallbackInbox::count() {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT count(*) FROM recon_callbacks"));
  return rows[0].i64(0);
}

}  // namespace lienthong::reconciliation
