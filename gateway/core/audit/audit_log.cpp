#include "gateway/core/audit/audit_log.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::audit {
namespace {

constexpr char kColumns[] =
    "seq, at_ms, lookup_id, account, official, agency, purpose, dossier_code, result, subject, detail, "
    "prev_hash, entry_hash, credential, source, named_official";

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

AuditEntry from_row(const store::Row& r) {
  AuditEntry e;
  e.seq = r.i64(0);
  e.at_ms = r.i64(1);
  e.lookup_id = r.str(2);
  e.account = r.str(3);
  e.official = r.str(4);
  e.agency = r.str(5);
  e.purpose = r.str(6);
  e.dossier_code = r.str(7);
  e.result = r.str(8);
  e.subject = r.str(9);
  e.detail = r.str(10);
  e.prev_hash = r.str(11);
  e.entry_hash = r.str(12);
  e.credential = r.str(13);
  e.source = r.str(14);
  e.named_official = r.str(15);
  return e;
}

}  // namespace

std::string canonical_form(const AuditEntry& e) {
  // Member order is fixed and part of the format: changing it breaks every old chain.
  const bool v2 = !e.credential.empty() || !e.source.empty() || !e.named_official.empty();
  const std::string who = v2 ? ",\"credential\":" + q(e.credential) + ",\"source\":" + q(e.source) +
                                   ",\"named_official\":" + q(e.named_official)
                             : std::string();
  return std::string(v2 ? "{\"v\":2" : "{\"v\":1") + ",\"seq\":" + std::to_string(e.seq) +
         ",\"at_ms\":" + std::to_string(e.at_ms) + ",\"lookup_id\":" + q(e.lookup_id) +
         ",\"account\":" + q(e.account) + ",\"official\":" + q(e.official) + ",\"agency\":" + q(e.agency) +
         ",\"purpose\":" + q(e.purpose) + ",\"dossier_code\":" + q(e.dossier_code) +
         ",\"result\":" + q(e.result) + ",\"subject\":" + q(e.subject) + ",\"detail\":" + q(e.detail) + who +
         ",\"prev_hash\":" + q(e.prev_hash) + "}";
}

std::string compute_entry_hash(const AuditEntry& e) {
  return sha256_hex(canonical_form(e));
}

std::vector<std::pair<int64_t, std::string>> unfinished_intents(const std::vector<AuditEntry>& entries) {
  std::map<std::string, size_t> open;  // lookup_id -> index of its intent
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    if (e.result == kIntentResult) {
      open[e.lookup_id] = i;
    } else {
      open.erase(e.lookup_id);
    }
  }
  std::vector<std::pair<int64_t, std::string>> out;
  for (auto& [id, i] : open) out.emplace_back(entries[i].seq, id);
  std::sort(out.begin(), out.end());
  return out;
}

VerifyReport verify_chain(const std::vector<AuditEntry>& entries, bool from_genesis) {
  VerifyReport r;
  r.unfinished = unfinished_intents(entries);
  std::map<std::string, size_t> by_hash;
  for (size_t i = 0; i < entries.size(); ++i) by_hash.emplace(entries[i].entry_hash, i);
  auto broken = [&](const AuditEntry& e, std::string problem, std::string detail) {
    r.intact = false;
    r.first_broken_seq = e.seq;
    r.problem = std::move(problem);
    r.detail = "entry " + std::to_string(e.seq) + ": " + detail;
    return r;
  };
  std::string expected_prev = kGenesisHash;
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    // Numbers come from outside (an export, or a store someone could write): no
    // arithmetic on them may overflow.
    if (i == 0) {
      if (from_genesis && e.seq != 1) {
        return broken(e, "deleted",
                      e.seq > 1
                          ? "the log starts here; entries 1.." + std::to_string(e.seq - 1) + " are missing"
                          : std::string("the log starts here, not at entry 1"));
      }
      if (!from_genesis) expected_prev = e.prev_hash;
    } else if (const int64_t prev = entries[i - 1].seq; e.seq <= prev) {
      return broken(e, "reordered",
                    "it follows entry " + std::to_string(prev) + ": entry numbers must go up one by one");
    } else if (e.seq - 1 != prev) {
      return broken(e, "deleted",
                    "entries " + std::to_string(prev + 1) + ".." + std::to_string(e.seq - 1) +
                        " before it are missing");
    }
    bool self_ok = compute_entry_hash(e) == e.entry_hash;
    if (e.prev_hash != expected_prev) {
      auto it = by_hash.find(e.prev_hash);
      if (it != by_hash.end() && (i == 0 || it->second != i - 1)) {
        return broken(e, "reordered",
                      "its prev_hash is the hash of entry " + std::to_string(entries[it->second].seq) +
                          ", not of the entry before it: entries were moved");
      }
      if (!self_ok) return broken(e, "edited", "its contents do not match its hash");
      return broken(
          e, "deleted",
          "its prev_hash does not match the entry before it: an entry was removed, or the one before was "
          "edited and re-hashed");
    }
    if (!self_ok) return broken(e, "edited", "its contents do not match its hash");
    expected_prev = e.entry_hash;
    r.entries++;
    r.head_seq = e.seq;
    r.head_hash = e.entry_hash;
  }
  return r;
}

std::vector<store::Migration> AuditLog::migrations() {
  return {{"audit", 1,
           "CREATE TABLE citizen_audit ("
           " seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, lookup_id TEXT NOT NULL, account TEXT NOT NULL,"
           " official TEXT NOT NULL, agency TEXT NOT NULL, purpose TEXT NOT NULL, dossier_code TEXT NOT NULL,"
           " result TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL,"
           " entry_hash TEXT NOT NULL);"
           "CREATE INDEX citizen_audit_at ON citizen_audit (at_ms)"},
          {"audit", 2,
           "ALTER TABLE citizen_audit ADD COLUMN credential TEXT NOT NULL DEFAULT '';"
           "ALTER TABLE citizen_audit ADD COLUMN source TEXT NOT NULL DEFAULT '';"
           "ALTER TABLE citizen_audit ADD COLUMN named_official TEXT NOT NULL DEFAULT ''"},
          // The console shows the actions on one record (lookup_id "outbox:12", ...).
          {"audit", 3, "CREATE INDEX citizen_audit_lookup ON citizen_audit (lookup_id)"}};
}

Result<AuditEntry> AuditLog::append(AuditEntry e) {
  Status st = db_.transaction([&]() -> Status {
    // Several instances on one PostgreSQL: appends queue here instead of two reading the
    // same head (one would then fail on the seq key). SQLite serialises writers anyway.
    if (db_.backend() == "postgresql") LT_TRY(db_.exec("LOCK TABLE citizen_audit IN EXCLUSIVE MODE"));
    LT_ASSIGN_OR_RETURN(store::Rows head,
                        db_.query("SELECT seq, entry_hash FROM citizen_audit ORDER BY seq DESC LIMIT 1"));
    e.seq = head.empty() ? 1 : head[0].i64(0) + 1;
    e.prev_hash = head.empty() ? kGenesisHash : head[0].str(1);
    e.entry_hash = compute_entry_hash(e);
    LT_TRY(db_.exec(
        std::string("INSERT INTO citizen_audit (") + kColumns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {e.seq, e.at_ms, e.lookup_id, e.account, e.official, e.agency, e.purpose, e.dossier_code, e.result,
         e.subject, e.detail, e.prev_hash, e.entry_hash, e.credential, e.source, e.named_official}));
    return {};
  });
  if (!st.ok()) return st.error().context("appending to the citizen lookup audit log");
  return e;
}

Result<std::vector<AuditEntry>> AuditLog::all() {
  LT_ASSIGN_OR_RETURN(store::Rows rows,
                      db_.query(std::string("SELECT ") + kColumns + " FROM citizen_audit ORDER BY seq"));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<std::vector<AuditEntry>> AuditLog::after(int64_t after_seq) {
  LT_ASSIGN_OR_RETURN(store::Rows rows, db_.query(std::string("SELECT ") + kColumns +
                                                      " FROM citizen_audit WHERE seq > ? ORDER BY seq",
                                                  {after_seq}));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<std::vector<AuditEntry>> AuditLog::range(int64_t from_ms, int64_t to_ms) {
  LT_ASSIGN_OR_RETURN(store::Rows rows,
                      db_.query(std::string("SELECT ") + kColumns +
                                    " FROM citizen_audit WHERE at_ms >= ? AND at_ms < ? ORDER BY seq",
                                {from_ms, to_ms}));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<std::vector<AuditEntry>> AuditLog::range_of_accounts(int64_t from_ms, int64_t to_ms) {
  LT_ASSIGN_OR_RETURN(
      store::Rows rows,
      db_.query(std::string("SELECT ") + kColumns +
                    " FROM citizen_audit WHERE at_ms >= ? AND at_ms < ? AND account <> '-' ORDER BY seq",
                {from_ms, to_ms}));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<std::vector<AuditEntry>> AuditLog::of_lookup_id(const std::string& lookup_id) {
  LT_ASSIGN_OR_RETURN(store::Rows rows, db_.query(std::string("SELECT ") + kColumns +
                                                      " FROM citizen_audit WHERE lookup_id = ? ORDER BY seq",
                                                  {lookup_id}));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<VerifyReport> AuditLog::verify() {
  LT_ASSIGN_OR_RETURN(auto entries, all());
  return verify_chain(entries, true);
}

std::string to_json_line(const AuditEntry& e) {
  return "{\"seq\":" + std::to_string(e.seq) + ",\"at\":" + q(vn_time::format_iso(e.at_ms)) +
         ",\"at_ms\":" + std::to_string(e.at_ms) + ",\"lookup_id\":" + q(e.lookup_id) +
         ",\"account\":" + q(e.account) + ",\"official\":" + q(e.official) + ",\"agency\":" + q(e.agency) +
         ",\"purpose\":" + q(e.purpose) + ",\"dossier_code\":" + q(e.dossier_code) +
         ",\"result\":" + q(e.result) + ",\"subject\":" + q(e.subject) + ",\"detail\":" + q(e.detail) +
         ",\"credential\":" + q(e.credential) + ",\"source\":" + q(e.source) +
         ",\"named_official\":" + q(e.named_official) + ",\"prev_hash\":" + q(e.prev_hash) +
         ",\"entry_hash\":" + q(e.entry_hash) + "}";
}

Result<AuditEntry> from_json_line(std::string_view line) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document d, json::parse(line, "audit export line"));
  AuditEntry e;
  auto seq = json::get_int(d, "seq");
  auto at = json::get_int(d, "at_ms");
  if (!seq || !at) return Error(ErrorKind::kParse, "audit export line: missing integer seq or at_ms");
  e.seq = *seq;
  e.at_ms = *at;
  struct {
    const char* name;
    std::string* out;
  } fields[] = {{"lookup_id", &e.lookup_id}, {"account", &e.account},      {"official", &e.official},
                {"agency", &e.agency},       {"purpose", &e.purpose},      {"dossier_code", &e.dossier_code},
                {"result", &e.result},       {"subject", &e.subject},      {"detail", &e.detail},
                {"prev_hash", &e.prev_hash}, {"entry_hash", &e.entry_hash}};
  for (auto& f : fields) {
    auto v = json::get_string(d, f.name);
    if (!v) return Error(ErrorKind::kParse, std::string("audit export line: missing string ") + f.name);
    *f.out = *v;
  }
  // Absent from exports of v1 entries.
  e.credential = json::get_string(d, "credential").value_or("");
  e.source = json::get_string(d, "source").value_or("");
  e.named_official = json::get_string(d, "named_official").value_or("");
  return e;
}

std::string csv_header() {
  return "seq,at,at_ms,lookup_id,account,official,agency,purpose,dossier_code,result,subject,detail,prev_"
         "hash,entry_hash,credential,source,named_official\r\n";
}

std::string to_csv_row(const AuditEntry& e) {
  return csv_row({std::to_string(e.seq), vn_time::format_iso(e.at_ms), std::to_string(e.at_ms), e.lookup_id,
                  e.account, e.official, e.agency, e.purpose, e.dossier_code, e.result, e.subject, e.detail,
                  e.prev_hash, e.entry_hash, e.credential, e.source, e.named_official},
                 "\r\n");
}

std::string report_json(const VerifyReport& r) {
  std::string out = "{\"intact\":" + std::string(r.intact ? "true" : "false") +
                    ",\"entries_verified\":" + std::to_string(r.entries) +
                    ",\"head_seq\":" + std::to_string(r.head_seq) + ",\"head_hash\":" + q(r.head_hash);
  out += ",\"unfinished\":[";
  for (size_t i = 0; i < r.unfinished.size(); ++i) {
    out += std::string(i ? "," : "") + "{\"seq\":" + std::to_string(r.unfinished[i].first) +
           ",\"lookup_id\":" + q(r.unfinished[i].second) + "}";
  }
  out += "]";
  if (!r.intact) {
    out += ",\"first_broken_seq\":" + std::to_string(r.first_broken_seq) + ",\"problem\":" + q(r.problem) +
           ",\"detail\":" + q(r.detail);
  }
  return out + "}";
}

std::string anchor_line(const Anchor& a) {
  return "{\"seq\":" + std::to_string(a.seq) + ",\"hash\":" + q(a.hash) +
         ",\"recorded_at\":" + q(a.recorded_at) +
         (a.signature.empty() ? "" : ",\"key_id\":" + q(a.key_id) + ",\"sig\":" + q(a.signature)) + "}";
}

Result<Anchor> parse_anchor_line(std::string_view line) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document d, json::parse(line, "audit anchor"));
  if (!d.IsObject()) return Error(ErrorKind::kParse, "audit anchor: not a JSON object");
  Anchor a;
  auto seq = json::get_int(d, "seq");
  auto hash = json::get_string(d, "hash");
  if (!seq || *seq < 1)
    return Error(ErrorKind::kParse, "audit anchor: 'seq' must be an integer of 1 or more");
  bool hex = hash && hash->size() == 64 && std::all_of(hash->begin(), hash->end(), [](char ch) {
               return std::isxdigit(static_cast<unsigned char>(ch));
             });
  if (!hex) return Error(ErrorKind::kParse, "audit anchor: 'hash' must be 64 hexadecimal digits");
  a.seq = *seq;
  a.hash = *hash;
  a.recorded_at = json::get_string(d, "recorded_at").value_or("");
  a.key_id = json::get_string(d, "key_id").value_or("");
  a.signature = json::get_string(d, "sig").value_or("");
  return a;
}

int64_t check_anchors(const std::vector<AuditEntry>& entries, bool whole_log,
                      const std::vector<Anchor>& anchors, VerifyReport& report) {
  if (!report.intact) return 0;
  const int64_t first = entries.empty() ? 0 : entries.front().seq;
  const int64_t last = entries.empty() ? 0 : entries.back().seq;
  auto when = [](const Anchor& a) { return a.recorded_at.empty() ? std::string() : " on " + a.recorded_at; };
  int64_t checked = 0;
  for (const Anchor& a : anchors) {
    if (whole_log && a.seq > last) {
      report.intact = false;
      report.first_broken_seq = last + 1;
      report.problem = "truncated";
      report.detail = "the log ends at entry " + std::to_string(last) + ", but entry " +
                      std::to_string(a.seq) + " was recorded as its head" + when(a) +
                      ": the newest entries were removed";
      return checked;
    }
    if (entries.empty() || a.seq < first || a.seq > last) continue;  // outside an exported segment
    // seq has no gaps in an intact run: the entry is at its offset.
    const AuditEntry& e = entries[static_cast<size_t>(a.seq - first)];
    ++checked;
    std::string recorded = a.hash;
    std::transform(recorded.begin(), recorded.end(), recorded.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (e.entry_hash != recorded) {
      report.intact = false;
      report.first_broken_seq = a.seq;
      report.problem = "rewritten";
      report.detail = "entry " + std::to_string(a.seq) + " has hash " + e.entry_hash + ", but " + a.hash +
                      " was recorded" + when(a) +
                      ": the log was rewritten from this entry or an earlier one, hashes included";
      return checked;
    }
  }
  return checked;
}

}  // namespace lienthong::audit
