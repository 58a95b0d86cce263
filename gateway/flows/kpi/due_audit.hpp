// The deadline checks the synchronisation flow runs on each dossier event it accepts from
// the provincial system: is the due date it sent (NgayHenTra) the legal one for the
// procedure, counted in working days/hours from the receipt (docs/calendar.md), and is the
// dossier late or about to be? The latest audit of each dossier is kept in `due_audits`
// so that `lienthong monitor due` lists the mismatches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/calendar/deadline.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

namespace lienthong::kpi {

struct DueAudit {
  std::string dossier_code, procedure_code, agency_code;
  // "match", "earlier" (late by construction), "later" (beyond the legal deadline),
  // "unknown_procedure" (not in the catalogue), "no_due_date", "not_received" (status 1).
  std::string outcome;
  int64_t reported_due_ms = 0;
  std::optional<int64_t> computed_due_ms;
  int64_t office_minutes_off = 0;
  calendar::Timeliness timeliness = calendar::Timeliness::kNotApplicable;
  bool mismatch() const { return outcome == "earlier" || outcome == "later"; }
};

// Pure: no store access. kValidation only when the calendar cannot place the deadline.
Result<DueAudit> audit_due(const model::DossierStatusEvent& e,
                           const procedures::ProcedureCatalogue& catalogue,
                           const calendar::DeadlineCalculator& calc, int64_t now_ms, int64_t at_risk_minutes);

class DueAuditLog {
 public:
  explicit DueAuditLog(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();
  // Keeps the latest audit per dossier (joins the caller's transaction).
  Status record(const DueAudit& a, int64_t now_ms);
  // Dossiers whose latest audit is a mismatch, by dossier code.
  Result<std::vector<DueAudit>> mismatches();

 private:
  store::Database& db_;
};

// What the sync flow holds: audits each accepted event and records it in due_audits, in
// the caller's transaction. Wiring (SyncFlow::store_record, after dossiers_.record(e, now)
// returned kInserted):  if (auditor_) LT_TRY(auditor_->on_event(e, now));
class DueAuditor {
 public:
  DueAuditor(store::Database& db, procedures::ProcedureCatalogue catalogue, calendar::DeadlineCalculator calc,
             int64_t at_risk_minutes = 8 * 60)
      : log_(db),
        catalogue_(std::move(catalogue)),
        calc_(std::move(calc)),
        at_risk_minutes_(at_risk_minutes) {}
  Result<DueAudit> on_event(const model::DossierStatusEvent& e, int64_t now_ms);

 private:
  DueAuditLog log_;
  procedures::ProcedureCatalogue catalogue_;
  calendar::DeadlineCalculator calc_;
  int64_t at_risk_minutes_;
};

}  // namespace lienthong::kpi
