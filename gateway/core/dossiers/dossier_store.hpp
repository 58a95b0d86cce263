// Hồ sơ (dossier) state as the gateway has seen it: every accepted status event in
// order (dossier_events) and the latest view of each dossier (dossiers), which the KPI
// and deadline monitors read. Sync and webhooks record through this one class.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::dossiers {

enum class RecordOutcome {
  kInserted,   // new event, stored
  kDuplicate,  // the same event (same key, same content) was stored before
};

// The latest view of one dossier (table `dossiers`). No personal data is kept here.
struct DossierRow {
  std::string dossier_code, source, procedure_code, procedure_name, field_code;
  int channel = 0, owner_type = 0;
  std::string agency_code, agency_level;
  int64_t received_at_ms = 0, due_at_ms = 0;
  std::optional<int64_t> returned_at_ms, finished_at_ms;
  int status = 0;
  int64_t status_at_ms = 0;
  int last_sequence = 0;
  bool online_payment = false, digitised = false;
  int64_t fee_total_vnd = 0;
  int64_t updated_at_ms = 0;
};

// Where a dossier's view stands: what the sync flow checks a pulled history against.
struct DossierPosition {
  int last_sequence = 0;
  int status = 0;
  int64_t status_at_ms = 0;
};

class DossierStore {
 public:
  explicit DossierStore(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // Stores one event (joins the caller's transaction). The same (dossier, sequence)
  // with the same content is kDuplicate; with other content, kConflict. The dossier view
  // moves forward only: an event older than the latest one is kept in the history but
  // does not overwrite the view.
  Result<RecordOutcome> record(const model::DossierStatusEvent& e, int64_t now_ms);
  // Same, with `payload` = model::to_json_string(e) already made by the caller (the sync
  // flow needs it for the outbox too; serialising twice was a visible share of a pull).
  Result<RecordOutcome> record(const model::DossierStatusEvent& e, const std::string& payload,
                               int64_t now_ms);
  // Same; with update_view_now false the dossier view is left to a later update_view()
  // (the sync flow updates it once per dossier and page, from its latest new event).
  Result<RecordOutcome> record(const model::DossierStatusEvent& e, const std::string& payload, int64_t now_ms,
                               bool update_view_now);
  // Moves the dossier view (table dossiers) to `e` if it is later than what it shows.
  Status update_view(const model::DossierStatusEvent& e, int64_t now_ms);

  // Status of the latest stored event, if any.
  Result<std::optional<int>> last_status(const std::string& dossier_code);
  Result<std::optional<int>> last_sequence(const std::string& dossier_code);
  Result<std::optional<DossierRow>> get(const std::string& dossier_code);
  // The view's sequence, status and status time only (read for every pulled dossier).
  Result<std::optional<DossierPosition>> position(const std::string& dossier_code);
  // Events of one dossier in sequence order (canonical JSON parsed back).
  Result<std::vector<model::DossierStatusEvent>> history(const std::string& dossier_code);
  // Dossiers received in [from_ms, to_ms).
  Result<std::vector<DossierRow>> received_between(int64_t from_ms, int64_t to_ms);
  Result<int64_t> count_events();

 private:
  store::Database& db_;
};

DossierRow row_from_event(const model::DossierStatusEvent& e, int64_t now_ms);

}  // namespace lienthong::dossiers
