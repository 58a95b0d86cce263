#include "gateway/core/dossiers/dossier_store.hpp"

#include "gateway/core/dossiers/quarantine.hpp"

namespace lienthong::dossiers {

using store::Params;
using store::Row;

std::vector<store::Migration> DossierStore::migrations() {
  return {{"dossiers", 1,
           "CREATE TABLE dossiers ("
           " dossier_code TEXT PRIMARY KEY, source TEXT NOT NULL, procedure_code TEXT NOT NULL,"
           " procedure_name TEXT NOT NULL, field_code TEXT NOT NULL, channel INTEGER NOT NULL,"
           " owner_type INTEGER NOT NULL, agency_code TEXT NOT NULL, agency_level TEXT NOT NULL,"
           " received_at_ms INTEGER NOT NULL, due_at_ms INTEGER NOT NULL, returned_at_ms INTEGER,"
           " finished_at_ms INTEGER, status INTEGER NOT NULL, status_at_ms INTEGER NOT NULL,"
           " last_sequence INTEGER NOT NULL, online_payment INTEGER NOT NULL, digitised INTEGER NOT NULL,"
           " fee_total_vnd INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);"
           "CREATE INDEX dossiers_received ON dossiers (received_at_ms);"
           "CREATE TABLE dossier_events ("
           " dossier_code TEXT NOT NULL, sequence INTEGER NOT NULL, status INTEGER NOT NULL,"
           " status_at_ms INTEGER NOT NULL, source TEXT NOT NULL, payload TEXT NOT NULL,"
           " recorded_at_ms INTEGER NOT NULL, PRIMARY KEY (dossier_code, sequence));"},
          // The KPI reads the dossiers received in a period OR resolved in it (compute_kpi):
          // with this index the second half is a range too, not a scan of every dossier.
          // The expression must stay word for word the one in the KPI query.
          {"dossiers", 2,
           "CREATE INDEX dossiers_resolved ON dossiers ((COALESCE(finished_at_ms, returned_at_ms, "
           "status_at_ms))) WHERE status IN (9, 10)"}};
}

DossierRow row_from_event(const model::DossierStatusEvent& e, int64_t now_ms) {
  DossierRow r;
  r.dossier_code = e.dossier_code;
  r.source = e.source;
  r.procedure_code = e.procedure_code;
  r.procedure_name = e.procedure_name;
  r.field_code = e.field_code;
  r.channel = e.channel;
  r.owner_type = e.owner_type;
  r.agency_code = e.agency_code;
  r.agency_level = e.agency_level;
  r.received_at_ms = e.received_at_ms;
  r.due_at_ms = e.due_at_ms;
  r.returned_at_ms = e.returned_at_ms;
  r.finished_at_ms = e.finished_at_ms;
  r.status = e.status;
  r.status_at_ms = e.status_at_ms;
  r.last_sequence = e.sequence;
  r.online_payment = e.online_payment;
  r.digitised = e.digitised;
  for (auto& f : e.fees) r.fee_total_vnd += f.amount_vnd;
  r.updated_at_ms = now_ms;
  return r;
}

namespace {
store::Value opt(const std::optional<int64_t>& v) {
  return v ? store::Value(*v) : store::Value(nullptr);
}
std::optional<int64_t> opt_col(const Row& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional<int64_t>(r.i64(i));
}
constexpr const char* kRowColumns =
    "dossier_code, source, procedure_code, procedure_name, field_code, channel, owner_type, agency_code,"
    " agency_level, received_at_ms, due_at_ms, returned_at_ms, finished_at_ms, status, status_at_ms,"
    " last_sequence, online_payment, digitised, fee_total_vnd, updated_at_ms";

DossierRow read_row(const Row& r) {
  DossierRow d;
  d.dossier_code = r.str(0);
  d.source = r.str(1);
  d.procedure_code = r.str(2);
  d.procedure_name = r.str(3);
  d.field_code = r.str(4);
  d.channel = static_cast<int>(r.i64(5));
  d.owner_type = static_cast<int>(r.i64(6));
  d.agency_code = r.str(7);
  d.agency_level = r.str(8);
  d.received_at_ms = r.i64(9);
  d.due_at_ms = r.i64(10);
  d.returned_at_ms = opt_col(r, 11);
  d.finished_at_ms = opt_col(r, 12);
  d.status = static_cast<int>(r.i64(13));
  d.status_at_ms = r.i64(14);
  d.last_sequence = static_cast<int>(r.i64(15));
  d.online_payment = r.i64(16) != 0;
  d.digitised = r.i64(17) != 0;
  d.fee_total_vnd = r.i64(18);
  d.updated_at_ms = r.i64(19);
  return d;
}
}  // namespace

Result<RecordOutcome> DossierStore::record(const model::DossierStatusEvent& e, int64_t now_ms) {
  return record(e, model::to_json_string(e), now_ms);
}

Result<RecordOutcome> DossierStore::record(const model::DossierStatusEvent& e, const std::string& payload,
                                           int64_t now_ms) {
  return record(e, payload, now_ms, true);
}

Result<RecordOutcome> DossierStore::record(const model::DossierStatusEvent& e, const std::string& payload,
                                           int64_t now_ms, bool update_view_now) {
  RecordOutcome outcome = RecordOutcome::kInserted;
  Status s = db_.transaction([&]() -> Status {
    // Insert first and look only on a conflict: new events are the common case, and a
    // SELECT before every INSERT was a third of the cost of recording one.
    LT_ASSIGN_OR_RETURN(
        int64_t inserted,
        db_.exec(
            "INSERT INTO dossier_events (dossier_code, sequence, status, status_at_ms, source, payload,"
            " recorded_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_code, sequence) DO NOTHING",
            {std::string_view(e.dossier_code), static_cast<int64_t>(e.sequence),
             static_cast<int64_t>(e.status), e.status_at_ms, std::string_view(e.source),
             std::string_view(payload), now_ms}));
    if (inserted == 0) {
      LT_ASSIGN_OR_RETURN(
          auto existing,
          db_.query("SELECT payload FROM dossier_events WHERE dossier_code = ? AND sequence = ?",
                    {e.dossier_code, static_cast<int64_t>(e.sequence)}));
      if (!existing.empty() && existing[0].str(0) == payload) {
        outcome = RecordOutcome::kDuplicate;
        return {};
      }
      return Error(ErrorKind::kConflict, "dossier " + e.dossier_code + " event " +
                                             std::to_string(e.sequence) +
                                             " was already recorded with different content");
    }
    if (update_view_now) LT_TRY(update_view(e, now_ms));
    return {};
  });
  if (!s.ok()) return s.error();
  return outcome;
}

Status DossierStore::update_view(const model::DossierStatusEvent& e, int64_t now_ms) {
  // Upsert that only moves forward in sequence; the text is built once (this runs for
  // every dossier of every pulled page).
  static const std::string kUpsert =
      std::string("INSERT INTO dossiers (") + kRowColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (dossier_code) DO UPDATE SET source = excluded.source,"
      " procedure_code = excluded.procedure_code, procedure_name = excluded.procedure_name,"
      " field_code = excluded.field_code, channel = excluded.channel, owner_type = excluded.owner_type,"
      " agency_code = excluded.agency_code, agency_level = excluded.agency_level,"
      " received_at_ms = excluded.received_at_ms, due_at_ms = excluded.due_at_ms,"
      " returned_at_ms = excluded.returned_at_ms, finished_at_ms = excluded.finished_at_ms,"
      " status = excluded.status, status_at_ms = excluded.status_at_ms,"
      " last_sequence = excluded.last_sequence, online_payment = excluded.online_payment,"
      " digitised = excluded.digitised, fee_total_vnd = excluded.fee_total_vnd,"
      " updated_at_ms = excluded.updated_at_ms"
      " WHERE excluded.last_sequence > dossiers.last_sequence";
  // The row_from_event() values, taken from the event directly (not copied twice).
  int64_t fee_total_vnd = 0;
  for (auto& f : e.fees) fee_total_vnd += f.amount_vnd;
  // Text bound where it lies in the event (views): no copy of each string per upsert.
  LT_TRY(db_.exec(kUpsert, {std::string_view(e.dossier_code),
                            std::string_view(e.source),
                            std::string_view(e.procedure_code),
                            std::string_view(e.procedure_name),
                            std::string_view(e.field_code),
                            static_cast<int64_t>(e.channel),
                            static_cast<int64_t>(e.owner_type),
                            std::string_view(e.agency_code),
                            std::string_view(e.agency_level),
                            e.received_at_ms,
                            e.due_at_ms,
                            opt(e.returned_at_ms),
                            opt(e.finished_at_ms),
                            static_cast<int64_t>(e.status),
                            e.status_at_ms,
                            static_cast<int64_t>(e.sequence),
                            static_cast<int64_t>(e.online_payment),
                            static_cast<int64_t>(e.digitised),
                            fee_total_vnd,
                            now_ms}));
  return {};
}

Result<std::optional<int>> DossierStore::last_status(const std::string& code) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT status FROM dossier_events WHERE dossier_code = ?"
                                           " ORDER BY sequence DESC LIMIT 1",
                                           {code}));
  if (rows.empty()) return std::optional<int>();
  return std::optional<int>(static_cast<int>(rows[0].i64(0)));
}

Result<std::optional<int>> DossierStore::last_sequence(const std::string& code) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query("SELECT max(sequence) FROM dossier_events WHERE dossier_code = ?", {code}));
  if (rows.empty() || rows[0].is_null(0)) return std::optional<int>();
  return std::optional<int>(static_cast<int>(rows[0].i64(0)));
}

Result<std::optional<DossierRow>> DossierStore::get(const std::string& code) {
  LT_ASSIGN_OR_RETURN(
      auto rows,
      db_.query(std::string("SELECT ") + kRowColumns + " FROM dossiers WHERE dossier_code = ?", {code}));
  if (rows.empty()) return std::optional<DossierRow>();
  return std::optional<DossierRow>(read_row(rows[0]));
}

Result<std::optional<DossierPosition>> DossierStore::position(const std::string& code) {
  LT_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT last_sequence, status, status_at_ms FROM dossiers WHERE dossier_code = ?",
                           {std::string_view(code)}));
  if (rows.empty()) return std::optional<DossierPosition>();
  return std::optional<DossierPosition>(
      DossierPosition{static_cast<int>(rows[0].i64(0)), static_cast<int>(rows[0].i64(1)), rows[0].i64(2)});
}

Result<std::vector<model::DossierStatusEvent>> DossierStore::history(const std::string& code) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT payload FROM dossier_events WHERE dossier_code = ?"
                                           " ORDER BY sequence",
                                           {code}));
  std::vector<model::DossierStatusEvent> out;
  for (auto& r : rows) {
    LT_ASSIGN_OR_RETURN(auto e, model::from_json_string(r.str(0)));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<DossierRow>> DossierStore::received_between(int64_t from_ms, int64_t to_ms) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query(std::string("SELECT ") + kRowColumns +
                                    " FROM dossiers WHERE received_at_ms >= ? AND received_at_ms < ?"
                                    " ORDER BY received_at_ms, dossier_code",
                                {from_ms, to_ms}));
  std::vector<DossierRow> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(read_row(r));
  return out;
}

Result<int64_t> DossierStore::count_events() {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT count(*) FROM dossier_events"));
  return rows[0].i64(0);
}

// ---------------------------------------------------------------------------------------

std::vector<store::Migration> Quarantine::migrations() {
  return {{"quarantine", 1,
           "CREATE TABLE quarantine ("
           " id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, record_key TEXT NOT NULL,"
           " reason_kind TEXT NOT NULL, reason TEXT NOT NULL, payload TEXT NOT NULL,"
           " quarantined_at_ms INTEGER NOT NULL, released_at_ms INTEGER NOT NULL DEFAULT 0,"
           " UNIQUE (source, record_key));"}};
}

Result<int64_t> Quarantine::put(const std::string& source, const std::string& key, const Error& reason,
                                const std::string& payload, int64_t now_ms) {
  int64_t id = 0;
  Status s = db_.transaction([&]() -> Status {
    LT_TRY(db_.exec(
        "INSERT INTO quarantine (source, record_key, reason_kind, reason, payload, quarantined_at_ms)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, record_key) DO UPDATE SET"
        " reason_kind = excluded.reason_kind, reason = excluded.reason, payload = excluded.payload,"
        " released_at_ms = 0",
        {source, key, std::string(to_string(reason.kind)), reason.message, payload, now_ms}));
    LT_ASSIGN_OR_RETURN(
        auto rows, db_.query("SELECT id FROM quarantine WHERE source = ? AND record_key = ?", {source, key}));
    id = rows.at(0).i64(0);
    return {};
  });
  if (!s.ok()) return s.error();
  return id;
}

namespace {
QuarantinedRecord read_q(const Row& r) {
  return {r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.i64(6), r.i64(7)};
}
constexpr const char* kQColumns =
    "id, source, record_key, reason_kind, reason, payload, quarantined_at_ms, released_at_ms";
}  // namespace

Result<std::vector<QuarantinedRecord>> Quarantine::list(const std::string& source, bool include_released,
                                                        int64_t limit) {
  std::string sql = std::string("SELECT ") + kQColumns + " FROM quarantine WHERE (? = '' OR source = ?)";
  if (!include_released) sql += " AND released_at_ms = 0";
  sql += " ORDER BY id LIMIT ?";
  LT_ASSIGN_OR_RETURN(auto rows, db_.query(sql, {source, source, limit}));
  std::vector<QuarantinedRecord> out;
  for (auto& r : rows) out.push_back(read_q(r));
  return out;
}

Result<std::optional<QuarantinedRecord>> Quarantine::get(int64_t id) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query(std::string("SELECT ") + kQColumns + " FROM quarantine WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<QuarantinedRecord>();
  return std::optional<QuarantinedRecord>(read_q(rows[0]));
}

Result<bool> Quarantine::contains(const std::string& source, const std::string& key) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT 1 FROM quarantine WHERE source = ? AND record_key = ?"
                                           " AND released_at_ms = 0",
                                           {source, key}));
  return !rows.empty();
}

Status Quarantine::release(int64_t id, int64_t now_ms) {
  LT_ASSIGN_OR_RETURN(
      int64_t n,
      db_.exec("UPDATE quarantine SET released_at_ms = ? WHERE id = ? AND released_at_ms = 0", {now_ms, id}));
  if (n == 0)
    return Error(ErrorKind::kNotFound,
                 "quarantine entry " + std::to_string(id) + " not found or already released");
  return {};
}

Result<int64_t> Quarantine::count(const std::string& source) {
  LT_ASSIGN_OR_RETURN(
      auto rows,
      db_.query("SELECT count(*) FROM quarantine WHERE released_at_ms = 0 AND (? = '' OR source = ?)",
                {source, source}));
  return rows[0].i64(0);
}

}  // namespace lienthong::dossiers
