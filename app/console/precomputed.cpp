// What the heavy pages show, computed ahead by refresh() (the "console-refresh" job of
// `serve`) or, when nothing fresh is kept, by the page itself: the KPI reports and
// registers by period, the citizen-lookup counts of finished days, the audit chain.
#include <cstdio>

#include "app/console/console_impl.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::console {

namespace {

constexpr int64_t kVietnamOffsetMs = vn_time::kOffsetSeconds * 1000;

int64_t vn_day(int64_t ms) {
  return (ms + kVietnamOffsetMs) / kDayMs;
}

int64_t vn_day_start_ms(int64_t day) {
  return day * kDayMs - kVietnamOffsetMs;
}

// A figure kept for twice the refresh interval, or computed now and kept.
template <class T, class Compute>
T kept_or_computed(TimedCache<T>& cache, const std::string& key, int64_t now, int64_t max_age_ms,
                   Compute compute, int64_t* computed_at_ms = nullptr) {
  if (auto kept = cache.fresh(key, now, max_age_ms)) {
    if (computed_at_ms) *computed_at_ms = kept->at_ms;
    return kept->value;
  }
  T value = compute();
  cache.put(key, value, now);
  if (computed_at_ms) *computed_at_ms = now;
  return value;
}

}  // namespace

Result<kpi::Period> month_before(int64_t day, int back) {
  int y = 0, m = 0, d = 0;
  vn_time::civil_from_days(day, y, m, d);
  m -= back;
  while (m <= 0) {
    m += 12;
    --y;
  }
  char label[16];
  std::snprintf(label, sizeof label, "%04d-%02d", y, m);
  return kpi::parse_period(label);
}

Result<kpi::KpiReport> Console::Impl::kpi_report(const kpi::Period& period, kpi::GroupBy by,
                                                 int64_t* computed_at_ms) {
  return kept_or_computed(
      kpi_reports, period.label + "|" + std::string(kpi::to_string(by)), ctx.clock->now_ms(),
      2 * config.refresh_ms, [&] { return ctx.kpi(period, by); }, computed_at_ms);
}

Result<std::vector<kpi::LateFinding>> Console::Impl::late_findings(const kpi::Period& period) {
  return kept_or_computed(late_cache, period.label, ctx.clock->now_ms(), 2 * config.refresh_ms,
                          [&] { return ctx.late_dossiers(period.from_ms(), period.to_ms()); });
}

Result<std::vector<kpi::AckFinding>> Console::Impl::ack_findings(const kpi::Period& period) {
  return kept_or_computed(ack_cache, period.label, ctx.clock->now_ms(), 2 * config.refresh_ms,
                          [&] { return ctx.unacknowledged_online(period.from_ms(), period.to_ms()); });
}

// The last 30 days by Vietnam calendar day, today included. Finished days are read once
// and kept; a finished day counts as settled five minutes after its midnight, leaving
// room for an entry stamped just before midnight by an instance whose clock runs behind.
Result<std::map<int64_t, std::vector<Console::Impl::LookupCount>>> Console::Impl::lookup_counts(
    int64_t now_ms) {
  const int64_t today = vn_day(now_ms), first = today - 29;
  std::lock_guard lock(citizen_mutex);
  citizen_days.erase(citizen_days.begin(), citizen_days.lower_bound(first));
  int64_t unread = first;
  while (unread < today && citizen_days.count(unread)) ++unread;
  // Counts only, grouped in the store by account, purpose, outcome and day. The subject
  // (pseudonym), the dossier and the lookup id are never read. Intents are counted by their
  // outcome; the console's own entries are not lookups.
  auto rows = ctx.db->query(
      "SELECT account, purpose, result, (at_ms + 25200000) / 86400000, COUNT(*),"
      " SUM(CASE WHEN detail LIKE '%newly_flagged%' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN detail LIKE '%flag=repeated_subject%' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN detail LIKE '%flag=dossier_%' OR detail LIKE '%flag=procedure_not_for_purpose%' THEN 1"
      " ELSE 0 END) FROM citizen_audit WHERE at_ms >= ? AND result <> 'intent' AND purpose NOT LIKE "
      "'console:%' GROUP BY 1, 2, 3, 4",
      {vn_day_start_ms(unread)});
  if (!rows.ok()) return rows.error();
  std::map<int64_t, std::vector<LookupCount>> fresh;
  for (auto& r : *rows)
    fresh[r.i64(3)].push_back({r.str(0), r.str(1), r.str(2), r.i64(4), r.i64(5), r.i64(6), r.i64(7)});
  const int64_t settled_before = vn_day(now_ms - 5 * 60'000);  // days before this one are settled
  for (int64_t day = unread; day < settled_before; ++day) citizen_days[day] = fresh[day];
  std::map<int64_t, std::vector<LookupCount>> all(citizen_days.begin(), citizen_days.end());
  for (auto& [day, counts] : fresh)
    if (day >= settled_before && day <= today) all[day] = counts;
  return all;
}

// The whole log read and verified outside the lock (seconds at a million entries), then
// put in place; the views go on verifying only what was appended after its head.
Status Console::Impl::refresh_chain(int64_t now) {
  {
    std::lock_guard lock(chain_mutex);
    if (chain_full_ms && now - chain_full_ms < kChainWholeEveryMs) return {};
  }
  auto report = audit::AuditLog(*ctx.db).verify();
  if (!report.ok()) return report.error();
  std::lock_guard lock(chain_mutex);
  chain_report = *report;
  chain_full_ms = now;
  chain_checked_ms = now;
  return {};
}

Status Console::Impl::refresh() {
  const int64_t now = ctx.clock->now_ms();
  Status status = refresh_chain(now);
  if (ctx.kpi) {
    // The KPI page's default period (this month, by agency and by level) and its
    // twelve-month trend (the totals of the by-agency reports).
    for (int back = 0; back < 12; ++back) {
      auto month = month_before(vn_day(now), back);
      if (!month.ok()) continue;
      kpi_reports.put(month->label + "|agency", ctx.kpi(*month, kpi::GroupBy::kAgency), now);
      if (back == 0) kpi_reports.put(month->label + "|level", ctx.kpi(*month, kpi::GroupBy::kLevel), now);
      if (back == 0 && ctx.late_dossiers) {
        late_cache.put(month->label, ctx.late_dossiers(month->from_ms(), month->to_ms()), now);
        ack_cache.put(month->label, ctx.unacknowledged_online(month->from_ms(), month->to_ms()), now);
      }
    }
  }
  if (auto counts = lookup_counts(now); !counts.ok() && status.ok()) status = counts.error();
  return status;
}

}  // namespace lienthong::console
