#include "gateway/flows/kpi/due_audit.hpp"

#include "gateway/flows/kpi/monitors.hpp"

namespace lienthong::kpi {

Result<DueAudit> audit_due(const model::DossierStatusEvent& e,
                           const procedures::ProcedureCatalogue& catalogue,
                           const calendar::DeadlineCalculator& calc, int64_t now_ms,
                           int64_t at_risk_minutes) {
  DueAudit a;
  a.dossier_code = e.dossier_code;
  a.procedure_code = e.procedure_code;
  a.agency_code = e.agency_code;
  a.reported_due_ms = e.due_at_ms;
  std::optional<int64_t> done;
  if (e.status == 9 || e.status == 10)
    done = completed_at(e.finished_at_ms, e.returned_at_ms, e.status_at_ms);
  a.timeliness =
      calendar::classify(calc, e.status, e.due_at_ms, done, now_ms, at_risk_minutes, e.agency_code);
  if (e.status == 1 || e.received_at_ms <= 0) {
    a.outcome = "not_received";
    return a;
  }
  if (e.due_at_ms <= 0) {
    a.outcome = "no_due_date";
    return a;
  }
  const procedures::Procedure* p = catalogue.find(e.procedure_code);
  if (!p) {
    a.outcome = "unknown_procedure";
    return a;
  }
  auto check = calendar::check_due(calc, e.received_at_ms, e.due_at_ms, p->deadline, e.agency_code);
  if (!check.ok()) return check.error();
  a.outcome = std::string(calendar::to_string(check->verdict));
  a.computed_due_ms = check->computed_due_ms;
  a.office_minutes_off = check->working_minutes_off;
  return a;
}

std::vector<store::Migration> DueAuditLog::migrations() {
  return {
      {"due_audits", 1,
       "CREATE TABLE due_audits ("
       " dossier_code TEXT PRIMARY KEY, procedure_code TEXT NOT NULL, agency_code TEXT NOT NULL,"
       " outcome TEXT NOT NULL, reported_due_ms INTEGER NOT NULL, computed_due_ms INTEGER,"
       " office_minutes_off INTEGER NOT NULL, timeliness TEXT NOT NULL, audited_at_ms INTEGER NOT NULL)"}};
}

Status DueAuditLog::record(const DueAudit& a, int64_t now_ms) {
  auto r = db_.exec(
      "INSERT INTO due_audits (dossier_code, procedure_code, agency_code, outcome, reported_due_ms,"
      " computed_due_ms, office_minutes_off, timeliness, audited_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (dossier_code) DO UPDATE SET procedure_code = excluded.procedure_code,"
      " agency_code = excluded.agency_code, outcome = excluded.outcome, reported_due_ms = "
      "excluded.reported_due_ms,"
      " computed_due_ms = excluded.computed_due_ms, office_minutes_off = excluded.office_minutes_off,"
      " timeliness = excluded.timeliness, audited_at_ms = excluded.audited_at_ms",
      {a.dossier_code, a.procedure_code, a.agency_code, a.outcome, a.reported_due_ms,
       a.computed_due_ms ? store::Value(*a.computed_due_ms) : store::Value(nullptr), a.office_minutes_off,
       std::string(calendar::to_string(a.timeliness)), now_ms});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::vector<DueAudit>> DueAuditLog::mismatches() {
  auto rows = db_.query(
      "SELECT dossier_code, procedure_code, agency_code, outcome, reported_due_ms, computed_due_ms,"
      " office_minutes_off FROM due_audits WHERE outcome IN ('earlier', 'later') ORDER BY dossier_code");
  if (!rows.ok()) return rows.error();
  std::vector<DueAudit> out;
  for (auto& r : *rows) {
    DueAudit a;
    a.dossier_code = r.str(0);
    a.procedure_code = r.str(1);
    a.agency_code = r.str(2);
    a.outcome = r.str(3);
    a.reported_due_ms = r.i64(4);
    if (!r.is_null(5)) a.computed_due_ms = r.i64(5);
    a.office_minutes_off = r.i64(6);
    out.push_back(std::move(a));
  }
  return out;
}

Result<DueAudit> DueAuditor::on_event(const model::DossierStatusEvent& e, int64_t now_ms) {
  auto a = audit_due(e, catalogue_, calc_, now_ms, at_risk_minutes_);
  if (!a.ok()) return a.error();
  auto st = log_.record(*a, now_ms);
  if (!st.ok()) return st.error();
  return a;
}

}  // namespace lienthong::kpi
