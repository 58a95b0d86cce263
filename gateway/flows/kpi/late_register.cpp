#include "gateway/flows/kpi/late_register.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::kpi {

std::vector<store::Migration> LateRegister::migrations() {
  return {{"late_explanations", 1,
           "CREATE TABLE late_explanations ("
           " dossier_code TEXT PRIMARY KEY, reason TEXT NOT NULL, apology_ref TEXT NOT NULL,"
           " new_due_at_ms INTEGER, recorded_by TEXT NOT NULL, recorded_at_ms INTEGER NOT NULL)"}};
}

Status LateRegister::record(const LateExplanation& e) {
  if (e.reason.empty()) return Error(ErrorKind::kValidation, "the explanation needs a reason (--reason)");
  if (e.apology_ref.empty()) {
    return Error(ErrorKind::kValidation, "the explanation needs the apology letter reference (--apology)");
  }
  if (e.recorded_by.empty())
    return Error(ErrorKind::kValidation, "the explanation needs who recorded it (--by)");
  auto known = db_.query("SELECT 1 FROM dossiers WHERE dossier_code = ?", {e.dossier_code});
  if (!known.ok()) return known.error();
  if (known->empty()) {
    return Error(ErrorKind::kNotFound, "dossier " + e.dossier_code +
                                           " is not in the gateway's store; check the code or sync it first");
  }
  auto r = db_.exec(
      "INSERT INTO late_explanations (dossier_code, reason, apology_ref, new_due_at_ms, recorded_by, "
      "recorded_at_ms)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_code) DO UPDATE SET reason = excluded.reason,"
      " apology_ref = excluded.apology_ref, new_due_at_ms = excluded.new_due_at_ms,"
      " recorded_by = excluded.recorded_by, recorded_at_ms = excluded.recorded_at_ms",
      {e.dossier_code, e.reason, e.apology_ref,
       e.new_due_at_ms ? store::Value(*e.new_due_at_ms) : store::Value(nullptr), e.recorded_by,
       e.recorded_at_ms});
  if (!r.ok()) return r.error();
  return {};
}

namespace {
constexpr const char* kColumns =
    "dossier_code, reason, apology_ref, new_due_at_ms, recorded_by, recorded_at_ms";
LateExplanation read(const store::Row& r) {
  LateExplanation e;
  e.dossier_code = r.str(0);
  e.reason = r.str(1);
  e.apology_ref = r.str(2);
  if (!r.is_null(3)) e.new_due_at_ms = r.i64(3);
  e.recorded_by = r.str(4);
  e.recorded_at_ms = r.i64(5);
  return e;
}

}  // namespace

Result<std::optional<LateExplanation>> LateRegister::get(const std::string& dossier_code) {
  auto rows = db_.query(std::string("SELECT ") + kColumns + " FROM late_explanations WHERE dossier_code = ?",
                        {dossier_code});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<LateExplanation>();
  return std::optional<LateExplanation>(read(rows->front()));
}

Result<std::vector<LateExplanation>> LateRegister::list(std::optional<int64_t> from_ms,
                                                        std::optional<int64_t> to_ms) {
  auto rows = db_.query(std::string("SELECT ") + kColumns +
                            " FROM late_explanations WHERE recorded_at_ms >= ? AND recorded_at_ms < ?"
                            " ORDER BY recorded_at_ms, dossier_code",
                        {from_ms.value_or(INT64_MIN), to_ms.value_or(INT64_MAX)});
  if (!rows.ok()) return rows.error();
  std::vector<LateExplanation> out;
  for (auto& r : *rows) out.push_back(read(r));
  return out;
}

std::string to_csv(const std::vector<LateExplanation>& rows) {
  std::string out = "dossier_code,reason,apology_ref,new_due_at,recorded_by,recorded_at\r\n";
  for (auto& e : rows) {
    out += csv_row({e.dossier_code, e.reason, e.apology_ref,
                    e.new_due_at_ms ? vn_time::format_iso(*e.new_due_at_ms) : "", e.recorded_by,
                    vn_time::format_iso(e.recorded_at_ms)},
                   "\r\n");
  }
  return out;
}

std::string to_json(const std::vector<LateExplanation>& rows) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("explanations");
  w.StartArray();
  for (auto& e : rows) {
    w.StartObject();
    w.Key("dossier_code");
    w.String(e.dossier_code.c_str());
    w.Key("reason");
    w.String(e.reason.c_str());
    w.Key("apology_ref");
    w.String(e.apology_ref.c_str());
    w.Key("new_due_at");
    if (e.new_due_at_ms) {
      w.String(vn_time::format_iso(*e.new_due_at_ms).c_str());
    } else {
      w.Null();
    }
    w.Key("recorded_by");
    w.String(e.recorded_by.c_str());
    w.Key("recorded_at");
    w.String(vn_time::format_iso(e.recorded_at_ms).c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace lienthong::kpi
