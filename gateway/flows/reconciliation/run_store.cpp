#include "gateway/flows/reconciliation/run_store.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/report.hpp"

namespace lienthong::reconciliation {

std::vector<store::Migration> migrations() {
  return {
      {"reconciliation", 1,
       "CREATE TABLE recon_runs ("
       " id TEXT PRIMARY KEY, seq INTEGER NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,"
       " as_of TEXT NOT NULL, rules TEXT NOT NULL, inputs TEXT NOT NULL, summary TEXT NOT NULL,"
       " created_at_ms INTEGER NOT NULL);"
       "CREATE INDEX recon_runs_period ON recon_runs (period_from, period_to, seq);"
       "CREATE TABLE recon_items ("
       " run_id TEXT NOT NULL, item_key TEXT NOT NULL, reason TEXT NOT NULL, reference TEXT, dossier TEXT,"
       " agency TEXT, portal_amount INTEGER, bank_amount INTEGER, treasury_amount INTEGER,"
       " obligation_amount INTEGER, refund_amount INTEGER NOT NULL, item_date TEXT, detail TEXT,"
       " PRIMARY KEY (run_id, item_key));"
       "CREATE TABLE recon_refunds ("
       " refund_key TEXT PRIMARY KEY, reference TEXT, dossier TEXT, agency TEXT, amount INTEGER NOT NULL,"
       " reason TEXT NOT NULL, state TEXT NOT NULL, opened_run TEXT, instructed_run TEXT, refunded_run TEXT,"
       " updated_at_ms INTEGER NOT NULL)"},
      {"reconciliation", 2,
       "CREATE TABLE recon_callbacks ("
       " reference TEXT PRIMARY KEY, dossier TEXT, agency TEXT, amount INTEGER NOT NULL,"
       " paid_at_ms INTEGER NOT NULL, paid_day TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
       " received_at_ms INTEGER NOT NULL);"
       "CREATE INDEX recon_callbacks_day ON recon_callbacks (paid_day)"},
      // MaThamChieu: the confirmation joins its INIT record (dossier, agency) through it.
      {"reconciliation", 3, "ALTER TABLE recon_callbacks ADD COLUMN partner_ref TEXT NOT NULL DEFAULT ''"},
      // The scheduled runs of `serve` form a series whose periods roll from run to run.
      {"reconciliation", 4, "ALTER TABLE recon_runs ADD COLUMN series TEXT NOT NULL DEFAULT ''"}};
}

Result<InputChecksum> checksum_file(const std::string& name, const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) {
    return make_error(ErrorKind::kNotFound,
                      "cannot open " + name + " input " + path + ": " + std::strerror(errno));
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  InputChecksum c{name, path, "", 0};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    c.bytes += n;
  }
  if (std::ferror(f.get())) return make_error(ErrorKind::kInternal, "read error on " + path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* kHex = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    c.sha256.push_back(kHex[md[i] >> 4]);
    c.sha256.push_back(kHex[md[i] & 15]);
  }
  return c;
}

std::string compute_run_id(const RunInfo& info) {
  // Paths are left out on purpose: the same bytes moved elsewhere are the same input.
  std::string s = vn_time::format_date(info.from) + "|" + vn_time::format_date(info.to) + "|" +
                  vn_time::format_date(info.as_of) + "|" + info.rules;
  for (const auto& in : info.inputs) s += "|" + in.name + "=" + in.sha256;
  return "R" + sha256_hex(s).substr(0, 31);
}

namespace {

store::Value opt(const std::optional<Vnd>& v) {
  if (v) return *v;
  return nullptr;
}

std::string inputs_json(const std::vector<InputChecksum>& inputs) {
  std::string s = "[";
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) s += ",";
    s += "{\"name\":\"" + json_escape_text(inputs[i].name) + "\",\"path\":\"" +
         json_escape_text(inputs[i].path) + "\",\"sha256\":\"" + inputs[i].sha256 +
         "\",\"bytes\":" + std::to_string(inputs[i].bytes) + "}";
  }
  return s + "]";
}

Refund refund_from_row(const store::Row& r) {
  Refund f;
  f.key = r.str(0);
  f.reference = r.str(1);
  f.dossier = r.str(2);
  f.agency = r.str(3);
  f.amount = r.i64(4);
  f.reason = r.str(5);
  f.state = r.str(6);
  f.opened_run = r.str(7);
  f.instructed_run = r.str(8);
  f.refunded_run = r.str(9);
  return f;
}

constexpr const char* kRefundColumns =
    "refund_key, reference, dossier, agency, amount, reason, state, opened_run, instructed_run, refunded_run";

}  // namespace

Result<SavedRun> RunStore::save(RunInfo& info, const RunResult& result) {
  if (info.id.empty()) info.id = compute_run_id(info);
  SavedRun saved;
  const int64_t now = clock_.now_ms();
  Status st = db_.transaction([&]() -> Status {
    // seq is MAX(seq) + 1: on a PostgreSQL shared by instances, one run saved at a time.
    if (db_.backend() == "postgresql") LT_TRY(db_.exec("LOCK TABLE recon_runs IN EXCLUSIVE MODE"));
    LT_ASSIGN_OR_RETURN(auto existing,
                        db_.query("SELECT created_at_ms FROM recon_runs WHERE id = ?", {info.id}));
    if (!existing.empty()) {
      saved.reused = true;
      info.created_at_ms = existing[0].i64(0);
    } else {
      LT_TRY(insert_run(info, result, now));
    }
    return settle_refunds(info, result, now, saved);
  });
  if (!st.ok()) return st.error().context("storing reconciliation run " + info.id);
  auto d = diff(info.id);
  if (!d.ok()) return d.error();
  saved.diff = std::move(d).value();
  return saved;
}

Status RunStore::insert_run(RunInfo& info, const RunResult& result, int64_t now) {
  info.created_at_ms = now;
  LT_TRY(
      db_.exec("INSERT INTO recon_runs (id, seq, period_from, period_to, as_of, rules, inputs, summary, "
               "created_at_ms, series)"
               " VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM recon_runs), ?, ?, ?, ?, ?, ?, ?, ?)",
               {info.id, vn_time::format_date(info.from), vn_time::format_date(info.to),
                vn_time::format_date(info.as_of), info.rules, inputs_json(info.inputs),
                summary_json(result.summary), now, info.series}));
  for (const auto& it : result.items) {
    LT_TRY(db_.exec(
        "INSERT INTO recon_items (run_id, item_key, reason, reference, dossier, agency, portal_amount,"
        " bank_amount, treasury_amount, obligation_amount, refund_amount, item_date, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, item_key) DO NOTHING",
        {info.id, it.key, std::string(to_string(it.reason)), it.reference, it.dossier, it.agency,
         opt(it.portal_amount), opt(it.bank_amount), opt(it.treasury_amount), opt(it.obligation_amount),
         it.refund_amount, it.date, it.detail}));
  }
  return {};
}

Status RunStore::settle_refunds(const RunInfo& info, const RunResult& result, int64_t now, SavedRun& saved) {
  for (const auto& it : result.items) {
    if (it.refund_amount <= 0) continue;
    LT_TRY(
        db_.exec("INSERT INTO recon_refunds (refund_key, reference, dossier, agency, amount, reason, state, "
                 "opened_run,"
                 " updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, 'due', ?, ?) ON CONFLICT (refund_key) DO NOTHING",
                 {it.reference, it.reference, it.dossier, it.agency, it.refund_amount,
                  std::string(to_string(it.reason)), info.id, now}));
  }
  for (const auto& rc : result.refund_credits) {
    LT_TRY(
        db_.exec("UPDATE recon_refunds SET state = 'refunded', refunded_run = ?, updated_at_ms = ?"
                 " WHERE refund_key = ? AND state <> 'refunded'",
                 {info.id, now, rc.reference}));
  }
  LT_TRY(
      db_.exec("UPDATE recon_refunds SET state = 'instructed', instructed_run = ?, updated_at_ms = ? WHERE "
               "state = ?",
               {info.id, now, std::string(refunds_need_approval_ ? "approved" : "due")}));
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query(std::string("SELECT ") + kRefundColumns +
                                    " FROM recon_refunds WHERE instructed_run = ? ORDER BY refund_key",
                                {info.id}));
  for (const auto& r : rows) saved.instructed.push_back(refund_from_row(r));
  return {};
}

Result<RunDiff> RunStore::diff(const std::string& run_id) {
  RunDiff out;
  LT_ASSIGN_OR_RETURN(
      auto me,
      db_.query("SELECT period_from, period_to, seq, series FROM recon_runs WHERE id = ?", {run_id}));
  if (me.empty()) return make_error(ErrorKind::kNotFound, "no reconciliation run " + run_id);
  const std::string period_from = me[0].str(0), series = me[0].str(3);
  store::Rows prev;
  if (series.empty()) {
    LT_ASSIGN_OR_RETURN(prev, db_.query("SELECT id FROM recon_runs WHERE period_from = ? AND period_to = ?"
                                        " AND series = '' AND seq < ? ORDER BY seq DESC LIMIT 1",
                                        {period_from, me[0].str(1), me[0].i64(2)}));
  } else {
    LT_ASSIGN_OR_RETURN(prev, db_.query("SELECT id FROM recon_runs WHERE series = ? AND seq < ?"
                                        " ORDER BY seq DESC LIMIT 1",
                                        {series, me[0].i64(2)}));
  }
  if (prev.empty()) return out;
  out.previous_run = prev[0].str(0);
  // key -> (reason, dossier, reference, item date)
  using Entry = std::tuple<ReasonCode, std::string, std::string, std::string>;
  auto load = [&](const std::string& id) -> Result<std::map<std::string, Entry>> {
    LT_ASSIGN_OR_RETURN(
        auto rows,
        db_.query("SELECT item_key, reason, dossier, reference, item_date FROM recon_items WHERE run_id = ?",
                  {id}));
    std::map<std::string, Entry> m;
    for (const auto& r : rows) {
      auto rc = reason_from_string(r.str(1));
      if (!rc) return make_error(ErrorKind::kStore, "unknown reason '" + r.str(1) + "' stored for run " + id);
      m.emplace(r.str(0), std::make_tuple(*rc, r.str(2), r.str(3), r.str(4)));
    }
    return m;
  };
  LT_ASSIGN_OR_RETURN(auto before, load(out.previous_run));
  LT_ASSIGN_OR_RETURN(auto after, load(run_id));
  for (const auto& [key, v] : before) {
    auto it = after.find(key);
    if (it == after.end()) {
      // In a series, an item dated before this run's period kept its final outcome: it left
      // the rolling window, it did not change. (ISO dates compare as strings.)
      const std::string& date = std::get<3>(v);
      if (!series.empty() && !date.empty() && date < period_from) continue;
      out.changes.push_back({key, std::get<0>(v), std::nullopt, std::get<1>(v), std::get<2>(v)});
    } else if (std::get<0>(it->second) != std::get<0>(v)) {
      out.changes.push_back({key, std::get<0>(v), std::get<0>(it->second), std::get<1>(v), std::get<2>(v)});
    }
  }
  for (const auto& [key, v] : after) {
    if (!before.count(key))
      out.changes.push_back({key, std::nullopt, std::get<0>(v), std::get<1>(v), std::get<2>(v)});
  }
  std::sort(out.changes.begin(), out.changes.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

Result<std::optional<SeriesTail>> RunStore::last_of_series(const std::string& series) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT id, period_to FROM recon_runs WHERE series = ?"
                                           " ORDER BY seq DESC LIMIT 1",
                                           {series}));
  if (rows.empty()) return std::optional<SeriesTail>();
  SeriesTail t;
  t.run_id = rows[0].str(0);
  auto to = vn_time::parse_date(rows[0].str(1));
  if (!to) return make_error(ErrorKind::kStore, "run " + t.run_id + " has an unreadable period_to");
  t.to = static_cast<Day>(*to);
  LT_ASSIGN_OR_RETURN(auto pending,
                      db_.query("SELECT item_date FROM recon_items WHERE run_id = ? AND reason = ?"
                                " ORDER BY item_date",
                                {t.run_id, std::string(to_string(ReasonCode::kPendingSettlement))}));
  for (const auto& r : pending) {
    auto d = vn_time::parse_date(r.str(0));
    if (!d) {
      return make_error(ErrorKind::kStore,
                        "run " + t.run_id + " has a pending item with an unreadable date '" + r.str(0) + "'");
    }
    t.pending_days.push_back(static_cast<Day>(*d));
  }
  return std::optional<SeriesTail>(std::move(t));
}

Result<std::vector<Refund>> RunStore::refunds(std::optional<std::string> state) {
  std::string sql = std::string("SELECT ") + kRefundColumns + " FROM recon_refunds";
  store::Params params;
  if (state) {
    sql += " WHERE state = ?";
    params.push_back(*state);
  }
  sql += " ORDER BY refund_key";
  LT_ASSIGN_OR_RETURN(auto rows, db_.query(sql, params));
  std::vector<Refund> out;
  for (const auto& r : rows) out.push_back(refund_from_row(r));
  return out;
}

Result<std::optional<Refund>> RunStore::refund(const std::string& refund_key) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query(std::string("SELECT ") + kRefundColumns +
                                               " FROM recon_refunds WHERE refund_key = ?",
                                           {refund_key}));
  if (rows.empty()) return std::optional<Refund>();
  return std::optional<Refund>(refund_from_row(rows[0]));
}

Result<bool> RunStore::approve_refund(const std::string& refund_key) {
  LT_ASSIGN_OR_RETURN(
      int64_t changed,
      db_.exec("UPDATE recon_refunds SET state = 'approved', updated_at_ms = ? WHERE refund_key = ? "
               "AND state = 'due'",
               {clock_.now_ms(), refund_key}));
  return changed == 1;
}

Result<std::vector<Refund>> RunStore::outstanding_refunds() {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query(std::string("SELECT ") + kRefundColumns +
                                " FROM recon_refunds WHERE state IN ('due', 'approved', 'instructed')"
                                " ORDER BY agency, refund_key"));
  std::vector<Refund> out;
  for (const auto& r : rows) out.push_back(refund_from_row(r));
  return out;
}

Result<int64_t> RunStore::item_count(const std::string& run_id) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT count(*) FROM recon_items WHERE run_id = ?", {run_id}));
  return rows[0].i64(0);
}

Result<int64_t> RunStore::run_count() {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT count(*) FROM recon_runs"));
  return rows[0].i64(0);
}

}  // namespace lienthong::reconciliation
