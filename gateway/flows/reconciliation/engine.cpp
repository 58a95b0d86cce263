#include "gateway/flows/reconciliation/engine.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/amount.hpp"

namespace lienthong::reconciliation {

namespace {

constexpr uint32_t kNo = 0xFFFFFFFFu;

uint64_t key_dossier_amount(uint32_t dossier, Vnd amount) {
  return hash_mix(hash_mix(dossier, 0x51ed27), static_cast<uint64_t>(amount));
}

const WorkingDays kWeekdays;

const WorkingDays& working_days_of(const Period& p) {
  return p.working_days ? *p.working_days : kWeekdays;
}

// Days from `a` to `b` in the rules' unit (negative when b is before a).
int span(const Rules& rules, const Period& p, Day a, Day b) {
  if (rules.window_unit == WindowUnit::kCalendarDays) return b - a;
  const auto& wd = working_days_of(p);
  return b >= a ? wd.after(a, b) : -wd.after(b, a);
}

std::string dmy(Day d) {
  int y, m, dd;
  vn_time::civil_from_days(d, y, m, dd);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", dd, m, y);
  return buf;
}

const char* unit_vi(const Rules& r) {
  return r.window_unit == WindowUnit::kWorkingDays ? "ngày làm việc" : "ngày";
}

const char* unit_en(const Rules& r) {
  return r.window_unit == WindowUnit::kWorkingDays ? " working days" : " days";
}

class Run {
 public:
  Run(const Dataset& d, const Rules& r, const Period& p)
      : d_(d), rules_(r), period_(p), P_(d.payments()), B_(d.bank()), T_(d.treasury()), O_(d.obligations()) {}

  RunResult go() {
    scope_ = record_scope(rules_, period_);
    select_payments();
    bank_of_.assign(P_.size(), kNo);
    treas_of_.assign(P_.size(), kNo);
    bank_used_.assign(B_.size(), 0);
    treas_used_.assign(T_.size(), 0);
    drop_repeated_records();
    for (MatchRule rule : rules_.order) {
      if (rule == MatchRule::kReference) {
        match_by_reference();
      } else {
        match_by_dossier_amount_date();
      }
    }
    classify_payments();
    classify_obligations();
    classify_leftovers();
    finish();
    return std::move(result_);
  }

 private:
  void select_payments() {
    Summary& s = result_.summary;
    s.payments = static_cast<int64_t>(P_.size());
    s.bank_entries = static_cast<int64_t>(B_.size());
    s.treasury_credits = static_cast<int64_t>(T_.size());
    s.obligations = static_cast<int64_t>(O_.size());
    active_.reserve(P_.size());
    for (uint32_t i = 0; i < P_.size(); ++i) {
      const auto& p = P_[i];
      if (p.status != PaymentStatus::kPaid) {
        ++s.skipped_not_paid;
        skipped_refs_.insert(hash_bytes(p.ref), i);
      } else if (p.day < period_.from || p.day > period_.to) {
        ++s.skipped_out_of_period;
        skipped_refs_.insert(hash_bytes(p.ref), i);
      } else {
        active_.push_back(i);
      }
    }
    // Order decides which of two payments of one obligation is the duplicate: the later one.
    std::sort(active_.begin(), active_.end(), [&](uint32_t a, uint32_t b) {
      const auto &x = P_[a], &y = P_[b];
      if (x.dossier != y.dossier) return x.dossier < y.dossier;
      if (x.paid_at_ms != y.paid_at_ms) return x.paid_at_ms < y.paid_at_ms;
      if (x.ref != y.ref) return x.ref < y.ref;
      return a < b;
    });
  }

  // The same transaction exported twice in one input (a bank re-sending a statement page, a
  // treasury export overlapping the previous one) is counted once and noted as an input
  // issue, never turned into a duplicate payment or an unknown credit. "The same" is every
  // field the engine reads; records without a reference are never merged (two citizens may
  // pay the same amount on the same day with the same narrative).
  void drop_repeated_records() {
    auto note = [&](const char* source, uint32_t line, uint32_t first_line, std::string_view ref) {
      repeated_.push_back({source, line,
                           "giao dịch " + std::string(ref) + " lặp lại dòng " + std::to_string(first_line) +
                               ", chỉ tính một lần (repeated transaction, counted once)"});
    };
    std::vector<uint32_t> kept;
    kept.reserve(active_.size());
    for (size_t k = 0; k < active_.size(); ++k) {
      const auto& x = P_[active_[k]];
      if (!kept.empty()) {
        const auto& y = P_[kept.back()];
        if (!x.ref.empty() && x.ref == y.ref && x.dossier == y.dossier && x.paid_at_ms == y.paid_at_ms &&
            x.amount == y.amount && x.agency == y.agency) {
          note("payments", x.line, y.line, x.ref);
          continue;
        }
      }
      kept.push_back(active_[k]);
    }
    active_.swap(kept);
    FlatIndex idx;
    idx.reset(B_.size());
    for (uint32_t b = 0; b < B_.size(); ++b) {
      const auto& e = B_[b];
      if (e.ref.empty()) continue;
      uint64_t h = hash_bytes(e.ref);
      uint32_t first = kNo;
      idx.find(h, [&](uint32_t o) {
        const auto& f = B_[o];
        if (f.ref != e.ref || f.amount != e.amount || f.day != e.day || f.dossier != e.dossier) return false;
        first = o;
        return true;
      });
      if (first == kNo) {
        idx.insert(h, b);
      } else {
        bank_used_[b] = 1;
        note("bank", e.line, B_[first].line, e.ref);
      }
    }
    idx.reset(T_.size());
    treas_repeated_.assign(T_.size(), 0);
    for (uint32_t t = 0; t < T_.size(); ++t) {
      const auto& c = T_[t];
      if (c.ref.empty()) continue;
      uint64_t h = hash_bytes(c.ref);
      uint32_t first = kNo;
      idx.find(h, [&](uint32_t o) {
        const auto& f = T_[o];
        if (f.ref != c.ref || f.amount != c.amount || f.day != c.day || f.dossier != c.dossier ||
            f.agency != c.agency || f.refund != c.refund)
          return false;
        first = o;
        return true;
      });
      if (first == kNo) {
        idx.insert(h, t);
      } else {
        treas_used_[t] = 1;
        treas_repeated_[t] = 1;
        note("treasury", c.line, T_[first].line, c.ref);
      }
    }
  }

  void match_by_reference() {
    FlatIndex bank_ref, treas_ref;
    bank_ref.reset(B_.size());
    for (uint32_t b = 0; b < B_.size(); ++b) {
      if (!bank_used_[b] && !B_[b].ref.empty()) bank_ref.insert(hash_bytes(B_[b].ref), b);
    }
    treas_ref.reset(T_.size());
    for (uint32_t t = 0; t < T_.size(); ++t) {
      if (!treas_used_[t] && !T_[t].refund && !T_[t].ref.empty()) treas_ref.insert(hash_bytes(T_[t].ref), t);
    }
    for (uint32_t p : active_) {
      const auto& pay = P_[p];
      if (pay.ref.empty()) continue;
      uint64_t h = hash_bytes(pay.ref);
      if (bank_of_[p] == kNo) {
        bank_ref.find(h, [&](uint32_t b) {
          if (bank_used_[b] || B_[b].ref != pay.ref) return false;
          bank_of_[p] = b;
          bank_used_[b] = 1;
          return true;
        });
      }
      if (treas_of_[p] == kNo) {
        treas_ref.find(h, [&](uint32_t t) {
          if (treas_used_[t] || T_[t].ref != pay.ref) return false;
          treas_of_[p] = t;
          treas_used_[t] = 1;
          return true;
        });
      }
    }
  }

  // Among unused records with the same dossier and amount, the one nearest in date within
  // the window (ties: the earlier line) — so a near-miss one day outside never matches.
  template <class Recs>
  void fallback(const Recs& recs, std::vector<uint8_t>& used, std::vector<uint32_t>& match_of,
                bool skip_refunds) {
    FlatIndex idx;
    size_t n = 0;
    for (uint32_t i = 0; i < recs.size(); ++i) n += !used[i];
    idx.reset(n);
    for (uint32_t i = 0; i < recs.size(); ++i) {
      if constexpr (requires { recs[i].refund; }) {
        if (skip_refunds && recs[i].refund) continue;
      }
      if (!used[i] && recs[i].dossier != kNo)
        idx.insert(key_dossier_amount(recs[i].dossier, recs[i].amount), i);
    }
    if (idx.size() == 0) return;
    for (uint32_t p : active_) {
      const auto& pay = P_[p];
      if (match_of[p] != kNo || pay.dossier == kNo) continue;
      uint32_t best = kNo;
      int best_diff = 0;
      idx.find(key_dossier_amount(pay.dossier, pay.amount), [&](uint32_t i) {
        const auto& r = recs[i];
        if (used[i] || r.dossier != pay.dossier || r.amount != pay.amount) return false;
        int diff = std::abs(span(rules_, period_, pay.day, r.day));
        if (diff > rules_.date_window_days) return false;
        if (best == kNo || diff < best_diff || (diff == best_diff && r.line < recs[best].line)) {
          best = i;
          best_diff = diff;
        }
        return false;
      });
      if (best != kNo) {
        match_of[p] = best;
        used[best] = 1;
      }
    }
  }

  void match_by_dossier_amount_date() {
    fallback(B_, bank_used_, bank_of_, false);
    fallback(T_, treas_used_, treas_of_, true);
  }

  void count(ReasonCode r, Vnd amount, uint32_t agency) {
    auto& c = result_.summary.by_class[static_cast<int>(r)];
    ++c.count;
    c.amount += amount;
    uint32_t slot = agency == kNo ? 0 : agency + 1;
    if (by_agency_.size() <= slot) by_agency_.resize(slot + 1);
    auto& a = by_agency_[slot];
    ++a[static_cast<int>(r)].count;
    a[static_cast<int>(r)].amount += amount;
  }

  std::string agency_name(uint32_t a) const { return a == kNo ? "" : std::string(d_.agencies().get(a)); }
  std::string dossier_name(uint32_t x) const { return x == kNo ? "" : std::string(d_.dossiers().get(x)); }

  // What one payment did to its dossier's obligations.
  struct Cover {
    enum Kind { kNone, kCovered, kNoObligation, kDuplicate, kOver } kind = kNone;
    Vnd excess = 0;             // paid beyond what the dossier still owed (refund due)
    Vnd owed = 0;               // what the dossier still owed before this payment
    Vnd obligation = 0;         // the item(s) this payment is set against, for the report
    uint32_t covered_by = kNo;  // for a duplicate: the payment that had already paid the item
  };

  // Pays `pay` into the open items of its dossier (items in input order): an open item owing
  // exactly the amount first (so a fee and a charge paid separately each find their item),
  // otherwise the items in order, so one payment of the sum covers several items and an
  // instalment leaves an open balance. What exceeds the dossier's open balance is returned as
  // excess: all of the payment (a duplicate) when nothing was owed any more.
  Cover allocate(uint32_t p, const Dataset::PayRec& pay, const std::vector<uint32_t>& head) {
    Cover c;
    if (pay.dossier == kNo || pay.dossier >= head.size() || head[pay.dossier] == kNo) {
      c.kind = Cover::kNoObligation;
      return c;
    }
    uint32_t first = head[pay.dossier], exact = kNo, same_amount = kNo;
    for (uint32_t o = first; o != kNo; o = obl_next_[o]) {
      Vnd open = O_[o].amount - obl_paid_[o];
      c.owed += open > 0 ? open : 0;
      if (exact == kNo && open > 0 && open == pay.amount) exact = o;
      if (same_amount == kNo && O_[o].amount == pay.amount) same_amount = o;
    }
    auto pay_into = [&](uint32_t o, Vnd v) {
      obl_paid_[o] += v;
      if (obl_paid_[o] >= O_[o].amount && obl_by_[o] == kNo) obl_by_[o] = p;
    };
    if (c.owed == 0) {
      uint32_t named = same_amount != kNo ? same_amount : first;
      c.kind = Cover::kDuplicate;
      c.excess = pay.amount;
      c.obligation = O_[named].amount;
      c.covered_by = obl_by_[named];
      return c;
    }
    if (exact != kNo) {
      pay_into(exact, pay.amount);
      c.kind = Cover::kCovered;
      c.obligation = O_[exact].amount;
      return c;
    }
    Vnd left = pay.amount;
    for (uint32_t o = first; o != kNo && left > 0; o = obl_next_[o]) {
      Vnd open = O_[o].amount - obl_paid_[o];
      if (open <= 0) continue;
      Vnd v = open < left ? open : left;
      pay_into(o, v);
      c.obligation += O_[o].amount;
      left -= v;
    }
    c.kind = left > 0 ? Cover::kOver : Cover::kCovered;
    c.excess = left;
    return c;
  }

  void classify_payments() {
    const bool obl = d_.has_obligations();
    std::vector<uint32_t> head;
    if (obl) {
      head.assign(d_.dossiers().size(), kNo);
      obl_next_.assign(O_.size(), kNo);
      obl_paid_.assign(O_.size(), 0);
      obl_by_.assign(O_.size(), kNo);
      // Build per-dossier lists in input order.
      for (uint32_t i = static_cast<uint32_t>(O_.size()); i-- > 0;) {
        if (O_[i].dossier == kNo) continue;
        obl_next_[i] = head[O_[i].dossier];
        head[O_[i].dossier] = i;
      }
    }
    FlatIndex refunds;
    refunds.reset(T_.size() / 16 + 1);
    for (uint32_t t = 0; t < T_.size(); ++t) {
      if (!T_[t].refund || treas_repeated_[t]) continue;
      refunds.insert(hash_bytes(T_[t].ref), t);
      result_.refund_credits.push_back(
          {std::string(T_[t].ref), T_[t].amount, vn_time::format_date(T_[t].day)});
      treas_used_[t] = 1;  // refunds are never "unknown": they close refunds of any period
    }

    for (uint32_t p : active_) {
      const auto& pay = P_[p];
      uint32_t b = bank_of_[p], t = treas_of_[p];
      uint32_t refund = kNo;
      if (!pay.ref.empty()) {
        refunds.find(hash_bytes(pay.ref), [&](uint32_t r) {
          if (T_[r].ref != pay.ref) return false;
          refund = r;
          return true;
        });
      }
      ReasonCode reason = ReasonCode::kMatched;
      std::string detail;
      Vnd refund_amount = 0;
      std::optional<Vnd> obligation_amount;

      // Obligation coverage: every payment the portal calls paid (unless the treasury already
      // refunded it) pays into its dossier's open items, so one problem is reported once.
      // Only money beyond what the dossier still owes is an overpayment or a duplicate.
      Cover cover;
      if (obl && refund == kNo) cover = allocate(p, pay, head);

      if (refund != kNo) {
        reason = ReasonCode::kRefunded;
        detail = "Kho bạc đã hoàn trả ngày " + dmy(T_[refund].day) + " (treasury refund)";
      } else if (b == kNo) {
        reason = ReasonCode::kMissingAtBank;
        detail = t == kNo
                     ? "Không có dòng sao kê ngân hàng (no bank entry)"
                     : "Không có dòng sao kê ngân hàng dù Kho bạc đã ghi thu (no bank entry, although the "
                       "treasury shows a credit)";
      } else if (B_[b].amount != pay.amount || (t != kNo && T_[t].amount != pay.amount)) {
        reason = ReasonCode::kAmountMismatch;
        detail = "Cổng " + format_vnd(pay.amount) + ", ngân hàng " + format_vnd(B_[b].amount) +
                 (t != kNo ? ", Kho bạc " + format_vnd(T_[t].amount) : std::string()) +
                 " (portal, bank and treasury amounts differ)";
      } else if (cover.kind == Cover::kNoObligation) {
        reason = ReasonCode::kNoDossier;
        detail = "Hồ sơ không có nghĩa vụ nào (no obligation for this dossier)";
      } else if (cover.kind == Cover::kDuplicate) {
        reason = ReasonCode::kDuplicatePayment;
        refund_amount = pay.amount;
        std::string by = cover.covered_by == kNo ? std::string() : std::string(P_[cover.covered_by].ref);
        detail = by.empty() ? "Nghĩa vụ đã được nộp đủ trước đó: cần hoàn trả (already paid: refund due)"
                            : "Nghĩa vụ đã được nộp đủ bởi giao dịch " + by +
                                  ": cần hoàn trả (already paid by " + by + ": refund due)";
      } else if (cover.kind == Cover::kOver) {
        reason = ReasonCode::kAmountMismatch;
        refund_amount = cover.excess;
        detail = "Nộp thừa " + format_vnd(refund_amount) + " (hồ sơ còn nợ " + format_vnd(cover.owed) +
                 "): cần hoàn trả (overpaid: refund due)";
      }
      if (cover.kind != Cover::kNone) obligation_amount = cover.obligation;
      if (reason == ReasonCode::kMatched && t != kNo) {
        // Credited, but after the settlement window: matched money, reported as late.
        int delay = span(rules_, period_, pay.day, T_[t].day);
        if (delay > rules_.settlement_window_days) {
          reason = ReasonCode::kCreditedLate;
          detail = "Kho bạc ghi thu ngày " + dmy(T_[t].day) + ", trễ " + std::to_string(delay) + " " +
                   unit_vi(rules_) + " sau ngày nộp " + dmy(pay.day) + " (hạn " +
                   std::to_string(rules_.settlement_window_days) + "; credited late)";
        }
      }
      if (reason == ReasonCode::kMatched && t == kNo) {
        int age = span(rules_, period_, pay.day, period_.as_of);
        if (age <= rules_.settlement_window_days) {
          reason = ReasonCode::kPendingSettlement;
          detail = "Còn trong hạn ghi thu, " + std::to_string(age) + "/" +
                   std::to_string(rules_.settlement_window_days) + " " + unit_vi(rules_) +
                   ": chuyển sang lần đối soát sau (inside the settlement window, " + std::to_string(age) +
                   " of " + std::to_string(rules_.settlement_window_days) + unit_en(rules_) +
                   ": carried to the next run)";
        } else {
          reason = ReasonCode::kMissingAtTreasury;
          detail = "Kho bạc chưa ghi thu sau " + std::to_string(age) + " " + unit_vi(rules_) + ", hạn " +
                   std::to_string(rules_.settlement_window_days) + " (not credited " + std::to_string(age) +
                   unit_en(rules_) + " after payment)";
        }
      }
      count(reason, pay.amount, pay.agency);
      if (reason == ReasonCode::kMatched) continue;
      ReconciliationItem item;
      item.key = "PAY:" + std::string(pay.ref);
      item.reason = reason;
      item.reference = pay.ref;
      item.dossier = dossier_name(pay.dossier);
      item.agency = agency_name(pay.agency);
      item.portal_amount = pay.amount;
      if (b != kNo) item.bank_amount = B_[b].amount;
      if (t != kNo) item.treasury_amount = T_[t].amount;
      if (refund != kNo) item.treasury_amount = T_[refund].amount;
      item.obligation_amount = obligation_amount;
      item.refund_amount = refund_amount;
      item.date = vn_time::format_date(pay.day);
      item.detail = std::move(detail);
      result_.items.push_back(std::move(item));
    }
  }

  void classify_obligations() {
    if (!d_.has_obligations()) return;
    for (uint32_t o = 0; o < O_.size(); ++o) {
      const auto& ob = O_[o];
      Vnd paid = obl_paid_.size() > o ? obl_paid_[o] : 0;
      if (paid >= ob.amount) continue;
      // A partial payment leaves an open balance on the item: owed, never refunded.
      const ReasonCode reason = paid > 0 ? ReasonCode::kObligationPartlyPaid : ReasonCode::kObligationUnpaid;
      count(reason, ob.amount - paid, ob.agency);
      ReconciliationItem item;
      item.key = "OBL:" + dossier_name(ob.dossier) + ":" +
                 (ob.ref.empty() ? "L" + std::to_string(ob.line) : std::string(ob.ref));
      item.reason = reason;
      item.dossier = dossier_name(ob.dossier);
      item.agency = agency_name(ob.agency);
      item.reference = ob.ref;
      item.obligation_amount = ob.amount;
      if (paid > 0) item.portal_amount = paid;
      item.detail = paid > 0 ? "Đã nộp " + format_vnd(paid) + " trên " + format_vnd(ob.amount) + ", còn nợ " +
                                   format_vnd(ob.amount - paid) + " (partly paid, open balance " +
                                   format_vnd(ob.amount - paid) + ")"
                             : "Chưa có khoản nộp nào (no payment for this obligation)";
      result_.items.push_back(std::move(item));
    }
  }

  // The skipped payment (not paid, or outside the period) with this reference; a paid one
  // outside the period wins over a failed attempt of the same reference.
  uint32_t skipped_payment(std::string_view ref) const {
    uint32_t found = kNo;
    if (ref.empty()) return kNo;
    skipped_refs_.find(hash_bytes(ref), [&](uint32_t p) {
      if (P_[p].ref != ref) return false;
      found = p;
      return P_[p].status == PaymentStatus::kPaid;
    });
    return found;
  }

  // Money arrived for a portal transaction that is not paid (TrangThaiGD 3 or 4): it is
  // reported under its own reason, never dropped, since the citizen's money is held.
  static std::string not_paid_detail(const Dataset::PayRec& p, const char* where) {
    return std::string(where) + " cho giao dịch trên Cổng " +
           (p.status == PaymentStatus::kPending ? "chưa xác nhận (TrangThaiGD 3, pending)"
                                                : "thất bại (TrangThaiGD 4, failed)") +
           ": tiền đã về, cần xác minh hoặc hoàn trả";
  }

  bool in_scope(Day day) const { return day >= scope_.first && day <= scope_.second; }

  void classify_leftovers() {
    for (uint32_t b = 0; b < B_.size(); ++b) {
      const auto& e = B_[b];
      if (bank_used_[b] || !in_scope(e.day)) continue;
      uint32_t sp = skipped_payment(e.ref);
      bool not_paid = sp != kNo && P_[sp].status != PaymentStatus::kPaid;
      if (sp != kNo && !not_paid) continue;  // a paid payment of another period: its run's business
      ReconciliationItem item;
      // Without a reference the key comes from the line's content, not its position, so it
      // stays the same when the bank re-exports the statement with lines added before it.
      item.key = e.ref.empty() ? "BANK:" + vn_time::format_date(e.day) + ":" + std::to_string(e.amount) +
                                     ":" + (e.dossier == kNo ? std::string("-") : dossier_name(e.dossier))
                               : "BANK:" + std::string(e.ref);
      item.reason = not_paid ? ReasonCode::kCreditNotPaidAtPortal : ReasonCode::kUnknownAtPortal;
      item.reference = e.ref;
      item.dossier = dossier_name(not_paid && e.dossier == kNo ? P_[sp].dossier : e.dossier);
      if (not_paid) {
        item.agency = agency_name(P_[sp].agency);
        item.portal_amount = P_[sp].amount;
      }
      item.bank_amount = e.amount;
      item.date = vn_time::format_date(e.day);
      item.detail = not_paid ? not_paid_detail(P_[sp], "Dòng sao kê ngân hàng")
                             : "Dòng sao kê " + std::to_string(e.line) +
                                   " không có giao dịch trên Cổng (bank line with no portal payment)";
      count(item.reason, e.amount, not_paid ? P_[sp].agency : kNo);
      result_.items.push_back(std::move(item));
    }
    for (uint32_t t = 0; t < T_.size(); ++t) {
      const auto& c = T_[t];
      if (treas_used_[t] || !in_scope(c.day)) continue;
      uint32_t sp = skipped_payment(c.ref);
      bool not_paid = sp != kNo && P_[sp].status != PaymentStatus::kPaid;
      if (sp != kNo && !not_paid) continue;
      count(not_paid ? ReasonCode::kCreditNotPaidAtPortal : ReasonCode::kUnknownAtPortal, c.amount, c.agency);
      ReconciliationItem item;
      item.key = c.ref.empty() ? "KB:" + vn_time::format_date(c.day) + ":" + std::to_string(c.amount) + ":" +
                                     (c.dossier == kNo ? std::string("-") : dossier_name(c.dossier)) + ":" +
                                     agency_name(c.agency)
                               : "KB:" + std::string(c.ref);
      item.reason = not_paid ? ReasonCode::kCreditNotPaidAtPortal : ReasonCode::kUnknownAtPortal;
      item.reference = c.ref;
      item.dossier = dossier_name(c.dossier);
      item.agency = agency_name(c.agency);
      if (not_paid) item.portal_amount = P_[sp].amount;
      item.treasury_amount = c.amount;
      item.date = vn_time::format_date(c.day);
      item.detail = not_paid ? not_paid_detail(P_[sp], "Chứng từ Kho bạc")
                             : "Chứng từ Kho bạc dòng " + std::to_string(c.line) +
                                   " không có giao dịch trên Cổng (treasury credit with no portal payment)";
      result_.items.push_back(std::move(item));
    }
  }

  void finish() {
    auto& items = result_.items;
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    // Keys must be unique per run (the items table's key): a repeated reference gets "#2"...
    std::map<std::string, int> seen;
    for (auto& it : items) {
      int n = ++seen[it.key];
      if (n > 1) it.key += "#" + std::to_string(n);
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    result_.issues = d_.issues();
    result_.issues.insert(result_.issues.end(), repeated_.begin(), repeated_.end());
    result_.summary.input_issues = static_cast<int64_t>(result_.issues.size());
    std::vector<std::pair<std::string, std::vector<ClassTotal>>> agencies;
    for (size_t slot = 0; slot < by_agency_.size(); ++slot) {
      bool any = false;
      for (auto& c : by_agency_[slot]) any |= c.count > 0;
      if (!any) continue;
      std::string name = slot == 0 ? "" : std::string(d_.agencies().get(static_cast<uint32_t>(slot - 1)));
      agencies.emplace_back(name, std::vector<ClassTotal>(by_agency_[slot].begin(), by_agency_[slot].end()));
    }
    std::sort(agencies.begin(), agencies.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Two slots can carry the same name (the empty agency string and "no agency"): merge.
    for (auto& [name, totals] : agencies) {
      if (!result_.summary.by_agency.empty() && result_.summary.by_agency.back().first == name) {
        auto& prev = result_.summary.by_agency.back().second;
        for (int r = 0; r < kReasonCount; ++r) {
          prev[static_cast<size_t>(r)].count += totals[static_cast<size_t>(r)].count;
          prev[static_cast<size_t>(r)].amount += totals[static_cast<size_t>(r)].amount;
        }
      } else {
        result_.summary.by_agency.emplace_back(name, std::move(totals));
      }
    }
  }

  const Dataset& d_;
  const Rules& rules_;
  const Period& period_;
  const std::vector<Dataset::PayRec>& P_;
  const std::vector<Dataset::BankRec>& B_;
  const std::vector<Dataset::TreasRec>& T_;
  const std::vector<Dataset::OblRec>& O_;
  std::vector<uint32_t> active_;
  FlatIndex skipped_refs_;
  std::vector<uint32_t> bank_of_, treas_of_, obl_next_;
  std::vector<uint8_t> bank_used_, treas_used_, treas_repeated_;
  std::vector<InputIssue> repeated_;
  std::pair<Day, Day> scope_;
  std::vector<Vnd> obl_paid_;     // paid so far into each obligation item
  std::vector<uint32_t> obl_by_;  // the payment that completed each item (kNo while open)
  std::vector<std::array<ClassTotal, kReasonCount>> by_agency_;
  RunResult result_;
};

}  // namespace

std::pair<Day, Day> record_scope(const Rules& rules, const Period& period) {
  if (rules.window_unit == WindowUnit::kCalendarDays)
    return {period.from - rules.date_window_days, period.to + rules.settlement_window_days};
  // The furthest days still within the windows; bounded, since every year has working days.
  Day first = period.from, last = period.to;
  for (int i = 0; i < 400 && span(rules, period, first - 1, period.from) <= rules.date_window_days; ++i)
    --first;
  for (int i = 0; i < 400 && span(rules, period, period.to, last + 1) <= rules.settlement_window_days; ++i)
    ++last;
  return {first, last};
}

RunResult reconcile(const Dataset& data, const Rules& rules, const Period& period) {
  return Run(data, rules, period).go();
}

}  // namespace lienthong::reconciliation
