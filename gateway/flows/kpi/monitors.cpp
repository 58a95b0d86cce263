#include "gateway/flows/kpi/monitors.hpp"

#include <map>

namespace lienthong::kpi {

int64_t completed_at(std::optional<int64_t> finished_at_ms, std::optional<int64_t> returned_at_ms,
                     int64_t status_at_ms) {
  if (finished_at_ms) return *finished_at_ms;
  if (returned_at_ms) return *returned_at_ms;
  return status_at_ms;
}

namespace {
std::optional<int64_t> opt(const store::Row& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional<int64_t>(r.i64(i));
}
}  // namespace

Result<std::vector<AckFinding>> unacknowledged_online(store::Database& db,
                                                      const calendar::DeadlineCalculator& calc,
                                                      int64_t now_ms, int64_t from_ms, int64_t to_ms,
                                                      int ack_working_hours) {
  auto dossiers = db.query(
      "SELECT dossier_code, procedure_code, agency_code, received_at_ms FROM dossiers"
      " WHERE channel = 2 AND received_at_ms >= ? AND received_at_ms < ? ORDER BY received_at_ms, "
      "dossier_code",
      {from_ms, to_ms});
  if (!dossiers.ok()) return dossiers.error();
  auto events = db.query(
      "SELECT e.dossier_code, e.status, MIN(e.status_at_ms) FROM dossier_events e"
      " JOIN dossiers d ON d.dossier_code = e.dossier_code"
      " WHERE d.channel = 2 AND d.received_at_ms >= ? AND d.received_at_ms < ? AND e.status IN (1, 2, 3, 5)"
      " GROUP BY e.dossier_code, e.status",
      {from_ms, to_ms});
  if (!events.ok()) return events.error();
  std::map<std::string, int64_t> submitted, acknowledged;
  for (auto& r : *events) {
    const std::string code = r.str(0);
    const int64_t at = r.i64(2);
    if (r.i64(1) == 1) {
      submitted[code] = at;
    } else if (auto it = acknowledged.find(code); it == acknowledged.end() || at < it->second) {
      acknowledged[code] = at;
    }
  }
  std::vector<AckFinding> out;
  for (auto& r : *dossiers) {
    AckFinding f;
    f.dossier_code = r.str(0);
    f.procedure_code = r.str(1);
    f.agency_code = r.str(2);
    auto sub = submitted.find(f.dossier_code);
    f.submitted_at_ms = sub != submitted.end() ? sub->second : r.i64(3);
    auto deadline = calc.add_working_hours(f.submitted_at_ms, ack_working_hours, f.agency_code);
    if (!deadline.ok()) return deadline.error();
    f.deadline_ms = *deadline;
    if (auto a = acknowledged.find(f.dossier_code); a != acknowledged.end()) f.acknowledged_at_ms = a->second;
    if (!f.acknowledged_at_ms && now_ms > f.deadline_ms) {
      f.state = "unacknowledged";
    } else if (f.acknowledged_at_ms && *f.acknowledged_at_ms > f.deadline_ms) {
      f.state = "acknowledged_late";
    } else {
      continue;
    }
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<LateFinding>> late_dossiers(store::Database& db, const calendar::DeadlineCalculator& calc,
                                               int64_t now_ms, int64_t from_ms, int64_t to_ms,
                                               bool only_unexplained) {
  auto rows = db.query(
      "SELECT d.dossier_code, d.procedure_code, d.agency_code, d.agency_level, d.status, d.due_at_ms,"
      " d.finished_at_ms, d.returned_at_ms, d.status_at_ms, l.dossier_code, d.received_at_ms FROM dossiers d"
      " LEFT JOIN late_explanations l ON l.dossier_code = d.dossier_code"
      " WHERE d.received_at_ms >= ? AND d.received_at_ms < ? AND d.due_at_ms > 0"
      " ORDER BY d.due_at_ms, d.dossier_code",
      {from_ms, to_ms});
  if (!rows.ok()) return rows.error();
  std::vector<LateFinding> out;
  for (auto& r : *rows) {
    LateFinding f;
    f.dossier_code = r.str(0);
    f.procedure_code = r.str(1);
    f.agency_code = r.str(2);
    f.agency_level = r.str(3);
    f.status = static_cast<int>(r.i64(4));
    f.due_at_ms = r.i64(5);
    f.explained = !r.is_null(9);
    f.received_at_ms = r.i64(10);
    if (only_unexplained && f.explained) continue;
    std::optional<int64_t> done;
    if (f.status == 9 || f.status == 10) done = completed_at(opt(r, 6), opt(r, 7), r.i64(8));
    auto t = calendar::classify(calc, f.status, f.due_at_ms, done, now_ms, 0, f.agency_code);
    if (t != calendar::Timeliness::kResolvedLate && t != calendar::Timeliness::kOverdue) continue;
    f.completed_at_ms = done;
    f.timeliness = std::string(calendar::to_string(t));
    f.late_working_minutes = calc.working_minutes_between(f.due_at_ms, done.value_or(now_ms), f.agency_code);
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<WatchFinding>> deadline_watch(store::Database& db,
                                                 const calendar::DeadlineCalculator& calc, int64_t now_ms,
                                                 int64_t at_risk_minutes) {
  auto rows = db.query(
      "SELECT dossier_code, procedure_code, agency_code, status, due_at_ms FROM dossiers"
      " WHERE status IN (1, 2, 4, 5, 6) AND due_at_ms > 0 ORDER BY due_at_ms, dossier_code");
  if (!rows.ok()) return rows.error();
  std::vector<WatchFinding> out;
  for (auto& r : *rows) {
    WatchFinding f;
    f.dossier_code = r.str(0);
    f.procedure_code = r.str(1);
    f.agency_code = r.str(2);
    f.status = static_cast<int>(r.i64(3));
    f.due_at_ms = r.i64(4);
    auto t =
        calendar::classify(calc, f.status, f.due_at_ms, std::nullopt, now_ms, at_risk_minutes, f.agency_code);
    if (t != calendar::Timeliness::kAtRisk && t != calendar::Timeliness::kOverdue) continue;
    f.timeliness = std::string(calendar::to_string(t));
    f.working_minutes_left = calc.working_minutes_between(now_ms, f.due_at_ms, f.agency_code);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace lienthong::kpi
