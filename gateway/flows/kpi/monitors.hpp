// Monitors over the synchronised data (tables `dossiers`, `dossier_events`,
// `late_explanations`):
//  - online dossiers not acknowledged within N working hours (default 8): an online
//    dossier (KenhThucHien 2) must be accepted (2), refused (3) or asked for more papers
//    (5) within 8 working hours of its submission;
//  - late dossiers without a recorded explanation and apology;
//  - open dossiers at risk of being late or already overdue (the deadline watch).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/calendar/deadline.hpp"

namespace lienthong::kpi {

struct AckFinding {
  std::string dossier_code, procedure_code, agency_code;
  int64_t submitted_at_ms = 0;                // first status-1 event, else NgayTiepNhan
  int64_t deadline_ms = 0;                    // submitted + N working hours
  std::optional<int64_t> acknowledged_at_ms;  // first event with status 2, 3 or 5
  std::string state;  // "unacknowledged" (none yet, deadline passed) | "acknowledged_late"
};

// Online dossiers submitted in [from_ms, to_ms) whose acknowledgement is missing past the
// deadline or came after it, as of now_ms.
Result<std::vector<AckFinding>> unacknowledged_online(store::Database& db,
                                                      const calendar::DeadlineCalculator& calc,
                                                      int64_t now_ms, int64_t from_ms, int64_t to_ms,
                                                      int ack_working_hours = 8);

struct LateFinding {
  std::string dossier_code, procedure_code, agency_code, agency_level;
  int status = 0;
  int64_t received_at_ms = 0;
  int64_t due_at_ms = 0;
  std::optional<int64_t> completed_at_ms;  // resolved ones
  int64_t late_working_minutes = 0;        // office time between due and completion (or now)
  std::string timeliness;                  // "resolved_late" | "overdue"
  bool explained = false;
};

// Late dossiers (resolved after due, or open past due) received in [from_ms, to_ms).
// `only_unexplained` keeps those with no row in late_explanations.
Result<std::vector<LateFinding>> late_dossiers(store::Database& db, const calendar::DeadlineCalculator& calc,
                                               int64_t now_ms, int64_t from_ms, int64_t to_ms,
                                               bool only_unexplained);

struct WatchFinding {
  std::string dossier_code, procedure_code, agency_code;
  int status = 0;
  int64_t due_at_ms = 0;
  int64_t working_minutes_left = 0;  // 0 when overdue
  std::string timeliness;            // "at_risk" | "overdue"
};

// Open dossiers due within `at_risk_minutes` of office time, or overdue.
Result<std::vector<WatchFinding>> deadline_watch(store::Database& db,
                                                 const calendar::DeadlineCalculator& calc, int64_t now_ms,
                                                 int64_t at_risk_minutes);

// When processing of a resolved dossier finished: NgayKetThucXuLy, else NgayTra, else the
// time of its latest status.
int64_t completed_at(std::optional<int64_t> finished_at_ms, std::optional<int64_t> returned_at_ms,
                     int64_t status_at_ms);

}  // namespace lienthong::kpi
